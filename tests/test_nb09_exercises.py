"""Checks of notebook 09 (recommendations): contract and typical mistakes."""

from __future__ import annotations

import math

from exercise_contract import assert_exercise_contract

from vectorkit.exercises import nb09


def _ignores_k(recommendations, targets, k):
    return sum(1 for r, t in zip(recommendations, targets, strict=True) if t in r) / len(targets)


def _count(recommendations, targets, k):
    return sum(1 for r, t in zip(recommendations, targets, strict=True) if t in r[:k])


def _zero_based(ranked, target, k):
    top = ranked[:k]
    if target not in top:
        return 0.0
    i = top.index(target)
    return 1.0 if i == 0 else 1 / math.log2(i + 1)


def _reciprocal(ranked, target, k):
    return 1 / (ranked[:k].index(target) + 1) if target in ranked[:k] else 0.0


def test_nb09_contract():
    r = nb09._popularity()
    assert_exercise_contract(nb09, {
        "q1": [r["ndcg10"], r["hit20"], 0.9, "0.1"],
        "q2": [_ignores_k, _count],
        "q3": [_zero_based, _reciprocal, lambda ranked, target, k: "0.5"],
    })


def test_mistakes_are_explained():
    r = nb09._popularity()
    assert "nDCG" in nb09.q1.check(r["ndcg10"]).message
    assert "first k" in nb09.q2.check(_ignores_k).message
    assert "count" in nb09.q2.check(_count).message
    assert "starts at 0" in nb09.q3.check(_zero_based).message
    assert "MRR" in nb09.q3.check(_reciprocal).message
