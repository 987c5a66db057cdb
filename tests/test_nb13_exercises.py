"""Checks of notebook 13 (embeddings inside generative AI): the exercise contract."""

from __future__ import annotations

from exercise_contract import Wrong, assert_exercise_contract

from vectorkit.exercises import nb13


def _counts(ranked, topics, k):
    if not topics:
        raise ValueError("empty")
    return sum(t in list(r)[:k] for r, t in zip(ranked, topics, strict=True))


def _anywhere(ranked, topics, k):
    if not topics:
        raise ValueError("empty")
    return sum(t in r for r, t in zip(ranked, topics, strict=True)) / len(topics)


def _zero_when_empty(ranked, topics, k):
    return sum(t in list(r)[:k] for r, t in zip(ranked, topics, strict=True)) / max(1, len(topics))


def test_nb13_contract():
    right = nb13._answers_right()
    assert 0 < right < 22
    assert_exercise_contract(nb13, {
        "q1": [Wrong(_counts, says="the number of hits"),
               Wrong(_anywhere, says="counts a hit anywhere in the list"),
               Wrong(_zero_when_empty, says="raise ValueError")],
        "q2": [right + 1, Wrong(right / 22, says="that is a fraction",
                                fact=lambda got: 0 < got < 1), 22],
        "q3": ["lemon", "knife", "coffee", "cardamom"],
    })


def test_nb13_mistake_messages_are_true_of_the_answer():
    result = nb13.q1.check(_counts)
    assert result.status == "incorrect" and "number of hits" in str(result)
    result = nb13.q2.check(nb13._answers_right() / 22)
    assert result.status == "incorrect" and "fraction" in str(result)
    result = nb13.q3.check("cardamom")
    assert result.status == "incorrect" and "is not one of the four words" in str(result)
