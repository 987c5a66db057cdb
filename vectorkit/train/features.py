"""Hand-made features: vectors whose every number has a name you can read.

Before networks learned embeddings, people designed them. Each function here turns items
into a :class:`Features` table (``vectors`` plus one ``names`` entry per column), so you can
ask *why* two items are similar (:meth:`Features.explain`):

- text: bag of words or TF-IDF (scikit-learn), tokenised like ``vk.KeywordIndex``;
- images: colour histograms (numpy) and HOG, histograms of oriented gradients
  (scikit-image);
- audio: MFCC-style summaries, a DCT (scipy) of vectorkit's log-mel spectrogram per frame,
  then the mean and standard deviation of each coefficient over time.

Limits: a text vocabulary of at most ``MAX_TEXT_FEATURES`` columns (the most frequent words
are kept); images are resized to ``size`` x ``size`` first, so memory is bounded per image.

Example:
    >>> import vectorkit as vk
    >>> f = vk.features.text(["red apple", "green apple", "red car"], method="bow")
    >>> f.names, f.vectors[0].tolist()
    (['apple', 'car', 'green', 'red'], [1.0, 0.0, 0.0, 1.0])
    >>> f.explain(0, 2).feature.tolist()          # what "red apple" and "red car" share
    ['red']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vectorkit._validation import as_vectors, check_k

__all__ = ["Features", "text", "colour_histogram", "hog", "mfcc", "explain",
           "MAX_TEXT_FEATURES"]

MAX_TEXT_FEATURES = 20_000


def explain(a, b, names, k: int = 5) -> pd.DataFrame:
    """The features that contribute most to the cosine similarity of vectors ``a`` and ``b``.

    The cosine is a sum over features of ``(a_i / |a|) * (b_i / |b|)``; each row gives one
    feature's term (``contribution``; the column sums to the cosine over all features).
    Only features with a non-zero term are listed, largest first.

    Example:
        >>> from vectorkit.train.features import explain
        >>> explain([1, 2, 0], [1, 1, 5], ["x", "y", "z"]).round(3).to_dict("list")
        {'feature': ['y', 'x'], 'a': [2.0, 1.0], 'b': [1.0, 1.0], 'contribution': [0.172, 0.086]}
    """
    a = as_vectors(a, "a", np.float64)
    b = as_vectors(b, "b", np.float64)
    names = list(names)
    if a.ndim != 1 or a.shape != b.shape or len(names) != a.size:
        raise ValueError(f"`a`, `b` and `names` must have the same length, got {a.shape}, "
                         f"{b.shape} and {len(names)}")
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        raise ValueError("`a` or `b` is the zero vector: cosine similarity is undefined")
    terms = a * b / norm
    order = [i for i in np.argsort(-np.abs(terms), kind="stable") if terms[i] != 0]
    order = order[:check_k(k)]
    return pd.DataFrame({"feature": [names[i] for i in order], "a": a[order], "b": b[order],
                         "contribution": terms[order]})


class Features:
    """Feature vectors with a name per column.

    Attributes:
        vectors: ``(n, n_features)`` float32.
        names: the column names.
        kind: what made them ("tfidf", "bow", "colour histogram", "hog", "mfcc").
    """

    def __init__(self, vectors, names, kind: str, transform=None):
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.names = list(names)
        self.kind = kind
        self._transform = transform

    def __repr__(self) -> str:
        return f"<Features {self.kind}: {self.vectors.shape[0]} items x {len(self.names)}>"

    def __len__(self) -> int:
        return self.vectors.shape[0]

    def transform(self, items) -> np.ndarray:
        """Features of new items, with the same columns (text: the vocabulary fitted here)."""
        if self._transform is None:
            raise ValueError(f"{self.kind} features need no fitting: call the function again")
        return self._transform(items)

    def explain(self, i: int, j: int, k: int = 5) -> pd.DataFrame:
        """:func:`explain` for rows ``i`` and ``j`` of :attr:`vectors`."""
        return explain(self.vectors[i], self.vectors[j], self.names, k)


# --- text ---------------------------------------------------------------------------------


def text(texts, method: str = "tfidf", *, max_features: int = MAX_TEXT_FEATURES,
         stop_words=None) -> Features:
    """Bag-of-words counts or TF-IDF weights (l2-normalised rows) of a list of texts.

    Args:
        texts: the documents (a list of str) the vocabulary is learnt from.
        method: ``"tfidf"`` or ``"bow"`` (raw counts).
        max_features: keep the most frequent words only (at most ``MAX_TEXT_FEATURES``).
        stop_words: passed to scikit-learn, e.g. ``"english"``.

    Returns:
        :class:`Features`; ``.transform(new_texts)`` gives vectors for queries.
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from vectorkit.search.keyword import TOKEN_PATTERN

    if method not in ("tfidf", "bow"):
        raise ValueError(f"`method` must be one of ['tfidf', 'bow'], got {method!r}")
    if isinstance(texts, str) or not isinstance(texts, list | tuple) or not texts \
            or not all(isinstance(t, str) for t in texts):
        raise TypeError("`texts` must be a non-empty list of strings")
    max_features = min(check_k(max_features, "max_features"), MAX_TEXT_FEATURES)
    cls = TfidfVectorizer if method == "tfidf" else CountVectorizer
    vectorizer = cls(token_pattern=TOKEN_PATTERN, stop_words=stop_words,
                     max_features=max_features, dtype=np.float32)
    matrix = vectorizer.fit_transform(list(texts))

    def transform(new):
        new = [new] if isinstance(new, str) else list(new)
        return vectorizer.transform(new).toarray().astype(np.float32)

    return Features(matrix.toarray(), vectorizer.get_feature_names_out().tolist(), method,
                    transform)


# --- images -------------------------------------------------------------------------------


def _images(images, size: int | None) -> list[np.ndarray]:
    from vectorkit.images import as_images, resize_and_crop

    transform = None if size is None else (
        lambda im: resize_and_crop(im, size=size, shorter_side=None))
    single, arrays = as_images(images, "images", transform)
    return arrays[:1] if single else arrays


def colour_histogram(images, bins: int = 8) -> Features:
    """Per-channel colour histograms: the share of pixels in ``bins`` ranges of red, green
    and blue (each image's three histograms sum to 1 each).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> red = np.zeros((4, 4, 3), np.uint8); red[..., 0] = 255
        >>> f = vk.features.colour_histogram([red], bins=2)
        >>> dict(zip(f.names, f.vectors[0].tolist()))
        {'red 0-127': 0.0, 'red 128-255': 1.0, 'green 0-127': 1.0, 'green 128-255': 0.0, 'blue 0-127': 1.0, 'blue 128-255': 0.0}
    """
    bins = check_k(bins, "bins")
    if 256 % bins:
        raise ValueError(f"`bins` must divide 256 (2, 4, 8, 16, ...), got {bins}")
    width = 256 // bins
    rows = []
    for im in _images(images, 128):
        pixels = im.reshape(-1, 3)
        rows.append(np.concatenate([np.bincount(pixels[:, c] // width, minlength=bins)
                                    for c in range(3)]) / pixels.shape[0])
    names = [f"{colour} {b * width}-{(b + 1) * width - 1}" for colour in ("red", "green", "blue")
             for b in range(bins)]
    return Features(np.array(rows), names, "colour histogram")


def hog(images, size: int = 64, cell: int = 16, orientations: int = 8) -> Features:
    """Histograms of oriented gradients (scikit-image): edge directions per image region.

    The grey image, resized to ``size`` x ``size``, is cut into ``cell`` x ``cell`` cells; for
    each cell, how much edge lies in each of ``orientations`` directions (0-180 degrees),
    normalised over blocks of 2 x 2 cells. Robust to colour and light; sensitive to shape.
    """
    from skimage.feature import hog as sk_hog

    size, cell, orientations = (check_k(size, "size"), check_k(cell, "cell"),
                                check_k(orientations, "orientations"))
    if size % cell or size // cell < 2:
        raise ValueError(f"`size` ({size}) must be a multiple of `cell` ({cell}) and at "
                         "least 2 cells wide")
    rows = []
    for im in _images(images, size):
        grey = im.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) / 255.0
        rows.append(sk_hog(grey, orientations=orientations, pixels_per_cell=(cell, cell),
                           cells_per_block=(2, 2), block_norm="L2-Hys", feature_vector=True))
    blocks = size // cell - 1
    step = 180 / orientations
    names = [f"block ({r},{c}) cell ({dr},{dc}) {o * step:.0f}-{(o + 1) * step:.0f} deg"
             for r in range(blocks) for c in range(blocks) for dr in range(2)
             for dc in range(2) for o in range(orientations)]
    return Features(np.array(rows), names, "hog")


# --- audio --------------------------------------------------------------------------------


def mfcc(sounds, sample_rate=None, n_mfcc: int = 13) -> Features:
    """MFCC-style summaries: per frame, a DCT of the log-mel spectrum, keeping the first
    ``n_mfcc`` coefficients (the spectrum's overall level, slope, curvature...); then the
    mean and standard deviation of each over time.

    Args:
        sounds: one sound or a list: arrays (with ``sample_rate``), paths, or objects with
            ``.audio`` and ``.sample_rate`` (``vk.datasets.load_sounds()`` items).
        sample_rate: the rate of array input.
        n_mfcc: coefficients kept (at most 96, the number of mel bands).
    """
    from scipy.fft import dct

    from vectorkit.audio import log_mel

    n_mfcc = check_k(n_mfcc, "n_mfcc")
    if n_mfcc > 96:
        raise ValueError(f"`n_mfcc` must be at most 96 (the mel bands), got {n_mfcc}")
    if hasattr(sounds, "audio") or isinstance(sounds, str | np.ndarray) and (
            not isinstance(sounds, np.ndarray) or sounds.ndim == 1):
        sounds = [sounds]
    rows = []
    for s in sounds:
        audio, rate = (s.audio, s.sample_rate) if hasattr(s, "audio") else (s, sample_rate)
        coeffs = dct(log_mel(audio, sample_rate=rate), type=2, axis=1, norm="ortho")[:, :n_mfcc]
        rows.append(np.concatenate([coeffs.mean(axis=0), coeffs.std(axis=0)]))
    names = [f"mfcc {i} {stat}" for stat in ("mean", "std") for i in range(n_mfcc)]
    return Features(np.array(rows), names, "mfcc")
