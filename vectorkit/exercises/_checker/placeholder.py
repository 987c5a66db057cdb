"""The ``____`` placeholder that student notebooks fill in, and how to recognise it."""

from __future__ import annotations

import numpy as np

_MESSAGE = "`____` is a placeholder: replace it with your own answer or code first"


class Placeholder:
    """The blank a student replaces with an answer; a check on it reads "not attempted".

    There is exactly one instance, exported as ``vectorkit.exercises.____``. Doing arithmetic
    with it, calling it or indexing it raises ``TypeError`` with a message saying what to do.

    Example:
        >>> from vectorkit.exercises import ____
        >>> ____
        ____
    """

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __reduce__(self):
        return (Placeholder, ())

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def _refuse(self, *args, **kwargs):
        raise TypeError(_MESSAGE)

    __call__ = __float__ = __int__ = __index__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __pow__ = __rpow__ = _refuse
    __matmul__ = __rmatmul__ = __neg__ = __pos__ = __abs__ = __mod__ = __rmod__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = _refuse


____ = Placeholder()


def is_placeholder(value, _depth: int = 0) -> bool:
    """True if ``value`` is ``____``, ``...``, or a container still holding one of them.

    Example:
        >>> from vectorkit.exercises import ____
        >>> is_placeholder([1, ____]), is_placeholder([1, 2])
        (True, False)
    """
    if value is ____ or value is Ellipsis:
        return True
    if _depth > 4:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(is_placeholder(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return any(is_placeholder(v, _depth + 1) for v in value.values())
    if isinstance(value, np.ndarray) and value.dtype == object:
        return any(is_placeholder(v, _depth + 1) for v in value.ravel()[:10_000])
    return False


def uses_placeholder(func) -> bool:
    """True if the code of ``func`` still mentions ``____`` (an unfinished stub)."""
    code = getattr(func, "__code__", None)
    return code is not None and "____" in code.co_names
