"""Retrieval metrics against hand-computed values, and vk.evaluate over queries."""

from __future__ import annotations

import math

import numpy as np
import pytest

import vectorkit as vk
import vectorkit.search.metrics

RANKED = ["d3", "d1", "d7", "d2", "d9"]
REL = {"d1", "d2", "d5"}
GRADED = {"d1": 3, "d2": 1, "d5": 2, "d8": 0}


@pytest.mark.parametrize("k, recall, precision", [
    (1, 0.0, 0.0), (2, 1 / 3, 1 / 2), (4, 2 / 3, 2 / 4), (5, 2 / 3, 2 / 5), (10, 2 / 3, 2 / 10),
])
def test_recall_and_precision_by_hand(k, recall, precision):
    assert vk.recall_at_k(RANKED, REL, k) == pytest.approx(recall)
    assert vk.precision_at_k(RANKED, REL, k) == pytest.approx(precision)
    # a dict of grades: grade 0 is "judged not relevant", the rest count once each
    assert vk.recall_at_k(RANKED, GRADED, k) == pytest.approx(recall)


def test_mrr_by_hand():
    assert vk.mrr(RANKED, REL) == 0.5
    assert vk.mrr(["d1"], REL) == 1.0
    assert vk.mrr(["x", "y", "z", "d5"], REL) == 0.25
    assert vk.mrr(["x", "y"], REL) == 0.0
    assert vk.mrr(["x", "y", "d1"], REL, k=2) == 0.0
    assert vk.mrr(["d8", "d2"], GRADED) == 0.5  # grade 0 is not relevant


def test_ndcg_binary_by_hand():
    # DCG@4 = 1/log2(3) + 1/log2(5); ideal: three relevant at ranks 1..3
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert vk.ndcg_at_k(RANKED, REL, 4) == pytest.approx(dcg / idcg)
    assert vk.ndcg_at_k(RANKED, REL, 4) == pytest.approx(0.498189, abs=1e-6)
    assert vk.ndcg_at_k(["d1", "d2", "d5"], REL, 3) == pytest.approx(1.0)
    assert vk.ndcg_at_k(["x"], REL, 1) == 0.0


def test_ndcg_graded_by_hand_and_against_sklearn():
    from sklearn.metrics import ndcg_score

    dcg = 3 / math.log2(3) + 1 / math.log2(5)
    idcg = 3 + 2 / math.log2(3) + 1 / math.log2(4)
    assert vk.ndcg_at_k(RANKED, GRADED, 4) == pytest.approx(dcg / idcg)
    assert vk.ndcg_at_k(RANKED, GRADED, 4) == pytest.approx(0.487932, abs=1e-6)
    universe = RANKED + ["d5", "d8"]
    true = [[GRADED.get(d, 0) for d in universe]]
    score = [[len(universe) - i for i in range(len(universe))]]  # retrieval order
    for k in (1, 2, 3, 4, 5):
        assert vk.ndcg_at_k(RANKED, GRADED, k) == pytest.approx(ndcg_score(true, score, k=k))


def test_ranked_inputs_accepted():
    arr = np.array(RANKED, dtype=object)
    assert vk.recall_at_k(arr, REL, 2) == pytest.approx(1 / 3)
    assert vk.recall_at_k(tuple(RANKED), list(REL), 2) == pytest.approx(1 / 3)
    assert vk.precision_at_k([None, "d1", None, "d2"], REL, 2) == 1.0  # padding skipped
    assert vk.recall_at_k(np.array([4, 2, 9]), {np.int64(2), 5}, 3) == 0.5
    index = vk.Index(np.eye(3), ids=["d1", "d2", "d3"])
    hit = index.search([0.0, 1.0, 0.1], k=2)
    assert vk.mrr(hit, {"d3"}) == 0.5


@pytest.mark.parametrize("call", [lambda: vk.precision_at_k(RANKED, REL, 2.0),
                                  lambda: vk.ndcg_at_k(RANKED, REL, True)])
def test_k_of_the_wrong_type_is_a_type_error(call):
    with pytest.raises(TypeError, match="`k` must be a positive integer"):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: vk.recall_at_k(RANKED, REL, 0), "`k` must be a positive integer, got 0"),
    (lambda: vk.mrr(RANKED, REL, k=-1), "`k` must be a positive integer"),
    (lambda: vk.recall_at_k("d1 d2", REL, 2), "`ranked` must be a sequence of ids"),
    (lambda: vk.recall_at_k({"d1"}, REL, 2), "`ranked` must be a sequence of ids"),
    (lambda: vk.recall_at_k(5, REL, 2), "`ranked` must be a sequence of ids"),
    (lambda: vk.recall_at_k(["a", "b", "a"], REL, 2), "lists the id 'a' twice"),
    (lambda: vk.recall_at_k(np.zeros((2, 2)), REL, 2), "1-D"),
    (lambda: vk.recall_at_k(RANKED, "d1", 2), "`relevant` must be a set of ids"),
    (lambda: vk.recall_at_k(RANKED, 7, 2), "`relevant` must be a set of ids"),
    (lambda: vk.recall_at_k(RANKED, {"d1": -1}, 2), "grades must be numbers >= 0, got -1"),
    (lambda: vk.recall_at_k(RANKED, {"d1": "high"}, 2), "grades must be numbers"),
    (lambda: vk.recall_at_k(RANKED, {"d1": float("nan")}, 2), "grades must be numbers"),
    (lambda: vk.recall_at_k(RANKED, set(), 2), "recall is undefined"),
    (lambda: vk.ndcg_at_k(RANKED, {"d1": 0}, 2), "nDCG is undefined"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_no_relevant_is_zero_for_precision_and_mrr():
    assert vk.precision_at_k(RANKED, set(), 3) == 0.0
    assert vk.mrr(RANKED, {}) == 0.0


RUNS = {"q1": ["a", "b", "c"], "q2": ["c", "x", "b"], "q3": ["z"]}
QRELS = {"q1": {"b"}, "q2": {"b": 1, "c": 2}, "q3": {"y"}, "q4": {"z": 0}}


def test_evaluate_averages_by_hand():
    table = vk.evaluate(RUNS, QRELS, k=2, name="demo")
    assert list(table.columns) == ["recall@2", "precision@2", "mrr@2", "ndcg@2", "map@2",
                                   "queries"]
    assert table.index.tolist() == ["demo"]
    row = table.loc["demo"]
    # q1: b at rank 2; q2: c at rank 1, b at rank 3 (beyond k); q3: nothing; q4 unjudged
    assert row["queries"] == 3
    assert row["recall@2"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert row["precision@2"] == pytest.approx((0.5 + 0.5 + 0) / 3)
    assert row["mrr@2"] == pytest.approx((0.5 + 1 + 0) / 3)
    ndcg_q1 = (1 / math.log2(3)) / 1
    ndcg_q2 = 2 / (2 + 1 / math.log2(3))
    assert row["ndcg@2"] == pytest.approx((ndcg_q1 + ndcg_q2 + 0) / 3)
    per = vk.evaluate(RUNS, QRELS, k=2, per_query=True)
    assert per.index.tolist() == ["q1", "q2", "q3"]
    assert per.loc["q2", "mrr@2"] == 1.0 and per.loc["q3", "recall@2"] == 0.0


def test_evaluate_accepts_search_results():
    docs = {"a": "red apple", "b": "blue sky", "c": "red sky at night"}
    queries = {"q1": "sky", "q2": "apple"}
    qrels = {"q1": {"b": 2, "c": 1}, "q2": {"a"}}
    kw = vk.KeywordIndex(docs)
    result = kw.search(queries, k=3)
    table = vk.evaluate(result, qrels, k=3)
    assert table.loc["mean", "recall@3"] == 1.0 and table.loc["mean", "mrr@3"] == 1.0
    index = vk.Index(np.eye(3), ids=["a", "b", "c"])
    dense = index.search(np.eye(3)[[1, 0]], k=1, query_ids=["q1", "q2"])
    table = vk.evaluate(dense, qrels, k=1)
    assert table.loc["mean", "recall@1"] == pytest.approx((0.5 + 1) / 2)
    # a dict of single-query results works too
    assert vk.evaluate({"q1": dense[0], "q2": dense[1]}, qrels, k=1).equals(table)


def test_evaluate_errors():
    with pytest.raises(ValueError, match="no ranking for 1 judged queries, e.g. \\['q3'\\]"):
        vk.evaluate({"q1": ["a"], "q2": ["b"]}, QRELS)
    index = vk.Index(np.eye(2))
    with pytest.raises(ValueError, match="has no query ids"):
        vk.evaluate(index.search(np.eye(2), k=1), QRELS)
    with pytest.raises(ValueError, match="holds one query"):
        vk.evaluate(index.search([1.0, 0.0], k=1), QRELS)
    with pytest.raises(ValueError, match="`results` must be a SearchResult"):
        vk.evaluate([["a"]], QRELS)
    with pytest.raises(ValueError, match="`qrels` must be a non-empty dict"):
        vk.evaluate(RUNS, {})
    with pytest.raises(ValueError, match="no query with a relevant id"):
        vk.evaluate(RUNS, {"q1": set(), "q2": {"a": 0}})
    with pytest.raises(ValueError, match="`k` must be a positive integer"):
        vk.evaluate(RUNS, QRELS, k=0)
    with pytest.raises(ValueError, match=r"`results\['q1'\]` must be a sequence of ids.*set"):
        vk.evaluate({**RUNS, "q1": {"a", "b"}}, QRELS)


def test_evaluate_refuses_ids_that_can_never_match():
    """The classic slip: an index with default ids 0..n-1 judged against "d001"-style qrels."""
    index = vk.Index(np.eye(3))  # ids 0, 1, 2
    result = index.search(np.eye(3)[:2], k=2, query_ids=["q1", "q2"])
    with pytest.raises(ValueError, match=r"ids in `results` \(number, e.g. \[0, 1.*"
                                         r"`qrels` \(text.*ids=doc_ids"):
        vk.evaluate(result, {"q1": {"d1"}, "q2": {"d2": 2}})
    with pytest.raises(ValueError, match="can never match"):
        vk.evaluate({"q1": ["1", "2"]}, {"q1": {1}})
    # ids of the same kind that simply miss still score 0, and numpy ints match ints
    assert vk.evaluate({"q1": ["x"]}, {"q1": {"y"}}).loc["mean", "recall@10"] == 0.0
    assert vk.evaluate({"q1": [np.int64(0)]}, {"q1": {0}}).loc["mean", "recall@10"] == 1.0
