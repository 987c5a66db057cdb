"""Input checks shared by the whole package: vectors, counts, labels, item numbers, models.

One rule for all of them: a value of the wrong type raises ``TypeError``, a value of the
right type that is out of range raises ``ValueError``; both name the argument, say what was
expected and show what was received.
"""

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
    """Return ``k`` as an int >= 1; ``TypeError`` for a non-integer, ``ValueError`` for k < 1."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"`{name}` must be a positive integer, got {k!r}")
    if k < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {k!r}")
    return int(k)


def check_top_k(top_k, n_classes: int) -> int:
    """``top_k`` checked like :func:`check_k` and capped at ``n_classes``."""
    return min(check_k(top_k, "top_k"), n_classes)


def check_item(i, n: int, what: str, name: str = "i") -> int:
    """``i`` as an int in ``0..n-1`` (the number of an item in a collection of ``what``)."""
    article = "an" if what[:1] in tuple("aeiou") else "a"
    if isinstance(i, bool) or not isinstance(i, int | np.integer):
        raise TypeError(f"`{name}` must be {article} {what} number 0..{n - 1}, got {i!r}")
    if not 0 <= i < n:
        raise ValueError(f"`{name}` must be {article} {what} number 0..{n - 1}, got {i!r}")
    return int(i)


def check_labels(labels, n: int, name: str, per: str = "item") -> list[str]:
    """Return ``labels`` as ``n`` strings (one per ``per``); None gives "0", "1", ..."""
    if labels is None:
        return [str(i) for i in range(n)]
    if isinstance(labels, str | bytes) or not hasattr(labels, "__len__"):
        raise TypeError(f"`{name}` must be a list of {n} labels (one per {per}), got "
                        f"{type(labels).__name__}")
    labels = [str(x) for x in (labels.tolist() if isinstance(labels, np.ndarray) else labels)]
    if len(labels) != n:
        raise ValueError(f"`{name}` has {len(labels)} entries but {n} are needed "
                         f"(one per {per})")
    return labels


def refuse_text(x, name: str, how: str) -> None:
    """Raise ``ValueError`` when text is passed where vectors are expected, saying how to
    embed it (``how``, e.g. ``"vk.Index(model.embed(texts))"``)."""
    first = x
    if isinstance(first, np.ndarray):
        first = first.ravel()[:1].tolist() if first.dtype.kind in "UO" else None
    while isinstance(first, list | tuple) and first:
        first = first[0]
    if isinstance(first, str):
        shown = first if len(first) <= 40 else first[:37] + "..."
        raise ValueError(
            f"`{name}` must hold numbers (embedding vectors), got text such as {shown!r}: "
            f"embed it first, e.g. {how}; for word matching use vk.KeywordIndex"
        )


def check_model(model, modality: str, name: str = "model") -> None:
    """Raise unless ``model`` can embed and, when it states a modality, it is ``modality``.

    A vectorkit model of the wrong kind would otherwise fail deep inside with a message about
    its input (an image array "must be a string", a sentence "no such image file").
    """
    def a(word: str) -> str:
        return f"{'an' if word[:1] in tuple('aeiou') else 'a'} {word}"

    if not hasattr(model, "embed"):
        raise TypeError(f"`{name}` must have an embed() method (e.g. vk.load_model({modality!r})),"
                        f" got {type(model).__name__}")
    got = getattr(model, "modality", None)
    if isinstance(got, str) and got and got != modality:
        label = getattr(model, "name", "") or type(model).__name__
        raise ValueError(f"`{name}` must be {a(modality)} model, e.g. "
                         f"vk.load_model({modality!r}); got {label!r}, {a(got)} model")
