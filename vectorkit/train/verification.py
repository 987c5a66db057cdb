"""Verification: is this pair the same thing? Pair scores, a threshold, ROC and equal-error rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vectorkit._validation import as_vectors, check_same_dim


def verification_scores(first, second) -> np.ndarray:
    """Cosine similarity of each pair of rows: ``first[i]`` with ``second[i]`` -> ``(n,)``.

    Example:
        >>> verification_scores([[1, 0], [1, 0]], [[2, 0], [0, 1]]).tolist()
        [1.0, 0.0]
    """
    a = as_vectors(first, "first", dtype=np.float64, allow_1d=False)
    b = as_vectors(second, "second", dtype=np.float64, allow_1d=False)
    check_same_dim(a, b, "first", "second")
    if len(a) != len(b):
        raise ValueError(f"`first` and `second` must hold the same number of vectors (one per "
                         f"pair), got {len(a)} and {len(b)}")
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    if (norms == 0).any():
        raise ValueError(f"pair {int(np.flatnonzero(norms == 0)[0])} has a zero vector: its "
                         "cosine similarity is undefined")
    return np.einsum("ij,ij->i", a, b) / norms


@dataclass(frozen=True)
class EqualErrorRate:
    """The operating point where false accepts and false rejects are equally frequent."""

    eer: float           # the error rate there (the mean of the two rates at the closest point)
    threshold: float     # accept a pair when its score >= threshold
    fpr: np.ndarray      # the ROC curve from sklearn.metrics.roc_curve: false-accept rates
    tpr: np.ndarray      # true-accept rates (1 - false-reject rate)
    thresholds: np.ndarray
    auc: float


def equal_error_rate(scores, genuine) -> EqualErrorRate:
    """The ROC curve of pair ``scores`` (higher = more alike) and its equal-error rate.

    Args:
        scores: one similarity per pair.
        genuine: one bool per pair: True when the pair really is the same.

    Example:
        >>> r = equal_error_rate([0.9, 0.8, 0.7, 0.3, 0.75, 0.2], [1, 1, 1, 0, 0, 0])
        >>> round(r.eer, 3), r.threshold
        (0.333, 0.75)
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    s = as_vectors(scores, "scores", dtype=np.float64).ravel()
    y = np.asarray(genuine)
    if y.shape != s.shape:
        raise ValueError(f"`genuine` must hold one label per score ({s.size}), got shape "
                         f"{y.shape}")
    y = y.astype(bool)
    if y.all() or not y.any():
        raise ValueError("`genuine` must contain both genuine (True) and impostor (False) pairs")
    fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
    fnr = 1.0 - tpr
    i = int(np.argmin(np.abs(fpr - fnr)))
    return EqualErrorRate(float((fpr[i] + fnr[i]) / 2), float(thresholds[i]), fpr, tpr,
                          thresholds, float(roc_auc_score(y, s)))
