"""The result of a search: ids and scores, best first, per query."""

from __future__ import annotations

import html

import numpy as np

# metrics an exact vector index supports (vk.Index); SearchResult also knows keyword scores
METRICS = ("cosine", "dot", "euclidean")
_HIGHER_IS_BETTER = {"cosine": True, "dot": True, "euclidean": False, "bm25": True,
                     "tfidf": True}
_REPR_ROWS = 5


class SearchResult:
    """Ids and scores of the nearest rows, best first.

    For a batch of queries ``ids`` and ``scores`` have shape ``(q, k)`` and iterating gives
    one single-query ``SearchResult`` per query; for a single query they have shape
    ``(k,)`` and iterating gives ``(id, score)`` pairs. Scores are similarities (higher is
    better) for cosine, dot, bm25 and tfidf, and distances (lower is better) for euclidean.
    A keyword search that matches fewer than ``k`` documents fills the remaining places
    with id ``None`` and score ``nan``.

    Attributes:
        ids: array of ids (int64 when every id is an int, else object).
        scores: float array of the same shape.
        metric: how the scores were computed ("cosine", "dot", "euclidean", "bm25", "tfidf").
        query_ids: one id per query (used by :func:`vectorkit.evaluate`), or ``None``.
        metadata: the stored columns of each hit (``vk.VectorStore``): a list of dicts
            (``None`` for an empty place) shaped like ``ids``, or ``None`` when the search
            has none (``vk.Index``, ``vk.KeywordIndex``); ``to_frame()`` adds its columns.

    Example:
        >>> import vectorkit as vk
        >>> index = vk.Index([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], ids=["x", "y", "xy"])
        >>> hit = index.search([1.0, 0.1], k=2)
        >>> [(i, round(s, 3)) for i, s in hit]
        [('x', 0.995), ('xy', 0.774)]
    """

    def __init__(self, ids, scores, metric: str, query_ids=None, metadata=None):
        ids = np.asarray(ids)
        scores = np.asarray(scores)
        if ids.shape != scores.shape or ids.ndim not in (1, 2):
            raise ValueError(
                f"`ids` and `scores` must have the same shape (k,) or (q, k), got "
                f"{ids.shape} and {scores.shape}"
            )
        if metric not in _HIGHER_IS_BETTER:
            raise ValueError(f"`metric` must be one of {sorted(_HIGHER_IS_BETTER)}, got {metric!r}")
        if query_ids is not None:
            if isinstance(query_ids, str | bytes) or not hasattr(query_ids, "__iter__"):
                raise ValueError("`query_ids` must be a list with one id per query, got "
                                 f"{type(query_ids).__name__} {query_ids!r}")
            query_ids = list(query_ids)
            expected = 1 if ids.ndim == 1 else ids.shape[0]
            if len(query_ids) != expected:
                raise ValueError(
                    f"`query_ids` has {len(query_ids)} entries but there are {expected} queries"
                )
        if metadata is not None:
            metadata = list(metadata)
            rows = [metadata] if ids.ndim == 1 else metadata
            if len(rows) != np.atleast_2d(ids).shape[0] or any(
                    len(r) != ids.shape[-1] for r in rows):
                raise ValueError(f"`metadata` must hold one entry per hit, shaped like `ids` "
                                 f"{ids.shape}")
        self.ids = ids
        self.scores = scores
        self.metric = metric
        self.query_ids = query_ids
        self.metadata = metadata

    @property
    def single(self) -> bool:
        """True when this is the result of one query (arrays of shape ``(k,)``)."""
        return self.ids.ndim == 1

    @property
    def higher_is_better(self) -> bool:
        """True for similarities, False for distances (euclidean)."""
        return _HIGHER_IS_BETTER[self.metric]

    def __len__(self) -> int:
        return self.ids.shape[0]

    def __getitem__(self, i: int) -> SearchResult:
        """The single-query result of query ``i`` (batch results only)."""
        if self.single:
            raise TypeError("a single-query SearchResult has no per-query items; use .ids and "
                            ".scores, or iterate over (id, score) pairs")
        qid = None if self.query_ids is None else [self.query_ids[i]]
        meta = None if self.metadata is None else self.metadata[i]
        return SearchResult(self.ids[i], self.scores[i], self.metric, qid, meta)

    def __iter__(self):
        if self.single:
            for i, s in zip(self.ids.tolist(), self.scores.tolist(), strict=True):
                if i is not None:
                    yield i, s
        else:
            for i in range(len(self)):
                yield self[i]

    def ranked(self) -> list | dict:
        """Ids best first, without padding: a list (single query) or ``{query_id: list}``.

        Batch results without ``query_ids`` are keyed 0..q-1.
        """
        if self.single:
            return [i for i in self.ids.tolist() if i is not None]
        keys = self.query_ids if self.query_ids is not None else range(len(self))
        return {qid: r.ranked() for qid, r in zip(keys, self, strict=True)}

    def to_frame(self):
        """A pandas DataFrame with one row per hit: query, rank (1 = best), id, score.

        A result with ``metadata`` (from ``vk.VectorStore``) has one more column per
        stored metadata column.
        """
        import pandas as pd

        ids = np.atleast_2d(self.ids)
        scores = np.atleast_2d(self.scores)
        keys = self.query_ids if self.query_ids is not None else range(ids.shape[0])
        meta = [[None] * ids.shape[1]] * ids.shape[0] if self.metadata is None else (
            [self.metadata] if self.single else self.metadata)
        rows, extra = [], []
        for qid, irow, srow, mrow in zip(keys, ids.tolist(), scores.tolist(), meta, strict=True):
            for rank, (i, s, m) in enumerate(zip(irow, srow, mrow, strict=True)):
                if i is not None:
                    rows.append((qid, rank + 1, i, s))
                    extra.append(m or {})
        columns = ["query", "rank", "id", "score"]
        frame = pd.DataFrame(rows, columns=columns)
        names = list(dict.fromkeys(k for m in extra for k in m if k not in columns))
        for name in names:
            frame[name] = [m.get(name) for m in extra]
        return frame

    def _hits(self, row: int, limit: int) -> list[tuple]:
        ids = np.atleast_2d(self.ids)[row].tolist()
        scores = np.atleast_2d(self.scores)[row].tolist()
        return [(i, s) for i, s in zip(ids, scores, strict=True) if i is not None][:limit]

    def __repr__(self) -> str:
        kind = "similarity" if self.higher_is_better else "distance"
        if self.single:
            head = f"SearchResult(1 query, k={len(self)}, metric={self.metric!r}: {kind})"
            rows = [0]
        else:
            head = (f"SearchResult({len(self)} queries, k={self.ids.shape[1]}, "
                    f"metric={self.metric!r}: {kind})")
            rows = list(range(min(len(self), _REPR_ROWS)))
        lines = [head]
        for r in rows:
            label = f"query {r}" if self.query_ids is None else f"query {self.query_ids[r]!r}"
            hits = " | ".join(f"{i!r} {s:.4f}" for i, s in self._hits(r, _REPR_ROWS))
            more = " | ..." if np.atleast_2d(self.ids).shape[1] > _REPR_ROWS else ""
            lines.append(f"  {label}: {hits or '(no match)'}{more}")
        if not self.single and len(self) > _REPR_ROWS:
            lines.append(f"  ... {len(self) - _REPR_ROWS} more queries")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        if not self.single:
            frame = frame[frame["rank"] <= 10].head(200)
        caption = html.escape(repr(self).splitlines()[0])
        return f"<p>{caption}</p>" + frame.to_html(index=False, float_format="{:.4f}".format)
