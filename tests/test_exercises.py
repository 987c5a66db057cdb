"""The exercise checker: placeholder, comparisons, question kinds, progress, and nb01."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import numpy as np
import pytest
from exercise_contract import Wrong, assert_exercise_contract

import vectorkit as vk
from vectorkit.exercises import (
    Case,
    CheckResult,
    FreeCheckQuestion,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    ____,
    bind_questions,
    compare,
    is_placeholder,
    nb01,
    questions,
)
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


# --- placeholder -------------------------------------------------------------------------------

def test_placeholder_is_one_object_that_survives_copies():
    assert repr(____) == "____"
    assert copy.copy(____) is ____ and copy.deepcopy([____])[0] is ____
    assert pickle.loads(pickle.dumps(____)) is ____
    assert type(____)() is ____


@pytest.mark.parametrize("op", [lambda p: p + 1, lambda p: 2 * p, lambda p: p / 3,
                                lambda p: p(), lambda p: float(p), lambda p: p < 1])
def test_placeholder_refuses_arithmetic_with_a_clear_message(op):
    with pytest.raises(TypeError, match="placeholder"):
        op(____)


def test_is_placeholder_finds_nested_blanks():
    assert is_placeholder(____) and is_placeholder(...)
    assert is_placeholder([1, (2, ____)]) and is_placeholder({"a": ____})
    assert is_placeholder(np.array([1, ____], dtype=object))
    assert not is_placeholder([1, 2]) and not is_placeholder(np.zeros(3)) and not is_placeholder(0)


# --- compare -------------------------------------------------------------------------------------

def test_compare_numbers_with_tolerance_and_type_messages():
    assert compare(0.1 + 0.2, 0.3) is None
    assert compare(np.float32(0.5), 0.5) is None and compare(np.int64(3), 3) is None
    assert compare(0.31, 0.3) == "that is not the right value"
    assert "the text '0.3' (a str), not a number: write the number without quotes" in \
        compare("0.3", 0.3)
    assert compare("zero point three", 0.3) == "your answer should be a number, but it is a str"
    assert "should be a number, but it is a bool" in compare(True, 1)
    assert compare(3, "three") == "your answer should be text (a str, in quotes), but it is an int"
    assert compare(len, 1) == "your answer should be a number, but it is a function"
    assert "NaN" in compare(float("nan"), 0.3)


def test_compare_arrays_never_reveal_the_expected_values():
    expected = np.array([[0.125, 0.875], [0.25, 0.75]])
    assert compare(expected.tolist(), expected) is None
    shape = compare([0.125, 0.875], expected)
    assert "shape (2,)" in shape and "(2, 2)" not in shape
    values = compare([[0.125, 0.875], [0.25, 0.7]], expected)
    assert values == "the shape is right but 1 of the 4 values are not"
    assert "0.75" not in values and "array of numbers" in compare("x", expected)


def test_compare_sets_ignore_order_and_case():
    assert compare(["b", "A"], {"a", "b"}) is None
    assert compare([3, 1, 2], [1, 2, 3], unordered=True) is None
    assert compare([1.0000001, 2], {2, 1}) is None
    assert "3 items" in compare([1, 2, 3], {1, 2})
    assert "1 of your 2 items is not right" in compare(["a", "c"], {"a", "b"})
    assert compare(["A"], ["a"], unordered=True, case_sensitive=True) is not None


def test_compare_text_dicts_bools_and_lists():
    assert compare("  Cosine ", "cosine") is None and compare("sine", "cosine") is not None
    assert compare({"x": 1.0, "y": [1, 2]}, {"y": [1, 2], "x": 1}) is None
    assert "keys" in compare({"x": 1}, {"y": 1})
    assert "'x'" in compare({"x": 2}, {"x": 1})
    assert compare(True, True) is None and "True or False" in compare(1, True)
    assert "item 1" in compare(["a", "b"], ["a", "c"])


# --- results, hints, solutions ---------------------------------------------------------------

def test_check_result_display_and_truth():
    ok, bad = CheckResult("correct", "Nice.", "nb01.q1"), CheckResult("incorrect", "No.")
    assert ok and not bad and ok.correct
    assert "Correct (nb01.q1)" in repr(ok) and "No." in repr(bad)
    html = bad._repr_html_()
    assert "Incorrect" in html and "color:" in html
    assert "&lt;b&gt;" in CheckResult("incorrect", "<b>")._repr_html_()
    with pytest.raises(ValueError, match="`status` must be one of"):
        CheckResult("right")


def test_value_question_statuses_mistakes_and_defaults():
    q = ValueQuestion("1/3 to three decimals?", 1 / 3, atol=5e-4, untouched=[0.0],
                      mistakes=[Mistake(lambda x: x > 1, "too big: got {got}")],
                      hints=["Divide.", "1 / 3"])
    assert q.check(0.3333).status == "correct"
    assert q.check(0.3).status == "incorrect" and "0.333" not in q.check(0.3).message
    assert q.check(3).message == "Too big: got 3."
    assert q.check("abc").status == "incorrect"
    for blank in (____, None, ..., 0.0, [____]):
        assert q.check(blank).status == "not attempted"
    assert q.check().status == "not attempted"
    assert q.check(0.0 + 1e-12).status == "incorrect"  # close to the default is an attempt


def test_hints_are_graded_and_bounded():
    q = ValueQuestion("?", 4, hints=["first", "second"])
    assert "Hint 1 of 2" in repr(q.hint()) and "first" in repr(q.hint(1))
    assert "second" in repr(q.hint(2)) and "Hint 2 of 2" in q.hint(2)._repr_html_()
    for bad in (0, 1.0, True, "1"):  # no traceback: a note saying how hints are numbered
        assert "numbered 1 to 2" in repr(q.hint(bad))
    past = repr(q.hint(3))
    assert "no more hints" in past and "solution()" in past
    assert "no hints" in repr(ValueQuestion("?", 4).hint())


def test_solution_shows_code_and_explanation():
    q = ValueQuestion("?", 4, solution_code="answer = 2 + 2", explanation="Add.")
    text = repr(q.solution())
    assert "answer = 2 + 2" in text and "Add." in text
    assert "<pre" in q.solution()._repr_html_()
    assert "4" in repr(ValueQuestion("?", 4).solution())


def test_question_arguments_are_validated():
    with pytest.raises(ValueError, match="`prompt`"):
        ValueQuestion("", 1)
    with pytest.raises(ValueError, match="`hints`"):
        ValueQuestion("?", 1, hints="one hint")
    with pytest.raises(ValueError, match="placeholder"):
        ValueQuestion("?", ____)
    with pytest.raises(ValueError, match="`reference`"):
        FunctionQuestion("?", 3, [Case((1,))])
    with pytest.raises(ValueError, match="`cases`"):
        FunctionQuestion("?", abs, [])
    with pytest.raises(ValueError, match="`check_fn`"):
        FreeCheckQuestion("?", 3, reference=1)
    with pytest.raises(ValueError, match="`solution`"):
        ThoughtQuestion("?", solution=3)
    with pytest.raises(ValueError, match="`time_limit`"):
        FunctionQuestion("?", abs, [Case((1,))], time_limit=0)
    with pytest.raises(ValueError, match="`forbidden`"):
        FunctionQuestion("?", abs, [Case((1,))], forbidden=["vectorkit.no_such_function"])
    with pytest.raises(ValueError, match="`choices` must contain the answer"):
        ValueQuestion("?", "a", choices=["b", "c"])


# --- function questions ------------------------------------------------------------------------

def _safe_ratio(a, b):
    if b == 0:
        raise ZeroDivisionError("b is zero")
    return a / b


RATIO = FunctionQuestion(
    "Write ratio(a, b); raise ZeroDivisionError when b is 0.", _safe_ratio,
    [Case((1, 2), label="small numbers"), Case((9.0, 3.0), label="secret", hidden=True),
     Case((1, 0), label="b = 0", hidden=True, raises=ZeroDivisionError,
          message="{where} you returned {got}")],
    func_name="ratio", hints=["Divide.", "return a / b"],
    mistakes=[Mistake(lambda got, a, b: got == b / a, "you divided b by a {where}")])


def test_function_question_correct_and_not_attempted():
    assert RATIO.check(lambda a, b: a / b).status == "correct"

    def stub(a, b):
        # Write your code here
        return ____

    assert RATIO.check(stub).status == "not attempted"
    assert RATIO.check(____).status == "not attempted"


def test_function_question_messages_are_specific_and_hide_hidden_inputs():
    swapped = RATIO.check(lambda a, b: b / a)
    assert swapped.status == "incorrect"
    assert swapped.message == "You divided b by a for small numbers (a=1, b=2)."
    hidden = RATIO.check(lambda a, b: 0.5 if (a, b) == (1, 2) else -1.0)
    assert "hidden test (secret)" in hidden.message and "9.0" not in hidden.message
    assert "3.0" not in hidden.message
    no_raise = RATIO.check(lambda a, b: a / b if b else float("inf"))
    assert no_raise.message == "On a hidden test (b = 0) you returned inf."
    wrong_error = RATIO.check(lambda a, b: a / b if b else [][1])
    assert "raised IndexError" in wrong_error.message and "ZeroDivisionError" in wrong_error.message


def test_function_question_handles_crashes_none_and_non_callables():
    crash = RATIO.check(lambda a, b: a.foo)
    assert crash.status == "incorrect" and "raised AttributeError" in crash.message

    def forgot_return(a, b):
        a / b  # noqa: B018

    assert "forget the `return`" in RATIO.check(forgot_return).message
    result = RATIO.check(0.5)
    assert "pass your function itself, e.g. q.check(ratio)" in result.message.lower()


def test_function_question_explains_a_wrong_signature_before_running_it():
    calls = []

    def three(a, b, c):
        calls.append(c)
        return a / b

    arity = RATIO.check(three)
    assert arity.status == "incorrect" and not calls
    assert arity.message == ("Your function's parameters are (a, b, c), but the checker calls "
                             "ratio(a, b): define it as `def ratio(a, b):`.")
    assert "parameters are (a)," in RATIO.check(lambda a: a).message
    order = RATIO.check(lambda b, a: a / b)
    assert "(b, a), in another order than the question's ratio(a, b)" in order.message
    # other names, defaults, *args and annotations are fine
    assert RATIO.check(lambda x, y: x / y).status == "correct"
    assert RATIO.check(lambda a, b, c=1: a / b).status == "correct"
    assert RATIO.check(lambda *args: args[0] / args[1]).status == "correct"

    def annotated(a: float, b: float) -> float:
        return a / b

    assert RATIO.check(annotated).status == "correct"
    assert FunctionQuestion("Sort.", sorted, [Case(([2, 1],))], hints=["a", "b"],
                            func_name="order").check(sorted).status == "correct"


def test_function_question_detects_mutated_inputs_and_forbidden_functions():
    def reference(values):
        return sorted(values)

    q = FunctionQuestion("Sort a copy.", reference, [Case(([3, 1, 2],))],
                         forbidden=["builtins.sorted"], hints=["a", "b"])

    def in_place(values):
        values.sort()
        return values

    assert "changed its input `values`" in q.check(in_place).message
    assert "library function builtins.sorted" in q.check(sorted).message
    wrapped = q.check(lambda v: sorted(v))  # calling it is caught too (issue 12)
    assert wrapped.kind == "forbidden" and "calls builtins.sorted" in wrapped.message
    assert q.check(lambda v: [min(v), *[x for x in v if x != min(v) and x != max(v)],
                              max(v)]).correct
    assert sorted([2, 1]) == [1, 2]  # put back afterwards


def test_function_question_custom_compare():
    q = FunctionQuestion("Return an int.", lambda: 2, [Case(())],
                         compare=lambda got, exp: None if type(got) is int and got == exp
                         else "return an int", hints=["a", "b"])
    assert q.check(lambda: 2).status == "correct"
    assert q.check(lambda: 2.0).message.endswith("return an int.")


def test_free_check_question_outcomes():
    q = FreeCheckQuestion("An even number?", lambda x: True if x % 2 == 0 else
                          ("odd!" if x % 2 else False), reference=2, hints=["a", "b"])
    assert q.check(4).status == "correct" and q.check(3).message == "Odd!"
    weird = q.check("text")
    assert weird.status == "incorrect" and "could not be checked" in weird.message
    assert FreeCheckQuestion("?", lambda x: False, reference=1).check(1).message == \
        "That is not right."


def test_thought_question_is_never_recorded_or_graded():
    q = ThoughtQuestion("Why?", solution="Because.")
    assert q.check("my essay").status == "not attempted"
    assert "Because." in repr(q.solution())


# --- binding, registry, progress ------------------------------------------------------------

def test_bind_questions_names_registers_and_summarises():
    ns = {"__name__": "course.nb42", "q10": ValueQuestion("?", 10),
          "q2": ValueQuestion("?", 2, hints=["h"]), "q3": ThoughtQuestion("?", solution="s"),
          "helper": ValueQuestion("?", 0)}
    progress = bind_questions(ns)
    assert [ns[k].id for k in ("q2", "q10")] == ["nb42.q2", "nb42.q10"]
    assert "helper" not in [q["question"] for q in _registry.snapshot()["modules"]["course.nb42"]]
    ns["helper"].check(0)  # a practice question has a view but is never recorded
    assert [q["question"] for q in _registry.snapshot()["modules"]["course.nb42"]] == \
        ["q2", "q3", "q10"]
    ns["q2"].check(2)
    ns["q10"].check(9)
    ns["q2"].hint(1)
    ns["q3"].check("x")
    summary = progress()
    assert summary.score == (1, 2)
    assert summary.rows[0] == ("q2", "value", "correct", "hint 1")
    assert summary.rows[1][2] == "-" and summary.rows[2][2] == "incorrect"
    assert "1/2" in repr(summary) and "thought question" in summary._repr_html_()
    records = _registry.snapshot()["records"]
    assert [(r["question"], r["status"]) for r in records] == [("q2", "correct"),
                                                               ("q10", "incorrect")]
    assert records[0]["execution_count"] is None  # not running inside IPython


def test_bind_questions_refuses_modules_without_questions():
    with pytest.raises(ValueError, match="no questions"):
        bind_questions({"__name__": "empty"})


def test_unbound_questions_are_not_recorded():
    ValueQuestion("?", 1).check(1)
    assert _registry.snapshot()["records"] == []


def test_package_exposes_notebook_modules_lazily():
    assert vk.exercises.nb01 is nb01
    assert list(questions("vectorkit.exercises.nb01")) == ["q1", "q2", "q3", "q4"]
    with pytest.raises(AttributeError):
        vk.exercises.nb99  # noqa: B018
    with pytest.raises(ValueError, match="`module`"):
        questions(42)


def test_importing_exercises_stays_light():
    code = ("import sys, vectorkit.exercises.nb01; "
            "print(sorted(m for m in ('tensorflow', 'IPython', 'nbclient') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- notebook 01 -------------------------------------------------------------------------------

def _dot(a, b):
    return float(np.dot(a, b))


def _one_norm(a, b):
    return float(np.dot(a, b) / np.linalg.norm(a))


def _squared(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / ((a @ a) * (b @ b)))


def _absolute(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return abs(float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))


def _nan_for_zero(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _zero_for_zero(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    denominator = np.linalg.norm(a) * np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(a @ b / denominator)


def _pure_python(a, b):
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (sum(x * x for x in a) ** 0.5 * sum(y * y for y in b) ** 0.5)


def _by_dot(query, vectors):
    return int(np.argmax(np.asarray(vectors, float) @ np.asarray(query, float)))


def _by_distance(query, vectors):
    return int(np.argmin(np.linalg.norm(np.asarray(vectors, float) - query, axis=1)))


def _cosines(query, vectors):
    m, q = np.asarray(vectors, float), np.asarray(query, float)
    return m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))


_A, _B = np.array([1.0, 2, 2]), np.array([2.0, -1, 2])


def _near(x, value):
    return abs(float(x) - value) < 1e-3


NB01_WRONG = {
    "q1": [Wrong(4, "dot product", lambda x: _near(x, _A @ _B)),
           Wrong(4 / 3, "length of only one", lambda x: _near(x, _A @ _B / np.linalg.norm(_A))),
           Wrong(4 / 81, "squared lengths", lambda x: _near(x, _A @ _B / (_A @ _A * (_B @ _B)))),
           Wrong(8 / 9, "2 \u00d7 (-1) is negative",
                 lambda x: _near(x, (_A @ np.abs(_B)) / 9) and _B[1] < 0),
           Wrong(-4 / 9, "sign is wrong", lambda x: x < 0 < _A @ _B),
           0.5, 0.4, "0.44"],
    "q2": [Wrong(_dot, "above 1 for two identical vectors"), Wrong(_one_norm, "above 1"),
           Wrong(_squared, "squared lengths"), Wrong(_absolute, "absolute values"),
           Wrong(_nan_for_zero, "raise ValueError"), Wrong(_zero_for_zero, "raise ValueError"),
           Wrong(_pure_python, "raise ValueError"), vk.cosine_similarity, lambda a, b: 1.0],
    "q3": [Wrong(_by_dot, "largest dot product"), Wrong(_by_distance, "Euclidean distance"),
           Wrong(lambda q, m: int(np.argmin(_cosines(q, m))), "least similar row"),
           Wrong(lambda q, m: int(np.argmax(_cosines(q, m))) + 1, "one too high"),
           lambda q, m: float(np.max(_cosines(q, m))),
           lambda q, m: np.asarray(m)[int(np.argmax(_cosines(q, m)))]],
}


def test_nb01_meets_the_exercise_contract():
    assert_exercise_contract(nb01, NB01_WRONG)


@pytest.mark.parametrize("name, answer, expected", [
    ("q1", 4, "dot product"),
    ("q1", 4 / 81, "squared lengths"),
    ("q1", 8 / 9, "2 \u00d7 (-1) is negative"),
    ("q2", _dot, "returns a value above 1 for two identical vectors"),
    ("q2", _squared, "squared lengths"),
    ("q2", _absolute, "do not take absolute values"),
    ("q2", _nan_for_zero, "raise ValueError"),
    ("q2", _pure_python, "raise ValueError"),
    ("q2", vk.cosine_similarity, "write cosine_similarity yourself"),
    ("q3", _by_dot, "largest dot product"),
    ("q3", _by_distance, "Euclidean distance"),
    ("q3", lambda q, m: int(np.argmin(_cosines(q, m))), "least similar row"),
    ("q3", lambda q: 0, "define it as `def nearest_neighbour(query, vectors):`"),
    ("q3", lambda vectors, query: 0, "in another order than the question's"),
    ("q3", lambda q, m: float(np.max(_cosines(q, m))), "returns a float"),
])
def test_nb01_recognises_typical_mistakes(name, answer, expected):
    result = getattr(nb01, name).check(answer)
    assert result.status == "incorrect" and expected in result.message, result.message


def test_nb01_accepts_reasonable_variants():
    def with_linalg(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        if not a.any() or not b.any():
            raise ValueError("zero vector")
        return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))  # np.float64 is fine

    assert nb01.q2.check(with_linalg).status == "correct"
    assert nb01.q1.check(0.44).status == "correct" and nb01.q1.check(4 / 9).status == "correct"
    assert nb01.q3.check(lambda q, m: np.argmax(_cosines(q, m))).status == "correct"
    assert nb01.q3.check(lambda q, m: int(np.argmax(
        [with_linalg(q, row) for row in m]))).status == "correct"
