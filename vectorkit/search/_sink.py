"""Where the ingestion pipeline writes: one Milvus collection of chunk vectors + metadata.

A collection written by :func:`vectorkit.ingest` has these fields (Milvus schema):

=========  ===============  ===========================================================
id         VARCHAR(64), PK  ``sha256(model, path, file sha256, chunk)`` in hex, 32 chars
vector     FLOAT_VECTOR     the embedding (dim of the model)
path       VARCHAR(4096)    absolute path of the file
chunk      INT64            chunk number in the file (0 for an image or a sound)
chunks     INT64            how many chunks the file has (a file is complete when all are)
modality   VARCHAR(16)      "text" | "image" | "audio"
bytes      INT64            size of the file
sha256     VARCHAR(64)      SHA-256 of the file's bytes
model      VARCHAR(128)     name of the model that made the vector
text       VARCHAR(65535)   the chunk's text ("" for images and sounds)
=========  ===============  ===========================================================

Every read uses ``consistency_level="Strong"``: a Milvus server's default ("Bounded") may
not yet show rows inserted a moment ago, and the pipeline must see what it wrote.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["Sink", "row_id", "FIELDS"]

FIELDS = ("path", "chunk", "chunks", "modality", "bytes", "sha256", "model", "text")
_STRONG = {"consistency_level": "Strong"}
_PAGE = 16384  # the most rows one Milvus query returns
_MILVUS_METRIC = {"cosine": "COSINE", "dot": "IP", "euclidean": "L2"}


def row_id(model: str, path: str, sha256: str, chunk: int) -> str:
    """The deterministic id of one chunk: the same file, model and chunk always get it."""
    key = f"{model}\x00{path}\x00{sha256}\x00{chunk}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


def _client(uri: str):
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise ImportError("the vector store needs pymilvus and milvus-lite: "
                          "python -m pip install 'vectorkit[store]'") from None
    return MilvusClient(uri=uri)


def _schema(client, dim: int):
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("path", DataType.VARCHAR, max_length=4096)
    schema.add_field("chunk", DataType.INT64)
    schema.add_field("chunks", DataType.INT64)
    schema.add_field("modality", DataType.VARCHAR, max_length=16)
    schema.add_field("bytes", DataType.INT64)
    schema.add_field("sha256", DataType.VARCHAR, max_length=64)
    schema.add_field("model", DataType.VARCHAR, max_length=128)
    schema.add_field("text", DataType.VARCHAR, max_length=65535)
    return schema


class Sink:
    """One collection opened for ingestion (created on first use with the model's dim)."""

    def __init__(self, uri: str, collection: str, metric: str = "cosine"):
        self.uri = str(uri)
        self.collection = collection
        self.metric = metric
        self.client = _client(self.uri)
        self.exists = self.client.has_collection(collection)
        if self.exists:
            self.client.load_collection(collection)  # a reopened collection is 'released'

    @property
    def dim(self) -> int | None:
        if not self.exists:
            return None
        for f in self.client.describe_collection(self.collection)["fields"]:
            if f["name"] == "vector":
                return int(f["params"]["dim"])
        return None

    def create(self, dim: int) -> None:
        """Create the collection (ingest schema, index on the vectors) and load it."""
        index = self.client.prepare_index_params()
        index.add_index(field_name="vector", index_type="AUTOINDEX",
                        metric_type=_MILVUS_METRIC[self.metric])
        self.client.create_collection(self.collection, schema=_schema(self.client, dim),
                                      index_params=index, **_STRONG)
        self.client.load_collection(self.collection)
        self.exists = True

    def rows(self, fields=("path", "sha256", "model", "chunk", "chunks"), prefix: str = ""):
        """Yield every stored row (id + ``fields``).

        Ids are hex, so the rows are listed by id prefix, one query per prefix (a prefix
        with more rows than one query may return is split by its next hex digit). A query
        iterator would do the same job but makes Milvus Lite log a traceback each time.
        """
        if not self.exists:
            return
        for digit in "0123456789abcdef":
            p = prefix + digit
            page = self.client.query(self.collection, filter=f'id like "{p}%"',
                                     output_fields=["id", *fields], limit=_PAGE, **_STRONG)
            if len(page) < _PAGE:
                yield from page
            else:
                yield from self.rows(fields, p)

    def add(self, vectors: np.ndarray, ids: list[str], metadata: list[dict]) -> None:
        """Insert rows (ids must not be stored yet: the pipeline checks)."""
        data = [{"id": i, "vector": v, **m}
                for i, v, m in zip(ids, np.asarray(vectors, np.float32).tolist(), metadata,
                                   strict=True)]
        self.client.insert(self.collection, data)

    def delete(self, ids: list[str], batch: int = 1000) -> None:
        for s in range(0, len(ids), batch):
            self.client.delete(self.collection, ids=list(ids[s:s + batch]))

    def count(self) -> int:
        if not self.exists:
            return 0
        res = self.client.query(self.collection, filter="", output_fields=["count(*)"],
                                **_STRONG)
        return int(res[0]["count(*)"])

    def close(self) -> None:
        self.client.close()
