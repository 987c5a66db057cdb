"""Exact nearest-neighbour search over embeddings: ``vk.Index``.

Every query is compared with every stored vector (no approximation): scores are computed
as float32 matrix products over blocks of rows and the best ``k`` of each block are kept
with :func:`numpy.partition`, so a million 512-d vectors are searched in a few tens of MiB
of extra memory. Results equal a stable sort of the full score matrix: best first, and
among equal scores the row added first comes first.

Metrics: ``"cosine"`` (vectors are scaled to length 1 when added; scores are cosine
similarities, descending), ``"dot"`` (raw dot products, descending) and ``"euclidean"``
(distances, ascending).

File format (``Index.save`` / ``Index.load``, version 1): a ZIP archive holding exactly
two members, written to a temporary file and renamed into place:

- ``meta.json``: a JSON object ``{"format": "vectorkit-index", "version": 1,
  "metric": "cosine" | "dot" | "euclidean", "dim": int, "count": int, "dtype": "<f4",
  "normalized": bool, "ids": null | [str | int, ...], "vectors_sha256": "<64 hex>"}``.
  ``ids`` is ``null`` when the ids are the default ``0..count-1``; ``normalized`` is true
  for cosine indexes, whose stored vectors have length 1.
- ``vectors.npy``: a NumPy ``.npy`` (format 1.0 or 2.0) array of little-endian float32,
  C order, shape ``(count, dim)``; ``vectors_sha256`` is the SHA-256 of its data bytes.

Loading never unpickles (``np.load(..., allow_pickle=False)``) and checks the format name,
version, every field, the array header against ``meta.json`` and the checksum before the
index is used; anything else raises ``ValueError`` saying what is wrong.

Example:
    >>> import numpy as np
    >>> import vectorkit as vk
    >>> index = vk.Index(np.eye(3), ids=["a", "b", "c"])
    >>> index.search([0.9, 0.1, 0.0], k=2).ids.tolist()
    ['a', 'b']
    >>> len(index)
    3
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import (
    as_vectors,
    check_item,
    check_k,
    check_nonzero_rows,
    refuse_text,
)
from vectorkit.search import _topk
from vectorkit.search._ids import IdMap
from vectorkit.search._result import METRICS, SearchResult

__all__ = ["Index", "SearchResult"]

_QUERY_CHUNK = 1024  # queries scored together


class Index:
    """Exact nearest-neighbour search over a set of vectors.

    Args:
        vectors: ``(n, d)`` array-like of numbers (a single ``(d,)`` vector is one row);
            an empty ``(0, d)`` array makes an empty index to :meth:`add` to later.
        ids: one unique str or int per row; default ``0..n-1``.
        metric: "cosine" (default), "dot" or "euclidean".
        method: "exact" (default: this class); "hnsw", "ivf", "ivfpq" or "flat" return a
            :class:`vectorkit.ApproxIndex` (faiss) with the same add/search/save/load, and
            take its build/search parameters (``M``, ``ef_search``, ``nlist``, ``nprobe``...).
        quantize: ``None`` (float32, exact), ``"int8"`` or ``"binary"``: search compact codes
            of the vectors instead (cosine and dot only; see ``vectorkit.search._quantize``).
        rescore: with ``quantize``, re-score this many best candidates with the float
            vectors (``None``: return the codes' approximate ranking and scores).

    Example:
        >>> import vectorkit as vk
        >>> index = vk.Index([[0.0, 1.0], [1.0, 0.0]], metric="euclidean")
        >>> index.add([[3.0, 4.0]], ids=[7])
        >>> result = index.search([[2.0, 3.0]], k=2)
        >>> result.ids.tolist(), [round(d, 3) for d in result.scores[0].tolist()]
        ([[7, 0]], [1.414, 2.828])
    """

    def __new__(cls, *args, method: str = "exact", **params):
        # issue 18: method="hnsw" | "ivf" | "ivfpq" | "flat" builds a vk.ApproxIndex (faiss)
        if method == "exact" or cls is not Index:
            return super().__new__(cls)
        from vectorkit.search._ann import ApproxIndex

        return ApproxIndex(*args, method=method, **params)

    def __init__(self, vectors, ids=None, metric: str = "cosine", method: str = "exact", *,
                 quantize=None, rescore=None):
        if metric not in METRICS:
            raise ValueError(f"`metric` must be one of {list(METRICS)}, got {metric!r}")
        self.metric = metric
        self._codes = None  # issue 15: quantised search (vectorkit.search._quantize)
        if quantize is not None:
            from vectorkit.search._quantize import Codes

            self._codes = Codes(quantize, metric, rescore)
        elif rescore is not None:
            raise ValueError("`rescore` needs `quantize` ('int8' or 'binary')")
        self._ids = IdMap()
        self._buf: np.ndarray | None = None
        self._sqnorms: np.ndarray | None = None
        self._centre: np.ndarray | None = None
        self._n = 0
        self._dim: int | None = None
        self.add(vectors, ids)

    # ---- building -----------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Length of the vectors."""
        return self._dim

    @property
    def ids(self) -> np.ndarray:
        """The ids of all rows, in the order they were added."""
        return self._ids.take(np.arange(self._n))

    @property
    def vectors(self) -> np.ndarray:
        """The stored ``(n, dim)`` float32 vectors (unit length for cosine), read-only."""
        view = self._buf[:self._n]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        quant = "" if self._codes is None else f" quantize={self._codes.kind!r}"
        return f"<Index metric={self.metric!r}{quant} dim={self._dim} count={self._n:,}>"

    @property
    def code_bytes(self) -> int:
        """Bytes per vector the search pass reads: 4 x dim for float32, less when quantised."""
        return 4 * self._dim if self._codes is None else self._codes.bytes_per_vector

    def _convert(self, vectors, name: str) -> np.ndarray:
        if isinstance(vectors, np.ndarray) and vectors.ndim == 2 and vectors.shape[0] == 0 \
                and vectors.shape[1] > 0:
            return np.empty(vectors.shape, dtype=np.float32)
        refuse_text(vectors, name, "vk.Index(model.embed(texts))")
        arr = as_vectors(vectors, name, np.float32)
        return arr[None, :] if arr.ndim == 1 else arr

    def _check_dim(self, arr: np.ndarray, name: str) -> None:
        if self._dim is not None and arr.shape[1] != self._dim:
            raise ValueError(
                f"`{name}` must have length {self._dim} like the indexed vectors, got vectors "
                f"of length {arr.shape[1]} (were they made by the same model?)"
            )

    def add(self, vectors, ids=None) -> None:
        """Append rows (``(n, d)`` or one ``(d,)`` vector) with optional unique ids.

        Example:
            >>> import vectorkit as vk
            >>> index = vk.Index([[1.0, 0.0]], ids=["a"])
            >>> index.add([[0.0, 1.0]], ids=["b"])
            >>> index.ids.tolist()
            ['a', 'b']
        """
        arr = self._convert(vectors, "vectors")
        self._check_dim(arr, "vectors")
        norms = None
        if self.metric == "cosine" and arr.shape[0]:
            norms = check_nonzero_rows(arr, "vectors").astype(np.float32)
        self._ids.extend(ids, arr.shape[0])  # validates before anything is stored
        start = self._n
        self._append(arr)
        if norms is not None:  # normalise the stored copy in place: no second copy
            self._buf[start:self._n] /= norms[:, None]
        if self._codes is not None:
            self._codes.add(self._buf[start:self._n])

    def _append(self, arr: np.ndarray, adopt: bool = False) -> None:
        n_new = self._n + arr.shape[0]
        if adopt and self._n == 0:
            self._dim = arr.shape[1]
            self._buf = arr
        elif self._buf is None:
            self._dim = arr.shape[1]
            self._buf = np.empty((max(arr.shape[0], 16), self._dim), dtype=np.float32)
        elif n_new > self._buf.shape[0]:
            grown = np.empty((max(n_new, 2 * self._buf.shape[0]), self._dim), dtype=np.float32)
            grown[:self._n] = self._buf[:self._n]
            self._buf = grown
        self._buf[self._n:n_new] = arr
        self._sqnorms = self._centre = None  # euclidean: recomputed for the new rows
        self._n = n_new

    def _centred_norms(self) -> tuple[np.ndarray, np.ndarray]:
        """(mean row, |x - mean|^2 per row) for euclidean ranking. Distances do not change
        when everything moves, but float32 products of data sharing a large offset cancel
        (1000 + noise: every |x|^2 is ~6.4e7, the differences that rank are ~0.1), so the
        ranking works on centred rows."""
        if self._centre is None:
            data = self._buf[:self._n]
            # the mean on a grid of 1/256: rows of small integers stay exact, so true ties
            # still tie (and go to the row added first)
            centre = np.round(data.mean(axis=0, dtype=np.float64) * 256) / 256
            sq = np.empty(self._n, dtype=np.float32)
            for a in range(0, self._n, 65536):
                block = data[a:a + 65536] - centre
                sq[a:a + 65536] = np.einsum("ij,ij->i", block, block)
            self._centre, self._sqnorms = centre.astype(np.float32), sq
        return self._centre, self._sqnorms

    # ---- searching ----------------------------------------------------------------
    def search(self, queries, k: int = 10, query_ids=None) -> SearchResult:
        """Return the ``k`` nearest rows of each query, best first.

        Args:
            queries: one ``(d,)`` vector or a ``(q, d)`` array.
            k: results per query; more than ``len(index)`` returns every row.
            query_ids: optional names of the queries (kept on the result, used by
                :func:`vectorkit.evaluate`).

        Returns:
            :class:`SearchResult` with ``ids`` and ``scores`` of shape ``(k,)`` for one
            vector, ``(q, k)`` for an array.

        Example:
            >>> import vectorkit as vk
            >>> index = vk.Index([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], metric="dot")
            >>> index.search([[1.0, 1.0], [1.0, 0.0]], k=2).ids.tolist()
            [[1, 0], [0, 1]]
        """
        k = check_k(k)
        if self._n == 0:
            raise ValueError("the index is empty: add vectors before searching")
        refuse_text(queries, "queries", "index.search(model.embed(query), k)")
        q = as_vectors(queries, "queries", np.float32)
        single = q.ndim == 1
        q2 = q[None, :] if single else q
        self._check_dim(q2, "queries")
        if self.metric == "cosine":
            norms = check_nonzero_rows(q2, "queries")
            q2 = q2 / norms[:, None].astype(np.float32)
        pos_parts, score_parts = [], []
        search_chunk = self._search_chunk if self._codes is None else (
            lambda chunk, k: self._codes.search(self._buf, chunk, k))
        for s in range(0, q2.shape[0], _QUERY_CHUNK):
            pos, scores = search_chunk(np.ascontiguousarray(q2[s:s + _QUERY_CHUNK]), k)
            pos_parts.append(pos)
            score_parts.append(scores)
        pos = np.concatenate(pos_parts)
        scores = np.concatenate(score_parts).astype(np.float32)
        if self.metric == "cosine":  # rounding can reach 1 + 1e-7, as vk.cosine_similarity clips
            np.clip(scores, -1.0, 1.0, out=scores)
        ids = self._ids.take(pos)
        if single:
            ids, scores = ids[0], scores[0]
        return SearchResult(ids, scores, self.metric, query_ids)

    def neighbours(self, row: int, k: int = 10) -> SearchResult:
        """The ``k`` stored items nearest to the stored item at position ``row``, itself left out.

        Args:
            row: the position of the item (``0..len(index)-1``, in the order added; its id
                is ``index.ids[row]``).
            k: how many neighbours; more than ``len(index) - 1`` returns all the others.

        Returns:
            :class:`SearchResult` of shape ``(k,)``, best first. Other items identical to
            ``row`` stay in the result (only the item itself is left out).

        Example:
            >>> import vectorkit as vk
            >>> index = vk.Index([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], ids=["a", "b", "c"])
            >>> index.neighbours(0, k=2).ids.tolist()
            ['b', 'c']
        """
        row = check_item(row, self._n, "stored item", "row")
        k = check_k(k)
        if self._n == 1:
            raise ValueError("the index holds one item only: it has no neighbours")
        pos, scores = self._search_chunk(np.ascontiguousarray(self._buf[row:row + 1]),
                                         min(k + 1, self._n))
        keep = pos[0] != row
        pos, scores = pos[0][keep][:k], scores[0][keep][:k].astype(np.float32)
        return SearchResult(self._ids.take(pos), scores, self.metric)

    def _search_chunk(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        nq = q.shape[0]
        rows = _topk.block_rows_for(nq, min(k, self._n))
        buf = np.empty(nq * min(rows, self._n), dtype=np.float32)
        data = self._buf
        euclid = self.metric == "euclidean"
        if euclid:  # scores 2 q.x - |x|^2 (of centred rows) rank like -|q - x|^2
            centre, sqnorms = self._centred_norms()
            q_scaled = 2.0 * (q - centre)
        else:
            q_scaled = q

        def score_block(a: int, b: int) -> np.ndarray:
            out = buf[:nq * (b - a)].reshape(nq, b - a)
            if euclid:
                np.matmul(q_scaled, (data[a:b] - centre).T, out=out)
                out -= sqnorms[a:b]
            else:
                np.matmul(q_scaled, data[a:b].T, out=out)
            return out

        pos, scores = _topk.top_k(score_block, self._n, nq, k, block_rows=rows)
        if euclid:
            scores = self._exact_distances(q, pos)
            order = np.lexsort((pos, scores), axis=-1)
            pos = np.take_along_axis(pos, order, 1)
            scores = np.take_along_axis(scores, order, 1)
        return pos, scores

    def _exact_distances(self, q: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """|q - x| in float64 for the rows found (the ranking used float32 products)."""
        out = np.empty(pos.shape, dtype=np.float64)
        step = max(1, (1 << 22) // max(1, pos.shape[1] * self._dim))
        for s in range(0, pos.shape[0], step):
            diff = self._buf[pos[s:s + step]].astype(np.float64)
            diff -= q[s:s + step, None, :]
            out[s:s + step] = np.sqrt(np.einsum("qkd,qkd->qk", diff, diff))
        return out

    # ---- files --------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the index to ``path`` (format in the module docstring), atomically.

        Example:
            >>> import tempfile, pathlib, vectorkit as vk
            >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.vkindex"
            >>> vk.Index([[1.0, 2.0]], ids=["a"]).save(path)
            >>> vk.Index.load(path).ids.tolist()
            ['a']
        """
        from vectorkit.search._index_io import save_index

        save_index(self._buf[:self._n], self._ids.to_json(), self.metric, path)

    @classmethod
    def load(cls, path) -> Index:
        """Read an index written by :meth:`save`; bad files raise ``ValueError``."""
        from vectorkit.search._ann_io import is_ann_file
        from vectorkit.search._index_io import load_index
        from vectorkit.search._zipfile import as_path

        if is_ann_file(as_path(path)):  # saved by vk.Index(..., method="hnsw" etc.)
            from vectorkit.search._ann import ApproxIndex

            return ApproxIndex.load(path)
        return load_index(cls, path)

    @classmethod
    def _from_arrays(cls, vectors: np.ndarray, ids, metric: str) -> Index:
        """Build from stored (already normalised for cosine) float32 vectors."""
        index = cls(np.empty((0, vectors.shape[1]), dtype=np.float32), metric=metric)
        index._ids.extend(ids, vectors.shape[0])
        index._append(vectors, adopt=True)
        return index
