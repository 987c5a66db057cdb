"""Per-process record of check results, hints and solutions shown (read by the grader).

Every ``check()`` of a bound question appends a record here, tagged with the IPython
execution count seen while its cell ran, so ``vectorkit grade`` can tell which cell produced
which result. (IPython 9 increments the count before running a cell, IPython 8 after, so the
snapshot also carries the count seen by the grader's own cell to calibrate the offset.) Nothing here imports IPython unless it is already loaded.
"""

from __future__ import annotations

import sys

#: Mimetype of the record the grader's final cell displays.
MIMETYPE = "application/vnd.vectorkit.grade+json"

_records: list[dict] = []
_events: list[dict] = []
_modules: dict[str, list[dict]] = {}


def execution_count() -> int | None:
    """The IPython execution count of the running cell, or ``None`` outside IPython."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    shell = get_ipython()
    return None if shell is None else getattr(shell, "execution_count", None)


def register_module(module: str, questions: list[dict]) -> None:
    """Remember the questions of exercise module ``module`` (name, kind, gradable)."""
    _modules[module] = [dict(q) for q in questions]


def record(module: str | None, question: str | None, status: str, message: str) -> None:
    """Append one check result; results of unbound questions (no module) are not kept."""
    if module is None or question is None:
        return
    _records.append({"module": module, "question": question, "status": status,
                     "message": message, "execution_count": execution_count()})


def record_event(module: str | None, question: str | None, event: str) -> None:
    """Note that a hint (``"hint 2"``) or the solution (``"solution"``) was shown."""
    if module is None or question is None:
        return
    _events.append({"module": module, "question": question, "event": event,
                    "execution_count": execution_count()})


def last_status(module: str, question: str) -> dict | None:
    """The most recent record for a question in this process, or ``None``."""
    for rec in reversed(_records):
        if rec["module"] == module and rec["question"] == question:
            return rec
    return None


def events_for(module: str, question: str) -> list[str]:
    """The hints/solution views of a question in this process, in order, without repeats."""
    seen: list[str] = []
    for ev in _events:
        if ev["module"] == module and ev["question"] == question and ev["event"] not in seen:
            seen.append(ev["event"])
    return seen


def snapshot() -> dict:
    """Everything recorded so far, as JSON-serialisable data."""
    return {"modules": {k: list(v) for k, v in _modules.items()},
            "records": list(_records), "events": list(_events),
            "execution_count": execution_count()}


def clear() -> None:
    """Forget all records and events (bound modules stay registered)."""
    _records.clear()
    _events.clear()


def emit() -> None:
    """Display the snapshot under :data:`MIMETYPE` (the grader's last cell calls this)."""
    from IPython.display import display

    display({MIMETYPE: snapshot(), "text/plain": "vectorkit grading record"}, raw=True)
