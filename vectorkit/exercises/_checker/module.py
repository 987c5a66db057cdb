"""Exercise modules: find their questions, name them, and give each module ``progress()``.

A notebook's exercise module creates questions ``q1, q2, ...`` and ends with
``progress = bind_questions(globals())``, which names the questions (``nb01.q2``), registers
them for the grader and returns the module's ``progress()`` function.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from types import ModuleType

from vectorkit.exercises._checker import registry as _registry
from vectorkit.exercises._checker.core import Question
from vectorkit.exercises._checker.display import Progress

_NAME = re.compile(r"^q(\d+)([a-z]?)$")


def _order(name: str):
    match = _NAME.match(name)
    return int(match.group(1)), match.group(2)


def questions(module) -> dict[str, Question]:
    """The questions ``q1, q2, ...`` of an exercise module (object or dotted name), in order."""
    if isinstance(module, str):
        module = importlib.import_module(module)
    if not isinstance(module, ModuleType):
        raise ValueError(f"`module` must be a module or its dotted name, got {module!r}")
    found = {k: v for k, v in vars(module).items() if _NAME.match(k) and isinstance(v, Question)}
    return {k: found[k] for k in sorted(found, key=_order)}


def bind_questions(namespace: dict) -> Callable[[], Progress]:
    """Name the questions of an exercise module and return its ``progress()`` function.

    Call it at the end of ``vectorkit/exercises/nbNN.py``::

        progress = bind_questions(globals())
    """
    module = namespace.get("__name__")
    if not isinstance(namespace, dict) or not module:
        raise ValueError("`namespace` must be a module's globals() (with __name__)")
    found = {k: v for k, v in namespace.items() if _NAME.match(k) and isinstance(v, Question)}
    if not found:
        raise ValueError(f"module {module!r} defines no questions named q1, q2, ...")
    ordered = sorted(found, key=_order)
    for name in ordered:
        found[name].module, found[name].name = module, name
    _registry.register_module(module, [
        {"question": n, "kind": found[n].kind, "gradable": found[n].gradable} for n in ordered])

    def progress() -> Progress:
        """Summarise this notebook's questions: the latest check of each, hints used."""
        rows = []
        for name in ordered:
            q = found[name]
            last = _registry.last_status(module, name)
            status = "-" if not q.gradable else (last["status"] if last else "not attempted")
            rows.append((name, q.kind, status, ", ".join(_registry.events_for(module, name))))
        return Progress(module.rsplit(".", 1)[-1], tuple(rows))

    return progress
