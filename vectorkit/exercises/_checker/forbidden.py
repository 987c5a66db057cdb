"""Library functions an exercise asks the learner to write themselves, detected by behaviour.

While the learner's function runs, each forbidden function (or class) is replaced by a stand-in
that notes the call and raises :class:`ForbiddenCall`, wherever the learner's code can reach
it by name: the ``vectorkit`` package (``vk.cosine_similarity``), the module that defines it,
the learner's globals (``from vectorkit import cosine_similarity``), the function's
closure and its default arguments. A forbidden class has its constructor and public methods
replaced, so calling ``index.search`` on an index built earlier is noticed too. Everything is put back afterwards,
also when the learner's code raises or is stopped by the time limit.

Example:
    >>> import vectorkit as vk
    >>> def mine(a, b):
    ...     return vk.cosine_similarity(a, b)
    >>> with forbid(["vectorkit.similarity.cosine_similarity"], mine) as calls:
    ...     try:
    ...         mine([1, 0], [0, 1])
    ...     except ForbiddenCall:
    ...         pass
    >>> calls
    ['vk.cosine_similarity']
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import sys
import types
from collections.abc import Callable, Iterator, Sequence


class ForbiddenCall(BaseException):  # noqa: N818 -- a stop signal, not an error of ours
    """Raised by a forbidden function's stand-in (a BaseException, so that the learner's
    ``except Exception:`` does not hide it; the call is noted anyway)."""


_MISSING = object()


def resolve(dotted: str):
    """The object named ``dotted`` ("vectorkit.similarity.cosine_similarity") and the module
    that defines it."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        obj = module
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            break
        return obj, module
    raise ValueError(f"`forbidden` names must be importable dotted names, got {dotted!r}")


def public_name(obj, dotted: str) -> str:
    """How a learner writes it: ``vk.cosine_similarity`` if the package exports it."""
    name = dotted.rsplit(".", 1)[-1]
    vk = sys.modules.get("vectorkit")
    exports = getattr(vk, "_EXPORTS", {})
    if name in exports and getattr(vk, name, None) is obj:
        return f"vk.{name}"
    return dotted


class _Patches:
    def __init__(self):
        self._undo: list[tuple[object, str, object]] = []

    def set(self, owner, attr: str, value) -> None:
        if isinstance(owner, types.CellType):
            before = owner.cell_contents
        elif isinstance(owner, types.FunctionType):
            before = getattr(owner, attr)
        else:
            before = vars(owner).get(attr, _MISSING)
        self._undo.append((owner, attr, before))
        setattr(owner, attr, value)

    def set_item(self, mapping: dict, key: str, value) -> None:
        self._undo.append((mapping, key, mapping[key]))
        mapping[key] = value

    def undo(self) -> None:
        for owner, attr, before in reversed(self._undo):
            if isinstance(owner, dict):
                owner[attr] = before
            elif before is _MISSING:
                with contextlib.suppress(AttributeError):
                    delattr(owner, attr)
            else:
                setattr(owner, attr, before)
        self._undo.clear()


def _stand_in(shown: str, calls: list[str]) -> Callable:
    def forbidden(*args, **kwargs):
        calls.append(shown)
        raise ForbiddenCall(shown)
    forbidden.__name__ = shown.rsplit(".", 1)[-1]
    return forbidden


def _methods(cls) -> list[str]:
    names = ["__init__"]
    for name, value in vars(cls).items():
        if not name.startswith("_") and (inspect.isfunction(value)
                                         or isinstance(value, (classmethod, staticmethod))):
            names.append(name)
    return names


@contextlib.contextmanager
def forbid(dotted_names: Sequence[str], func=None) -> Iterator[list[str]]:
    """Replace the functions named ``dotted_names`` by raisers while the block runs.

    Yields the list of forbidden names the code called (public spelling, in call order).
    ``func`` is the learner's function: its globals, closure and defaults are
    patched too.
    """
    calls: list[str] = []
    patches = _Patches()
    try:
        for dotted in dotted_names:
            obj, module = resolve(dotted)
            shown = public_name(obj, dotted)
            if inspect.isclass(obj):
                for name in _methods(obj):
                    label = shown if name == "__init__" else f"{shown}.{name}"
                    stand_in = _stand_in(label, calls)
                    value = vars(obj).get(name)
                    if isinstance(value, classmethod):
                        stand_in = classmethod(stand_in)
                    elif isinstance(value, staticmethod):
                        stand_in = staticmethod(stand_in)
                    patches.set(obj, name, stand_in)
                continue
            stand_in = _stand_in(shown, calls)
            if shown.startswith("vk."):  # also while not yet cached by the lazy export
                patches.set(sys.modules["vectorkit"], shown[3:], stand_in)
            owners = [module, sys.modules.get("vectorkit")]
            for owner in owners:
                for attr, value in list(vars(owner).items()) if owner else []:
                    if value is obj:
                        patches.set(owner, attr, stand_in)
            namespace = getattr(func, "__globals__", None)
            if isinstance(namespace, dict):
                for key, value in list(namespace.items()):
                    if value is obj:
                        patches.set_item(namespace, key, stand_in)
            defaults = getattr(func, "__defaults__", None)
            if defaults and any(d is obj for d in defaults):
                patches.set(func, "__defaults__",
                            tuple(stand_in if d is obj else d for d in defaults))
            kwdefaults = getattr(func, "__kwdefaults__", None)
            if kwdefaults and any(d is obj for d in kwdefaults.values()):
                patches.set(func, "__kwdefaults__",
                            {k: stand_in if d is obj else d for k, d in kwdefaults.items()})
            for cell in getattr(func, "__closure__", None) or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    if cell.cell_contents is obj:
                        patches.set(cell, "cell_contents", stand_in)
        yield calls
    finally:
        patches.undo()
