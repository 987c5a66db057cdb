"""Exercises for notebook 03, "Semantic search".

    from vectorkit.exercises import ____, nb03 as ex
    ex.q1.check(recall_at_k); ex.q2.check(search); ex.q3.check(my_ranking)

The search questions use the course's search benchmark and the bundled text model; both are
loaded on the first check, not at import. Questions 3 and 4 also rank a few hidden queries
written for this module (judged against the benchmark's documents), so a ranking that only
memorises the benchmark's answers does not pass.
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
    Mistake,
    ThoughtQuestion,
    bind_questions,
)
from vectorkit.exercises._checker.compare import describe
from vectorkit.exercises._checker.function import signature_problem
from vectorkit.exercises._checker.placeholder import uses_placeholder

# --- q1: recall@k -----------------------------------------------------------------------------


def _recall(ranked, relevant, k):
    if not relevant:
        raise ValueError("recall is undefined when no document is relevant")
    return sum(1 for doc in list(ranked)[:k] if doc in relevant) / len(relevant)


def _found(ranked, relevant, k):
    return sum(1 for doc in list(ranked)[:k] if doc in relevant)


_EMPTY = ("{where} your function returned {got}; with no relevant documents recall is "
          "undefined (0 / 0), and the question asks you to raise ValueError")

q1 = FunctionQuestion(
    "Write a function recall_at_k(ranked, relevant, k) that returns recall@k as a float: the "
    "fraction of the relevant documents that appear in the first k places of `ranked`. "
    "`ranked` is a list of document ids, best first (it may be shorter than k); `relevant` is "
    "a set of ids. Write it yourself (no vk.recall_at_k). If `relevant` is empty, raise "
    "ValueError: recall is undefined.",
    _recall,
    [
        Case((["d3", "d1", "d7", "d2"], {"d1", "d2"}, 2), label="one of two found in the top 2"),
        Case((["d3", "d1", "d7", "d2"], {"d1", "d2"}, 4), label="both found in the top 4"),
        Case((["d5", "d6"], {"d1"}, 2), label="nothing relevant found", hidden=True),
        Case((["d1", "d2"], {"d1", "d2", "d9"}, 10), label="a list shorter than k", hidden=True),
        Case((["d4", "d2", "d1"], {"d1", "d2", "d3", "d5", "d8"}, 1), label="k = 1",
             hidden=True),
        Case(([f"d{i}" for i in range(30)], {"d0", "d12", "d29"}, 20),
             label="a long ranking", hidden=True),
        Case((["d1", "d2"], set(), 2), label="no relevant documents", hidden=True,
             raises=ValueError, message=_EMPTY),
    ],
    func_name="recall_at_k",
    forbidden=["vectorkit.search.metrics.recall_at_k", "vectorkit.search.metrics.evaluate"],
    mistakes=[
        Mistake(lambda got, r, rel, k: rel and math.isclose(got, _found(r, rel, k) / k)
                and len(rel) != k,
                "your function gives a wrong result {where}: it looks like you divided by k. "
                "That is precision@k; recall divides by the number of relevant documents"),
        Mistake(lambda got, r, rel, k: math.isclose(got, _found(r, rel, len(r)) / len(rel)),
                "your function gives a wrong result {where}: it looks like it counts relevant "
                "documents beyond the first k places; look only at ranked[:k]"),
        Mistake(lambda got, r, rel, k: got == _found(r, rel, k) and got > 1,
                "your function returns a count {where}; recall is a fraction between 0 and 1"),
    ],
    hints=[
        "Take the first k ids with ranked[:k] and count how many of them are in `relevant`.",
        "found = sum(1 for doc in ranked[:k] if doc in relevant); divide by len(relevant), "
        "after raising ValueError when len(relevant) == 0.",
    ],
    explanation="Count the relevant ids among the first k and divide by how many are relevant.",
)

# --- shared data for q2-q4 (loaded on first use) ---------------------------------------------

# extra queries the learner never sees: (kind, text, {doc id: grade})
_HIDDEN = [
    ("paraphrase", "eight-armed animal that alters its look in an instant", {"d136": 3}),
    ("paraphrase", "how many times does the width of a round shape fit around its edge",
     {"d139": 3}),
    ("paraphrase", "my handset has locked up and ignores every tap", {"d061": 3}),
    ("paraphrase", "when can I talk to a human helper", {"d097": 3}),
    ("paraphrase", "why is the doorbell footage grey after dark", {"d054": 3, "d047": 1}),
    ("paraphrase", "who made reading affordable for ordinary folk by mechanising copying",
     {"d128": 3}),
    ("exact", "E-1024", {"d014": 3}),
    ("exact", "E-5120 Sentinel", {"d020": 3, "d047": 1}),
    ("exact", "E-3310", {"d019": 3, "d018": 1}),
    ("exact", "error E-2001", {"d016": 3}),
    ("exact", "Apollo 11", {"d117": 3}),
    ("exact", "IPv6", {"d038": 3}),
    ("mixed", "how long does a Pulse 2 charge last", {"d074": 3}),
    ("mixed", "take a screenshot on my phone", {"d057": 3}),
    ("mixed", "how does a rainbow form", {"d103": 3}),
    ("mixed", "share a Drive folder with a friend", {"d090": 3}),
]


@functools.cache
def _bench():
    """Documents, their ids and vectors, the BM25 index and the judged queries (with kinds).

    The text of every query a check uses is embedded here in one batch (one model call
    instead of one per query); the embedding cache then makes the learner's calls fast too.
    """
    import vectorkit as vk

    docs, queries, qrels, kinds = vk.datasets.load_search_benchmark(with_kinds=True)
    model = vk.load_model("text")
    judged = [(kinds[q], text, qrels[q]) for q, text in queries.items()] + _HIDDEN
    texts = sorted({t for _, t, _ in judged} | {c.args[0] for c in q2.cases})
    return {"model": model, "ids": list(docs), "bm25": vk.KeywordIndex(docs), "judged": judged,
            "vectors": model.embed(list(docs.values()), progress=False),
            "queries": dict(zip(texts, model.embed(texts, progress=False), strict=True))}


class _Ranked(list):
    """Ids best first, with the score of each (so equal-scoring swaps can be accepted)."""

    scores: dict


def _search(query, k=5):
    if k < 1:
        raise ValueError(f"`k` must be at least 1, got {k!r}")
    b = _bench()
    vector = b["queries"].get(query) if isinstance(query, str) else None
    if vector is None:
        vector = b["model"].embed(query, progress=False)
    scores = b["vectors"].astype(np.float64) @ vector
    out = _Ranked(b["ids"][i] for i in np.argsort(-scores, kind="stable")[:k])
    out.scores = dict(zip(b["ids"], scores.tolist(), strict=True))
    return out


# --- q2: a semantic search function --------------------------------------------------------

def _ranking_reason(got, expected):
    if isinstance(got, str) or not isinstance(got, list | tuple | np.ndarray):
        return (f"it returns {describe(got)}; return a list of document ids such as "
                "['d112', 'd113']")
    got = list(np.asarray(got).tolist())
    if got and all(isinstance(g, int) for g in got):
        return ("it returns positions (ints); turn each position i into its id with "
                "doc_ids[i]")
    if len(got) != len(expected):
        return f"it returns {len(got)} ids, but it should return k of them (or all if k is larger)"
    if got == list(expected):
        return None
    scores = getattr(expected, "scores", {})
    if all(g in scores for g in got) and np.allclose(
            [scores[g] for g in got], [scores[e] for e in expected], rtol=0, atol=1e-5):
        return None  # only documents with (almost) equal scores swapped places
    return False


def _same_ids_other_order(got, query, k) -> bool:
    expected = _search(query, k)
    return list(got) != expected and sorted(got) == sorted(expected)


def _worst_first(got, query, k) -> bool:
    return list(got)[:1] == _search(query, len(_bench()["ids"]))[-1:]


_K_MESSAGE = "{where} your function returned {got}; k must be at least 1, so raise ValueError"

q2 = FunctionQuestion(
    "Write a function search(query, k=5) that returns the ids of the k documents most similar "
    "to the text `query`, best first, as a list such as ['d112', 'd113', ...]. Embed the query "
    "with `model`, score every row of `doc_vectors` by cosine similarity (the vectors already "
    "have length 1), and use numpy to find the best k (not vk.Index). If k is larger than the "
    "number of documents, return them all; if k < 1, raise ValueError.",
    _search,
    [
        Case(("big cat that runs quicker than any other creature", 3), label="a paraphrase"),
        Case(("E-1042", 5), label="an error code"),
        Case(("change wifi password", 1), label="k = 1", hidden=True),
        Case(("Wie setze ich mein Passwort zurück?", 4), label="a query in German", hidden=True),
        Case(("why is the sky blue", 10), label="k = 10", hidden=True),
        Case(("thermostat", 500), label="k larger than the number of documents", hidden=True),
        Case(("anything", 0), label="k = 0", hidden=True, raises=ValueError,
             message=_K_MESSAGE),
    ],
    func_name="search",
    forbidden=["vectorkit.search.index.Index"],
    compare=_ranking_reason,
    mistakes=[
        Mistake(_worst_first, "your function puts the least similar document first {where}: "
                "sort by decreasing similarity (np.argsort(-scores))"),
        Mistake(_same_ids_other_order, "your function finds the right documents {where} but in "
                "the wrong order: the most similar document must come first"),
    ],
    hints=[
        "Three steps: query_vector = model.embed(query); scores = doc_vectors @ query_vector "
        "(one cosine similarity per document); then the positions of the k largest scores.",
        "np.argsort(-scores)[:k] gives the positions of the k largest scores, best first; "
        "return [doc_ids[i] for i in those positions]. Check k first.",
    ],
    explanation="Embed the query, take one dot product per document, keep the k largest.",
)

# --- q3 / q4: rankings evaluated like the notebook evaluates BM25 ---------------------------


class _RankingQuestion(FreeCheckQuestion):
    """A free check whose answer is a function; an unfinished stub counts as not attempted."""

    def is_untouched(self, answer) -> bool:
        return super().is_untouched(answer) or uses_placeholder(answer)


#: How many ids, at least, a ranking function must return (the question says "the top 10").
_TOP = 10


def _mrr(ranked, relevant) -> float:
    return next((1.0 / r for r, doc in enumerate(ranked[:10], 1) if doc in relevant), 0.0)


def _score(rank_fn, kinds) -> tuple[float, str | None]:
    """Mean MRR@10 of ``rank_fn`` over the judged queries of ``kinds``, or a problem."""
    known = set(_bench()["ids"])
    total, n = 0.0, 0
    for kind, text, rel in _bench()["judged"]:
        if kind not in kinds:
            continue
        try:
            ranked = rank_fn(text)
        except Exception as exc:
            return 0.0, (f"your function raised {type(exc).__name__}: {exc} for the query "
                         f"{text!r}")
        if isinstance(ranked, str) or not isinstance(ranked, list | tuple | np.ndarray):
            return 0.0, (f"your function returned {describe(ranked)} for the query "
                         f"{text!r}; return a list of document ids, best first")
        ranked = [d for d in np.asarray(ranked, dtype=object).tolist() if d is not None]
        unknown = [d for d in ranked if d not in known]
        if unknown:
            return 0.0, (f"your function returned {unknown[0]!r} for the query {text!r}, which "
                         "is not a document id (ids look like 'd001')")
        if len(set(ranked)) != len(ranked):
            return 0.0, f"your function lists a document twice for the query {text!r}"
        if len(ranked) < min(_TOP, len(known)):
            return 0.0, (f"your function returned {len(ranked)} id{'s' * (len(ranked) != 1)} "
                         f"for the query {text!r}; return at least the top {_TOP}, best first")
        total, n = total + _mrr(ranked, rel), n + 1
    return total / n, None


def _bm25_ranking(query):
    return _bench()["bm25"].search(query, k=10).ranked()


def _semantic_ranking(query):
    return _search(query, k=10)


def _not_a_ranking(rank_fn, question: str, name: str) -> str | None:
    """Why ``rank_fn`` cannot be called as ``name(query)``, or ``None``."""
    if not callable(rank_fn):
        return (f"pass your ranking function itself, e.g. ex.{question}.check({name}) without "
                f"parentheses after {name}")
    return signature_problem(rank_fn, name, inspect.signature(_semantic_ranking),
                             [(("a query",), {})])


def _beats_bm25(rank_fn):
    problem = _not_a_ranking(rank_fn, "q3", "my_ranking")
    if problem:
        return problem
    yours, problem = _score(rank_fn, {"paraphrase"})
    if problem:
        return problem
    bm25, _ = _score(_bm25_ranking, {"paraphrase"})
    if yours >= bm25 + 0.1:
        return True
    return (f"on the paraphrase queries your ranking has MRR@10 = {yours:.3f} and BM25 has "
            f"{bm25:.3f}; beat BM25 by at least 0.1")


q3 = _RankingQuestion(
    "Write a function my_ranking(query) that returns document ids, best first (at least the top "
    "10), and beats BM25 on the paraphrase queries: its MRR@10 must be at least 0.1 higher than "
    "BM25's. It is measured on the benchmark's paraphrase queries plus a few hidden ones.",
    _beats_bm25,
    reference=_semantic_ranking,
    hints=[
        "Paraphrases share no words with their answer, so a ranking built on shared words "
        "cannot find them. What kind of search compares meanings instead?",
        "Your search function from question 2 already does it: return search(query, k=10).",
    ],
    explanation="Semantic search compares meanings, so it finds answers that share no words.",
)


def _has_code(query) -> bool:
    """A word with a digit in it (E-1042, T2, IPv6) or in capitals (ARPANET): a name or code."""
    return any(any(c.isdigit() for c in w) or (len(w) > 1 and w.isupper())
               for w in query.replace("-", " ").split())


def _routed_ranking(query):
    semantic = _search(query, k=10)
    if not _has_code(query):
        return semantic
    keyword = _bm25_ranking(query)
    return keyword + [d for d in semantic if d not in keyword]


def _beats_both(rank_fn):
    problem = _not_a_ranking(rank_fn, "q4", "hybrid_ranking")
    if problem:
        return problem
    every = {"paraphrase", "exact", "mixed"}
    yours, problem = _score(rank_fn, every)
    if problem:
        return problem
    bm25, semantic = _score(_bm25_ranking, every)[0], _score(_semantic_ranking, every)[0]
    if yours > max(bm25, semantic) + 1e-9:
        return True
    return (f"over all the queries your ranking has MRR@10 = {yours:.3f}; BM25 has {bm25:.3f} "
            f"and semantic search {semantic:.3f}: beat both")


q4 = _RankingQuestion(
    "Stretch: write hybrid_ranking(query), returning document ids best first (at least the top "
    "10), whose MRR@10 over all the queries (paraphrase, exact and mixed, plus hidden ones) is "
    "higher than both BM25's and semantic search's.",
    _beats_both,
    reference=_routed_ranking,
    hints=[
        "Look at the queries each search gets wrong: semantic search slips on exact codes such "
        "as E-1042, and BM25 fails on paraphrases. Can you tell from the query itself which "
        "kind it is?",
        "Route the query: if it contains a word with a digit or in capitals (a code or a name), "
        "put BM25's hits first and fill up with semantic hits; otherwise use semantic search.",
    ],
    explanation="Trust keywords only for queries that look like codes or names; they are the "
                "queries where an exact match is what the user wants.",
)

# --- q5: how far to trust the numbers -------------------------------------------------------

q5 = ThoughtQuestion(
    "You tried ten variants of a hybrid and kept the one with the best MRR on these 52 queries. "
    "Is that MRR a fair estimate of how it will do for real users? What would you do before "
    "claiming it beats semantic search?",
    hints=["Think of a training set and a test set."],
)

progress = bind_questions(globals())
