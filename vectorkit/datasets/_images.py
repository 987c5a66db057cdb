"""Photographs that ship inside installed packages, and "same subject, different photo" views.

Nothing is downloaded: the images come from scikit-image (``skimage.data``), scikit-learn
(``load_sample_image``) and matplotlib's sample data.

Example:
    >>> import vectorkit as vk
    >>> images = vk.datasets.load_images()
    >>> images[0].name, images[0].image.shape
    ('astronaut', (512, 512, 3))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["SampleImage", "ImageViews", "load_images", "image_views"]

_PD = "public domain"
_SK = "scikit-image"
# name, caption, package, license, loader
_CATALOGUE = [
    ("astronaut", "astronaut Eileen Collins in her flight suit, in front of a flag", _SK,
     "public domain (NASA)", "skimage:astronaut"),
    ("camera", "a man with a camera on a tripod in a park (grayscale)", _SK, "CC0",
     "skimage:camera"),
    ("chelsea", "Chelsea the cat, a tabby, looking left", _SK, "CC0", "skimage:chelsea"),
    ("coffee", "a cup of coffee on a saucer, seen from above", _SK, "CC0", "skimage:coffee"),
    ("rocket", "a Falcon 9 rocket lifting off", _SK, "public domain (SpaceX)", "skimage:rocket"),
    ("coins", "ancient Greek coins on a grey background (grayscale)", _SK,
     "no known copyright restrictions (Brooklyn Museum)", "skimage:coins"),
    ("clock", "a wall clock, motion-blurred (grayscale)", _SK, _PD, "skimage:clock"),
    ("hubble_deep_field", "galaxies in the Hubble eXtreme Deep Field", _SK,
     "public domain (NASA)", "skimage:hubble_deep_field"),
    ("immunohistochemistry", "stained tissue under a microscope", _SK,
     "no known copyright restrictions", "skimage:immunohistochemistry"),
    ("retina", "a photograph of the back of a human eye", _SK, "CC0", "skimage:retina"),
    ("brick", "a brick wall, close up (grayscale)", _SK, "CC0", "skimage:brick"),
    ("grass", "blades of grass, close up (grayscale)", _SK, "CC0", "skimage:grass"),
    ("gravel", "gravel, close up (grayscale)", _SK, "CC0", "skimage:gravel"),
    ("china", "a Chinese temple roof among trees", "scikit-learn",
     "CC BY 2.0 (danielbuechele on Flickr)", "sklearn:china.jpg"),
    ("flower", "a pink flower, close up", "scikit-learn", "CC BY 2.0 (vultilion on Flickr)",
     "sklearn:flower.jpg"),
    ("grace_hopper", "portrait of Rear Admiral Grace Hopper in uniform", "matplotlib",
     "public domain (U.S. Navy photograph)", "matplotlib:grace_hopper.jpg"),
]


@dataclass(frozen=True)
class SampleImage:
    """One photograph: a short name, the RGB uint8 pixels, a caption, where it comes from."""

    name: str
    image: np.ndarray
    caption: str
    source: str
    license: str

    def __repr__(self) -> str:
        return (f"SampleImage(name={self.name!r}, image=<{self.image.shape} uint8>, "
                f"source={self.source!r}, license={self.license!r})")


def _read(loader: str) -> np.ndarray:
    from vectorkit.images import load_image, to_rgb_uint8

    package, item = loader.split(":")
    if package == "skimage":
        import skimage.data

        return to_rgb_uint8(getattr(skimage.data, item)(), name=item)
    if package == "sklearn":
        from sklearn.datasets import load_sample_image

        return to_rgb_uint8(load_sample_image(item), name=item)
    import matplotlib.cbook

    return load_image(matplotlib.cbook.get_sample_data(item, asfileobj=False))


def load_images(names=None) -> list[SampleImage]:
    """The natural photographs shipped inside scikit-image, scikit-learn and matplotlib.

    Sixteen images: people, a cat, a coffee cup, a rocket, coins, a clock, galaxies, tissue,
    a retina, textures (brick, grass, gravel), a temple, a flower. Each is an RGB uint8 array
    (grayscale ones repeated over three channels) with a caption, package and license
    (public domain, CC0 or CC BY 2.0; see datasets/README.md).

    Args:
        names: a subset to load, e.g. ``["coffee", "chelsea"]`` (default: all, in order).

    Example:
        >>> import vectorkit as vk
        >>> [im.name for im in vk.datasets.load_images(["coffee", "chelsea"])]
        ['coffee', 'chelsea']
    """
    known = {row[0]: row for row in _CATALOGUE}
    if names is None:
        wanted = list(known)
    else:
        if isinstance(names, str):
            names = [names]
        wanted = list(names)
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise ValueError(f"`names` must be drawn from {list(known)}, got unknown {unknown}")
    return [SampleImage(n, _read(known[n][4]), *known[n][1:4]) for n in wanted]


class ImageViews(NamedTuple):
    """Result of :func:`image_views`: the views, which original each came from, and how."""

    images: list
    source: np.ndarray
    descriptions: list


def _one_view(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    from PIL import Image, ImageEnhance, ImageFilter

    pil = Image.fromarray(img)
    steps = []
    angle = float(rng.uniform(-12, 12))
    w, h = pil.size
    pil = pil.rotate(angle, resample=Image.Resampling.BILINEAR)
    # keep only the part without the black corners the rotation brings in
    a = np.deg2rad(abs(angle))
    keep = 1.0 / (np.cos(a) + np.sin(a) * max(w / h, h / w))
    area = float(rng.uniform(0.45, 0.85))
    aspect = float(np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3))))
    cw = min(keep, np.sqrt(area * aspect)) * w
    ch = min(keep, np.sqrt(area / aspect)) * h
    cx = w / 2 + rng.uniform(-1, 1) * (keep * w - cw) / 2
    cy = h / 2 + rng.uniform(-1, 1) * (keep * h - ch) / 2
    pil = pil.crop((round(cx - cw / 2), round(cy - ch / 2), round(cx + cw / 2),
                    round(cy + ch / 2)))
    steps.append(f"rotate {angle:+.0f} deg, crop {cw / w:.0%} x {ch / h:.0%}")
    if rng.random() < 0.5:
        pil = pil.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        steps.append("mirror")
    scale = float(rng.uniform(0.5, 1.0))
    pil = pil.resize((max(16, round(pil.width * scale)), max(16, round(pil.height * scale))),
                     Image.Resampling.BICUBIC)
    steps.append(f"scale {scale:.2f}")
    for name, enhancer, lo, hi in (("brightness", ImageEnhance.Brightness, 0.7, 1.3),
                                   ("contrast", ImageEnhance.Contrast, 0.7, 1.3),
                                   ("colour", ImageEnhance.Color, 0.6, 1.4)):
        f = float(rng.uniform(lo, hi))
        pil = enhancer(pil).enhance(f)
        steps.append(f"{name} x{f:.2f}")
    if rng.random() < 0.5:
        radius = float(rng.uniform(0.5, 1.5))
        pil = pil.filter(ImageFilter.GaussianBlur(radius))
        steps.append(f"blur {radius:.1f}px")
    return np.asarray(pil.convert("RGB")), ", ".join(steps)


def image_views(images, n_views: int = 4, seed: int = 0) -> ImageViews:
    """Make ``n_views`` new "photos" of each image: the same subject, seen differently.

    Each view rotates a little (up to 12 degrees), crops 45-85% of the area, maybe mirrors,
    rescales (50-100%), shifts brightness, contrast and colour, and sometimes blurs -- like
    photographing your pet again from another angle in other light. The result depends only
    on ``seed`` and each image's position, never on the run.

    Args:
        images: a list of images (arrays, PIL images, paths) or of :class:`SampleImage`.
        n_views: views per image (a positive int).
        seed: the random seed.

    Returns:
        ``ImageViews(images, source, descriptions)``: ``images`` is a list of RGB uint8
        arrays, ``source[i]`` the index of the original that ``images[i]`` shows.

    Example:
        >>> import vectorkit as vk
        >>> originals = vk.datasets.load_images(["coffee", "chelsea"])
        >>> views = vk.datasets.image_views(originals, n_views=3, seed=1)
        >>> len(views.images), views.source.tolist()
        (6, [0, 0, 0, 1, 1, 1])
    """
    from vectorkit.images import to_rgb_uint8

    if isinstance(n_views, bool) or not isinstance(n_views, int | np.integer) or n_views < 1:
        raise ValueError(f"`n_views` must be a positive integer, got {n_views!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer, got {seed!r}")
    if isinstance(images, SampleImage) or not isinstance(images, list | tuple):
        raise TypeError(f"`images` must be a list of images, got {type(images).__name__}")
    views, source, notes = [], [], []
    for i, item in enumerate(images):
        pixels = item.image if isinstance(item, SampleImage) else item
        img = to_rgb_uint8(pixels, name=f"images[{i}]")
        children = np.random.SeedSequence([int(seed), i]).spawn(int(n_views))
        for child in children:
            view, note = _one_view(img, np.random.default_rng(child))
            views.append(view)
            source.append(i)
            notes.append(note)
    return ImageViews(views, np.asarray(source, dtype=np.int64), notes)
