"""Similarity and distance between vectors: cosine, Euclidean, dot product, normalisation.

Shapes: vector & vector -> float; vector & (m, d) -> (m,); (n, d) & (m, d) -> (n, m).
Pairwise matrices are computed in row blocks; a result that would not fit in the memory
budget (``max_bytes``, default 2 GiB) is refused with a message naming the size needed.
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import (
    as_vectors,
    check_dtype,
    check_nonzero_rows,
    check_same_dim,
    unit_rows,
)

__all__ = ["cosine_similarity", "euclidean_distance", "dot_product", "normalize"]

#: Largest result matrix computed without ``max_bytes`` being raised explicitly.
DEFAULT_MAX_BYTES = 2 * 1024**3
_BLOCK_ELEMENTS = 8 * 1024**2  # elements of the result computed per block


def _pair(a, b, dtype):
    t = check_dtype(dtype)
    a_arr = as_vectors(a, "a", t)
    b_arr = as_vectors(b, "b", t)
    check_same_dim(a_arr, b_arr)
    return a_arr, b_arr


def _check_budget(n: int, m: int, itemsize: int, max_bytes) -> None:
    if max_bytes is not None and (isinstance(max_bytes, bool)
                                  or not isinstance(max_bytes, int | float | np.integer)):
        raise TypeError(f"`max_bytes` must be a number of bytes (e.g. 2 * 1024**3) or None, "
                        f"got {max_bytes!r}")
    if max_bytes is not None and not max_bytes > 0:
        raise ValueError(f"`max_bytes` must be a positive number of bytes, got {max_bytes!r}")
    need = n * m * itemsize
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if need > limit:
        raise MemoryError(
            f"the {n:,} x {m:,} result would need {need / 1024**3:.1f} GiB, more than the "
            f"max_bytes budget of {limit / 1024**3:.1f} GiB; compare fewer rows at a time, "
            "use vk.Index(...).search(queries, k) for nearest neighbours, or raise `max_bytes`"
        )


def _blockwise(a2, b2, kernel, dtype, max_bytes):
    n, m = a2.shape[0], b2.shape[0]
    _check_budget(n, m, np.dtype(dtype).itemsize, max_bytes)
    out = np.empty((n, m), dtype=dtype)
    rows = max(1, _BLOCK_ELEMENTS // max(m, 1))
    for s in range(0, n, rows):
        out[s:s + rows] = kernel(a2[s:s + rows], b2)
    return out


def _shape_result(out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return float(out[0, 0])
    if a.ndim == 1:
        return out[0]
    if b.ndim == 1:
        return out[:, 0]
    return out


def normalize(x, dtype="float32"):
    """Scale each vector (row) to length 1.

    A zero vector cannot be normalised and raises ``ValueError`` naming its row.

    Example:
        >>> import vectorkit as vk
        >>> vk.normalize([3.0, 4.0]).tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    arr = as_vectors(x, "x", check_dtype(dtype))
    return _unit_rows(arr, "x")


def _unit_rows(arr: np.ndarray, name: str) -> np.ndarray:
    """Divide each row of an already validated array by its length (zero rows refused)."""
    check_nonzero_rows(arr, name)
    return unit_rows(arr)


def cosine_similarity(a, b, dtype="float32", max_bytes=None):
    """Cosine of the angle between vectors: 1 same direction, 0 unrelated, -1 opposite.

    Args:
        a, b: vectors ``(d,)`` or matrices ``(n, d)`` / ``(m, d)``.
        dtype: ``"float32"`` (default) or ``"float64"``.
        max_bytes: refuse results larger than this (default 2 GiB).

    Example:
        >>> import vectorkit as vk
        >>> round(vk.cosine_similarity([1, 0], [1, 1]), 4)
        0.7071
    """
    a_arr, b_arr = _pair(a, b, dtype)
    a2 = np.atleast_2d(_unit_rows(a_arr, "a"))
    b2 = np.atleast_2d(_unit_rows(b_arr, "b"))
    out = _blockwise(a2, b2, lambda x, y: np.clip(x @ y.T, -1.0, 1.0), a2.dtype, max_bytes)
    return _shape_result(out, a_arr, b_arr)


def dot_product(a, b, dtype="float32", max_bytes=None):
    """Dot product: sum of element-wise products (grows with the vectors' lengths).

    Example:
        >>> import vectorkit as vk
        >>> vk.dot_product([1, 2, 3], [4, 5, 6])
        32.0
    """
    a_arr, b_arr = _pair(a, b, dtype)
    a2, b2 = np.atleast_2d(a_arr), np.atleast_2d(b_arr)
    out = _blockwise(a2, b2, lambda x, y: x @ y.T, a2.dtype, max_bytes)
    return _shape_result(out, a_arr, b_arr)


#: A squared distance this small relative to |x|^2 + |y|^2 is recomputed from the difference:
#: the expansion |x|^2 + |y|^2 - 2 x.y has lost most of its digits there.
_REFINE_BELOW = 1e-6


def _euclid_kernel(x, y, yy):
    """Distances of rows ``x`` to centred rows ``y`` (float64, ``yy`` = their squared norms);
    ``x`` must be centred the same way."""
    xx = np.einsum("ij,ij->i", x, x)
    scale = xx[:, None] + yy[None, :]
    sq = scale - 2.0 * (x @ y.T)
    i, j = np.nonzero(sq < _REFINE_BELOW * scale)  # near-identical pairs: exact difference
    step = max(1, (1 << 22) // x.shape[1])
    for s in range(0, i.size, step):
        diff = x[i[s:s + step]] - y[j[s:s + step]]
        sq[i[s:s + step], j[s:s + step]] = np.einsum("ij,ij->i", diff, diff)
    return np.sqrt(np.maximum(sq, 0.0))


def euclidean_distance(a, b, dtype="float32", max_bytes=None):
    """Straight-line distance between vectors (0 for identical vectors).

    Example:
        >>> import vectorkit as vk
        >>> vk.euclidean_distance([0, 0], [3, 4])
        5.0
    """
    a_arr, b_arr = _pair(a, b, dtype)
    if a_arr.ndim == 1 and b_arr.ndim == 1:
        return float(np.linalg.norm(a_arr.astype(np.float64) - b_arr.astype(np.float64)))
    # float64 on rows centred on b's mean: data sharing a large offset (points 1 apart near
    # 1e8) keep their digits, and near-identical pairs are recomputed exactly, so the matrix
    # path agrees with the vector path
    b64 = np.atleast_2d(b_arr).astype(np.float64)
    centre = b64.mean(axis=0)
    b64 -= centre
    yy = np.einsum("ij,ij->i", b64, b64)
    a2 = np.atleast_2d(a_arr)
    out = _blockwise(a2, b64, lambda x, y: _euclid_kernel(x.astype(np.float64) - centre, y, yy),
                     a2.dtype, max_bytes)
    return _shape_result(out, a_arr, b_arr)
