"""The contract every exercise module must meet; reused by each notebook's exercise tests.

Usage in ``tests/test_nbNN_exercises.py``::

    from exercise_contract import assert_exercise_contract
    from vectorkit.exercises import nb02

    def test_nb02_contract():
        assert_exercise_contract(nb02, {
            "q1": [0.5, "0.44"],                       # plausible wrong values
            "q2": [lambda a, b: float(np.dot(a, b))],  # plausible wrong functions
        })

For every gradable question it asserts: the reference answer checks "correct"; ``____`` (and
a stub function still returning ``____``) checks "not attempted"; each wrong answer checks
"incorrect" with a message that does not reveal a numeric expected value; there are enough
hints; ``solution()`` renders; and the code shown by ``solution()`` of function questions,
run in order in one namespace with ``np`` imported, defines a function that checks correct.
Thought questions need a model answer and must never count as checked.
"""

from __future__ import annotations

import numbers

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


def _stub(*args, **kwargs):
    return ____


def _revealing_strings(reference, wrong) -> list[str]:
    """Renderings of a numeric reference that a message must not contain."""
    if isinstance(reference, bool) or not isinstance(reference, numbers.Real):
        return []
    ref = float(reference)
    if ref == round(ref):  # small integers appear in ordinary prose; skip them
        return []
    shown = {f"{ref:.2f}", f"{ref:.3f}", f"{ref:.4f}", repr(ref)}
    return [s for s in shown if s not in repr(wrong)]


def check_question(name: str, q, wrong: list) -> None:
    """Assert the contract for one question ``name`` with its plausible ``wrong`` answers."""
    label = q.id or name
    assert q.id.endswith(f".{name}"), f"{name} is not bound: end the module with bind_questions"
    assert q.prompt, f"{label} has no prompt"
    assert repr(q.solution()) and q.solution()._repr_html_(), f"{label}: solution() is empty"
    if isinstance(q, ThoughtQuestion):
        assert q.reference, f"{label}: a thought question needs a model answer"
        before = len(_registry.snapshot()["records"])
        assert q.check("anything").status == "not attempted"
        assert len(_registry.snapshot()["records"]) == before, f"{label} must not be recorded"
        return
    assert isinstance(q, (ValueQuestion, FunctionQuestion, FreeCheckQuestion)), type(q)
    need = 1 if isinstance(q, ValueQuestion) else 2
    assert len(q.hints) >= need, f"{label} needs at least {need} hints, has {len(q.hints)}"
    for n in range(1, len(q.hints) + 1):
        assert repr(q.hint(n)), f"{label}: hint({n}) is empty"

    result = q.check(q.reference)
    assert result.status == "correct", f"{label}: the reference answer is not correct: {result}"
    for blank in (____, [____], _stub) if isinstance(q, FunctionQuestion) else (____, [____]):
        result = q.check(blank)
        assert result.status == "not attempted", f"{label}: {blank!r} gave {result}"
    assert q.check().status == "not attempted", f"{label}: check() without an answer"

    assert wrong, f"{label}: give at least one plausible wrong answer"
    for answer in wrong:
        result = q.check(answer)
        assert result.status == "incorrect", f"{label}: wrong answer {answer!r} gave {result}"
        assert result.message.strip(), f"{label}: no message for wrong answer {answer!r}"
        if not isinstance(q, FunctionQuestion):
            for text in _revealing_strings(q.reference, answer):
                assert text not in result.message, \
                    f"{label}: the message for {answer!r} reveals the answer: {result.message}"
    if isinstance(q, FunctionQuestion):
        assert not q.func_name.startswith("_"), f"{label}: set func_name= to the student name"


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
    for q in qs.values():
        if isinstance(q, FunctionQuestion) and q.solution_code:
            exec(compile(q.solution_code, f"<{q.id} solution>", "exec"), namespace)
            shown = namespace.get(q.func_name)
            assert callable(shown), f"{q.id}: solution_code does not define {q.func_name}"
            result = q.check(shown)
            assert result.status == "correct", f"{q.id}: the shown solution fails: {result}"

    progress = getattr(module, "progress", None)
    assert callable(progress), f"{module.__name__} needs `progress = bind_questions(globals())`"
    summary = progress()
    assert isinstance(summary, Progress) and [r[0] for r in summary.rows] == list(qs)
