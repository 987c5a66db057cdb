"""Input checks shared by the similarity, search and reduction functions."""

from __future__ import annotations

import numpy as np

_FLOAT_DTYPES = {"float32": np.float32, "float64": np.float64}


def check_dtype(dtype) -> type:
    """Return the numpy float type for ``dtype`` ('float32' or 'float64')."""
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in _FLOAT_DTYPES:
        raise ValueError(f"`dtype` must be one of ['float32', 'float64'], got {dtype!r}")
    return _FLOAT_DTYPES[key]


def as_vectors(x, name: str, dtype=np.float32, allow_1d: bool = True) -> np.ndarray:
    """Convert ``x`` to a finite float array of 1 or 2 dimensions, or raise ``ValueError``.

    Errors name the argument (``name``), the offending row and what was wrong.
    """
    if isinstance(x, str) or (isinstance(x, list | tuple) and x and isinstance(x[0], str)):
        raise ValueError(
            f"`{name}` must be a vector of numbers, got text {x!r:.60}; turn text into "
            "vectors first, e.g. model = vk.load_model('text'); model.embed(...)"
        )
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"`{name}` must be a vector or a 2-D array of numbers, got {type(x).__name__}: {exc}"
        ) from None
    if arr.ndim == 0:
        raise ValueError(f"`{name}` must be a vector or a 2-D array, got a scalar {x!r}")
    if arr.ndim > 2 or (arr.ndim == 1 and not allow_1d):
        expected = "a vector or a 2-D array (n, d)" if allow_1d else "a 2-D array (n, d)"
        raise ValueError(f"`{name}` must be {expected}, got an array of shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty (shape {arr.shape}); expected at least one value")
    if not np.isfinite(arr).all():
        bad = ~np.isfinite(arr)
        if arr.ndim == 1:
            col = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"`{name}` contains NaN or infinity (at position {col}: {arr[col]!r})"
            )
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"`{name}` contains NaN or infinity (row {row}, column {col}: {arr[row, col]!r})"
        )
    return arr


def check_same_dim(a: np.ndarray, b: np.ndarray, name_a: str = "a", name_b: str = "b") -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same last dimension."""
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"dimension mismatch: `{name_a}` has vectors of length {a.shape[-1]} "
            f"but `{name_b}` has vectors of length {b.shape[-1]}"
        )


def check_nonzero_rows(arr: np.ndarray, name: str) -> np.ndarray:
    """Return the row norms of ``arr``; raise ``ValueError`` naming the first zero row."""
    norms = np.linalg.norm(np.atleast_2d(arr), axis=1)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        where = "is the zero vector" if arr.ndim == 1 else f"row {int(zero[0])} is the zero vector"
        raise ValueError(
            f"`{name}` {where}: cosine similarity is undefined for a vector of length 0"
        )
    return norms


def check_k(k, name: str = "k") -> int:
    """Return ``k`` as an int >= 1, or raise ``ValueError`` naming the argument ``name``."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {k!r}")
    return int(k)
