"""Exercises for notebook 09, "Recommendations".

    from vectorkit.exercises import ____, nb09 as ex
    ex.q1.check(popularity_hit_rate); ex.q2.check(hit_rate_at_k); ex.q3.check(ndcg_one)

Question 1 uses the notebook's split of the course's baskets (``vk.train.split_baskets`` with
``test_fraction=0.2, seed=0``); questions 2 and 3 are checked on small made-up rankings.
"""

from __future__ import annotations

import functools
import inspect
import math

import numpy as np

from vectorkit.exercises import (
    Case,
    FreeCheckQuestion,
    FunctionQuestion,
    LazyValueQuestion,
    Mistake,
    ThoughtQuestion,
    bind_questions,
)
from vectorkit.exercises._checker.compare import describe
from vectorkit.exercises._checker.function import signature_problem
from vectorkit.exercises._checker.placeholder import uses_placeholder


@functools.cache
def _popularity() -> dict:
    import vectorkit as vk

    items = vk.datasets.load_products()["id"].tolist()
    train, contexts, targets = vk.train.split_baskets(vk.datasets.load_baskets(), 0.2, seed=0)
    pop = vk.train.Popularity(train, items)
    out = {k: vk.train.evaluate_recommender(pop, contexts, targets, k=k) for k in (5, 10, 20)}
    return {"hit10": out[10]["hit_rate@10"], "ndcg10": out[10]["ndcg@10"],
            "hit5": out[5]["hit_rate@5"], "hit20": out[20]["hit_rate@20"],
            "count": round(out[10]["hit_rate@10"] * out[10]["cases"])}


def _is(key):
    def when(x):
        r = _popularity()
        return abs(float(x) - r[key]) < 1e-3 and abs(r[key] - r["hit10"]) > 1e-3
    return when


q1 = LazyValueQuestion(
    "What is the leave-one-out hit rate@10 of the popularity baseline on the notebook's "
    "held-out baskets? Give a number between 0 and 1.",
    lambda: _popularity()["hit10"],
    atol=1e-3,
    mistakes=[
        Mistake(_is("ndcg10"), "that is nDCG@10; the question asks for the hit rate"),
        Mistake(_is("hit5"), "that is the hit rate at k = 5; use k = 10"),
        Mistake(_is("hit20"), "that is the hit rate at k = 20; use k = 10"),
        Mistake(lambda x: float(x) == _popularity()["count"] and float(x) >= 1,
                "that is a count of hits; divide by the number of held-out baskets"),
        Mistake(lambda x: float(x) > 1, "a hit rate is a fraction between 0 and 1"),
    ],
    hints=[
        "vk.train.evaluate_recommender(recommender, contexts, targets, k=10) returns a dict "
        "with the hit rate in it.",
        "vk.train.evaluate_recommender(popularity, contexts, targets, k=10)['hit_rate@10']",
    ],
    explanation="The baseline recommends the same best-sellers to everyone, so it hits only "
                "when the hidden item happens to be one of them.",
)

# --- q2: hit rate@k --------------------------------------------------------------------------


def _hit_rate(recommendations, targets, k):
    return sum(1 for recs, t in zip(recommendations, targets, strict=True)
               if t in list(recs)[:k]) / len(targets)


def _ignores_k(got, recommendations, targets, k):
    mistaken = sum(1 for r, t in zip(recommendations, targets, strict=True) if t in r) / len(
        targets)
    return not math.isclose(mistaken, _hit_rate(recommendations, targets, k)) and \
        math.isclose(float(got), mistaken)


def _count(got, recommendations, targets, k):
    n = sum(1 for r, t in zip(recommendations, targets, strict=True) if t in list(r)[:k])
    return n != _hit_rate(recommendations, targets, k) and float(got) == n


def _number_reason(got, expected):
    if isinstance(got, bool) or not isinstance(got, int | float | np.floating | np.integer):
        return f"it returns {describe(got)}; return one number between 0 and 1"
    return None if math.isclose(float(got), expected, abs_tol=1e-9) else False


q2 = FunctionQuestion(
    "Write a function hit_rate_at_k(recommendations, targets, k): recommendations[i] is the "
    "ranked list recommended for held-out basket i (best first) and targets[i] the item that "
    "was hidden from it. Return the fraction of baskets whose target is among the first k "
    "recommendations.",
    _hit_rate,
    [
        Case(([["a", "b", "c"], ["c", "a", "b"]], ["b", "b"], 2), label="one hit in two"),
        Case(([["x", "y"], ["y", "x"], ["z", "x"]], ["x", "x", "x"], 1), label="k = 1"),
        Case(([["a", "b", "c", "d"], ["d", "c"], ["e"]], ["d", "c", "a"], 3),
             label="lists of different lengths", hidden=True),
        Case(([["p", "q"], ["q", "p"]], ["r", "s"], 2), label="no hits", hidden=True),
    ],
    func_name="hit_rate_at_k",
    compare=_number_reason,
    mistakes=[
        Mistake(_ignores_k, "your function counts a target found anywhere in the list {where}; "
                "look only at the first k recommendations"),
        Mistake(_count, "your function returns a count {where}; divide by the number of "
                "baskets"),
    ],
    hints=[
        "For each pair (recs, target), the basket is a hit when target in recs[:k].",
        "sum(1 for recs, t in zip(recommendations, targets) if t in recs[:k]) / len(targets)",
    ],
    explanation="A hit is a hidden item among the first k; the rate is hits per basket.",
)

# --- q3: nDCG of one hidden item -------------------------------------------------------------


def _ndcg_one(ranked, target, k):
    top = list(ranked)[:k]
    return 1.0 / math.log2(top.index(target) + 2) if target in top else 0.0


def _zero_based(got, ranked, target, k):
    top = list(ranked)[:k]
    if target not in top or top.index(target) == 0:
        return False
    return math.isclose(float(got), 1.0 / math.log2(top.index(target) + 1))


def _reciprocal(got, ranked, target, k):
    top = list(ranked)[:k]
    if target not in top or top.index(target) == 0:
        return False
    return math.isclose(float(got), 1.0 / (top.index(target) + 1))


q3 = FunctionQuestion(
    "Write a function ndcg_one(ranked, target, k): the nDCG@k of a ranking when exactly one "
    "item (target) is relevant. If target is at rank r (1 = first) within the first k, return "
    "1 / log2(r + 1); otherwise 0. (With one relevant item the ideal DCG is 1, so nDCG = DCG.)",
    _ndcg_one,
    [
        Case((["a", "b", "c"], "a", 3), label="first place"),
        Case((["a", "b", "c"], "c", 3), label="third place"),
        Case((["a", "b", "c", "d"], "d", 3), label="just outside the top k", hidden=True),
        Case((["a", "b", "c", "d", "e", "f"], "b", 6), label="second place", hidden=True),
        Case((["a"], "z", 5), label="not recommended at all", hidden=True),
    ],
    func_name="ndcg_one",
    compare=_number_reason,
    mistakes=[
        Mistake(_zero_based, "your function gives the wrong value {where}: it looks like the "
                "rank starts at 0. With r = 1 for the first place, the discount is log2(r + 1)"),
        Mistake(_reciprocal, "your function gives 1 / rank {where}: that is the reciprocal "
                "rank (MRR). nDCG discounts by 1 / log2(rank + 1)"),
    ],
    hints=[
        "ranked[:k].index(target) gives the 0-based position; the rank r is that plus 1.",
        "return 1 / math.log2(position + 2) if target in ranked[:k] else 0.0",
    ],
    explanation="First place scores 1, second 0.63, third 0.5: lower places count less, and "
                "outside the top k nothing.",
)

# --- q4: cold start --------------------------------------------------------------------------

q4 = ThoughtQuestion(
    "A new product arrives with a name and a description but has never been bought. Which of "
    "the notebook's recommenders can recommend it, and which cannot? What would you do in the "
    "first weeks after it arrives?",
    hints=["What does each recommender need to know about a product before it can score it?"],
)

# --- q5: "bought together" without any embedding ----------------------------------------------


@functools.cache
def _split() -> dict:
    import vectorkit as vk

    items = vk.datasets.load_products()["id"].tolist()
    train, contexts, targets = vk.train.split_baskets(vk.datasets.load_baskets(), 0.2, seed=0)
    counts, _ = vk.train.cooccurrence(train, items)
    svd = vk.train.ItemVectors(vk.train.svd_item_vectors(train, 16, items=items, seed=0)[0],
                               items)
    return {"items": items, "counts": counts, "contexts": contexts, "targets": targets,
            "svd": vk.train.evaluate_recommender(svd, contexts, targets, k=10)["hit_rate@10"]}


def _count_recommend(context, k=10):
    d = _split()
    row = {p: j for j, p in enumerate(d["items"])}
    scores = d["counts"][:, [row[p] for p in context]].sum(axis=1).astype(float)
    scores[[row[p] for p in context]] = -np.inf
    return [d["items"][j] for j in np.argsort(-scores, kind="stable")[:k]]


def _count_hit_rate(fn):
    if not callable(fn):
        return ("pass your function itself, e.g. ex.q5.check(count_recommend) without "
                "parentheses after count_recommend")
    problem = signature_problem(fn, "count_recommend", inspect.signature(_count_recommend),
                                [((["P001"],), {"k": 10})])
    if problem:
        return problem
    d = _split()
    known, hits = set(d["items"]), 0
    for context, target in zip(d["contexts"], d["targets"], strict=True):
        try:
            recs = fn(list(context), k=10)
        except Exception as exc:
            return (f"your function raised {type(exc).__name__}: {exc} for the basket "
                    f"{context!r}")
        if isinstance(recs, str) or not isinstance(recs, list | tuple | np.ndarray):
            return (f"your function returned {describe(recs)} for the basket {context!r}; "
                    "return a list of product ids, best first")
        recs = list(np.asarray(recs, dtype=object).tolist())
        if len(recs) != 10:
            return f"your function returned {len(recs)} ids for k=10; return exactly k"
        if set(recs) - known:
            return (f"your function returned {sorted(set(recs) - known)[0]!r}, which is not a "
                    "product id (ids look like 'P001')")
        if set(recs) & set(context):
            return ("your function recommends a product that is already in the basket; leave "
                    "the context's own products out")
        if len(set(recs)) != len(recs):
            return "your function recommends the same product twice"
        hits += target in recs
    rate = hits / len(d["targets"])
    if rate >= d["svd"]:
        return True
    return (f"your recommender's hit rate@10 is {rate:.3f}; the SVD item vectors reach "
            f"{d['svd']:.3f}. Reach at least that")


class _FunctionAnswer(FreeCheckQuestion):
    def is_untouched(self, answer) -> bool:
        return super().is_untouched(answer) or uses_placeholder(answer)


q5 = _FunctionAnswer(
    "Write count_recommend(context, k=10): recommend the k products (ids, best first, none "
    "of them already in `context`) bought most often together with the context's products, "
    "scored straight from the co-occurrence counts of the training baskets (`counts`, with "
    "rows and columns in the order of `items`), with no embedding at all. Its hit rate@10 on "
    "the held-out baskets must reach that of the SVD item vectors.",
    _count_hit_rate,
    reference=_count_recommend,
    hints=[
        "For a basket, add up the count columns of its products: counts[:, rows].sum(axis=1) "
        "scores every product by how often it was bought with the basket's products.",
        "Set the scores of the context's own rows to -np.inf, then take "
        "np.argsort(-scores)[:k] and turn the positions into ids with items[j].",
    ],
    explanation="Here the plain counts beat the 16-dimensional SVD vectors: with every "
                "product bought often, the counts are reliable and compressing them loses "
                "detail. Embeddings earn their keep when counts are sparse (many products, "
                "few baskets each), when you need vectors for other uses, or to generalise "
                "beyond pairs seen together.",
)

progress = bind_questions(globals())
