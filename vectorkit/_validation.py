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
        raw = np.asarray(x)
        if raw.dtype.kind == "c":
            raise TypeError(f"`{name}` must hold real numbers, got a complex array (dtype "
                            f"{raw.dtype}); take .real, .imag or np.abs(...) first")
        arr = raw.astype(dtype, copy=False) if raw.dtype.kind in "biuf" else \
            np.asarray(x, dtype=dtype)
    except TypeError as exc:
        if "complex" in str(exc) and str(exc).startswith(f"`{name}`"):
            raise
        raise ValueError(
            f"`{name}` must be a vector or a 2-D array of numbers, got {type(x).__name__}: {exc}"
        ) from None
    except ValueError as exc:
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


def row_norms(arr: np.ndarray) -> np.ndarray:
    """Euclidean length of each row in float64, without overflow or underflow: each row is
    scaled by its largest absolute value first (so 1e20 and 1e-30 vectors have lengths).

    Example:
        >>> row_norms(np.array([[1e20, 1e20], [3e-30, 4e-30]], dtype=np.float32)).tolist()
        [1.4142135665119409e+20, 5.000000015855384e-30]
    """
    a = np.atleast_2d(arr)
    scale = np.abs(a).max(axis=1).astype(np.float64)
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.linalg.norm(a / safe[:, None].astype(a.dtype), axis=1)


def unit_rows(arr: np.ndarray) -> np.ndarray:
    """Rows of ``arr`` divided by their lengths, in ``arr``'s dtype, without overflow
    (rows must be nonzero: check with :func:`check_nonzero_rows`)."""
    a = np.atleast_2d(arr)
    scale = np.abs(a).max(axis=1)
    scaled = a / scale[:, None]
    out = scaled / np.linalg.norm(scaled, axis=1)[:, None].astype(a.dtype)
    return out[0] if arr.ndim == 1 else out


def check_nonzero_rows(arr: np.ndarray, name: str) -> np.ndarray:
    """Return the row norms of ``arr`` (float64, see :func:`row_norms`); raise ``ValueError``
    naming the first zero row."""
    norms = row_norms(arr)
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
