"""Checkable exercises for the vectorkit notebooks.

Each notebook NN has a module ``vectorkit.exercises.nbNN`` with questions ``q1, q2, ...``::

    from vectorkit.exercises import ____, nb01 as ex
    answer = ____               # the student replaces the blank
    ex.q1.check(answer)         # correct / incorrect (with a reason) / not attempted
    ex.q1.hint(), ex.q1.hint(2), ex.q1.solution()
    ex.progress()               # the notebook's questions at a glance

Question kinds: :class:`ValueQuestion`, :class:`FunctionQuestion` (with :class:`Case` test
cases), :class:`FreeCheckQuestion` and :class:`ThoughtQuestion`; :class:`Mistake` recognises a
typical wrong answer and explains it. A new module ends with
``progress = bind_questions(globals())``, which puts a :class:`BoundQuestion` (the view that
records checks and hints for ``ex.progress()`` and the grader) in front of each question.
A question's ``check`` returns a :class:`CheckResult` whose ``kind`` says, as data, what was
found; comparisons return a :class:`Mismatch` (a ``str`` with a ``kind``). ``solution()``
shows the question's marked cell of its solution notebook (collected into
``solutions.json`` by ``python -m vectorkit.course.generate``).

Example:
    >>> from vectorkit.exercises import ValueQuestion, ____
    >>> ValueQuestion("2 + 2?", 4).check(____).status
    'not attempted'
"""

from __future__ import annotations

import importlib

from vectorkit.exercises._checker.compare import Mismatch, compare
from vectorkit.exercises._checker.core import (
    FreeCheckQuestion,
    Mistake,
    Question,
    ThoughtQuestion,
    ValueQuestion,
)
from vectorkit.exercises._checker.display import CheckResult, Note, Progress
from vectorkit.exercises._checker.function import Case, FunctionQuestion
from vectorkit.exercises._checker.lazy import LazyValueQuestion
from vectorkit.exercises._checker.module import BoundQuestion, bind_questions, questions
from vectorkit.exercises._checker.placeholder import Placeholder, ____, is_placeholder

__all__ = [
    "____", "BoundQuestion", "Case", "CheckResult", "FreeCheckQuestion", "FunctionQuestion",
    "LazyValueQuestion",
    "Mismatch", "Mistake", "Note", "Placeholder", "Progress", "Question", "ThoughtQuestion",
    "ValueQuestion", "bind_questions", "compare", "is_placeholder", "questions",
]


def __getattr__(name: str):
    # `from vectorkit.exercises import nb01` works even before the submodule is imported
    if name.startswith("nb") and name[2:4].isdigit():
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
