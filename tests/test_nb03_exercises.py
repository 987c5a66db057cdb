"""Checks of notebook 03 (semantic search): contract, robustness, and the hidden queries."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_contract import Wrong, assert_exercise_contract
from test_text_datasets import _content_words

import vectorkit as vk
from vectorkit.exercises import ____, nb03


def _precision_instead(ranked, relevant, k):
    if not relevant:
        raise ValueError("empty")
    return sum(1 for d in ranked[:k] if d in relevant) / k


def _ignores_k(ranked, relevant, k):
    if not relevant:
        raise ValueError("empty")
    return sum(1 for d in ranked if d in relevant) / len(relevant)


def _zero_on_empty(ranked, relevant, k):
    return sum(1 for d in ranked[:k] if d in relevant) / max(len(relevant), 1)


def _worst_first(query, k=5):
    if k < 1:
        raise ValueError("k")
    return nb03._search(query, 10_000)[::-1][:k]


def _positions(query, k=5):
    if k < 1:
        raise ValueError("k")
    ids = nb03._bench()["ids"]
    return [ids.index(d) for d in nb03._search(query, k)]


def _no_k_check(query, k=5):
    return nb03._search(query, max(k, 1))[:max(k, 0)]


def _fixed_order(query):
    return nb03._bench()["ids"][:10]


def _rrf(query):
    scores = {}
    for ranking in (nb03._search(query, 160), nb03._bench()["bm25"].search(query, k=160).ranked()):
        for rank, doc in enumerate(ranking, 1):
            scores[doc] = scores.get(doc, 0.0) + 1 / (60 + rank)
    return sorted(scores, key=lambda d: -scores[d])[:10]


def _top_three(query):
    return nb03._search(query, k=3)


def test_nb03_contract():
    assert_exercise_contract(nb03, {
        "q1": [Wrong(_precision_instead, "precision@k"), Wrong(_ignores_k, "ranked[:k]"),
               Wrong(_zero_on_empty, "raise ValueError")],
        "q2": [Wrong(_worst_first, "least similar document first"), _positions,
               Wrong(_no_k_check, "raise ValueError")],
        "q3": [nb03._bm25_ranking, _fixed_order, _top_three],
        "q4": [nb03._semantic_ranking, nb03._bm25_ranking, _rrf],
    })


def test_recall_mistakes_are_explained():
    assert "precision" in nb03.q1.check(_precision_instead).message
    assert "ranked[:k]" in nb03.q1.check(_ignores_k).message
    assert "ValueError" in nb03.q1.check(_zero_on_empty).message


def test_search_mistakes_are_explained():
    assert "least similar" in nb03.q2.check(_worst_first).message
    assert "positions" in nb03.q2.check(_positions).message
    reordered = nb03.q2.check(lambda q, k=5: sorted(nb03._search(q, k)))
    assert reordered.status == "incorrect" and "wrong order" in reordered.message


def test_search_accepts_swaps_of_equal_scores_only():
    # "E-1042": two documents score within 1e-6 of each other; another precision may swap them
    ranked = nb03._search("E-1042", 5)
    gaps = -np.diff([ranked.scores[d] for d in ranked])
    i = int(np.argmin(gaps))
    assert gaps[i] < 1e-5
    swapped = list(ranked)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    assert nb03._ranking_reason(swapped, ranked) is None
    j = int(np.argmax(gaps))
    other = list(ranked)
    other[j], other[j + 1] = other[j + 1], other[j]
    assert nb03._ranking_reason(other, ranked) is False


def test_ranking_answers_are_validated():
    bad = {
        "list": lambda q: "d001",
        "id": lambda q: ["d001", "x9"],
        "twice": lambda q: ["d001", "d001"],
    }
    assert "list of document ids" in nb03.q3.check(bad["list"]).message
    assert "not a document id" in nb03.q3.check(bad["id"]).message
    assert "twice" in nb03.q3.check(bad["twice"]).message
    assert "without parentheses after my_ranking" in nb03.q3.check(42).message
    assert "define it as `def my_ranking(query):`" in \
        nb03.q3.check(lambda query, k: ["d001"]).message
    assert "define it as `def hybrid_ranking(query):`" in nb03.q4.check(lambda: []).message
    crash = nb03.q3.check(lambda query: query.ranked()).message
    assert crash.startswith("Your function raised AttributeError") and "for the query" in crash

    def stub(query):
        return ____

    assert nb03.q3.check(stub).status == "not attempted"
    assert nb03.q4.check(stub).status == "not attempted"


def test_bm25_fails_q3_with_both_numbers_and_semantic_fails_q4():
    message = nb03.q3.check(nb03._bm25_ranking).message
    assert "BM25" in message and message.count("MRR") >= 1
    assert "beat both" in nb03.q4.check(nb03._semantic_ranking).message


def test_routing_and_semantic_scores_are_what_the_notebook_claims():
    every = {"paraphrase", "exact", "mixed"}
    semantic = nb03._score(nb03._semantic_ranking, {"paraphrase"})[0]
    bm25 = nb03._score(nb03._bm25_ranking, {"paraphrase"})[0]
    assert semantic > bm25 + 0.3
    routed = nb03._score(nb03._routed_ranking, every)[0]
    assert routed > nb03._score(nb03._semantic_ranking, every)[0]
    assert routed > nb03._score(nb03._bm25_ranking, every)[0]


def test_hidden_queries_are_honest():
    docs, *_ = vk.datasets.load_search_benchmark()
    assert len(nb03._HIDDEN) >= 12
    for kind, text, rel in nb03._HIDDEN:
        assert kind in {"paraphrase", "exact", "mixed"}
        assert set(rel) <= set(docs), text
        best = [d for d, g in rel.items() if g == 3]
        assert len(best) == 1, text
        shared = _content_words(text) & _content_words(docs[best[0]])
        if kind == "paraphrase":
            assert not shared, (text, shared)
        else:
            assert shared, text


@pytest.mark.parametrize("query, expected", [
    ("E-1042", True), ("BW-R3 factory reset", True), ("IPv6", True), ("ARPANET", True),
    ("why do plants need light", False), ("I regret my purchase - can I get my money back?", False),
])
def test_code_detector(query, expected):
    assert nb03._has_code(query) is expected


def test_a_ranking_shorter_than_the_top_10_is_refused():
    """Issue 12: a 3-id ranking used to pass "at least the top 10"."""
    for question in (nb03.q3, nb03.q4):
        result = question.check(_top_three)
        assert result.status == "incorrect" and "at least the top 10" in result.message


def test_wrapping_the_library_is_refused_by_behaviour():
    """Issue 12: wrapping vk.recall_at_k or vk.Index used to pass."""
    wrapped = nb03.q1.check(lambda ranked, relevant, k: vk.recall_at_k(ranked, relevant, k))
    assert wrapped.kind == "forbidden" and "vk.recall_at_k" in wrapped.message
    bench = nb03._bench()
    index = vk.Index(bench["vectors"], ids=bench["ids"])

    def with_index(query, k=5):
        if k < 1:
            raise ValueError("k")
        return list(index.search(bench["model"].embed(query), k=min(k, len(bench["ids"]))).ids)
    result = nb03.q2.check(with_index)
    assert result.kind == "forbidden" and "vk.Index.search" in result.message
    assert len(index.search(bench["vectors"][0], k=1).ids) == 1  # restored afterwards
