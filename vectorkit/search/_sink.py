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

__all__ = ["open_store", "open_targets", "resolve_models", "row_id", "Target", "FIELDS"]

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


def resolve_models(model) -> dict:
    """``{modality: EmbeddingModel}`` from a name, a model, or a dict of those."""
    from vectorkit.models import EmbeddingModel, load_model
    from vectorkit.search._walk import MODALITIES

    def one(m, name):
        if isinstance(m, EmbeddingModel):
            return m
        if isinstance(m, str):
            return load_model(m)
        raise TypeError(f"`{name}` must be a model name (e.g. 'text') or a model from "
                        f"vk.load_model, got {type(m).__name__}")

    if isinstance(model, dict):
        if not model:
            raise ValueError("`model` is an empty dict: give at least one modality's model")
        out = {}
        for key, m in model.items():
            if key not in MODALITIES:
                raise ValueError(f"`model` keys must be modalities {list(MODALITIES)}, "
                                 f"got {key!r}")
            out[key] = one(m, f"model[{key!r}]")
            if out[key].modality != key:
                raise ValueError(f"`model[{key!r}]` is a {out[key].modality} model "
                                 f"({out[key].name!r}), not a {key} model")
        return out
    m = one(model, "model")
    return {m.modality: m}


class Target:
    """One modality's model, its collection, what is stored there and what waits to be added."""

    def __init__(self, model, store):
        self.model, self.store = model, store
        self.stored: dict[str, dict] = {}  # path -> {"rows": [(id, sha, chunk)], "chunks": n}
        self.pending: list[tuple] = []     # (item to embed, id, metadata)
        for r in store.query(fields=["path", "sha256", "model", "chunk", "chunks"],
                             batch_size=5000):
            if r["model"] != model.name:
                raise ValueError(
                    f"collection {store.collection!r} holds vectors of model {r['model']!r}; "
                    f"ingest with that model, or into another `collection`, not with "
                    f"{model.name!r} (one collection is one vector space)")
            entry = self.stored.setdefault(r["path"], {"rows": [], "chunks": r["chunks"]})
            entry["rows"].append((r["id"], r["sha256"], r["chunk"]))


def open_targets(models: dict, store, collection: str, metric: str) -> dict:
    names = ({m: collection for m in models} if len(models) == 1
             else {m: f"{collection}_{m}" for m in models})
    targets = {}
    try:
        for m in models:
            targets[m] = Target(models[m], open_store(store, names[m], models[m], metric))
    except BaseException:
        for t in targets.values():
            t.store.close()
        raise
    return targets
