"""Retrieval metrics: recall@k, precision@k, MRR, nDCG@k, MAP@k, and ``evaluate`` over queries.

For one query, ``ranked`` is a sequence of ids best first (a list, an array or a
single-query :class:`vectorkit.SearchResult`; ``None`` entries are padding and skipped)
and ``relevant`` is a set of relevant ids or a dict id -> graded relevance (grades > 0
count as relevant; grade 0 means judged not relevant).

Definitions (``rel_i`` is the grade of the document at rank ``i``, 1-based):

- recall@k = relevant ids in the top k / number of relevant ids
- precision@k = relevant ids in the top k / k (a list shorter than k still divides by k)
- MRR (reciprocal rank) = 1 / rank of the first relevant id, 0 if none is retrieved
- nDCG@k = DCG@k / ideal DCG@k, with DCG@k = sum over i <= k of rel_i / log2(i + 1)
  (linear gains, as in trec_eval and scikit-learn's ``ndcg_score``)
- AP@k (average precision) = sum of precision@i over the ranks i <= k that hold a relevant
  id, divided by the number of relevant ids (all of them, not only those that fit in k: as
  trec_eval's ``map_cut_k``); MAP@k is its mean over queries

How this differs from trec_eval (measured on the same runs, the numbers agree otherwise):

- **Ties.** The order given is the order scored: two ids with the same score keep their
  places in ``ranked``. trec_eval re-sorts a run by score and breaks ties by document id
  (descending), so a run with tied scores can score differently there.
- **Averaging** (:func:`evaluate`). Queries whose judgements have no relevant id are
  skipped (every metric here is undefined for them), and a judged query must have a
  ranking: an empty ranking counts 0 for every metric. trec_eval does the opposite: it
  averages over the queries in the run (a judged query missing from the run is left out
  unless ``-c`` is given) and counts a query without relevant documents as 0.

Example:
    >>> import vectorkit as vk
    >>> ranked = ["d3", "d1", "d7", "d2"]
    >>> vk.recall_at_k(ranked, {"d1", "d2"}, k=2), vk.mrr(ranked, {"d1", "d2"})
    (0.5, 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Number

import numpy as np

from vectorkit._validation import check_k as _check_k

__all__ = ["recall_at_k", "precision_at_k", "mrr", "ndcg_at_k", "average_precision_at_k",
           "evaluate"]


def _ranked(ranked, name: str = "ranked") -> list:
    from vectorkit.search._result import SearchResult

    if isinstance(ranked, SearchResult):
        if not ranked.single:
            raise ValueError(f"`{name}` must be the result of one query; this SearchResult holds "
                             f"{len(ranked)} queries (use vk.evaluate, or result[i])")
        return ranked.ranked()
    if isinstance(ranked, str | bytes | Mapping | set | frozenset) or ranked is None:
        raise ValueError(f"`{name}` must be a sequence of ids, best first (a list or array), "
                         f"got {type(ranked).__name__}")
    if isinstance(ranked, np.ndarray):
        if ranked.ndim != 1:
            raise ValueError(f"`{name}` must be 1-D (one query), got shape {ranked.shape}")
        ranked = ranked.tolist()
    try:
        items = [r for r in ranked if r is not None]
    except TypeError:
        raise ValueError(f"`{name}` must be a sequence of ids, got {type(ranked).__name__}") from None
    seen = set()
    for i, r in enumerate(items):
        try:
            hash(r)
        except TypeError:
            raise TypeError(f"`{name}` must be one query's ids, best first (str or int), but "
                            f"item {i} is a {type(r).__name__} ({r!r:.40}); for several "
                            "queries use vk.evaluate") from None
        if r in seen:
            raise ValueError(f"`{name}` lists the id {r!r} twice")
        seen.add(r)
    return items


def _relevant(relevant) -> dict:
    """Return {id: grade > 0}."""
    if isinstance(relevant, Mapping):
        out = {}
        for key, grade in relevant.items():
            if (isinstance(grade, bool) or not isinstance(grade, int | float | np.number)
                    or not math.isfinite(grade) or grade < 0):
                raise ValueError(f"`relevant` grades must be numbers >= 0, got {grade!r} "
                                 f"for id {key!r}")
            if grade > 0:
                out[key] = float(grade)
        return out
    if isinstance(relevant, str | bytes) or relevant is None:
        raise ValueError("`relevant` must be a set of ids or a dict id -> grade, "
                         f"got {type(relevant).__name__}")
    if isinstance(relevant, np.ndarray):
        relevant = relevant.tolist()
    try:
        return {r: 1.0 for r in relevant}
    except TypeError:
        raise ValueError("`relevant` must be a set of ids or a dict id -> grade, "
                         f"got {type(relevant).__name__}") from None


def _need_relevant(rel: dict, metric: str) -> None:
    if not rel:
        raise ValueError(f"`relevant` has no relevant id (grade > 0): {metric} is undefined")


def recall_at_k(ranked, relevant, k: int) -> float:
    """Fraction of the relevant ids found in the top ``k``.

    Example:
        >>> import vectorkit as vk
        >>> vk.recall_at_k([4, 2, 9], {2, 5}, k=3)
        0.5
    """
    k = _check_k(k)
    items, rel = _ranked(ranked), _relevant(relevant)
    _need_relevant(rel, "recall")
    return sum(1 for r in items[:k] if r in rel) / len(rel)


def precision_at_k(ranked, relevant, k: int) -> float:
    """Fraction of the top ``k`` places holding a relevant id (always divided by ``k``).

    Example:
        >>> import vectorkit as vk
        >>> vk.precision_at_k([4, 2, 9, 5], {2, 5}, k=2)
        0.5
    """
    k = _check_k(k)
    items, rel = _ranked(ranked), _relevant(relevant)
    return sum(1 for r in items[:k] if r in rel) / k


def mrr(ranked, relevant, k: int | None = None) -> float:
    """Reciprocal rank of the first relevant id (0.0 if none in the list, or in the top ``k``).

    Averaged over queries (as :func:`evaluate` does) this is the mean reciprocal rank.

    Example:
        >>> import vectorkit as vk
        >>> vk.mrr(["a", "b", "c"], {"c"})
        0.3333333333333333
    """
    items, rel = _ranked(ranked), _relevant(relevant)
    if k is not None:
        items = items[:_check_k(k)]
    for rank, r in enumerate(items, start=1):
        if r in rel:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked, relevant, k: int) -> float:
    """Normalised discounted cumulative gain of the top ``k`` (1.0 = ideal order).

    Example:
        >>> import vectorkit as vk
        >>> round(vk.ndcg_at_k(["b", "a"], {"a": 2, "b": 1}, k=2), 4)
        0.8597
    """
    k = _check_k(k)
    items, rel = _ranked(ranked), _relevant(relevant)
    _need_relevant(rel, "nDCG")
    dcg = sum(rel.get(r, 0.0) / math.log2(i + 2) for i, r in enumerate(items[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg


def average_precision_at_k(ranked, relevant, k: int) -> float:
    """Average precision of the top ``k``: precision@i at each relevant rank i <= k, summed
    and divided by the number of relevant ids (trec_eval's ``map_cut_k`` for one query).

    Example:
        >>> import vectorkit as vk
        >>> vk.average_precision_at_k(["a", "x", "b"], {"a", "b"}, k=3)  # (1/1 + 2/3) / 2
        0.8333333333333333
    """
    k = _check_k(k)
    items, rel = _ranked(ranked), _relevant(relevant)
    _need_relevant(rel, "average precision")
    found, total = 0, 0.0
    for rank, r in enumerate(items[:k], start=1):
        if r in rel:
            found += 1
            total += found / rank
    return total / len(rel)


def _runs(results) -> dict:
    from vectorkit.search._result import SearchResult

    if isinstance(results, SearchResult):
        if results.single:
            raise ValueError("`results` holds one query; pass a batch SearchResult or a dict "
                             "query id -> ranked ids")
        if results.query_ids is None:
            raise ValueError("`results` has no query ids: search with `query_ids=` (or a dict "
                             "of query texts), or pass a dict query id -> ranked ids")
        return results.ranked()
    if isinstance(results, Mapping):
        return dict(results)
    raise ValueError("`results` must be a SearchResult with query ids or a dict query id -> "
                     f"ranked ids, got {type(results).__name__}")


def _id_kind(value) -> str:
    return "text" if isinstance(value, str) else "number" if isinstance(value, Number) else "other"


def _check_id_kinds(rankings: dict, judged: dict) -> None:
    """Refuse results and qrels whose ids can never match (e.g. 0, 1, 2 vs "d001")."""
    got = {r: None for ranked in rankings.values() for r in ranked}
    wanted = {d: None for rel in judged.values() for d in rel}
    got_kinds, wanted_kinds = {_id_kind(r) for r in got}, {_id_kind(d) for d in wanted}
    if got_kinds and not got_kinds & wanted_kinds:
        raise ValueError(
            f"the ids in `results` ({', '.join(sorted(got_kinds))}, e.g. {list(got)[:3]}) can "
            f"never match the ids in `qrels` ({', '.join(sorted(wanted_kinds))}, e.g. "
            f"{list(wanted)[:3]}), so every score would be 0; build the index with the "
            "documents' ids, e.g. vk.Index(vectors, ids=doc_ids)"
        )


def evaluate(results, qrels, k: int = 10, *, per_query: bool = False, name: str = "mean"):
    """Average recall@k, precision@k, MRR@k, nDCG@k and MAP@k over the judged queries.

    Ties and averaging follow the module's rules (the given order is scored as it is;
    queries without relevant ids are skipped; an empty ranking counts 0), which differ
    from trec_eval's as described in :mod:`vectorkit.search.metrics`.

    Args:
        results: a batch :class:`vectorkit.SearchResult` with ``query_ids``, or a dict
            query id -> ranked ids.
        qrels: dict query id -> relevant ids (a set, or a dict id -> grade). Queries
            without any relevant id are skipped; every other one must be in ``results``.
        k: cut-off rank.
        per_query: return one row per query instead of the average.
        name: index label of the averaged row (e.g. "bm25"), handy with ``pd.concat``.

    Returns:
        pandas DataFrame with columns ``recall@k, precision@k, mrr@k, ndcg@k, map@k,
        queries``.

    Example:
        >>> import vectorkit as vk
        >>> runs = {"q1": ["d1", "d2"], "q2": ["d3", "d1"]}
        >>> qrels = {"q1": {"d2"}, "q2": {"d3": 2, "d4": 1}}
        >>> vk.evaluate(runs, qrels, k=2, name="demo")[["recall@2", "mrr@2"]]
              recall@2  mrr@2
        demo      0.75   0.75
    """
    import pandas as pd

    k = _check_k(k)
    runs = _runs(results)
    if not isinstance(qrels, Mapping) or not qrels:
        raise ValueError("`qrels` must be a non-empty dict query id -> relevant ids, "
                         f"got {type(qrels).__name__}")
    judged = {qid: _relevant(rel) for qid, rel in qrels.items()}
    judged = {qid: rel for qid, rel in judged.items() if rel}
    if not judged:
        raise ValueError("`qrels` has no query with a relevant id (grade > 0)")
    missing = [qid for qid in judged if qid not in runs]
    if missing:
        raise ValueError(f"`results` has no ranking for {len(missing)} judged queries, "
                         f"e.g. {missing[:3]}; results have query ids like "
                         f"{list(runs)[:3]}")
    rankings = {qid: _ranked(runs[qid], f"results[{qid!r}]") for qid in judged}
    _check_id_kinds(rankings, judged)
    cols = [f"recall@{k}", f"precision@{k}", f"mrr@{k}", f"ndcg@{k}", f"map@{k}"]
    rows = {}
    for qid, rel in judged.items():
        ranked = rankings[qid]
        rows[qid] = [recall_at_k(ranked, rel, k), precision_at_k(ranked, rel, k),
                     mrr(ranked, rel, k), ndcg_at_k(ranked, rel, k),
                     average_precision_at_k(ranked, rel, k)]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
    table.index.name = "query"
    if per_query:
        return table
    mean = table.mean().to_frame(name).T
    mean["queries"] = len(table)
    return mean
