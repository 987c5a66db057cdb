"""A vector database from a laptop file to a Milvus server, same code: ``vk.VectorStore``.

``uri`` decides where the vectors live: a file path ending in ``.db`` runs Milvus Lite
inside this process (no server; Milvus Lite 3.x keeps the database in a folder of that
name, which one process at a time may open), ``"http://host:19530"`` talks to a Milvus
server or cluster. Everything else is identical. Each vector is stored with an id
(all ints or all strings in one collection) and scalar metadata columns (bool, int, float,
str, typed by the first :meth:`VectorStore.add`) that :meth:`VectorStore.search` can filter
on with a Milvus expression such as ``'modality == "audio" and bytes > 1000'``.

Consistency: reads default to ``"Strong"``, so a search sees every write acknowledged
before it (read-your-writes). A Milvus server's own default, ``"Bounded"``, answers sooner
by reading a snapshot up to a few seconds old, so right after an insert it can return
nothing. Pass ``consistency="Bounded"`` when fresh writes need not be visible at once (then
:meth:`VectorStore.add`'s check that its ids are new can also miss a row written a moment
before).

Memory is bounded: inserts go in batches of about 4 MiB of vectors, searches in batches of
at most 256 queries; ``k`` is at most 16,384 (Milvus's limit). The index is Milvus's exact
FLAT index, so results equal :class:`vectorkit.Index` up to float32 rounding and ties.

Example:
    >>> import tempfile, pathlib, vectorkit as vk
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.db"
    >>> store = vk.VectorStore(path, "notes", dim=2)
    >>> store.add([[1.0, 0.0], [0.0, 1.0]], ids=["x", "y"], metadata={"kind": ["a", "b"]})
    >>> store.search([1.0, 0.2], k=1).ids.tolist(), store.count()
    (['x'], 2)
    >>> store.search([1.0, 0.2], k=1, filter='kind == "b"').metadata
    [{'kind': 'b'}]
    >>> store.close()
"""

from __future__ import annotations

import contextlib

import numpy as np

from vectorkit._validation import as_vectors, check_k, check_nonzero_rows
from vectorkit.search import _milvus
from vectorkit.search import _store_schema as sc
from vectorkit.search._result import METRICS, SearchResult

__all__ = ["VectorStore"]

MAX_K = 16384
MAX_DIM = 32768
CONSISTENCY = ("Strong", "Bounded", "Session", "Eventually")
_BATCH_BYTES = 4 * 1024**2
_QUERY_BATCH = 256
_ID_BATCH = 1000

class VectorStore:
    """A collection of vectors with ids and metadata in Milvus (Lite file or server).

    Args:
        uri: a file path ending in ``.db`` (Milvus Lite, embedded) or ``"http://host:port"``.
        collection: the collection's name (letters, digits, underscores).
        dim: vector length; needed to create a collection, checked when reopening one.
        metric: "cosine" (default for a new collection), "dot" or "euclidean"; reopening
            without it uses the stored one.
        consistency: read consistency, "Strong" (default: reads see every acknowledged
            write), "Bounded", "Session" or "Eventually" (see the module docstring).

    The collection is created by the first :meth:`add` or :meth:`upsert`, which fixes the
    id type (int or str) and the metadata columns and their types.
    """

    def __init__(self, uri, collection: str, dim: int | None = None, metric: str | None = None,
                 *, consistency: str = "Strong"):
        self.uri, self.is_server = sc.parse_uri(uri)
        self.collection = sc.check_name(collection, "collection")
        if metric is not None and metric not in METRICS:
            raise ValueError(f"`metric` must be one of {list(METRICS)}, got {metric!r}")
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int | np.integer)
                                or not 1 <= dim <= MAX_DIM):
            raise ValueError(f"`dim` must be an integer from 1 to {MAX_DIM}, got {dim!r}")
        if consistency not in CONSISTENCY:
            raise ValueError(f"`consistency` must be one of {list(CONSISTENCY)}, got "
                             f"{consistency!r}")
        self.consistency = consistency
        self._client = _milvus.connect(self.uri, self.is_server)
        if not self.is_server:
            _milvus.LITE_OPEN[self.uri] = _milvus.LITE_OPEN.get(self.uri, 0) + 1
        self._id_kind: str | None = None
        self._columns: dict[str, str] | None = None  # None: not created yet
        if self._client.has_collection(self.collection):
            self._open(dim, metric)
        elif dim is None:
            names = sorted(self._client.list_collections())
            self.close()
            raise ValueError(f"`collection`: there is no collection {collection!r} in {uri!r} "
                             f"(it has {names}); pass `dim=` to create it")
        else:
            self.dim, self.metric = int(dim), metric or "cosine"

    # ---- opening and creating --------------------------------------------------------
    def _open(self, dim, metric) -> None:
        self._id_kind, self.dim, self.metric, self._columns = _milvus.describe(
            self._client, self.collection)
        if dim is not None and dim != self.dim:
            raise ValueError(f"`dim`: the collection {self.collection!r} holds vectors of "
                             f"length {self.dim}, got dim={dim}")
        if metric is not None and metric != self.metric:
            raise ValueError(f"`metric`: the collection {self.collection!r} was made with "
                             f"{self.metric!r}, got {metric!r}")
        self._client.load_collection(self.collection)  # Lite reopens a collection 'released'

    def _create(self, id_kind: str, cols: dict[str, list]) -> None:
        kinds = {name: sc.column_kind(values, name) for name, values in cols.items()}
        _milvus.create_collection(self._client, self.collection, self.dim, self.metric,
                                  self.consistency, id_kind, kinds)
        self._id_kind, self._columns = id_kind, kinds

    # ---- writing -------------------------------------------------------------------
    def _vectors(self, vectors, name: str) -> np.ndarray:
        if isinstance(vectors, np.ndarray) and vectors.ndim == 2 and vectors.shape[0] == 0:
            arr = vectors.astype(np.float32)
        else:
            arr = as_vectors(vectors, name, np.float32)
            arr = arr[None, :] if arr.ndim == 1 else arr
        if arr.shape[1] != self.dim:
            raise ValueError(f"`{name}` must have length {self.dim} like the collection "
                             f"{self.collection!r}, got vectors of length {arr.shape[1]}")
        if self.metric == "cosine" and arr.shape[0]:
            check_nonzero_rows(arr, name)
        return arr

    def _prepare(self, vectors, ids, metadata, *, need_ids: bool):
        arr = self._vectors(vectors, "vectors")
        n = arr.shape[0]
        cols = sc.metadata_columns(metadata, n)
        if ids is None:
            if need_ids:
                raise ValueError("`ids` is required for upsert (it replaces rows by id)")
            start = self.count()
            ids, kind = list(range(start, start + n)), "int"
        else:
            ids, kind = sc.normalise_ids(ids, n)
        if n and self._columns is None:
            for name, values in cols.items():
                sc.column_kind(values, name)  # refuse bad columns before creating anything
        elif n:
            if kind != self._id_kind:
                raise TypeError(f"`ids` of the collection {self.collection!r} are "
                                f"{self._id_kind}, got {kind} ids")
            cols = sc.conform(cols, self._columns)
        return arr, ids, kind, cols

    def _write(self, op: str, arr, ids, cols) -> None:
        row_bytes = 4 * self.dim + 64 * max(1, len(cols))
        step = max(1, min(10_000, _BATCH_BYTES // row_bytes))
        call = getattr(self._client, op)
        for s in range(0, len(ids), step):
            rows = [{"id": ids[i], "vector": arr[i].tolist(), **{c: v[i] for c, v in cols.items()}}
                    for i in range(s, min(s + step, len(ids)))]
            with _milvus.quiet():
                call(self.collection, rows)

    def add(self, vectors, ids=None, metadata=None) -> None:
        """Store new vectors; ``ids`` (default: count() onwards) must not be stored yet.

        Args:
            vectors: ``(n, dim)`` array-like (or one ``(dim,)`` vector).
            ids: one unique str or int per vector (all of one type in a collection).
            metadata: ``{column: [one value per vector]}`` or ``[{column: value}, ...]``.

        Each batch is acknowledged by Milvus before the next is sent; if one fails, the
        batches before it stay stored.
        """
        arr, ids, kind, cols = self._prepare(vectors, ids, metadata, need_ids=False)
        if not ids:
            return
        if self._columns is None:
            self._create(kind, cols)
        else:
            clash = self._existing(ids)
            if clash:
                raise ValueError(f"`ids` must be unique: {clash[0]!r} is already in the store "
                                 f"(and {len(clash) - 1} more); use upsert() to replace rows")
        self._write("insert", arr, ids, cols)

    def upsert(self, vectors, ids, metadata=None) -> None:
        """Store vectors, replacing any stored row with the same id (arguments as :meth:`add`)."""
        arr, ids, kind, cols = self._prepare(vectors, ids, metadata, need_ids=True)
        if not ids:
            return
        if self._columns is None:
            self._create(kind, cols)
        self._write("upsert", arr, ids, cols)

    def delete(self, ids=None, *, filter: str | None = None) -> int:
        """Remove the rows with these ``ids`` (or matching ``filter``); return how many."""
        if (ids is None) == (filter is None):
            raise ValueError("pass exactly one of `ids` and `filter` to delete()")
        if self._columns is None:
            return 0
        if filter is not None:
            n = self.count(filter=filter)
            with self._filter_errors(filter):
                self._client.delete(self.collection, filter=filter)
            return n
        ids, kind = sc.normalise_ids(ids, len(ids) if hasattr(ids, "__len__") else -1)
        found = self._existing(ids) if kind == self._id_kind else []
        for s in range(0, len(found), _ID_BATCH):
            with _milvus.quiet():
                self._client.delete(self.collection, ids=found[s:s + _ID_BATCH])
        return len(found)

    # ---- reading -------------------------------------------------------------------
    def _filter_errors(self, filter):
        return _milvus.filter_errors(filter, ["id", *(self._columns or {})])

    def _existing(self, ids: list) -> list:
        return list(_milvus.fetch(self._client, self.collection, ids, [], self.consistency))

    def count(self, filter: str | None = None) -> int:
        """How many rows are stored (that match ``filter``, if given)."""
        if self._columns is None:
            return 0
        with self._filter_errors(filter):
            rows = self._client.query(self.collection, filter=filter or "",
                                      output_fields=["count(*)"],
                                      consistency_level=self.consistency)
        return int(rows[0]["count(*)"])

    def __len__(self) -> int:
        return self.count()

    def get(self, ids) -> list[dict | None]:
        """The stored ``{"id": ..., column: value, ...}`` of each id (None where absent)."""
        ids, kind = sc.normalise_ids(ids, len(ids) if hasattr(ids, "__len__") else -1)
        if self._columns is None or kind != self._id_kind:
            return [None] * len(ids)
        found = _milvus.fetch(self._client, self.collection, ids, list(self._columns),
                              self.consistency)
        return [found.get(i) for i in ids]

    def query(self, filter: str | None = None, fields=None, batch_size: int = 1000):
        """Yield ``{"id": ..., field: value}`` for every row matching ``filter`` (all rows if None).

        Rows arrive ``batch_size`` at a time from Milvus, so any collection fits in memory.
        """
        batch_size = check_k(batch_size, "batch_size")
        if self._columns is None:
            return
        fields = list(self._columns) if fields is None else list(fields)
        unknown = [f for f in fields if f not in self._columns and f != "id"]
        if unknown:
            raise ValueError(f"`fields` must be among {list(self._columns)}, got {unknown}")
        with self._filter_errors(filter):
            it = self._client.query_iterator(
                self.collection, batch_size=min(batch_size, MAX_K), filter=filter or "",
                output_fields=["id", *fields], consistency_level=self.consistency)
        try:
            while page := it.next():
                yield from ({"id": r["id"], **{f: r[f] for f in fields}} for r in page)
        finally:
            it.close()

    def search(self, queries, k: int = 10, filter: str | None = None) -> SearchResult:
        """The ``k`` nearest stored vectors of each query (among rows matching ``filter``).

        Returns a :class:`vectorkit.SearchResult` like :meth:`vectorkit.Index.search`, whose
        ``metadata`` holds each hit's stored columns. Like ``Index``, fewer than ``k`` rows
        (stored, or matching ``filter``) give fewer columns; a query with fewer hits than
        another in the same batch has its missing places filled with id ``None``, score
        ``nan`` and metadata ``None``.
        """
        k = check_k(k)
        if k > MAX_K:
            raise ValueError(f"`k` must be at most {MAX_K} (Milvus's limit), got {k}")
        q = self._vectors(queries, "queries")
        single = np.ndim(queries) == 1
        cols = list(self._columns or {})
        hits: list[list[dict]] = []
        if self._columns is not None:
            step = max(1, min(_QUERY_BATCH, MAX_K // k))
            for s in range(0, q.shape[0], step):
                with self._filter_errors(filter):
                    hits += self._client.search(
                        self.collection, data=q[s:s + step].tolist(), limit=k,
                        filter=filter or "", output_fields=cols,
                        search_params={"metric_type": _milvus.MILVUS_METRIC[self.metric]},
                        consistency_level=self.consistency)
        else:
            hits = [[] for _ in range(q.shape[0])]
        return _milvus.to_result(hits, cols, self.metric, self._id_kind == "int", single)

    # ---- housekeeping --------------------------------------------------------------
    def close(self) -> None:
        """Release the connection; Milvus Lite's file is unlocked when no store uses it.

        Milvus Lite serves a database file from a thread of this process and locks it:
        until every ``VectorStore`` on that file is closed (or the process ends), another
        process (a second notebook kernel, ``vectorkit ingest``) cannot open it.
        """
        client, self._client = getattr(self, "_client", None), None
        if client is None:
            return
        client.close()
        if not self.is_server:
            _milvus.LITE_OPEN[self.uri] -= 1
            if _milvus.LITE_OPEN[self.uri] == 0:
                del _milvus.LITE_OPEN[self.uri]
                _milvus.release_lite(self.uri)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def __enter__(self) -> VectorStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        where = "server" if self.is_server else "Milvus Lite"
        return (f"<VectorStore {self.collection!r} at {self.uri!r} ({where}) dim={self.dim} "
                f"metric={self.metric!r} consistency={self.consistency!r}>")
