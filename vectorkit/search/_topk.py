"""Exact top-k over a score matrix computed block by block, with a fixed tie order.

The scores of ``q`` queries against ``n`` rows are produced ``block_rows`` rows at a time
by a callback, so extra memory stays bounded whatever ``n`` is. Higher scores are better;
equal scores are ordered by row position (the row added first wins), exactly as a stable
sort of the full matrix would order them.

How a block is reduced: once every query has ``k`` results, only scores strictly above
the query's current k-th best can enter (a later row never beats an equal earlier one), so
a block costs one comparison pass. While that is not yet the case, or when too many scores
pass (data sorted so that each block is better than the last), the block's own top ``k``
is found with :func:`numpy.partition`. Candidates are merged with one
:func:`numpy.lexsort` by (query, score descending, position).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Scores computed per block (q x rows); 4M float32 values = 16 MiB, plus masks and indices.
BLOCK_ELEMENTS = 4 * 1024**2


def block_rows_for(q: int, k: int) -> int:
    """Rows per block for ``q`` queries: ``BLOCK_ELEMENTS // q``, at least ``k`` and 16."""
    return max(16, k, BLOCK_ELEMENTS // max(q, 1))


class _Best:
    """The running best (row, position, score) triples, sorted by row then rank."""

    def __init__(self, q: int, k: int):
        self.q, self.k = q, k
        self.rows = np.empty(0, np.int64)
        self.pos = np.empty(0, np.int64)
        self.vals = np.empty(0, np.float32)
        self.thr = np.full(q, -np.inf, dtype=np.float32)
        self.full = False
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending_n = 0

    def offer(self, rows, pos, vals) -> None:
        self._pending.append((rows, pos, vals))
        self._pending_n += rows.size
        if self._pending_n >= self.q * self.k:
            self.merge()

    def merge(self) -> None:
        if not self._pending:
            return
        rows = np.concatenate([self.rows, *(p[0] for p in self._pending)])
        pos = np.concatenate([self.pos, *(p[1] for p in self._pending)])
        vals = np.concatenate([self.vals, *(p[2] for p in self._pending)])
        self._pending, self._pending_n = [], 0
        order = np.lexsort((pos, -vals, rows))
        rows, pos, vals = rows[order], pos[order], vals[order]
        starts = np.searchsorted(rows, np.arange(self.q))
        keep = (np.arange(rows.size) - starts[rows]) < self.k
        self.rows, self.pos, self.vals = rows[keep], pos[keep], vals[keep]
        counts = np.bincount(self.rows, minlength=self.q)
        self.full = bool((counts == self.k).all())
        if self.full:
            self.thr = self.vals.reshape(self.q, self.k)[:, -1].copy()


def top_k(score_block: Callable[[int, int], np.ndarray], n: int, q: int, k: int,
          block_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(positions, scores)``, both ``(q, min(k, n))``, best first.

    Args:
        score_block: ``score_block(start, stop)`` returns the ``(q, stop - start)`` scores
            of rows ``start:stop`` (higher is better; the array may be reused afterwards).
        n: number of rows; q: number of queries; k: results wanted per query (>= 1).
        block_rows: rows per block (default :func:`block_rows_for`).
    """
    k_eff = min(k, n)
    rows_per = block_rows or block_rows_for(q, k_eff)
    best = _Best(q, k_eff)
    start = 0
    # a small first block sets useful thresholds early
    step = min(rows_per, max(4 * k_eff, 2048))
    while start < n:
        stop = min(n, start + step)
        s = score_block(start, stop)
        b = stop - start
        mask = None
        if best.full:
            mask = s > best.thr[:, None]
            if np.count_nonzero(mask) > max(4 * q * k_eff, mask.size // 8):
                mask = None  # threshold not selective here: reduce the block on its own
        if mask is None:
            if b > k_eff:
                kth = np.partition(s, b - k_eff, axis=1)[:, b - k_eff]
                mask = s >= np.maximum(kth, best.thr)[:, None]
            else:
                mask = np.ones(s.shape, dtype=bool)
        flat = np.flatnonzero(mask)  # much faster than a 2-D nonzero
        if flat.size:
            r, c = np.divmod(flat, b)
            best.offer(r, c + start, s[r, c])
        start = stop
        step = rows_per
    best.merge()
    return (best.pos.reshape(q, k_eff), best.vals.reshape(q, k_eff))


def top_k_dense(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` of an in-memory ``(q, n)`` score matrix (its dtype is kept)."""
    scores = np.asarray(scores)
    return top_k(lambda a, b: scores[:, a:b], scores.shape[1], scores.shape[0], k)
