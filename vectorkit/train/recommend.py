"""Recommendations from baskets: co-occurrence item vectors, baselines, blends, offline evaluation.

A *recommender* here is anything with ``scores(context) -> (n_items,)`` over a fixed list of
item ids (higher = recommend sooner) and ``recommend(context, k)``: the k best items not
already in ``context`` (the items in the basket so far). They are evaluated leave-one-out:
hide one item of each held-out basket, recommend from the rest, and see where the hidden item
lands (hit rate@k: in the top k at all; nDCG@k: 1 / log2(rank + 1), 0 outside the top k).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from vectorkit._validation import as_vectors, check_k


def _item_list(baskets, items) -> list:
    if isinstance(baskets, str) or not isinstance(baskets, Sequence):
        raise TypeError(f"`baskets` must be a list of baskets (lists of item ids), got "
                        f"{type(baskets).__name__}")
    for i, b in enumerate(baskets):
        if isinstance(b, str) or not isinstance(b, Sequence):
            raise TypeError(f"`baskets[{i}]` must be a list of item ids, got {b!r:.60}")
    if items is None:
        return sorted({x for b in baskets for x in b})
    items = list(items)
    if len(set(items)) != len(items):
        raise ValueError("`items` must not repeat an id")
    return items


def _incidence(baskets, items) -> sparse.csr_matrix:
    """(n_baskets, n_items) 0/1 matrix; ids not in ``items`` are ignored."""
    pos = {x: j for j, x in enumerate(items)}
    rows, cols = [], []
    for i, b in enumerate(baskets):
        for j in {pos[x] for x in b if x in pos}:
            rows.append(i)
            cols.append(j)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(baskets), len(items)))


def cooccurrence(baskets, items=None) -> tuple[np.ndarray, list]:
    """Count, for every pair of items, the baskets that hold both: ``(matrix, items)``.

    An item repeated in one basket counts once; the diagonal is 0.

    Example:
        >>> counts, items = cooccurrence([["tea", "milk"], ["tea", "milk", "cake"], ["tea"]])
        >>> items, counts.tolist()
        (['cake', 'milk', 'tea'], [[0.0, 1.0, 1.0], [1.0, 0.0, 2.0], [1.0, 2.0, 0.0]])
    """
    items = _item_list(baskets, items)
    b = _incidence(baskets, items)
    counts = (b.T @ b).toarray()
    np.fill_diagonal(counts, 0.0)
    return counts, items


def svd_item_vectors(baskets, dim: int = 16, items=None, *, ppmi: bool = True,
                     seed: int = 0) -> tuple[np.ndarray, list]:
    """Item vectors from co-purchase: the co-occurrence matrix factorised by truncated SVD.

    With ``ppmi=True`` the counts are first turned into positive pointwise mutual information,
    ``max(0, log(P(a, b) / (P(a) P(b))))``, so that everyday items bought with everything (milk,
    bread) do not dominate. Items bought in similar company get similar vectors.

    Returns:
        ``(vectors (n_items, dim) float32, items)``; rows are ``U * sqrt(S)`` of the SVD.

    Example:
        >>> vectors, items = svd_item_vectors([["a", "b"], ["a", "b"], ["c", "d"]], dim=2)
        >>> vectors.shape
        (4, 2)
    """
    from sklearn.decomposition import TruncatedSVD

    counts, items = cooccurrence(baskets, items)
    dim = check_k(dim, "dim")
    if dim >= len(items):
        raise ValueError(f"`dim` must be smaller than the number of items ({len(items)}), "
                         f"got {dim}")
    matrix = counts
    if ppmi:
        total = counts.sum()
        marginal = counts.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            pmi = np.log(counts * total / np.outer(marginal, marginal))
        matrix = np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0)
    svd = TruncatedSVD(n_components=dim, random_state=seed)
    u_s = svd.fit_transform(matrix)
    vectors = u_s / np.sqrt(np.maximum(svd.singular_values_, 1e-12))
    return vectors.astype(np.float32), items


class _Recommender:
    items: list

    def scores(self, context) -> np.ndarray:
        raise NotImplementedError

    def recommend(self, context, k: int = 10) -> list:
        """The ``k`` best items not in ``context``, best first."""
        k = check_k(k)
        s = np.asarray(self.scores(context), dtype=np.float64).copy()
        pos = {x: j for j, x in enumerate(self.items)}
        s[[pos[x] for x in context if x in pos]] = -np.inf
        order = np.argsort(-s, kind="stable")[:k]
        return [self.items[j] for j in order if np.isfinite(s[j])]


class Popularity(_Recommender):
    """The baseline: recommend what most training baskets contain, whatever the context.

    Example:
        >>> Popularity([["tea", "milk"], ["tea"], ["cake"]]).recommend(["cake"], k=2)
        ['tea', 'milk']
    """

    def __init__(self, baskets, items=None):
        self.items = _item_list(baskets, items)
        self._counts = np.asarray(_incidence(baskets, self.items).sum(axis=0)).ravel()

    def scores(self, context) -> np.ndarray:
        return self._counts.astype(np.float64)


class ItemVectors(_Recommender):
    """Recommend the items most similar (cosine) to the basket so far: the sum of the cosine
    similarities of each candidate to every context item.

    Example:
        >>> rec = ItemVectors([[1, 0], [0.9, 0.1], [0, 1]], ["tea", "milk", "nails"])
        >>> rec.recommend(["tea"], k=1)
        ['milk']
    """

    def __init__(self, vectors, items):
        vectors = as_vectors(vectors, "vectors", dtype=np.float64, allow_1d=False)
        items = list(items)
        if len(items) != len(vectors):
            raise ValueError(f"`items` has {len(items)} ids but `vectors` has {len(vectors)} "
                             "rows; give one id per row")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self._unit = vectors / np.where(norms > 0, norms, 1.0)
        self.items = items
        self._pos = {x: j for j, x in enumerate(items)}

    def scores(self, context) -> np.ndarray:
        rows = [self._pos[x] for x in context if x in self._pos]
        if not rows:  # a context of unknown items: nothing to go on
            return np.zeros(len(self.items))
        return self._unit @ self._unit[rows].sum(axis=0)


class Blend(_Recommender):
    """A weighted sum of recommenders' scores, each rescaled to 0..1 per context (min-max).

    Example:
        >>> pop = Popularity([["tea", "milk"], ["tea"], ["milk", "cake"]])
        >>> Blend([pop, pop], [0.5, 0.5]).recommend([], k=1) == pop.recommend([], k=1)
        True
    """

    def __init__(self, recommenders, weights):
        recommenders, weights = list(recommenders), [float(w) for w in weights]
        if not recommenders or len(recommenders) != len(weights):
            raise ValueError(f"`weights` must give one weight per recommender "
                             f"({len(recommenders)}), got {len(weights)}")
        self.items = recommenders[0].items
        for r in recommenders[1:]:
            if list(r.items) != list(self.items):
                raise ValueError("every recommender in a Blend must score the same items in "
                                 "the same order")
        self.recommenders, self.weights = recommenders, weights

    def scores(self, context) -> np.ndarray:
        total = np.zeros(len(self.items))
        for r, w in zip(self.recommenders, self.weights, strict=True):
            s = np.asarray(r.scores(context), dtype=np.float64)
            span = s.max() - s.min()
            total += w * ((s - s.min()) / span if span > 0 else np.zeros_like(s))
        return total


def split_baskets(baskets, test_fraction: float = 0.2, seed: int = 0, *,
                  with_index: bool = False):
    """Split baskets into training baskets and leave-one-out test cases.

    A random ``test_fraction`` of the baskets with at least two items is held out; in each,
    one random item is hidden (the *target*) and the others are the *context*.

    Args:
        baskets: a list of baskets (lists of item ids).
        test_fraction: the share of the eligible baskets held out.
        seed: the random seed (which baskets, which item).
        with_index: also return the positions in ``baskets`` of the held-out baskets.

    Returns:
        ``(train, contexts, targets)``: lists of baskets, of contexts, of hidden item ids;
        with ``with_index=True`` a 4-tuple ending in the held-out positions (sorted).

    Example:
        >>> train, contexts, targets = split_baskets([["a", "b"], ["b", "c"], ["a"]], 0.5)
        >>> len(train) + len(contexts), sorted(contexts[0] + [targets[0]]) in (["a", "b"], ["b", "c"])
        (3, True)
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"`test_fraction` must be between 0 and 1, got {test_fraction!r}")
    _item_list(baskets, None)
    rng = np.random.default_rng(seed)
    eligible = [i for i, b in enumerate(baskets) if len(set(b)) >= 2]
    n_test = max(1, round(test_fraction * len(eligible))) if eligible else 0
    test = set(rng.choice(eligible, size=n_test, replace=False).tolist()) if n_test else set()
    train = [list(b) for i, b in enumerate(baskets) if i not in test]
    contexts, targets = [], []
    for i in sorted(test):
        basket = list(dict.fromkeys(baskets[i]))
        target = basket[int(rng.integers(len(basket)))]
        contexts.append([x for x in basket if x != target])
        targets.append(target)
    if with_index:
        return train, contexts, targets, sorted(test)
    return train, contexts, targets


def evaluate_recommender(recommender, contexts, targets, k: int = 10) -> dict:
    """Leave-one-out hit rate@k and nDCG@k of ``recommender`` on ``(contexts, targets)``.

    Example:
        >>> pop = Popularity([["tea", "milk"], ["tea"], ["milk"], ["tea", "cake"]])
        >>> evaluate_recommender(pop, [["cake"], ["tea"]], ["tea", "cake"], k=1)
        {'hit_rate@1': 0.5, 'ndcg@1': 0.5, 'cases': 2}
    """
    k = check_k(k)
    if len(contexts) != len(targets) or not len(targets):
        raise ValueError(f"`contexts` and `targets` must be non-empty and of equal length, got "
                         f"{len(contexts)} and {len(targets)}")
    hits, gains = 0, 0.0
    for context, target in zip(contexts, targets, strict=True):
        ranked = recommender.recommend(context, k)
        if target in ranked:
            hits += 1
            gains += 1.0 / np.log2(ranked.index(target) + 2)
    n = len(targets)
    return {f"hit_rate@{k}": hits / n, f"ndcg@{k}": float(gains / n), "cases": n}
