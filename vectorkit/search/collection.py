"""Search a collection written by :func:`vectorkit.ingest`: ``vk.search_collection``.

The collection remembers which model made its vectors (the ``model`` field of every row),
so the query is embedded with that model unless you name another one of the same size.
A text query searches a text collection; an existing image or sound file as the query
searches an image or audio collection by example.
"""

from __future__ import annotations

import os

from vectorkit._validation import check_k
from vectorkit.search.store import VectorStore

__all__ = ["search_collection", "collection_model"]

_SHOWN = ("path", "chunk", "modality", "text")


def collection_model(store, collection: str) -> tuple[str, str]:
    """``(model name, modality)`` of the vectors in an ingested collection."""
    with VectorStore(store, collection) as vs:
        rows = vs.query(fields=["model", "modality"])
        first = next(rows, None)
        rows.close()
    if first is None:
        raise ValueError(f"`collection` {collection!r} is empty: ingest something first")
    return first["model"], first["modality"]


def search_collection(store, collection: str, query, k: int = 10, filter: str | None = None,
                      model=None):
    """The ``k`` stored chunks nearest to ``query``, as a pandas DataFrame (best first).

    Args:
        store: the Milvus Lite file or server URI given to :func:`vectorkit.ingest`.
        collection: the collection name.
        query: text, or the path of an image/sound file (for image/audio collections).
        k: how many hits.
        filter: a Milvus boolean expression over the metadata, e.g.
            ``'modality == "text" and bytes > 1000'`` or ``'path like "%/tutorial/%"'``.
        model: a model name or object (default: the one that made the collection).

    Returns:
        Columns ``rank``, ``score`` (cosine similarity for a cosine collection), ``path``,
        ``chunk``, ``modality``, ``text`` (the chunk's text; empty for images and sounds).

    Example:
        >>> import tempfile, pathlib, vectorkit as vk
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "tea.txt").write_text("Green tea is steeped briefly in hot water.")
        >>> _ = (d / "bikes.txt").write_text("A bicycle chain needs oil now and then.")
        >>> db = str(d / "s.db")
        >>> _ = vk.ingest(d, store=db, collection="docs", progress=False, verbose=False)
        >>> hits = vk.search_collection(db, "docs", "how to make tea", k=1)
        >>> hits.path[0].endswith("tea.txt"), hits.columns.tolist()
        (True, ['rank', 'score', 'path', 'chunk', 'modality', 'text'])
    """
    from vectorkit.models import EmbeddingModel, load_model

    k = check_k(k, "k")
    name, modality = collection_model(store, collection)
    m = model if isinstance(model, EmbeddingModel) else load_model(model or name)
    is_file = isinstance(query, str | os.PathLike) and os.path.isfile(query)
    if modality != "text" and not is_file:
        raise ValueError(f"`query`: collection {collection!r} holds {modality} vectors, so the "
                         f"query must be an existing {modality} file, got {query!r}")
    if modality == "text" and not isinstance(query, str):
        raise TypeError(f"`query` must be a str for a text collection, got {type(query).__name__}")
    vector = m.embed(str(query) if modality == "text" else os.fspath(query), cache=False)
    with VectorStore(store, collection) as vs:
        if vs.dim != m.dim:
            raise ValueError(f"`model` {m.name!r} makes {m.dim}-d vectors but collection "
                             f"{collection!r} holds {vs.dim}-d ones (made by {name!r})")
        hits = vs.search(vector, k=k, filter=filter)
    import pandas as pd

    rows = [{"rank": r + 1, "score": s, **{f: meta[f] for f in _SHOWN}}
            for r, ((_, s), meta) in enumerate(zip(hits, hits.metadata, strict=False))]
    return pd.DataFrame(rows, columns=["rank", "score", *_SHOWN])
