"""The checker's verdicts as data, its views, time limits, forbidden functions and iterators
(issues 11, 12 and 13)."""

from __future__ import annotations

import itertools
import signal
import threading
import time

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.exercises import (
    Case,
    FreeCheckQuestion,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
    compare,
)
from vectorkit.exercises._checker import registry as _registry
from vectorkit.exercises._checker.compare import Mismatch
from vectorkit.exercises._checker.limits import CheckTimeout, call_with_limit
from vectorkit.exercises._checker.module import BoundQuestion


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


# --- outcomes are data: the kind decides, never the wording ---------------------------------

@pytest.mark.parametrize("got, expected, kind", [
    (0.5, 1 / 3, "value"), ("0.5", 1 / 3, "type"), (float("nan"), 1.0, "nan"),
    ([1.0, 2.0], np.zeros(3), "shape"), ([1, 2, 3], {1, 2}, "length"),
    ({"a": 1}, {"b": 1}, "keys"), ("sine", "cosine", "value"), (3, "three", "type"),
    ((x for x in range(3)), [0, 1, 2], "iterator"), (itertools.count(), {1, 2}, "iterator"),
    ([["a"], "b"], ["a", "b"], "type"),
])
def test_compare_returns_a_kind_with_its_text(got, expected, kind):
    reason = compare(got, expected)
    assert isinstance(reason, Mismatch) and reason.kind == kind, repr(reason)
    assert str(reason) == reason.text and reason.text  # still usable as the old plain text


def test_mistakes_are_consulted_by_kind_not_by_wording(monkeypatch):
    from vectorkit.exercises._checker import core

    q = ValueQuestion("?", 4, mistakes=[Mistake(lambda x: x == 5, "five is one more")])
    assert q.check(5).kind == "mistake"
    # reword the comparison: the verdict must not change (it did when it read "that is not")
    monkeypatch.setattr(core, "compare", lambda *a, **k: Mismatch("value", "Nope, sorry"))
    assert q.check(5).message == "Five is one more." and q.check(5).kind == "mistake"
    monkeypatch.setattr(core, "compare", lambda *a, **k: Mismatch("type", "that is not a number"))
    assert q.check(5).message == "That is not a number." and q.check(5).kind == "type"


def test_custom_function_compare_outcomes_have_kinds():
    def ref():
        return 2
    mistake = [Mistake(lambda got: got == 3, "three, not two")]
    value = FunctionQuestion("?", ref, [Case(())], compare=lambda g, e: g == e, mistakes=mistake)
    assert value.check(lambda: 3).kind == "mistake"
    assert value.check(lambda: 4).kind == "value"
    said = FunctionQuestion("?", ref, [Case(())], mistakes=mistake,
                            compare=lambda g, e: None if g == e else "return two")
    result = said.check(lambda: 3)
    assert result.kind == "explained" and result.message.endswith("return two.")


def test_free_check_and_thought_results_have_kinds():
    q = FreeCheckQuestion("Even?", lambda x: x % 2 == 0 or "odd", reference=2)
    assert q.check(3).kind == "explained" and q.check(2).kind == "correct"
    assert q.check("x").kind == "error"
    assert ThoughtQuestion("Why?", solution="Because.").check("x").kind == "thought"


# --- checking is pure; the view attaches it to the notebook and records ---------------------

def test_question_check_records_nothing_the_bound_view_does():
    ns = {"__name__": "course.nb77", "q1": ValueQuestion("?", 1, hints=["a", "b"])}
    bind_questions(ns)
    view = ns["q1"]
    assert isinstance(view, BoundQuestion) and view.question.id == "nb77.q1"
    view.question.check(1)
    assert _registry.snapshot()["records"] == []
    view.check(1)
    assert [(r["question"], r["status"]) for r in _registry.snapshot()["records"]] == \
        [("q1", "correct")]
    assert set(_registry.snapshot()["records"][0]) == \
        {"module", "question", "status", "message", "execution_count"}  # the grader's format
    assert view.prompt == "?" and view.kind == "value" and view.reference == 1


def test_hint_again_gives_the_next_hint_then_points_to_the_solution():
    ns = {"__name__": "course.nb78", "q1": ValueQuestion("?", 1, hints=["first", "second"])}
    bind_questions(ns)
    q = ns["q1"]
    first, second, past = q.hint(), q.hint(), q.hint()
    assert first.text == "first" and "ex.q1.hint() again" in first.title
    assert second.text == "second" and "ex.q1.solution()" in second.title
    assert "no more hints" in past.title and "ex.q1.solution()" in past.text
    assert "no more hints" in repr(q.hint(3)) and "numbered 1 to 2" in repr(q.hint(-1))
    assert q.hint(1).text == "first"  # asking by number still works
    assert _registry.events_for("course.nb78", "q1") == ["hint 1", "hint 2"]


def test_messages_name_calls_the_learner_can_type():
    ns = {"__name__": "course.nb79", "q1": ValueQuestion("?", 1, hints=["a", "b"]),
          "q2": ThoughtQuestion("Why?", solution="Because."),
          "q3": FunctionQuestion("?", abs, [Case((1,))], hints=["a", "b"])}
    bind_questions(ns)
    assert "(next: ex.q1.hint(2))" in ns["q1"].question.hint(1).title
    assert "ex.q2.solution()" in ns["q2"].check("x").message
    assert "ex.q3.check(abs)" in ns["q3"].check(3).message


def test_choices_say_what_kind_of_answer_is_expected_without_revealing_it():
    q = ValueQuestion("Nearest image?", "astronaut", choices=["astronaut", "camera", "coffee"],
                      choices_name="the names in `names`")
    valid, invalid = q.check("camera"), q.check("camra")
    assert "'camera' is one of the names in `names`, but not the right one" in valid.message
    assert "'camra' is not one of the names in `names`" in invalid.message
    assert invalid.kind == "choice" and valid.kind == "value"
    assert "astronaut" not in valid.message + invalid.message
    assert "should be text" in q.check(3).message  # a wrong type is told as such
    assert q.check(" Astronaut").correct


# --- time limits ---------------------------------------------------------------------------

def _forever(x):
    while True:
        pass


def _sleepy(x):
    time.sleep(60)


def test_a_function_that_never_returns_is_stopped_with_a_clear_message():
    q = FunctionQuestion("Double it.", lambda x: 2 * x, [Case((3,))], time_limit=0.2)
    for slow in (_forever, _sleepy):
        start = time.monotonic()
        result = q.check(slow)
        assert time.monotonic() - start < 5
        assert result.kind == "timeout" and "did not return within 0.2 s" in result.message
    assert q.check(lambda x: x + x).correct  # the timer is gone afterwards


def test_the_time_limit_survives_except_exception_and_restores_outer_timers():
    def stubborn(x):
        while True:
            try:
                while True:
                    pass
            except Exception:  # the learner's own handler must not swallow the stop
                pass
    q = FunctionQuestion("Double it.", lambda x: 2 * x, [Case((3,))], time_limit=0.2)
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        assert q.check(stubborn).kind == "timeout"
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 20 < left <= 30  # the outer timer is armed again with what was left of it
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired


def test_the_interrupt_fallback_for_platforms_without_sigalrm():
    with pytest.raises(CheckTimeout):
        call_with_limit(_forever, (1,), seconds=0.2, how="interrupt")
    assert call_with_limit(abs, (-2,), seconds=5, how="interrupt") == 2
    time.sleep(0.05)  # no stray KeyboardInterrupt arrives later


def test_outside_the_main_thread_there_is_no_limit_and_no_hang_for_quick_code():
    out = []
    worker = threading.Thread(target=lambda: out.append(call_with_limit(abs, (-3,), seconds=1)))
    worker.start()
    worker.join(5)
    assert out == [3]


def test_free_checks_calling_learner_code_are_bounded_too():
    q = FreeCheckQuestion("?", lambda f: f(1) == 2, reference=lambda x: 2 * x)
    q.time_limit = 0.2
    assert q.check(_forever).kind == "timeout"


# --- unbounded iterables -------------------------------------------------------------------

def test_generators_and_endless_iterators_are_refused_unread():
    q = FunctionQuestion("The first three squares.", lambda: [0, 1, 4], [Case(())])
    result = q.check(lambda: (i * i for i in itertools.count()))
    assert result.kind == "iterator" and "a generator" in result.message
    assert q.check(lambda: map(abs, itertools.count())).kind == "iterator"
    assert ValueQuestion("?", {1, 2}).check(itertools.count()).kind == "iterator"
    free = FreeCheckQuestion("?", lambda pair: len(list(pair)) == 2, reference=(1, 2))
    assert free.check(itertools.count()).kind == "iterator"  # never handed to list()

    class Endless:  # an iterable that is not an iterator: read at most one item too many
        def __iter__(self):
            return itertools.count()
    assert compare(Endless(), {0, 1}).kind == "length"


# --- forbidden library functions, by behaviour ---------------------------------------------

def _cos_q():
    def reference(a, b):
        return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return FunctionQuestion("Write cosine_similarity without vk.", reference,
                            [Case(([1.0, 0.0], [1.0, 1.0]))], func_name="cosine_similarity",
                            forbidden=["vectorkit.similarity.cosine_similarity"])


def test_wrapping_a_forbidden_function_is_caught_however_it_is_reached():
    from vectorkit import similarity
    from vectorkit.similarity import cosine_similarity as imported

    q = _cos_q()
    via_package = q.check(lambda a, b: vk.cosine_similarity(a, b))
    assert via_package.kind == "forbidden" and "calls vk.cosine_similarity" in via_package.message
    assert q.check(lambda a, b: imported(a, b)).kind == "forbidden"
    assert q.check(lambda a, b: similarity.cosine_similarity(a, b)).kind == "forbidden"

    def swallowed(a, b):
        try:
            return vk.cosine_similarity(a, b)
        except BaseException:
            return 0.7071067811865475
    assert q.check(swallowed).kind == "forbidden"
    assert q.check(vk.cosine_similarity).kind == "forbidden"  # handed in as it is
    own = q.check(lambda a, b: float(np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b)))
    assert own.correct
    # everything is put back
    assert vk.cosine_similarity is imported is similarity.cosine_similarity
    assert abs(vk.cosine_similarity([1, 0], [1, 0]) - 1) < 1e-6


def test_a_forbidden_class_is_caught_through_an_existing_instance():
    index = vk.Index(np.eye(3), ids=["a", "b", "c"])
    q = FunctionQuestion("Nearest id without vk.Index.", lambda v: "a",
                         [Case((np.array([1.0, 0, 0]),))], func_name="nearest",
                         forbidden=["vectorkit.search.index.Index"])
    result = q.check(lambda v: index.search(v, k=1).ids[0])
    assert result.kind == "forbidden" and "vk.Index.search" in result.message
    assert q.check(lambda v: vk.Index(np.eye(3), ids=list("abc")).search(v, k=1).ids[0]).kind \
        == "forbidden"
    assert index.search(np.array([0, 1.0, 0]), k=1).ids[0] == "b"  # restored


def test_in_a_jupyter_kernel_an_endless_function_is_stopped_and_the_kernel_lives_on():
    """The checks run in the kernel's main thread, where the SIGALRM limit works."""
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[
        new_code_cell("from vectorkit.exercises import nb01 as ex\n"
                      "ex.q2.question.call_limit = 1.0\n"
                      "def cosine_similarity(a, b):\n    while True:\n        pass\n"
                      "print(ex.q2.check(cosine_similarity))"),
        new_code_cell("print('still alive', ex.progress().rows[1][2])"),
    ])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    first = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    second = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "did not return within 1 s" in first, first
    assert "still alive incorrect" in second, second
    assert nbformat.validate(nb) is None
