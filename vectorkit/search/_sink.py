"""Where the ingestion pipeline writes: a ``vk.VectorStore`` collection of chunk vectors.

A collection written by :func:`vectorkit.ingest` holds, besides ``id`` and ``vector``:

========  =====  ================================================================
path      str    absolute path of the file
chunk     int    chunk number in the file (0 for an image or a sound)
chunks    int    how many chunks the file has (a file is complete when all are stored)
modality  str    "text" | "image" | "audio"
bytes     int    size of the file
sha256    str    SHA-256 of the file's bytes
model     str    name of the model that made the vector
text      str    the chunk's text ("" for images and sounds)
========  =====  ================================================================

The id of a row is ``sha256(model, path, file sha256, chunk)`` in hex (32 characters), so
the same chunk of the same content always gets the same id. The store reads with
``"Strong"`` consistency: the pipeline sees what it wrote a moment ago, also on a server.
"""

from __future__ import annotations

import hashlib

from vectorkit.search.store import VectorStore

__all__ = ["open_store", "row_id", "FIELDS"]

FIELDS = ("path", "chunk", "chunks", "modality", "bytes", "sha256", "model", "text")


def row_id(model: str, path: str, sha256: str, chunk: int) -> str:
    """The deterministic id of one chunk: the same file, model and chunk always get it."""
    key = f"{model}\x00{path}\x00{sha256}\x00{chunk}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


def open_store(uri, collection: str, model, metric: str = "cosine") -> VectorStore:
    """Open (or prepare to create) ``collection`` for ``model``'s vectors."""
    try:
        return VectorStore(uri, collection, dim=model.dim, metric=metric)
    except ValueError:
        with VectorStore(uri, collection) as existing:  # say which model does not fit
            if existing.dim == model.dim:
                raise
            raise ValueError(
                f"collection {collection!r} holds {existing.dim}-d vectors but model "
                f"{model.name!r} makes {model.dim}-d ones: use another `collection`") from None
