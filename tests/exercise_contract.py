"""The contract every exercise module must meet; reused by each notebook's exercise tests.

Usage in ``tests/test_nbNN_exercises.py``::

    from exercise_contract import Wrong, assert_exercise_contract
    from vectorkit.exercises import nb02

    def test_nb02_contract():
        assert_exercise_contract(nb02, {
            "q1": [0.5, "0.44",                              # plausible wrong values
                   Wrong(3, says="HIGHEST", fact=lambda a: a == int(np.argmax(means)))],
            "q2": [Wrong(lambda a, b: float(np.dot(a, b)), says="length")],
        })

For every gradable question it asserts: the reference answer checks "correct"; ``____`` (and
a stub function still returning ``____``) checks "not attempted"; each wrong answer checks
"incorrect" with a message that never contains the right answer; a wrong answer whose message
is a recognised mistake (result kind "mistake") is given as a :class:`Wrong` saying which
mistake (``says``) and, for value questions, with a ``fact`` computed by the test from the
data, independently of the checker, proving that the message is true of that answer; there
are enough hints, ``hint()`` called again gives the next one and past the last one points to
the solution (never a traceback); every call a message names is one the learner can type
(``ex.q1.hint()``, not ``q1.hint()``); a function question's forbidden library functions are
refused when the learner's function merely calls them; a function that never returns is
stopped by the time limit; a generator is refused unread; ``solution()`` renders; and the code
shown by ``solution()`` of function questions, when it is not the notebook's own solution
cell (which the solution notebook runs and checks), defines a function that checks correct.
Thought questions need a model answer and must never count as checked.
"""

from __future__ import annotations

import itertools
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vectorkit.exercises import (
    FreeCheckQuestion,
    FunctionQuestion,
    Progress,
    ThoughtQuestion,
    ValueQuestion,
    ____,
    questions,
)
from vectorkit.exercises._checker import registry as _registry
from vectorkit.exercises._checker import solutions as _solutions
from vectorkit.exercises._checker.forbidden import resolve

# a call such as "q1.hint(2)" not preceded by "ex." cannot be typed in the notebooks
_BARE_CALL = re.compile(r"(?<![\w.])(q\d+[a-z]?|demo)\.(check|hint|solution)\(")


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer and what its message must say.

    Args:
        answer: the wrong answer (a value, or a function for function questions).
        says: a phrase the message must contain (the mistake it is recognised as).
        fact: ``fact(answer) -> bool``, computed by the test from the data without the checker:
            True when the message's claim holds for this answer (e.g. the answer really is the
            argmax of the scores). Required for a recognised mistake of a value question.
    """

    answer: object
    says: str = ""
    fact: Callable[[object], bool] | None = None


def _stub(*args, **kwargs):
    return ____


def _forever(*args, **kwargs):
    while True:
        pass


def _endless(*args, **kwargs):
    return itertools.count()


def _number_forms(ref) -> list[str]:
    if isinstance(ref, bool) or not isinstance(ref, numbers.Real):
        return []
    ref = float(ref)
    if ref == round(ref) and abs(ref) < 1e15:
        return [str(int(ref))]
    return sorted({f"{ref:.2f}", f"{ref:.3f}", f"{ref:.4f}", repr(ref)})


def _contains(text: str, part: str) -> bool:
    """``part`` occurs in ``text`` as a whole token (not inside a longer number or word)."""
    pattern = rf"(?<![\w.]){re.escape(part)}(?![\w]|\.\d)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def revealed(reference, message: str, allowed: str) -> str | None:
    """The rendering of ``reference`` that ``message`` contains, or None.

    ``allowed`` is text the learner already has (the prompt, their own answer): a rendering
    that occurs in it gives nothing away.
    """
    if isinstance(reference, np.ndarray) and reference.size <= 20:
        reference = reference.tolist()
    if isinstance(reference, str):
        parts = [reference.strip()]
    elif isinstance(reference, (list, tuple)) and reference:
        if all(isinstance(r, str) for r in reference):  # the whole sequence, in order
            items = [r.strip() for r in reference]
            forms = {repr(items), repr(tuple(items)), ", ".join(items), " > ".join(items),
                     ", ".join(map(repr, items))}
            if all(len(r) == 1 for r in items):
                forms.add("".join(items))
            return next((f for f in sorted(forms) if f in message and f not in allowed), None)
        parts = [f for r in reference for f in _number_forms(r)] if len(reference) <= 3 else []
    else:
        parts = _number_forms(reference)
    for part in parts:
        if part and _contains(message, part) and not _contains(allowed, part):
            return part
    return None


def _typeable(label: str, text: str) -> None:
    bare = _BARE_CALL.search(text)
    assert bare is None, f"{label}: {bare.group(0)!r} cannot be typed in a notebook: write " \
        f"ex.{bare.group(1)}.{bare.group(2)}(...) ({text!r})"


def _check_hints(label: str, q, pure) -> None:
    need = 1 if isinstance(pure, ValueQuestion) else 2
    assert len(pure.hints) >= need, f"{label} needs at least {need} hints, has {len(pure.hints)}"
    fresh = type(q)(pure, graded=False)  # a view of its own: hint() starts from the first
    for n in range(1, len(pure.hints) + 1):
        note = fresh.hint()
        assert note.text == pure.hints[n - 1], f"{label}: hint() call {n} did not give hint {n}"
        _typeable(label, repr(note))
    for past in (fresh.hint(), q.hint(len(pure.hints) + 1), q.hint(0)):
        assert "solution()" in repr(past) or "hint()" in repr(past), \
            f"{label}: past the last hint, point to ex.{pure.name}.solution(): {past!r}"
        _typeable(label, repr(past))
    assert f"ex.{pure.name}.solution()" in repr(fresh.hint()), label


def _allowed_text(q, answer) -> str:
    return f"{q.prompt}\n{answer!r}"


def _check_function_extras(label: str, q, pure) -> None:
    saved = pure.call_limit
    pure.call_limit = 0.3
    try:
        result = q.check(_forever)
    finally:
        pure.call_limit = saved
    assert result.status == "incorrect" and result.kind == "timeout", \
        f"{label}: a function that never returns gave {result}"
    result = q.check(_endless)
    assert result.status == "incorrect" and result.kind == "iterator", \
        f"{label}: a function returning an endless iterator gave {result}"
    for dotted in pure.forbidden:
        target, _ = resolve(dotted)

        def wrapper(*args, _target=target, **kwargs):
            return _target(*args, **kwargs)

        result = q.check(wrapper)
        assert result.status == "incorrect" and result.kind == "forbidden", \
            f"{label}: a function that calls {dotted} gave {result}"
        assert dotted.rsplit(".", 1)[-1] in result.message, \
            f"{label}: say which forbidden function was called: {result.message}"


def _check_wrong(label: str, q, pure, wrong) -> None:
    entry = wrong if isinstance(wrong, Wrong) else Wrong(wrong)
    answer = entry.answer
    result = q.check(answer)
    assert result.status == "incorrect", f"{label}: wrong answer {answer!r} gave {result}"
    message = result.message
    assert message.strip(), f"{label}: no message for wrong answer {answer!r}"
    _typeable(label, message)
    if entry.says:
        assert entry.says.casefold() in message.casefold(), \
            f"{label}: the message for {answer!r} should say {entry.says!r}: {message}"
    if result.kind == "mistake":
        assert entry.says, (f"{label}: {answer!r} is recognised as a mistake; give it as "
                            f"Wrong(answer, says=..., fact=...): {message}")
        if not isinstance(pure, FunctionQuestion):
            assert entry.fact is not None, (
                f"{label}: prove the message for {answer!r} true with Wrong(..., fact=...), "
                f"computed from the data: {message}")
            assert entry.fact(answer), f"{label}: the message for {answer!r} is false: {message}"
    if isinstance(pure, FunctionQuestion):
        for i, case in enumerate(pure.cases):
            if case.raises:
                continue
            expected = pure._expected_for(i, case)
            if isinstance(expected, str) or (isinstance(expected, numbers.Real)
                                             and float(expected) != round(float(expected))):
                shown = revealed(expected, message, f"{pure.prompt}\n{case.args!r}\n{case.label}")
                assert shown is None, \
                    f"{label}: the message for {answer!r} reveals a result ({shown}): {message}"
    else:
        shown = revealed(pure.reference, message, _allowed_text(pure, answer))
        assert shown is None, \
            f"{label}: the message for {answer!r} reveals the answer ({shown}): {message}"


def check_question(name: str, q, wrong: list) -> None:
    """Assert the contract for one question ``name`` with its plausible ``wrong`` answers."""
    pure = getattr(q, "question", q)
    label = pure.id or name
    assert pure.id.endswith(f".{name}") and pure is not q, \
        f"{name} is not bound: end the module with bind_questions(globals())"
    assert pure.prompt, f"{label} has no prompt"
    assert repr(q.solution()) and q.solution()._repr_html_(), f"{label}: solution() is empty"
    if isinstance(pure, ThoughtQuestion):
        assert pure.reference, f"{label}: a thought question needs a model answer"
        before = len(_registry.snapshot()["records"])
        result = q.check("anything")
        assert result.status == "not attempted"
        _typeable(label, result.message)
        assert len(_registry.snapshot()["records"]) == before, f"{label} must not be recorded"
        return
    assert isinstance(pure, (ValueQuestion, FunctionQuestion, FreeCheckQuestion)), type(pure)
    _check_hints(label, q, pure)

    result = q.check(pure.reference)
    assert result.status == "correct", f"{label}: the reference answer is not correct: {result}"
    for blank in (____, [____], _stub) if isinstance(pure, FunctionQuestion) else (____, [____]):
        result = q.check(blank)
        assert result.status == "not attempted", f"{label}: {blank!r} gave {result}"
    assert q.check().status == "not attempted", f"{label}: check() without an answer"

    assert wrong, f"{label}: give at least one plausible wrong answer"
    for answer in wrong:
        _check_wrong(label, q, pure, answer)
    if isinstance(pure, FunctionQuestion):
        assert not pure.func_name.startswith("_"), f"{label}: set func_name= to the student name"
        _check_function_extras(label, q, pure)


def assert_exercise_contract(module, wrong_answers: dict[str, list]) -> None:
    """Assert the contract for every question of ``module`` (see the module docstring)."""
    qs = questions(module)
    assert qs, f"{module.__name__} defines no questions q1, q2, ..."
    gradable = {n for n, q in qs.items() if q.gradable}
    unknown = set(wrong_answers) - gradable
    assert not unknown, f"wrong answers given for unknown or ungradable questions: {unknown}"
    missing = gradable - set(wrong_answers)
    assert not missing, f"give plausible wrong answers for {sorted(missing)}"
    for name, q in qs.items():
        check_question(name, q, list(wrong_answers.get(name, [])))

    namespace: dict = {"np": np}
    for view in qs.values():
        q = view.question
        if isinstance(q, FunctionQuestion) and q.solution_code and not _solutions.lookup(q.id):
            exec(compile(q.solution_code, f"<{q.id} solution>", "exec"), namespace)
            shown = namespace.get(q.func_name)
            assert callable(shown), f"{q.id}: solution_code does not define {q.func_name}"
            result = q.check(shown)
            assert result.status == "correct", f"{q.id}: the shown solution fails: {result}"

    progress = getattr(module, "progress", None)
    assert callable(progress), f"{module.__name__} needs `progress = bind_questions(globals())`"
    summary = progress()
    assert isinstance(summary, Progress) and [r[0] for r in summary.rows] == list(qs)
