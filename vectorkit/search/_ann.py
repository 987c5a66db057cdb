"""Approximate nearest-neighbour search on faiss: ``vk.ApproxIndex`` (``vk.Index(method=...)``).

Methods (all from faiss, https://github.com/facebookresearch/faiss):

- ``"hnsw"``: a navigable small-world graph (``IndexHNSWFlat``). Build: ``M`` links per
  node (default 32), ``ef_construction`` (default 100). Search: ``ef_search`` candidates
  kept while walking the graph (default 64; more = better recall, slower).
- ``"ivf"``: the vectors are split into ``nlist`` cells by k-means (default
  ``4 * sqrt(n)``, at most ``n / 39``); a query scans the ``nprobe`` nearest cells
  (default 32) exactly (``IndexIVFFlat``).
- ``"ivfpq"``: IVF cells holding product-quantised codes (``IndexIVFPQ``: ``pq_m``
  sub-vectors of ``pq_bits`` bits, default ``dim / 4`` sub-vectors of 8 bits = ``dim / 4``
  bytes per vector instead of ``4 * dim``); the ``rerank * k`` best candidates (default
  ``rerank=10``) are re-scored on an 8-bit scalar-quantised copy (``dim`` bytes per vector).
  ``rerank=0`` keeps only the codes: 16x smaller than the vectors, lower recall.
- ``"flat"``: faiss's exact search (the baseline the others are measured against).

The IVF methods learn their cells (and codes) from the vectors of the first :meth:`add`
(or the constructor): give it a representative sample, ideally all the data.

Metrics: "cosine" is inner product on vectors scaled to length 1; "dot" is the inner
product; "euclidean" is faiss's L2 (reported as distances, not squared). Scores come from
faiss (for ``"ivfpq"`` with ``rerank``, from the 8-bit copy), so they are close to, not
always equal to, :class:`vectorkit.Index`'s.

Example:
    >>> import numpy as np, vectorkit as vk
    >>> x = np.random.default_rng(0).normal(size=(2000, 16)).astype("float32")
    >>> index = vk.Index(x, method="hnsw")      # a vk.ApproxIndex
    >>> index.search(x[:2], k=1).ids.tolist()
    [[0], [1]]
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import as_vectors, check_k, check_nonzero_rows
from vectorkit.search._ann_params import check_int, check_params, default_nlist, faiss
from vectorkit.search._ids import IdMap
from vectorkit.search._result import METRICS, SearchResult

__all__ = ["ApproxIndex"]

_CHUNK = 65536  # rows normalised / added / searched per faiss call


class ApproxIndex:
    """Approximate nearest-neighbour index on faiss, with the interface of ``vk.Index``.

    Args:
        vectors: ``(n, d)`` array-like (an empty ``(0, d)`` array to :meth:`add` to later).
        ids: one unique str or int per row; default ``0..n-1``.
        metric: "cosine" (default), "dot" or "euclidean".
        method: "hnsw" (default), "ivf", "ivfpq" or "flat" (module docstring).
        M, ef_construction, ef_search: HNSW graph links, build and search breadth.
        nlist, nprobe: IVF cells, and cells scanned per query.
        pq_m, pq_bits, rerank: IVF-PQ sub-vectors, bits per code, re-scored candidates
            per result (0: no re-scoring).
    """

    def __init__(self, vectors, ids=None, metric: str = "cosine", method: str = "hnsw", *,
                 M=None, ef_construction=None, ef_search=None, nlist=None, nprobe=None,
                 pq_m=None, pq_bits=None, rerank=None, **unknown):
        if metric not in METRICS:
            raise ValueError(f"`metric` must be one of {list(METRICS)}, got {metric!r}")
        given = dict(M=M, ef_construction=ef_construction, ef_search=ef_search, nlist=nlist,
                     nprobe=nprobe, pq_m=pq_m, pq_bits=pq_bits, rerank=rerank, **unknown)
        self._given = given
        check_params(method, None, given)
        self.metric, self.method = metric, method
        self.params: dict = {}
        self._faiss_index = None
        self._ids = IdMap()
        self._dim: int | None = None
        self.add(vectors, ids)

    @property
    def dim(self) -> int:
        """Length of the vectors."""
        return self._dim

    @property
    def ids(self) -> np.ndarray:
        """The ids of all rows, in the order they were added."""
        return self._ids.take(np.arange(len(self._ids)))

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return (f"<ApproxIndex method={self.method!r} metric={self.metric!r} dim={self._dim} "
                f"count={len(self):,} {self.params}>")

    @property
    def faiss_index(self):
        """The underlying faiss index (None until the first non-empty add)."""
        return self._faiss_index

    # ---- building ----------------------------------------------------------------
    def _rows(self, vectors, name: str) -> np.ndarray:
        if isinstance(vectors, np.ndarray) and vectors.ndim == 2 and vectors.shape[0] == 0 \
                and vectors.shape[1] > 0:
            return np.empty(vectors.shape, dtype=np.float32)
        arr = as_vectors(vectors, name, np.float32)
        arr = arr[None, :] if arr.ndim == 1 else arr
        if self._dim is not None and arr.shape[1] != self._dim:
            raise ValueError(f"`{name}` must have length {self._dim} like the indexed vectors, "
                             f"got vectors of length {arr.shape[1]}")
        if self.metric == "cosine" and arr.shape[0]:
            check_nonzero_rows(arr, name)
        return arr

    def _prepared(self, arr: np.ndarray) -> np.ndarray:
        out = np.ascontiguousarray(arr, dtype=np.float32)
        if self.metric == "cosine":
            out = out / np.linalg.norm(out, axis=1, keepdims=True).astype(np.float32)
        return out

    def _build(self, first: np.ndarray) -> None:
        fs = faiss()
        d = self._dim
        p = self.params = check_params(self.method, d, self._given)
        mt = fs.METRIC_L2 if self.metric == "euclidean" else fs.METRIC_INNER_PRODUCT
        if self.method == "flat":
            index = fs.IndexFlat(d, mt)
        elif self.method == "hnsw":
            index = fs.IndexHNSWFlat(d, p["M"], mt)
            index.hnsw.efConstruction = p["ef_construction"]
        else:
            n = first.shape[0]
            p["nlist"] = p["nlist"] or default_nlist(n)
            if p["nlist"] > n:
                raise ValueError(f"`nlist` ({p['nlist']}) must be at most the number of vectors "
                                 f"the index learns its cells from (the first add: {n})")
            if self.method == "ivfpq" and n < 2 ** p["pq_bits"]:
                raise ValueError(f"method='ivfpq' learns 2**pq_bits = {2 ** p['pq_bits']} codes "
                                 f"per sub-vector: the first add needs at least that many "
                                 f"vectors, got {n} (or lower `pq_bits`)")
            quantizer = fs.IndexFlat(d, mt)
            if self.method == "ivf":
                index = fs.IndexIVFFlat(quantizer, d, p["nlist"], mt)
            else:
                index = fs.IndexIVFPQ(quantizer, d, p["nlist"], p["pq_m"], p["pq_bits"], mt)
                # a few thousand vectors train 256 codes well enough: no faiss warning
                index.pq.cp.min_points_per_centroid = 1
                if p["rerank"]:
                    copy = fs.IndexScalarQuantizer(d, fs.ScalarQuantizer.QT_8bit, mt)
                    index = fs.IndexRefine(index, copy)
                    index.k_factor = float(p["rerank"])
            cap = 256 * p["nlist"]  # faiss samples at most 256 vectors per cell
            rows = first if n <= cap else first[np.sort(
                np.random.default_rng(0).choice(n, cap, replace=False))]
            index.train(self._prepared(rows))
        self._faiss_index = index
        self._apply_search_params()

    def _apply_search_params(self, ef_search=None, nprobe=None) -> None:
        fs, index = faiss(), self._faiss_index
        if self.method == "hnsw":
            index.hnsw.efSearch = ef_search or self.params["ef_search"]
        elif self.method in ("ivf", "ivfpq"):
            fs.extract_index_ivf(index).nprobe = nprobe or self.params["nprobe"]

    def add(self, vectors, ids=None) -> None:
        """Append rows with optional unique ids (the first non-empty add trains IVF cells)."""
        arr = self._rows(vectors, "vectors")
        if self._dim is None:
            self._dim = arr.shape[1]
        if arr.shape[0] == 0:
            self._ids.extend(ids, 0)
            return
        if self._faiss_index is None:
            self._build(arr)
        self._ids.extend(ids, arr.shape[0])  # validates before anything is stored
        for s in range(0, arr.shape[0], _CHUNK):
            self._faiss_index.add(self._prepared(arr[s:s + _CHUNK]))

    # ---- searching ----------------------------------------------------------------
    def search(self, queries, k: int = 10, query_ids=None, *, ef_search: int | None = None,
               nprobe: int | None = None) -> SearchResult:
        """The ``k`` (approximately) nearest rows of each query, best first.

        ``ef_search`` / ``nprobe`` override the index's search breadth for this call.
        Places a method could not fill (fewer than ``k`` rows reached) have id ``None``.
        """
        k = check_k(k)
        if len(self) == 0:
            raise ValueError("the index is empty: add vectors before searching")
        if ef_search is not None:
            check_int(ef_search, "ef_search", 1)
        if nprobe is not None:
            check_int(nprobe, "nprobe", 1)
        q = self._rows(queries, "queries")
        single = np.ndim(queries) == 1
        k_eff = min(k, len(self))
        self._apply_search_params(ef_search, nprobe)
        try:
            dist, pos = [], []
            for s in range(0, q.shape[0], _CHUNK // 16):
                d_, p_ = self._faiss_index.search(self._prepared(q[s:s + _CHUNK // 16]), k_eff)
                dist.append(d_)
                pos.append(p_)
        finally:
            self._apply_search_params()
        scores = np.concatenate(dist).astype(np.float32)
        pos = np.concatenate(pos)
        if self.metric == "euclidean":  # faiss reports squared L2 distances
            scores = np.sqrt(np.maximum(scores, 0.0))
        missing = pos < 0
        ids = self._ids.take(np.where(missing, 0, pos))
        if missing.any():
            ids = ids.astype(object)
            ids[missing] = None
            scores[missing] = np.nan
        if single:
            ids, scores = ids[0], scores[0]
        return SearchResult(ids, scores, self.metric, query_ids)

    # ---- files --------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the index to ``path`` atomically (format in vectorkit.search._ann_io)."""
        from vectorkit.search._ann_io import save_ann

        save_ann(self, path)

    @classmethod
    def load(cls, path) -> ApproxIndex:
        """Read an index written by :meth:`save`; bad files raise ``ValueError``."""
        from vectorkit.search._ann_io import load_ann

        meta, faiss_index = load_ann(path)
        index = cls.__new__(cls)
        index.method, index.metric, index._dim = meta["method"], meta["metric"], meta["dim"]
        index._given, index._ids, index.params = {}, IdMap(), meta["params"]
        index._ids.extend(meta["ids"], meta["count"])
        index._faiss_index = faiss_index
        if faiss_index is not None:
            index._apply_search_params()
        return index
