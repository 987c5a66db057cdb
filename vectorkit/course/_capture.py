"""Kernel side of grading: capture what each ``check()`` was given, and call learner functions.

The grader runs :func:`install` in the learner's kernel before the notebook's first cell. From
then on every ``check(answer)`` of a course question also displays the answer as data
(:data:`CHECK_MIMETYPE`, see :mod:`vectorkit.course._transfer`); a function is kept here under
a handle instead, and the grader later asks :func:`call` to run it on test inputs. The grader
decides every verdict in its own process from this data: nothing computed here is trusted (the
learner's code can change this module too, but it can only hand over answers, which is what
it is asked to do anyway).
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings

from vectorkit.course import _transfer

CHECK_MIMETYPE = "application/vnd.vectorkit.check+json"
CALL_MIMETYPE = "application/vnd.vectorkit.call+json"

_functions: dict[int, object] = {}
_local = threading.local()


def _signature(func) -> list | None:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    return [[p.name, int(p.kind), p.default is not inspect.Parameter.empty]
            for p in sig.parameters.values()]


def describe_answer(answer) -> dict:
    """The data the grader receives for one checked answer."""
    from vectorkit.exercises._checker.placeholder import is_placeholder, uses_placeholder

    if callable(answer) and not isinstance(answer, type) and not is_placeholder(answer):
        handle = len(_functions) + 1
        _functions[handle] = answer
        return {"t": "function", "handle": handle,
                "module": str(getattr(answer, "__module__", "") or ""),
                "qualname": str(getattr(answer, "__qualname__", "") or ""),
                "signature": _signature(answer), "untouched": bool(uses_placeholder(answer))}
    try:
        return _transfer.encode(answer)
    except _transfer.TransferError as exc:
        return {"t": "opaque", "type": type(answer).__name__, "repr": str(exc)}


def _emit(mimetype: str, payload: dict) -> None:
    from IPython.display import display

    display({mimetype: payload}, raw=True)


def _wrap(original):
    @functools.wraps(original)
    def check(self, *args, **kwargs):
        outer = not getattr(_local, "depth", 0)
        if outer and getattr(self, "module", None) and getattr(self, "name", None):
            answer = args[0] if args else kwargs.get("answer", _placeholder())
            try:
                _emit(CHECK_MIMETYPE, {"module": self.module, "question": self.name,
                                       "answer": describe_answer(answer)})
            except Exception:  # capturing must never change what the learner sees
                pass
        _local.depth = getattr(_local, "depth", 0) + 1
        try:
            return original(self, *args, **kwargs)
        finally:
            _local.depth -= 1

    check._vectorkit_capture = True
    return check


def _placeholder():
    from vectorkit.exercises._checker.placeholder import ____

    return ____


def _subclasses(cls):
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


def install(modules=()) -> None:
    """Import the exercise ``modules`` and make every question class capture its answers."""
    import importlib

    from vectorkit.exercises._checker.core import Question

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the grader reports a missing module itself
            pass
    for cls in set(_subclasses(Question)):
        method = cls.__dict__.get("check")
        if method is not None and not getattr(method, "_vectorkit_capture", False):
            cls.check = _wrap(method)


def _exception(exc: BaseException) -> dict:
    base = next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"),
                "Exception")
    return {"name": type(exc).__name__, "module": type(exc).__module__, "builtin": base,
            "message": str(exc)[:2000]}


def call(handle: int, request: str, forbidden=()) -> None:
    """Call function ``handle`` on the arguments in ``request``, with the library functions
    named in ``forbidden`` replaced by raisers (as the checker does); display the outcome."""
    import numpy as np

    from vectorkit.exercises._checker.forbidden import ForbiddenCall, forbid, public_name, resolve

    try:
        args, kwargs = _transfer.loads(request, objects=True)
        func = _functions[handle]
        shown = {d: public_name(resolve(d)[0], d) for d in forbidden}
    except Exception as exc:
        _emit(CALL_MIMETYPE, {"ok": False, "grader": True, "exception": _exception(exc)})
        return
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings(), \
                forbid(list(forbidden), func) as calls:
            warnings.simplefilter("ignore")
            try:
                result = func(*args, **kwargs)
            except ForbiddenCall:
                result = None
        if calls:
            called = [d for d in forbidden if any(c == shown[d] or c.startswith(shown[d] + ".")
                                                  for c in calls)]
            _emit(CALL_MIMETYPE, {"ok": False, "forbidden": called,
                                  "exception": {"name": "ForbiddenCall", "builtin": "Exception",
                                                "message": calls[0]}})
            return
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included: report them
        _emit(CALL_MIMETYPE, {"ok": False, "exception": _exception(exc)})
        if isinstance(exc, KeyboardInterrupt):
            raise
        return
    try:
        payload = {"ok": True, "value": describe_answer(result),
                   "args": _transfer.encode(list(args)), "kwargs": _transfer.encode(kwargs)}
    except Exception as exc:
        payload = {"ok": True, "value": {"t": "opaque", "type": type(result).__name__,
                                         "repr": f"could not be transferred: {exc}"}}
    _emit(CALL_MIMETYPE, payload)

