"""Exercise modules: find their questions, attach them to the notebook, give it ``progress()``.

A notebook's exercise module creates questions ``q1, q2, ...`` and ends with
``progress = bind_questions(globals())``. Binding names each question (``nb01.q2``),
registers the module for the grader, and replaces each question in the module by a
:class:`BoundQuestion`: the view the notebook talks to (``ex.q2``). The question itself only
judges; the view records each check and each hint or solution shown (for ``ex.progress()``
and the grader), and remembers which hint comes next.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from types import ModuleType

from vectorkit.exercises._checker import registry as _registry
from vectorkit.exercises._checker.core import Question
from vectorkit.exercises._checker.display import CheckResult, Note, Progress
from vectorkit.exercises._checker.placeholder import ____

_NAME = re.compile(r"^q(\d+)([a-z]?)$")


def _order(name: str):
    match = _NAME.match(name)
    return int(match.group(1)), match.group(2)


class BoundQuestion:
    """A question attached to a notebook (``ex.q1``): checks, hints and solutions, recorded.

    Every attribute of the question (``prompt``, ``hints``, ``kind``, ``reference``, ...) reads
    through; :attr:`question` is the question itself (whose ``check`` records nothing).

    Example:
        >>> from vectorkit.exercises import ValueQuestion
        >>> ns = {"__name__": "my_exercises", "q1": ValueQuestion("2 + 2?", 4, hints=["a", "b"])}
        >>> progress = bind_questions(ns)
        >>> ns["q1"].check(4).status, ns["q1"].hint().title, ns["q1"].hint().title
        ('correct', 'Hint 1 of 2 (run ex.q1.hint() again for the next one):', 'Hint 2 of 2 (the last one; ex.q1.solution() shows the answer):')
        >>> progress().rows[0][2:]
        ('correct', 'hint 1, hint 2')
    """

    def __init__(self, question: Question, graded: bool = True):
        object.__setattr__(self, "question", question)
        object.__setattr__(self, "graded", graded and question.gradable)
        object.__setattr__(self, "_hints_shown", 0)

    def __getattr__(self, attr):
        if attr == "question":  # not yet set (copy, pickle): do not recurse
            raise AttributeError(attr)
        return getattr(self.question, attr)

    def __setattr__(self, attr, value):
        setattr(self.question, attr, value)

    def __dir__(self):
        return sorted(set(dir(self.question)) | {"question"})

    def check(self, answer=____) -> CheckResult:
        """Check ``answer`` (correct / incorrect with a reason / not attempted) and record it."""
        result = self.question.check(answer)
        if self.graded:
            _registry.record(self.question.module, self.question.name, result.status,
                             result.message)
        return result

    def hint(self, n: int | None = None) -> Note:
        """The next hint (or hint ``n``); past the last one, where to find the solution."""
        q = self.question
        if n is None:
            n = self._hints_shown + 1
        note = q.hint_note(n, again=True)
        if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(q.hints):
            object.__setattr__(self, "_hints_shown", max(self._hints_shown, n))
            _registry.record_event(q.module, q.name, f"hint {n}")
        return note

    def solution(self) -> Note:
        """The reference answer, with an explanation (recorded as seen)."""
        _registry.record_event(self.question.module, self.question.name, "solution")
        return self.question.solution()

    def __repr__(self) -> str:
        return repr(self.question)

    def _repr_html_(self) -> str:
        return self.question._repr_html_()


def _question(value) -> Question | None:
    if isinstance(value, BoundQuestion):
        return value.question
    return value if isinstance(value, Question) else None


def questions(module) -> dict:
    """The questions ``q1, q2, ...`` of an exercise module (object or dotted name), in order.

    In a bound module these are the :class:`BoundQuestion` views the notebook uses; their
    ``.question`` is the question itself.
    """
    if isinstance(module, str):
        module = importlib.import_module(module)
    if not isinstance(module, ModuleType):
        raise ValueError(f"`module` must be a module or its dotted name, got {module!r}")
    found = {k: v for k, v in vars(module).items() if _NAME.match(k) and _question(v)}
    return {k: found[k] for k in sorted(found, key=_order)}


def bind_questions(namespace: dict) -> Callable[[], Progress]:
    """Attach the questions of an exercise module to the notebook; return its ``progress()``.

    Call it at the end of ``vectorkit/exercises/nbNN.py``::

        progress = bind_questions(globals())

    Questions named ``q1, q2, ...`` are graded; other questions (a practice ``demo``) get a
    view too, but are neither registered nor recorded.
    """
    module = namespace.get("__name__") if isinstance(namespace, dict) else None
    if not module:
        raise ValueError("`namespace` must be a module's globals() (with __name__)")
    found = {k: v for k, v in namespace.items() if _NAME.match(k) and _question(v)}
    if not found:
        raise ValueError(f"module {module!r} defines no questions named q1, q2, ...")
    ordered = sorted(found, key=_order)
    for name, value in list(namespace.items()):
        q = _question(value)
        if q is None or name.startswith("_"):
            continue
        q.module, q.name = module, name
        namespace[name] = BoundQuestion(q, graded=name in found)
    _registry.register_module(module, [
        {"question": n, "kind": namespace[n].kind, "gradable": namespace[n].gradable}
        for n in ordered])

    def progress() -> Progress:
        """Summarise this notebook's questions: the latest check of each, hints used."""
        rows = []
        for name in ordered:
            q = namespace[name]
            last = _registry.last_status(module, name)
            status = "-" if not q.gradable else (last["status"] if last else "not attempted")
            rows.append((name, q.kind, status, ", ".join(_registry.events_for(module, name))))
        return Progress(module.rsplit(".", 1)[-1], tuple(rows))

    return progress
