"""Checks of notebook 13 (embeddings inside generative AI): the exercise contract."""

from __future__ import annotations

import numpy as np
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


def _cos(v, C):
    v, C = np.asarray(v, float), np.asarray(C, float)
    return (C @ v) / (np.linalg.norm(C, axis=1) * np.linalg.norm(v))


def _dots(v, C, own):
    d = np.asarray(C, float) @ np.asarray(v, float)
    return float(d[own] - np.delete(d, own).max())


def _own_included(v, C, own):
    s = _cos(v, C)
    return float(s[own] - s.max())


def _mean_of_others(v, C, own):
    s = _cos(v, C)
    return float(s[own] - np.delete(s, own).mean())


def _reversed(v, C, own):
    return -nb13._margin(v, C, own)


def _nearest_other(v, C, own):
    return float(np.delete(_cos(v, C), own).max())


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
        "q5": [Wrong(_dots, says="dot products"), Wrong(_own_included, says="its own included"),
               Wrong(_mean_of_others, says="MEAN cosine"), Wrong(_reversed, says="other way round"),
               _nearest_other],
    })


def test_nb13_margin_is_the_filters_margin():
    import vectorkit as vk

    rng = np.random.default_rng(0)
    train, labels = rng.normal(size=(30, 8)), np.repeat(["a", "b", "c"], 10)
    variations, sources = rng.normal(size=(12, 8)), rng.integers(0, 30, 12)
    result = vk.train.filter_augmented(train, labels, variations, sources)
    unit = train / np.linalg.norm(train, axis=1, keepdims=True)
    centroids = np.stack([unit[labels == c].mean(axis=0) for c in "abc"])
    own = np.searchsorted(["a", "b", "c"], labels[sources])
    assert np.allclose([nb13._margin(v, centroids, o) for v, o in zip(variations, own, strict=True)],
                       result.margin)


def test_nb13_mistake_messages_are_true_of_the_answer():
    result = nb13.q1.check(_counts)
    assert result.status == "incorrect" and "number of hits" in str(result)
    result = nb13.q2.check(nb13._answers_right() / 22)
    assert result.status == "incorrect" and "fraction" in str(result)
    result = nb13.q3.check("cardamom")
    assert result.status == "incorrect" and "is not one of the four words" in str(result)
