"""Exercises for notebook 06, "High-dimensional spaces".

    from vectorkit.exercises import ____, nb06 as ex
    ex.q1.check(binary_bytes); ex.q2.check(farthest_to_nearest); ex.q5.check(rescored_search)

The function questions run on small seeded arrays made here (no model is needed), so they
check instantly; the notebook then compares the learner's functions with its own results.
"""

from __future__ import annotations

import numpy as np

from vectorkit.exercises import (
    Case,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)
from vectorkit.exercises._mistakes import instead, instead_close


def _number(x) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _is(value):
    return lambda x: _number(x) is not None and np.isclose(_number(x), value, rtol=1e-9)


# --- q1: the memory bill ---------------------------------------------------------------------

q1 = ValueQuestion(
    "One million 384-d embeddings are stored as binary codes: one bit per dimension. How many "
    "bytes do the codes take? Give a number.",
    48_000_000,
    rtol=0, atol=0.5,
    mistakes=[
        Mistake(_is(384_000_000), "that is the number of bits (or the size as int8 codes, one "
                "byte per dimension): a byte holds 8 bits"),
        Mistake(_is(1_536_000_000), "that is the size as float32 vectors (4 bytes per "
                "dimension); binary codes keep 1 bit per dimension"),
        Mistake(_is(48), "that is the size of one vector; the question asks for a million"),
        Mistake(_is(6_000_000), "you divided by 8 twice (or by 64): 384 bits are 48 bytes per "
                "vector"),
    ],
    hints=["Each vector needs 384 bits. How many bytes is that, and how many vectors are there?",
           "1_000_000 * 384 / 8"],
    explanation="384 bits are 48 bytes, so a million vectors take 48 MB, against 1.536 GB as "
                "float32: 32 times less.",
)

# --- q2: farthest_to_nearest -----------------------------------------------------------------


def _dist(X, q):
    return np.linalg.norm(np.asarray(X, float) - np.asarray(q, float), axis=1)


def _farthest_to_nearest(X, q):
    d = _dist(X, q)
    return float("inf") if d.min() == 0 else float(d.max() / d.min())


def _ratio_mistake(kind):
    def when(got, X, q):
        d = _dist(X, q)
        if d.min() == 0 or _number(got) is None:
            return False
        right = d.max() / d.min()
        if kind == "inverse":
            alt = d.min() / d.max()
        elif kind == "squared":
            alt = right**2
        else:  # "difference"
            alt = d.max() - d.min()
        return instead_close(got, alt, right)
    return when


_rng = np.random.default_rng(6)
_X2 = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [-6.0, 8.0]])
_X10 = np.round(_rng.normal(size=(30, 10)), 3)

q2 = FunctionQuestion(
    "Write farthest_to_nearest(X, q): the Euclidean distance from the vector q to every row of "
    "the 2-D array X, then the largest distance divided by the smallest, as a float. If the "
    "smallest distance is 0 (q is one of the rows), return float('inf').",
    _farthest_to_nearest,
    [
        Case((_X2, [1.0, 0.0]), label="four points in 2-D"),
        Case((_X2[1:], [0.0, 0.0]), label="three points in 2-D, q at the origin"),
        Case((_X10, np.round(_rng.normal(size=10), 3)), hidden=True,
             label="30 random points in 10-D"),
        Case((_X2, [3.0, 4.0]), hidden=True, label="q is one of the rows (smallest distance 0)"),
        Case(([[1, 2, 3], [2, 3, 4]], [0, 0, 0]), hidden=True,
             label="lists of ints instead of arrays"),
    ],
    func_name="farthest_to_nearest",
    rtol=1e-6,
    mistakes=[
        Mistake(_ratio_mistake("inverse"), "your function returns nearest / farthest {where}; "
                "the question asks for the farthest divided by the nearest (a number >= 1)"),
        Mistake(_ratio_mistake("squared"), "your function returns the ratio of SQUARED "
                "distances {where}: take the square root of each sum of squares (np.linalg.norm)"),
        Mistake(_ratio_mistake("difference"), "your function returns farthest - nearest "
                "{where}; divide instead of subtracting"),
    ],
    hints=[
        "X - q subtracts q from every row (broadcasting); np.linalg.norm(..., axis=1) gives one "
        "distance per row.",
        "dist = np.linalg.norm(np.asarray(X, float) - np.asarray(q, float), axis=1); handle "
        "dist.min() == 0 first, then return dist.max() / dist.min()",
    ],
    explanation="In 2-D the ratio is large; for 1,000 random points in 10,000 dimensions it is "
                "about 1.05: every point is about equally far.",
)

# --- q3: components_for ----------------------------------------------------------------------


def _ratios(X, centre=True, square=True):
    X = np.asarray(X, float)
    s = np.linalg.svd(X - X.mean(axis=0) if centre else X, compute_uv=False)
    s = s**2 if square else s
    return np.cumsum(s) / s.sum()


def _components_for(X, share):
    return int(np.searchsorted(_ratios(X), share - 1e-12) + 1)


def _components_mistake(kind):
    def when(got, X, share):
        right = _components_for(X, share)
        if kind == "uncentred":
            alt = int(np.searchsorted(_ratios(X, centre=False), share - 1e-12) + 1)
        elif kind == "unsquared":
            alt = int(np.searchsorted(_ratios(X, square=False), share - 1e-12) + 1)
        else:  # "index": the position, not the count
            alt = right - 1
        return instead(got, alt, right)
    return when


def _stretched(n, d, scales, offset, seed):
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(size=(n, d)) * np.asarray(scales) + offset, 4)


q3 = FunctionQuestion(
    "Write components_for(X, share): the smallest number of principal components of X (rows "
    "are points) whose explained variance adds up to at least `share` (0 < share <= 1) of the "
    "total variance. Use numpy (e.g. an SVD of the centred data), not scikit-learn.",
    _components_for,
    [
        Case((_stretched(200, 4, [10, 3, 1, 0.1], 0, 1), 0.85),
             label="200 points in 4-D with spreads 10, 3, 1 and 0.1, share 0.85"),
        Case((_stretched(200, 4, [10, 3, 1, 0.1], 0, 1), 0.99), label="the same points, share 0.99"),
        Case((_stretched(300, 6, [1, 1, 1, 1, 1, 1], 50, 2), 0.5), hidden=True,
             label="points far from the origin with equal spreads (centre the data first)"),
        Case((_stretched(100, 5, [5, 4, 0.5, 0.5, 0.5], 3, 3), 0.9), hidden=True,
             label="100 points in 5-D, share 0.9"),
        Case((_stretched(50, 3, [2, 1, 1], 0, 4), 1.0), hidden=True, label="share 1.0"),
    ],
    func_name="components_for",
    forbidden=["sklearn.decomposition.PCA", "sklearn.decomposition.TruncatedSVD"],
    mistakes=[
        Mistake(_components_mistake("uncentred"), "your function gives the answer for the "
                "UNCENTRED data {where}: subtract the mean of each column first, or the first "
                "component just points at the data's centre"),
        Mistake(_components_mistake("unsquared"), "your function adds up singular values "
                "{where}; the variance of a component is its singular value SQUARED"),
        Mistake(_components_mistake("index"), "your function returns one less than the answer "
                "{where}: a position counts from 0, the number of components from 1"),
    ],
    hints=[
        "np.linalg.svd(X - X.mean(axis=0), compute_uv=False) gives the singular values; each "
        "component's variance is proportional to its singular value squared.",
        "ratio = np.cumsum(s**2) / np.sum(s**2); the answer is the first position where ratio "
        ">= share, plus 1 (np.searchsorted(ratio, share) + 1, with a tiny tolerance).",
    ],
    explanation="Centre, take the squared singular values (the variance along each principal "
                "direction), add them up in order, and count how many you need.",
)

# --- q4: reading a t-SNE map ------------------------------------------------------------------

q4 = ThoughtQuestion(
    "A t-SNE map of review embeddings shows 'delivery' reviews as a big spread-out cloud and "
    "'refund' reviews as a small tight cloud far away. Your colleague concludes that delivery "
    "complaints are more varied and that refunds are the most different topic. What can the "
    "map support, what not, and how would you check her two claims?",
    hints=["Section 4 built groups of known size and distance: what happened to them in the "
           "map?"],
)

# --- q5: binary search with re-scoring --------------------------------------------------------


def _shortlist(query, vectors, candidates):
    query, vectors = np.asarray(query, float), np.asarray(vectors, float)
    hamming = np.sum((vectors > 0) != (query > 0), axis=1)
    return np.argsort(hamming, kind="stable")[:candidates]


def _cos_rows(query, rows):
    query = np.asarray(query, float)
    return rows @ query / (np.linalg.norm(rows, axis=1) * np.linalg.norm(query))


def _rescored_search(query, vectors, k, candidates):
    vectors = np.asarray(vectors, float)
    short = _shortlist(query, vectors, candidates)
    cos = _cos_rows(query, vectors[short])
    return [int(i) for i in short[np.argsort(-cos, kind="stable")[:k]]]


def _as_list(got):
    try:
        return [int(i) for i in got]
    except (TypeError, ValueError):
        return None


def _search_mistake(kind):
    def when(got, query, vectors, k, candidates):
        got = _as_list(got)
        right = _rescored_search(query, vectors, k, candidates)
        vectors = np.asarray(vectors, float)
        if kind == "no rescore":
            alt = [int(i) for i in _shortlist(query, vectors, candidates)[:k]]
        elif kind == "exact":
            cos = _cos_rows(query, vectors)
            alt = [int(i) for i in np.argsort(-cos, kind="stable")[:k]]
        else:  # "positions": places in the shortlist instead of row numbers
            short = _shortlist(query, vectors, candidates)
            alt = [int(i) for i in np.argsort(-_cos_rows(query, vectors[short]),
                                              kind="stable")[:k]]
        return got is not None and instead(got, alt, right)
    return when


def _case(n, d, k, candidates, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, d))
    vectors = np.round(centres[rng.integers(0, 4, n)] + 0.8 * rng.normal(size=(n, d)), 3)
    query = np.round(centres[0] + 0.8 * rng.normal(size=d), 3)
    return query, vectors, k, candidates


q5 = FunctionQuestion(
    "Stretch: write rescored_search(query, vectors, k, candidates). Turn the query and every row "
    "of `vectors` into sign bits (> 0); take the `candidates` rows with the smallest Hamming "
    "distance to the query (ties: lower row number first); re-score those by cosine similarity "
    "of the float vectors; return the row numbers of the best k, best first, as a list of "
    "ints.",
    _rescored_search,
    [
        Case(_case(40, 8, 3, 10, 1), hidden=True, label="40 rows in 8-D, k=3 of 10 candidates"),
        Case(_case(200, 16, 5, 20, 2), hidden=True, label="200 rows in 16-D, k=5 of 20"),
        Case(_case(100, 12, 4, 4, 3), hidden=True, label="as many candidates as k"),
        Case(_case(60, 10, 5, 60, 4), hidden=True,
             label="every row a candidate (equals exact cosine search)"),
    ],
    func_name="rescored_search",
    compare=lambda got, expected: None if _as_list(got) == expected else (
        False if _as_list(got) is not None else "return a list of ints (row numbers)"),
    mistakes=[
        Mistake(_search_mistake("no rescore"), "your function returns the Hamming shortlist's "
                "own order {where}: re-score the candidates by cosine with the float vectors"),
        Mistake(_search_mistake("exact"), "your function ranks ALL rows by cosine {where}: "
                "only the `candidates` rows nearest in Hamming distance may be returned"),
        Mistake(_search_mistake("positions"), "your function returns places in the shortlist "
                "{where}; return the rows' numbers in `vectors` (shortlist[i])"),
    ],
    hints=[
        "Hamming distance between sign bits: np.sum((vectors > 0) != (query > 0), axis=1). "
        "np.argsort(..., kind='stable')[:candidates] gives the shortlist.",
        "Compute cosine similarities of the shortlisted rows with the query, sort them "
        "(np.argsort(-cos, kind='stable')) and map the best k back through the shortlist.",
    ],
    explanation="The bits shortlist cheaply (a few bytes per vector); the float vectors, read "
                "only for the shortlist, put the final order right.",
)

progress = bind_questions(globals())
