"""Search a collection written by :func:`vectorkit.ingest`: ``vk.search_collection``.

The collection remembers which model made its vectors (the ``model`` field of every row),
so the query is embedded with that model unless you name another one of the same size.
A text query searches a text collection; an existing image or sound file as the query
searches an image or audio collection by example.
"""

from __future__ import annotations

import os

from vectorkit._validation import check_k
from vectorkit.search._sink import Sink

__all__ = ["search_collection", "collection_model"]

_SHOWN = ("path", "chunk", "modality", "text")


def collection_model(store, collection: str) -> tuple[str, str]:
    """``(model name, modality)`` of the vectors in an ingested collection."""
    sink = Sink(str(store), collection)
    try:
        if not sink.exists:
            raise ValueError(f"`collection`: {store!r} has no collection {collection!r}")
        rows = sink.client.query(collection, filter='id != ""', limit=1,
                                 output_fields=["model", "modality"], consistency_level="Strong")
    finally:
        sink.close()
    if not rows:
        raise ValueError(f"`collection` {collection!r} is empty: ingest something first")
    return rows[0]["model"], rows[0]["modality"]


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
        >>> vk.search_collection(db, "docs", "how to make tea", k=1).path.str.endswith("tea.txt")[0]
        True
    """
    from vectorkit.models import EmbeddingModel, load_model

    k = check_k(k, "k")
    if filter is not None and not isinstance(filter, str):
        raise TypeError(f"`filter` must be a str (a Milvus expression), got {type(filter).__name__}")
    name, modality = collection_model(store, collection)
    m = model if isinstance(model, EmbeddingModel) else load_model(model or name)
    is_file = isinstance(query, str | os.PathLike) and os.path.isfile(query)
    if modality != "text" and not is_file:
        raise ValueError(f"`query`: collection {collection!r} holds {modality} vectors, so the "
                         f"query must be an existing {modality} file, got {query!r}")
    if modality == "text" and not isinstance(query, str):
        raise TypeError(f"`query` must be a str for a text collection, got {type(query).__name__}")
    vector = m.embed(str(query) if modality == "text" else os.fspath(query), cache=False)
    sink = Sink(str(store), collection)
    try:
        if sink.dim != m.dim:
            raise ValueError(f"`model` {m.name!r} makes {m.dim}-d vectors but collection "
                             f"{collection!r} holds {sink.dim}-d ones (made by {name!r})")
        hits = sink.client.search(collection, [vector.tolist()], limit=k, filter=filter or "",
                                  output_fields=list(_SHOWN), consistency_level="Strong")[0]
    finally:
        sink.close()
    import pandas as pd

    rows = [{"rank": r + 1, "score": h["distance"], **{f: h["entity"].get(f) for f in _SHOWN}}
            for r, h in enumerate(hits)]
    return pd.DataFrame(rows, columns=["rank", "score", *_SHOWN])
