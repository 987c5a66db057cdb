"""Data quality checks on a set of embeddings: near duplicates, likely label errors, drift
between two samples and anomaly scores.

Each check is a measurement on geometry, not a verdict: a near-duplicate pair may be two
honest items that say the same thing, a high disagreement score may be a rare but correct
label, and a drift test says that two samples differ, not how or why. Every function
computes cosine similarities block by block, so extra memory stays bounded (the limits
are stated in each docstring).

Example:
    >>> import numpy as np, vectorkit as vk
    >>> x = np.array([[1.0, 0.0], [0.99, 0.01], [0.0, 1.0]])
    >>> [(i, j, round(s, 4)) for i, j, s in vk.train.near_duplicates(x, threshold=0.99)]
    [(0, 1, 0.9999)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vectorkit._validation import (
    as_vectors,
    check_k,
    check_labels,
    check_nonzero_rows,
    check_same_dim,
    refuse_text,
)
from vectorkit.search.index import Index

__all__ = ["near_duplicates", "neighbour_disagreement", "knn_scores", "drift_test",
           "DriftResult", "MAX_ROWS", "MAX_PAIRS", "MAX_DRIFT_ROWS", "MAX_PERMUTATIONS"]

#: More rows than this are refused by :func:`near_duplicates`, :func:`neighbour_disagreement`
#: and :func:`knn_scores` (time grows with the square of the rows: every pair is compared).
MAX_ROWS = 100_000
#: :func:`near_duplicates` stops with an error once it has found more pairs than this
#: (a list of a million pairs takes about 150 MB): raise the threshold instead.
MAX_PAIRS = 1_000_000
#: More rows than this (both samples together) are refused by :func:`drift_test`: it holds
#: the pooled kernel matrix, 8 * rows**2 bytes (128 MB at 4,000 rows).
MAX_DRIFT_ROWS = 4_000
#: More permutations than this are refused by :func:`drift_test`.
MAX_PERMUTATIONS = 100_000
_BLOCK_CELLS = 2 * 1024**2  # float64 similarities held at once (16 MiB)


def _unit(x, name: str, max_rows: int | None = None) -> np.ndarray:
    """``x`` checked as a 2-D array of nonzero rows, returned with rows of length 1 (float64)."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    refuse_text(x, name, "model.embed(texts)")
    arr = as_vectors(x, name, dtype=np.float64, allow_1d=False)
    if len(arr) > max_rows:
        raise ValueError(f"`{name}` has {len(arr):,} rows; at most {max_rows:,} are allowed "
                         "(every pair of rows is compared)")
    norms = check_nonzero_rows(arr, name)
    return arr / norms[:, None]


def near_duplicates(vectors, *, threshold: float = 0.95) -> list[tuple[int, int, float]]:
    """Every pair of rows whose cosine similarity is at least ``threshold``.

    Args:
        vectors: ``(n, d)`` array of embeddings (no zero rows), ``n <= MAX_ROWS``.
        threshold: a number in ``[-1, 1]``; pairs with cosine ``>= threshold`` are kept.

    Returns:
        ``[(i, j, similarity), ...]`` with ``i < j`` (row positions), highest similarity
        first, equal similarities ordered by ``(i, j)``. Cosines are computed in float64
        and clipped to ``[-1, 1]``; an exact copy scores 1 up to rounding (about 1e-15),
        so ``threshold=1.0`` may miss copies: use e.g. ``0.9999``.

    Limits: similarities are computed in blocks of rows of at most 16 MiB (never the
    ``n x n`` matrix); extra memory is the unit-length float64 copy of ``vectors``
    (``8 n d`` bytes), about 20 MiB of blocks and masks, and the pairs found (measured:
    47 MiB for 5,000 x 384). Time is ``O(n^2 d)``: every pair is compared once (measured
    on 2 busy cores: 21 s for 20,000 x 384, so about 9 minutes at ``MAX_ROWS``). More than
    ``MAX_PAIRS`` pairs above the threshold raise ``ValueError`` (raise the threshold).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.2], [0.0, 3.0]])
        >>> [(i, j, round(s, 4)) for i, j, s in vk.train.near_duplicates(x, threshold=0.99)]
        [(1, 3, 1.0), (0, 2, 0.995)]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise TypeError(f"`threshold` must be a number in [-1, 1], got {threshold!r}")
    threshold = float(threshold)
    if not -1.0 <= threshold <= 1.0:
        raise ValueError(f"`threshold` must be a number in [-1, 1], got {threshold!r}")
    u = _unit(vectors, "vectors")
    n = len(u)
    rows = max(1, _BLOCK_CELLS // n)
    found_i, found_j, found_s = [], [], []
    total = 0
    for a in range(0, n, rows):
        b = min(n, a + rows)
        sims = u[a:b] @ u[a:].T  # rows a..b-1 against rows a..n-1
        np.clip(sims, -1.0, 1.0, out=sims)
        # keep j > i only: column c is row a + c, row r is row a + r
        keep = sims >= threshold
        keep &= np.arange(n - a)[None, :] > np.arange(b - a)[:, None]
        r, c = np.nonzero(keep)
        total += r.size
        if total > MAX_PAIRS:
            raise ValueError(f"more than {MAX_PAIRS:,} pairs have cosine >= {threshold}: "
                             "raise `threshold` (near duplicates are usually above 0.9)")
        found_i.append(r + a)
        found_j.append(c + a)
        found_s.append(sims[r, c])
    i, j, s = (np.concatenate(p) for p in (found_i, found_j, found_s))
    order = np.lexsort((j, i, -s))
    return [(int(i[o]), int(j[o]), float(s[o])) for o in order]


def _check_k_rows(k: int, n: int, name: str, leave_one_out: bool) -> int:
    k = check_k(k)
    most = n - 1 if leave_one_out else n
    if k > most:
        what = f"rows of `{name}` minus the item itself" if leave_one_out else \
            f"rows of `{name}`"
        raise ValueError(f"`k` must be at most {most:,} (the {what}), got {k}")
    return k


def _neighbours(u: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and cosines ``(n, k)`` of each row's ``k`` nearest other rows (exact)."""
    index = Index(u, metric="cosine")
    res = index.search(u, k=min(k + 1, len(u)))
    pos, sims = np.asarray(res.ids, dtype=np.int64), np.asarray(res.scores)
    # drop the row itself; if it is not among the k + 1 (ties of exact copies ranked ahead
    # of it), the first k results are its k nearest others
    is_self = pos == np.arange(len(u))[:, None]
    has_self = is_self.any(axis=1)
    is_self[~has_self, -1] = True
    keep = ~is_self
    return pos[keep].reshape(len(u), k), sims[keep].reshape(len(u), k)


def neighbour_disagreement(vectors, labels, *, k: int = 10) -> np.ndarray:
    """For each item, the share of its ``k`` nearest neighbours whose label differs from its own.

    Neighbours are the exact nearest rows by cosine similarity (``vk.Index``), the item
    itself left out (an exact copy of it is a neighbour). A score near 1 means the item sits
    among items labelled otherwise: a likely label error, or a genuinely ambiguous item.

    Args:
        vectors: ``(n, d)`` array of embeddings (no zero rows), ``n <= MAX_ROWS``.
        labels: ``n`` labels, one per row (compared as strings: ``1`` equals ``"1"``).
        k: neighbours per item, ``1 <= k <= n - 1``.

    Returns:
        float64 array ``(n,)`` of values in ``[0, 1]`` (multiples of ``1 / k``).

    Limits: extra memory is a float64 and a float32 copy of ``vectors`` (``12 n d``
    bytes) plus about 40 MiB of score blocks (measured: 67 MiB for 5,000 x 384); time is
    ``O(n^2 d)``, every item is compared with every other one (measured on 2 busy cores:
    10 s for 20,000 x 384).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> x = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.2], [0.0, 1.0], [0.1, 0.9]])
        >>> vk.train.neighbour_disagreement(x, ["a", "a", "b", "b", "b"], k=2).tolist()
        [0.5, 0.5, 1.0, 0.0, 0.0]
    """
    u = _unit(vectors, "vectors")
    n = len(u)
    if labels is None:
        raise TypeError(f"`labels` must be a list of {n} labels (one per row of `vectors`), "
                        "got None")
    names = check_labels(labels, n, "labels", per="row of `vectors`")
    k = _check_k_rows(k, n, "vectors", leave_one_out=True)
    _, codes = np.unique(np.asarray(names, dtype=object), return_inverse=True)
    codes = codes.ravel()
    pos, _ = _neighbours(u, k)
    return (codes[pos] != codes[:, None]).mean(axis=1)


def knn_scores(reference, queries=None, *, k: int = 5) -> np.ndarray:
    """Anomaly score: mean cosine distance (``1 - cosine``) to the ``k`` nearest reference rows.

    Args:
        reference: ``(n, d)`` array of "normal" embeddings (no zero rows), ``n <= MAX_ROWS``.
        queries: ``(q, d)`` array (or one ``(d,)`` vector) to score; ``None`` scores the
            reference rows themselves, leaving each row out of its own neighbours.
        k: neighbours averaged, ``1 <= k <= n`` (``n - 1`` when ``queries`` is None).

    Returns:
        float64 array ``(q,)`` (``(n,)`` when ``queries`` is None; a float for one vector)
        of scores in ``[0, 2]``; higher = farther from the reference = more unusual.
        Distances come from float32 cosines (error about 1e-7).

    Limits: extra memory is a float64 and a float32 copy of ``reference`` (``12 n d``
    bytes) plus about 40 MiB of score blocks (measured: 65 MiB for 5,000 x 384, leave one
    out); time is ``O(q n d)`` (measured on 2 busy cores: 7.5 s for 20,000 x 384 leave
    one out).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> ref = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]])
        >>> vk.train.knn_scores(ref, [[0.0, 1.0], [1.0, 0.0]], k=1).round(2).tolist()
        [0.2, 0.0]
        >>> vk.train.knn_scores(ref, k=1).round(2).tolist()
        [0.2, 0.04, 0.04]
    """
    u = _unit(reference, "reference")
    n = len(u)
    if queries is None:
        k = _check_k_rows(k, n, "reference", leave_one_out=True)
        _, sims = _neighbours(u, k)
        return 1.0 - sims.astype(np.float64).mean(axis=1)
    refuse_text(queries, "queries", "model.embed(texts)")
    q = as_vectors(queries, "queries", dtype=np.float64)
    single = q.ndim == 1
    q2 = q[None, :] if single else q
    check_same_dim(q2, u, "queries", "reference")
    check_nonzero_rows(q2, "queries")
    k = _check_k_rows(k, n, "reference", leave_one_out=False)
    sims = Index(u, metric="cosine").search(q2, k=k).scores
    scores = 1.0 - sims.astype(np.float64).mean(axis=1)
    return float(scores[0]) if single else scores


@dataclass(frozen=True)
class DriftResult:
    """What :func:`drift_test` measured.

    Attributes:
        statistic: the unbiased squared MMD between the two samples (can be slightly
            negative when they come from one distribution).
        p_value: permutation p-value, ``(count of permuted statistics >= observed + 1) /
            (n_permutations + 1)``; small = the samples differ.
        n_permutations: how many random re-splits of the pooled rows were compared.
    """

    statistic: float
    p_value: float
    n_permutations: int


def _pair_sums(kernel: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``z_p^T K z_p`` for each column ``z_p`` of the 0/1 matrix ``z``."""
    return np.einsum("ip,ip->p", kernel @ z, z)


def _mmd(s_aa, s_ab, s_bb, m: int, n: int):
    return s_aa / (m * (m - 1)) + s_bb / (n * (n - 1)) - 2.0 * s_ab / (m * n)


def drift_test(a, b, *, permutations: int = 1000, seed: int = 0) -> DriftResult:
    """Two-sample permutation test: do the rows of ``a`` and ``b`` come from one distribution?

    The statistic is the unbiased squared maximum mean discrepancy (MMD, Gretton et al.
    2012) with a Gaussian kernel ``exp(-|x - y|^2 / (2 sigma^2))`` on the rows scaled to
    length 1. The bandwidth ``sigma`` is the median distance between two distinct rows of
    the pooled sample (``a`` and ``b`` together), a common rule of thumb. The p-value
    compares the observed statistic with those of random re-splits of the pooled rows into
    groups of the original sizes. The test says whether the samples differ, not in what;
    with few rows it misses small shifts, with many it flags shifts too small to matter.

    Args:
        a, b: ``(m, d)`` and ``(n, d)`` arrays of embeddings (no zero rows), at least two
            rows each, ``m + n <= MAX_DRIFT_ROWS``.
        permutations: random re-splits, ``1..MAX_PERMUTATIONS``.
        seed: seed of the re-splits.

    Returns:
        :class:`DriftResult`.

    Limits: memory is the pooled kernel matrix, ``8 (m + n)^2`` bytes (128 MB at 4,000
    rows), plus half as much again while the bandwidth is found, plus blocks of 8 MB for
    the permutations (measured: 207 MiB extra for 4,000 rows of 384). Time is
    ``O(permutations (m + n)^2)``: measured on 2 busy cores, 0.7 s for 1,000 permutations
    of 2,000 rows and 4.6 s for 4,000 rows.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> rng = np.random.default_rng(0)
        >>> a = rng.normal(size=(40, 8))
        >>> r = vk.train.drift_test(a, rng.normal(size=(40, 8)) + 1.0, permutations=200)
        >>> r.p_value < 0.01, r.n_permutations
        (True, 200)
    """
    permutations = check_k(permutations, "permutations")
    if permutations > MAX_PERMUTATIONS:
        raise ValueError(f"`permutations` must be at most {MAX_PERMUTATIONS:,}, "
                         f"got {permutations:,}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"`seed` must be an integer, got {seed!r}")
    ua = _unit(a, "a", MAX_DRIFT_ROWS)
    ub = _unit(b, "b", MAX_DRIFT_ROWS)
    check_same_dim(ua, ub, "a", "b")
    for name, arr in (("a", ua), ("b", ub)):
        if len(arr) < 2:
            raise ValueError(f"`{name}` has {len(arr)} row; the unbiased MMD needs at least 2")
    m, n = len(ua), len(ub)
    total_rows = m + n
    if total_rows > MAX_DRIFT_ROWS:
        raise ValueError(f"`a` and `b` together hold {total_rows:,} rows; at most "
                         f"{MAX_DRIFT_ROWS:,} are allowed (the test holds their "
                         "kernel matrix): take a random sample of each")
    pooled = np.vstack([ua, ub])
    # squared distances of unit rows: 2 - 2 cos, computed in place in the kernel buffer
    kernel = pooled @ pooled.T
    kernel *= -2.0
    kernel += 2.0
    np.maximum(kernel, 0.0, out=kernel)
    upper = np.concatenate([kernel[i, i + 1:] for i in range(total_rows - 1)])
    np.sqrt(upper, out=upper)
    sigma2 = float(np.median(upper, overwrite_input=True)) ** 2
    del upper
    if not sigma2 > 1e-24:
        raise ValueError("more than half of the pairs of rows are identical (the median "
                         "distance is 0): the kernel bandwidth is undefined")
    kernel /= -2.0 * sigma2
    np.exp(kernel, out=kernel)
    np.fill_diagonal(kernel, 0.0)  # the unbiased estimate leaves out i == j
    row_sums = kernel.sum(axis=1)
    grand = float(row_sums.sum())

    def stats(z: np.ndarray) -> np.ndarray:
        s_aa = _pair_sums(kernel, z)
        s_ab = z.T @ row_sums - s_aa
        s_bb = grand - s_aa - 2.0 * s_ab
        return _mmd(s_aa, s_ab, s_bb, m, n)

    first = np.zeros((total_rows, 1))
    first[:m] = 1.0
    observed = float(stats(first)[0])
    rng = np.random.default_rng(seed)
    tol = 1e-12 * max(1.0, abs(grand) / (m * n))  # the observed split counts itself
    count, done = 0, 0
    chunk = max(1, 1_000_000 // total_rows)
    while done < permutations:
        p = min(chunk, permutations - done)
        picks = rng.permuted(np.tile(np.arange(total_rows), (p, 1)), axis=1)[:, :m]
        z = np.zeros((total_rows, p))
        z[picks, np.arange(p)[:, None]] = 1.0
        count += int(np.count_nonzero(stats(z) >= observed - tol))
        done += p
    return DriftResult(statistic=observed, p_value=(count + 1) / (permutations + 1),
                       n_permutations=permutations)
