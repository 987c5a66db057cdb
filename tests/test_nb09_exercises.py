"""Checks of notebook 09 (recommendations): contract and typical mistakes."""

from __future__ import annotations

import math

import numpy as np
from exercise_contract import Wrong, assert_exercise_contract

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


def _popular(context, k=10):
    d = nb09._split()
    order = np.argsort(-d["counts"].sum(axis=1), kind="stable")
    return [d["items"][j] for j in order if d["items"][j] not in context][:k]


def _keeps_context(context, k=10):
    d = nb09._split()
    row = {p: j for j, p in enumerate(d["items"])}
    scores = d["counts"][:, [row[p] for p in context]].sum(axis=1)
    return [d["items"][j] for j in np.argsort(-scores, kind="stable")[:k - 1]] + list(context)[:1]


def test_nb09_contract():
    r = nb09._popularity()
    assert_exercise_contract(nb09, {
        "q1": [Wrong(r["ndcg10"], says="nDCG", fact=lambda got: got == r["ndcg10"]),
               Wrong(r["hit20"], says="k = 20", fact=lambda got: got == r["hit20"]), 0.9, "0.1"],
        "q2": [Wrong(_ignores_k, says="first k"), Wrong(_count, says="count")],
        "q3": [Wrong(_zero_based, says="starts at 0"), Wrong(_reciprocal, says="MRR"),
               lambda ranked, target, k: "0.5"],
        "q5": [_popular, _keeps_context, lambda context, k=10: ["P001"] * k, "counts"],
    })


def test_mistakes_are_explained():
    r = nb09._popularity()
    assert "nDCG" in nb09.q1.check(r["ndcg10"]).message
    assert "first k" in nb09.q2.check(_ignores_k).message
    assert "count" in nb09.q2.check(_count).message
    assert "starts at 0" in nb09.q3.check(_zero_based).message
    assert "MRR" in nb09.q3.check(_reciprocal).message


def test_q5_messages_and_the_claim_that_counts_beat_svd():
    d = nb09._split()
    hits = np.mean([t in nb09._count_recommend(c) for c, t in zip(d["contexts"], d["targets"],
                                                                    strict=True)])
    assert hits > d["svd"] + 0.03                     # what the explanation says
    assert "SVD" in nb09.q5.check(_popular).message
    assert "already in the basket" in nb09.q5.check(_keeps_context).message
    assert "twice" in nb09.q5.check(lambda context, k=10: ["P001"] * k).message
    assert "define it as" in nb09.q5.check(lambda basket: []).message
