"""An image-search collection with several genuinely different images per category.

Built in memory from data that ships inside installed packages (nothing is downloaded):
handwritten digits (scikit-learn), faces and non-faces (scikit-image ``lfw_subset``), crops of
five texture and tissue photos and of the two views of a stereo pair (scikit-image). Queries
and collection never share pixels: other digits, other faces, crops from the other half of a
photo, crops from the other camera of the stereo pair.

Example:
    >>> import vectorkit as vk
    >>> c = vk.datasets.load_image_collection()
    >>> len(c.images), len(set(c.categories))
    (108, 18)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["ImageCollection", "load_image_collection", "COLLECTION_PER_CATEGORY",
           "QUERIES_PER_CATEGORY"]

COLLECTION_PER_CATEGORY = 6
QUERIES_PER_CATEGORY = 3

#: texture/tissue photos of scikit-image: category -> skimage.data function name
_TEXTURES = {"brick": "brick", "grass": "grass", "gravel": "gravel",
             "tissue": "immunohistochemistry", "galaxies": "hubble_deep_field"}
_SPLITS = ("collection", "queries")
_TAG = ("#", "query ")  # names: "digit 3 #2" in the collection, "digit 3 query 2" as a query


class ImageCollection(NamedTuple):
    """Result of :func:`load_image_collection`: images with a name, a category, a source."""

    images: list
    names: list
    categories: np.ndarray
    groups: np.ndarray
    sources: list

    def __len__(self) -> int:  # the number of images (not of fields)
        return len(self.images)

    def __repr__(self) -> str:
        return (f"ImageCollection({len(self.images)} images, "
                f"{len(set(self.categories.tolist()))} categories)")


def _rgb(gray01: np.ndarray, size: int) -> np.ndarray:
    """A grayscale image in [0, 1] -> RGB uint8, enlarged to ``size`` x ``size``."""
    from PIL import Image

    pil = Image.fromarray(np.round(np.clip(gray01, 0, 1) * 255).astype(np.uint8))
    pil = pil.resize((size, size), Image.Resampling.BILINEAR)
    return np.repeat(np.asarray(pil)[:, :, None], 3, axis=2)


def _grid_crops(img: np.ndarray, left: int, right: int, rows: int, cols: int) -> list:
    """Non-overlapping square crops on a ``rows`` x ``cols`` grid of columns [left, right)."""
    h, w = img.shape[0], right - left
    side = min(h // rows, w // cols)
    top0, left0 = (h - rows * side) // 2, left + (w - cols * side) // 2
    return [((top0 + r * side, left0 + c * side), img[top0 + r * side: top0 + (r + 1) * side,
                                                     left0 + c * side: left0 + (c + 1) * side])
            for r in range(rows) for c in range(cols)]


def _digits(split: int, out: list) -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    lo = 0 if split == 0 else COLLECTION_PER_CATEGORY
    n = COLLECTION_PER_CATEGORY if split == 0 else QUERIES_PER_CATEGORY
    for d in range(10):
        rows = np.flatnonzero(digits.target == d)[lo:lo + n]
        for k, row in enumerate(rows, 1):
            out.append((_rgb(digits.images[row] / 16.0, 64), f"digit {d} {_TAG[split]}{k}", f"digit {d}",
                        "digits", f"scikit-learn load_digits, sample {row}"))


def _faces(split: int, out: list) -> None:
    import skimage.data

    faces = skimage.data.lfw_subset()  # 100 faces, then 100 non-faces (25 x 25, in [0, 1])
    lo = 0 if split == 0 else COLLECTION_PER_CATEGORY
    n = COLLECTION_PER_CATEGORY if split == 0 else QUERIES_PER_CATEGORY
    for category, start in (("face", 0), ("not a face", 100)):
        for k, row in enumerate(range(start + lo, start + lo + n), 1):
            out.append((_rgb(faces[row], 100), f"{category} {_TAG[split]}{k}", category, "faces",
                        f"scikit-image lfw_subset, image {row}"))


def _textures(split: int, out: list) -> None:
    import skimage.data

    from vectorkit.images import to_rgb_uint8

    for category, item in _TEXTURES.items():
        img = to_rgb_uint8(getattr(skimage.data, item)(), name=item)
        half = img.shape[1] // 2
        if split == 0:  # collection: right half, 2 x 4 grid, first six cells
            cells = _grid_crops(img, half, img.shape[1], 4, 2)[:COLLECTION_PER_CATEGORY]
            side = "right"
        else:  # queries: left half, three cells spread over the grid
            cells = [_grid_crops(img, 0, half, 4, 2)[i] for i in (0, 3, 6)]
            side = "left"
        for k, ((top, left), crop) in enumerate(cells, 1):
            out.append((np.ascontiguousarray(crop), f"{category} {_TAG[split]}{k}", category, "textures",
                        f"scikit-image {item}, {side} half, {crop.shape[0]} px crop at "
                        f"row {top}, column {left}"))


def _motorcycle(split: int, out: list) -> None:
    import skimage.data

    left_view, right_view, _ = skimage.data.stereo_motorcycle()
    if split == 0:  # the left camera, a 2 x 3 grid
        cells, view = _grid_crops(left_view, 0, left_view.shape[1], 2, 3), "left"
    else:  # the right camera, three crops between the grid cells of the collection
        h, w = right_view.shape[:2]
        side = min(h // 2, w // 3)
        cells = [((r, c), right_view[r:r + side, c:c + side])
                 for r, c in ((side // 2, side // 2), (0, side + side // 2),
                              (h - side, w - side))]
        view = "right"
    for k, ((top, left), crop) in enumerate(cells, 1):
        out.append((np.ascontiguousarray(crop), f"motorcycle {_TAG[split]}{k}", "motorcycle", "scene",
                    f"scikit-image stereo_motorcycle, {view} camera, {crop.shape[0]} px crop "
                    f"at row {top}, column {left}"))


def load_image_collection(split: str = "collection") -> ImageCollection:
    """Images in 18 categories, several genuinely different images each, for image search.

    Categories (6 images each in the collection, 3 other ones each as queries):

    - ``digit 0`` ... ``digit 9``: handwritten digits, 8 x 8 pixels enlarged to 64 x 64.
      Origin: scikit-learn ``load_digits`` (a copy of the UCI "Optical Recognition of
      Handwritten Digits" test set, E. Alpaydin and C. Kaynak, 1998; CC BY 4.0). The
      collection takes the first 6 samples of each digit, the queries the next 3.
    - ``face``, ``not a face``: 25 x 25 grayscale crops enlarged to 100 x 100. Origin:
      scikit-image ``lfw_subset`` (faces from Labeled Faces in the Wild, Huang et al.,
      non-faces cut from the backgrounds of the same photos; distributed with scikit-image,
      LFW states no licence beyond research use). Collection: images 0-5 and 100-105;
      queries: 6-8 and 106-108.
    - ``brick``, ``grass``, ``gravel`` (CC0), ``tissue`` (immunohistochemistry, no known
      copyright restrictions), ``galaxies`` (Hubble eXtreme Deep Field, public domain):
      square crops (128 px; 218 px for the galaxies) of scikit-image photos. Collection crops
      come from the right half of each photo, query crops from the left half, so a query
      never overlaps a stored crop.
    - ``motorcycle``: 247 px crops of the Middlebury 2014 stereo pair (Scharstein et al.,
      shipped with scikit-image as ``stereo_motorcycle``): the collection from the left
      camera, the queries from the right camera, framed between the stored crops.

    Args:
        split: ``"collection"`` (108 images) or ``"queries"`` (54 images).

    Returns:
        ``ImageCollection(images, names, categories, groups, sources)``: RGB uint8 arrays, a
        unique name each (``"digit 3 #2"``; queries ``"digit 3 query 2"``), the category, the group (``digits``, ``faces``,
        ``textures``, ``scene``) and where each image comes from.

    Example:
        >>> import vectorkit as vk
        >>> q = vk.datasets.load_image_collection("queries")
        >>> q.names[0], str(q.categories[0]), q.images[0].shape
        ('digit 0 query 1', 'digit 0', (64, 64, 3))
    """
    if split not in _SPLITS:
        raise ValueError(f"`split` must be one of {list(_SPLITS)}, got {split!r}")
    which, out = _SPLITS.index(split), []
    for part in (_digits, _faces, _textures, _motorcycle):
        part(which, out)
    images, names, categories, groups, sources = (list(x) for x in zip(*out, strict=True))
    return ImageCollection(images, names, np.array(categories), np.array(groups), sources)
