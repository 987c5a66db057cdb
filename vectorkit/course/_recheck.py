"""Grader side: decide each captured answer's verdict in the grader's own process.

A value answer is decoded from data and checked by the question object imported here, never
by the learner's kernel. A function answer is represented by a stand-in function: when the
question's check calls it with test inputs, the inputs are sent to the kernel as data, the
learner's function runs there, and its result (or exception, or changed inputs) comes back as
data. So learner code never runs in this process, and nothing the kernel says about a
verdict (records, patched checks) is used.
"""

from __future__ import annotations

import builtins
import inspect
import json
from collections.abc import Callable

import numpy as np

from vectorkit.course import _transfer

#: Most calls of one learner function during one check (each costs a kernel round trip).
MAX_CALLS = 500


class CallFailed(Exception):
    """The kernel could not run the learner's function (it died, timed out, sent garbage)."""


class _NeedCall(BaseException):  # BaseException: passes through the checker's `except Exception`
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _key(args, kwargs) -> str:
    return json.dumps(_transfer.encode((list(args), dict(kwargs))), sort_keys=True,
                      separators=(",", ":"))


def _exception(info: dict) -> Exception:
    base = getattr(builtins, str(info.get("builtin", "")), None)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = RuntimeError  # SystemExit, KeyboardInterrupt... must not stop the grader
    name, message = str(info.get("name", "Exception")), str(info.get("message", ""))
    if name == base.__name__ or not name.isidentifier():
        return base(message)
    return type(name, (base,), {"__module__": str(info.get("module", "builtins"))})(message)


def _mirror(before, after) -> None:
    """Apply to ``before`` (an argument here) what the learner's function did to it there."""
    try:
        if isinstance(before, np.ndarray) and isinstance(after, np.ndarray) \
                and before.shape == after.shape and before.flags.writeable:
            before[...] = after
        elif isinstance(before, list) and isinstance(after, list):
            before[:] = after
        elif isinstance(before, dict) and isinstance(after, dict):
            before.clear()
            before.update(after)
        elif isinstance(before, set) and isinstance(after, set):
            before.clear()
            before.update(after)
    except (TypeError, ValueError):
        pass


def _signature(spec) -> inspect.Signature | None:
    if not isinstance(spec, list):
        return None
    try:
        params = [inspect.Parameter(str(n), inspect._ParameterKind(int(k)),
                                    **({"default": None} if d else {}))
                  for n, k, d in spec]
        return inspect.Signature(params)
    except (TypeError, ValueError):
        return None


def _replay_forbidden(called, allowed) -> None:
    """The kernel saw the learner's function call these forbidden functions: call them here,
    where the question's check has replaced them by raisers, so the check notices."""
    from vectorkit.exercises._checker.forbidden import ForbiddenCall, resolve

    for dotted in called if isinstance(called, list) else []:
        if dotted in allowed:
            try:
                resolve(dotted)[0]()
            except ForbiddenCall:
                raise
            except Exception:  # not replaced right now (no check running): nothing to replay
                pass


def _stand_in(meta: dict, known: dict[str, dict], forbidden=()) -> Callable:
    def submitted(*args, **kwargs):
        key = _key(args, kwargs)
        if key not in known:
            raise _NeedCall(key)
        outcome = known[key]
        _replay_forbidden(outcome.get("forbidden"), forbidden)
        if not outcome.get("ok"):
            raise _exception(outcome.get("exception", {}))
        for before, after in zip(args, outcome.get("args", []), strict=False):
            _mirror(before, after)
        for name, after in outcome.get("kwargs", {}).items():
            if name in kwargs:
                _mirror(kwargs[name], after)
        return outcome.get("value")

    submitted.__module__ = str(meta.get("module", ""))[:200]
    submitted.__qualname__ = submitted.__name__ = str(meta.get("qualname", "") or "f")[:200]
    sig = _signature(meta.get("signature"))
    if sig is not None:
        submitted.__signature__ = sig
    return submitted


def _decode_outcome(data) -> dict:
    if not isinstance(data, dict):
        raise CallFailed("the kernel sent no result")
    if not data.get("ok"):
        if data.get("grader"):
            raise CallFailed(f"the kernel could not run the function: "
                             f"{data.get('exception', {}).get('message', '')}")
        return {"ok": False, "exception": data.get("exception") or {},
                "forbidden": [str(d) for d in data.get("forbidden") or []][:20]}
    out = {"ok": True, "value": _decode_answer(data.get("value"))}
    for name in ("args", "kwargs"):
        if name in data:
            try:
                out[name] = _transfer.decode(data[name])
            except _transfer.TransferError:
                pass
    return out


def _decode_answer(data):
    if isinstance(data, dict) and data.get("t") == "function":
        return _transfer.Opaque("function", str(data.get("qualname", ""))[:60])
    return _transfer.decode(data)


def recheck(question, answer: dict, call: Callable[[int, str], object]):
    """The :class:`CheckResult` of ``question`` for a captured ``answer``.

    ``call(handle, request_json, forbidden)`` runs the learner's function ``handle`` in its
    kernel (with the question's forbidden functions replaced there) and returns the kernel's
    data about the outcome; it raises :class:`CallFailed` if it cannot.
    """
    from vectorkit.exercises._checker.display import CheckResult
    from vectorkit.exercises._checker.placeholder import ____

    if not (isinstance(answer, dict) and answer.get("t") == "function"):
        try:
            value = _transfer.decode(answer)
        except _transfer.TransferError as exc:
            return CheckResult("incorrect", f"Your answer could not be read by the grader "
                               f"({exc}).", question.id)
        return question.check(value)
    if answer.get("untouched"):
        return question.check(____)
    known: dict[str, dict] = {}
    forbidden = tuple(str(d) for d in getattr(question, "forbidden", ()) or ())
    for _ in range(MAX_CALLS):
        try:
            return question.check(_stand_in(answer, known, forbidden))
        except _NeedCall as need:
            try:
                known[need.key] = _decode_outcome(call(answer.get("handle"), need.key,
                                                       forbidden))
            except (CallFailed, _transfer.TransferError) as exc:
                return CheckResult("incorrect", f"The grader could not test your function: "
                                   f"{exc}.", question.id)
    return CheckResult("incorrect", f"The grader stopped testing your function after "
                       f"{MAX_CALLS} calls.", question.id)
