"""Face pairs for verification exercises, made from scikit-image's ``lfw_subset``.

No offline data set has several photos of the same person, so the *genuine* pairs here are a
face photo and a controlled variation of that same photo (:func:`image_views`: crop, small
rotation, mirror, scale, light), and the *impostor* pairs are a face photo and a variation of
a different face of the subset. This shows the mechanics of verification (scores, threshold,
errors); it is much easier than telling whether two different photos show the same person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vectorkit.datasets._images import image_views


@dataclass(frozen=True)
class FacePairs:
    """Pairs of face images: ``first[i]`` and ``second[i]``, ``genuine[i]`` = same photo."""

    first: list
    second: list
    genuine: np.ndarray
    first_face: np.ndarray
    second_face: np.ndarray

    def __len__(self) -> int:
        return len(self.genuine)


def load_faces() -> np.ndarray:
    """The 100 face photos of scikit-image's ``lfw_subset``: ``(100, 25, 25, 3)`` uint8 RGB.

    Origin: scikit-image ``skimage.data.lfw_subset()`` (a subset of Labeled Faces in the Wild,
    grey-level 25 x 25 crops, its first 100 images are faces and the rest are not). The subset
    ships no names, so whether two of its faces show the same person is not known; LFW holds
    few repeated people, so most pairs are of different people.

    Example:
        >>> load_faces().shape
        (100, 25, 25, 3)
    """
    import skimage

    grey = np.round(skimage.data.lfw_subset()[:100] * 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=-1)


VARIATIONS = ("mild", "strong")


def _mild(face: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mirror (half the time), shift by up to 2 pixels, change brightness and contrast by up
    to 20%: the same photo, slightly retaken."""
    from PIL import Image, ImageEnhance

    pil = Image.fromarray(face)
    if rng.random() < 0.5:
        pil = pil.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    dx, dy = (int(v) for v in rng.integers(0, 3, size=2))
    pil = pil.crop((dx, dy, dx + 23, dy + 23)).resize((25, 25), Image.Resampling.BICUBIC)
    pil = ImageEnhance.Brightness(pil).enhance(float(rng.uniform(0.8, 1.2)))
    pil = ImageEnhance.Contrast(pil).enhance(float(rng.uniform(0.8, 1.2)))
    return np.asarray(pil.convert("RGB"))


def face_pairs(n_pairs: int = 100, variation: str = "mild", seed: int = 0) -> FacePairs:
    """``n_pairs`` genuine and ``n_pairs`` impostor pairs of faces from :func:`load_faces`.

    Genuine pair: face ``i`` and a seeded variation of face ``i``. Impostor pair: face ``i``
    and a seeded variation of another face ``j``. Both kinds go through the same variations,
    so identity is the only difference between them.

    Args:
        n_pairs: genuine pairs (and as many impostor pairs), 1 to 100.
        variation: ``"mild"`` (mirror, a shift of up to 2 pixels, brightness and contrast
            within 20%) or ``"strong"`` (:func:`image_views`: crop to 45-85% of the area,
            rotate up to 12 degrees, rescale, colour, blur).
        seed: the random seed (faces, partners and variations).

    Returns:
        :class:`FacePairs` of ``2 * n_pairs`` pairs, genuine ones first.

    Example:
        >>> pairs = face_pairs(10, "mild", seed=1)
        >>> len(pairs), int(pairs.genuine.sum()), bool((pairs.first_face[10:] != pairs.second_face[10:]).all())
        (20, 10, True)
    """
    faces = load_faces()
    if isinstance(n_pairs, bool) or not isinstance(n_pairs, int) or not 1 <= n_pairs <= len(faces):
        raise ValueError(f"`n_pairs` must be an int from 1 to {len(faces)}, got {n_pairs!r}")
    if variation not in VARIATIONS:
        raise ValueError(f"`variation` must be one of {list(VARIATIONS)}, got {variation!r}")
    rng = np.random.default_rng(seed)
    first = rng.choice(len(faces), size=n_pairs, replace=False)
    other = (first + rng.integers(1, len(faces), size=n_pairs)) % len(faces)   # never itself
    a = np.concatenate([first, first])
    b = np.concatenate([first, other])
    if variation == "strong":
        views = image_views([faces[j] for j in b], n_views=1, seed=seed).images
    else:
        views = [_mild(faces[j], rng) for j in b]
    return FacePairs([faces[i] for i in a], views,
                     np.r_[np.ones(n_pairs, bool), np.zeros(n_pairs, bool)], a, b)
