"""The Milvus side of ``vk.VectorStore``: connecting, schemas, quiet calls, hits -> results."""

from __future__ import annotations

import contextlib
import importlib.util
import logging

import numpy as np

from vectorkit.search import _store_schema as sc
from vectorkit.search._result import SearchResult

MILVUS_METRIC = {"cosine": "COSINE", "dot": "IP", "euclidean": "L2"}
# pymilvus logs every failed call (and Milvus Lite's missing MVCC timestamp) itself; Milvus
# Lite's in-process gRPC server logs the timestamp call it does not implement
NOISY_LOGS = ("pymilvus.decorators", "pymilvus.client.iterator.query_iterator", "grpc._server",
              "milvus_lite.server_manager")
LITE_OPEN: dict[str, int] = {}  # Milvus Lite path -> VectorStores of this process using it


@contextlib.contextmanager
def quiet():
    """Hide pymilvus's own ERROR log of a failed call: the exception we raise says it."""
    logs = [logging.getLogger(name) for name in NOISY_LOGS]
    before = [log.disabled for log in logs]
    for log in logs:
        log.disabled = True
    try:
        yield
    finally:
        for log, was in zip(logs, before, strict=True):
            log.disabled = was


def connect(uri: str, server: bool):
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError:
        raise ModuleNotFoundError(f"vk.VectorStore needs pymilvus: {sc.INSTALL}") from None
    if not server and importlib.util.find_spec("milvus_lite") is None:
        raise ModuleNotFoundError(f"a file `uri` runs Milvus Lite, which is not installed: "
                                  f"{sc.INSTALL}")
    try:
        with quiet():
            return MilvusClient(uri=uri, timeout=30 if server else None)
    except MilvusException as exc:
        if server:
            raise ConnectionError(f"`uri`: cannot reach a Milvus server at {uri!r} "
                                  f"({exc.message}); is it running?") from None
        raise ConnectionError(
            f"`uri`: cannot open the Milvus Lite database {uri!r} ({exc.message}); Milvus Lite "
            "lets one process use a database at a time: is it open in another notebook "
            "kernel or `vectorkit ingest`?") from None


def schema_kind(field) -> str | None:
    from pymilvus import DataType

    kinds = {DataType.BOOL: "bool", DataType.INT8: "int", DataType.INT16: "int",
             DataType.INT32: "int", DataType.INT64: "int", DataType.FLOAT: "float",
             DataType.DOUBLE: "float", DataType.VARCHAR: "str"}
    return kinds.get(field["type"])


def create_collection(client, name: str, dim: int, metric: str, consistency: str,
                      id_kind: str, kinds: dict[str, str]) -> None:
    """Create and load a collection: id (INT64 or VARCHAR), vector, typed metadata, FLAT."""
    from pymilvus import DataType

    types = {"bool": DataType.BOOL, "int": DataType.INT64, "float": DataType.DOUBLE,
             "str": DataType.VARCHAR}
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    if id_kind == "str":
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=sc.MAX_ID_BYTES)
    else:
        schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    for column, kind in kinds.items():
        extra = {"max_length": sc.MAX_TEXT_BYTES} if kind == "str" else {}
        schema.add_field(column, types[kind], **extra)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type=MILVUS_METRIC[metric])
    client.create_collection(name, schema=schema, index_params=index,
                             consistency_level=consistency)
    client.load_collection(name)


def release_lite(path: str) -> None:
    """Stop Milvus Lite's in-process server for ``path`` (unlocks the file)."""
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_server(path)


def to_result(hits: list[list[dict]], columns: list[str], metric: str, int_ids: bool,
              single: bool) -> SearchResult:
    """Milvus search hits -> a SearchResult (squared L2 -> distance, padding -> None/nan)."""
    width = max((len(h) for h in hits), default=0)
    ids = np.full((len(hits), width), None, dtype=object)
    scores = np.full((len(hits), width), np.nan)
    meta = [[None] * width for _ in hits]
    for r, row in enumerate(hits):
        for c, hit in enumerate(row):
            ids[r, c], scores[r, c] = hit["id"], hit["distance"]
            meta[r][c] = {name: hit["entity"][name] for name in columns}
    if metric == "euclidean":  # Milvus reports squared L2 distances
        scores = np.sqrt(np.maximum(scores, 0.0))
    if int_ids and all(len(h) == width for h in hits):
        ids = ids.astype(np.int64)
    scores = scores.astype(np.float32)
    if single:
        return SearchResult(ids[0], scores[0], metric, metadata=meta[0])
    return SearchResult(ids, scores, metric, metadata=meta)


def describe(client, name: str) -> tuple[str, int, str, dict[str, str]]:
    """``(id kind, dim, metric, {column: kind})`` of a collection made by VectorStore."""
    fields = {f["name"]: f for f in client.describe_collection(name)["fields"]}
    pk, vec = fields.get("id"), fields.get("vector")
    if pk is None or not pk.get("is_primary") or vec is None or "dim" not in vec["params"]:
        raise ValueError(f"`collection` {name!r} was not made by vk.VectorStore (it has the "
                         f"fields {sorted(fields)})")
    stored = client.describe_index(name, "vector").get("metric_type")
    metric = {v: k for k, v in MILVUS_METRIC.items()}.get(stored, stored)
    columns = {}
    for column, f in fields.items():
        if column not in sc.RESERVED:
            kind = schema_kind(f)
            if kind is None:
                raise ValueError(f"`collection` {name!r} has a field {column!r} of type "
                                 f"{f['type']!r}, which vk.VectorStore does not read")
            columns[column] = kind
    return schema_kind(pk), int(vec["params"]["dim"]), metric, columns


@contextlib.contextmanager
def filter_errors(filter, columns: list[str]):
    """Turn Milvus's refusal of a filter expression into a ValueError naming `filter`."""
    from pymilvus.exceptions import MilvusException

    if filter is not None and not isinstance(filter, str):
        raise TypeError(f"`filter` must be a str such as 'size > 10', got "
                        f"{type(filter).__name__} {filter!r}")
    try:
        with quiet():
            yield
    except MilvusException as exc:
        if not filter:
            raise
        raise ValueError(f"`filter` {filter!r} is not a valid expression over the columns "
                         f"{columns}: {exc.message}") from None


def fetch(client, name: str, ids: list, columns: list[str], consistency: str,
          batch: int = 1000) -> dict:
    """``{id: {"id": id, column: value}}`` for the stored ones among ``ids``, in batches."""
    found = {}
    for s in range(0, len(ids), batch):
        with quiet():
            rows = client.query(name, ids=ids[s:s + batch], output_fields=["id", *columns],
                                consistency_level=consistency)
        found.update({r["id"]: {"id": r["id"], **{c: r[c] for c in columns}} for r in rows})
    return found
