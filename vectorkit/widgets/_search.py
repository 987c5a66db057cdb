"""search_box: type a query, see ranked documents; keyword vs semantic when both are possible."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from vectorkit.widgets._common import (
    StaticFallback,
    bar,
    check_k,
    check_model,
    embed,
    error_html,
    esc,
    fmt,
    require_ipywidgets,
    use_static,
)

__all__ = ["SearchEngine", "search_box", "results_html"]


def _first_row(a):
    a = np.asarray(a)
    return a[0] if a.ndim == 2 else a


class SearchEngine:
    """Semantic and/or keyword search over documents: the pure part of :func:`search_box`.

    Args:
        index_or_documents: a list of document strings, or an index object with
            ``.search(queries, k)`` returning ``.ids`` / ``.scores`` (``vk.Index`` or
            ``vk.KeywordIndex``).
        model: a text model. With a list of documents it enables semantic search; with an
            index it embeds the query (so the index must hold that model's vectors). Without a
            model an index is searched with the query text (a keyword index).
        documents: the texts to show for an index's ids (a list indexed by id or a dict).
        keyword_index: an extra keyword index (``.search(texts, k)``) to offer beside a
            semantic index.

    Example:
        >>> eng = SearchEngine(["red apples", "green pears"])   # keyword only: no model
        >>> eng.modes, eng.search("apples", "keyword", k=1)[0]["text"]
        (['keyword'], 'red apples')
    """

    def __init__(self, index_or_documents, model=None, *, documents=None, keyword_index=None):
        self._searchers: dict = {}
        if model is not None:
            check_model(model, "text")  # queries are typed text
        if hasattr(index_or_documents, "search"):
            index = index_or_documents
            if model is not None:
                self._searchers["semantic"] = self._vector_searcher(index, model)
            else:
                from vectorkit.search.index import Index

                if isinstance(index, Index):
                    raise ValueError("a vector index (vk.Index) needs `model` to embed the "
                                     "query: search_box(index, model, documents=...)")
                self._searchers["keyword"] = index.search
            self.documents = documents
        elif isinstance(index_or_documents, list | tuple) and index_or_documents and all(
                isinstance(d, str) for d in index_or_documents):
            docs = list(index_or_documents)
            if documents is not None:
                raise ValueError("`documents` is only for an index; the list you passed is "
                                 "already the documents")
            self.documents = docs
            if model is not None:
                from vectorkit.search.index import Index

                index = Index(embed(model, docs), metric="cosine")
                self._searchers["semantic"] = self._vector_searcher(index, model)
            if keyword_index is None:
                from vectorkit.search.keyword import KeywordIndex

                keyword_index = KeywordIndex(docs)
        else:
            raise ValueError("`index_or_documents` must be a non-empty list of strings or an "
                             "index with .search(queries, k) (vk.Index / vk.KeywordIndex), got "
                             f"{type(index_or_documents).__name__}")
        if keyword_index is not None and "keyword" not in self._searchers:
            if not hasattr(keyword_index, "search"):
                raise ValueError("`keyword_index` must have .search(texts, k), got "
                                 f"{type(keyword_index).__name__}")
            self._searchers["keyword"] = keyword_index.search
        if self.documents is not None and not isinstance(self.documents, list | tuple | Mapping):
            raise ValueError("`documents` must be a list or a dict id -> text, got "
                             f"{type(self.documents).__name__}")

    @staticmethod
    def _vector_searcher(index, model):
        def run(queries, k):
            return index.search(embed(model, list(queries), typed=True), k)
        return run

    @property
    def modes(self) -> list[str]:
        """The available search modes, semantic first."""
        return [m for m in ("semantic", "keyword") if m in self._searchers]

    def text(self, doc_id) -> str:
        """The document text for an id (the id itself when no documents are known)."""
        if self.documents is None:
            return str(doc_id)
        try:
            return str(self.documents[doc_id])
        except (KeyError, IndexError, TypeError):
            return str(doc_id)

    def search(self, query: str, mode: str | None = None, k: int = 5) -> list[dict]:
        """Ranked hits for ``query``: dicts with ``rank``, ``id``, ``text``, ``score``."""
        if not isinstance(query, str):
            raise ValueError(f"`query` must be a string, got {type(query).__name__}")
        mode = mode or self.modes[0]
        if mode not in self._searchers:
            raise ValueError(f"`mode` must be one of {self.modes}, got {mode!r}")
        k = check_k(k)
        if not query.strip():
            return []
        result = self._searchers[mode]([query], k)
        ids = _first_row(result.ids).tolist()
        scores = _first_row(result.scores).tolist()
        hits = [(i, s) for i, s in zip(ids, scores, strict=True) if i is not None]
        return [{"rank": r, "id": i, "text": self.text(i), "score": float(s)}
                for r, (i, s) in enumerate(hits, 1)]


def results_html(query: str, mode: str, hits: list[dict]) -> str:
    """An HTML table of ranked hits with a score bar (scaled to the best score)."""
    if not query.strip():
        return "<p><i>Type a query.</i></p>"
    if not hits:
        return f"<p>No {esc(mode)} match for <b>{esc(query)}</b>.</p>"
    if mode == "semantic":  # cosine similarity: the fixed scale -1..1, a tick at 0
        lo, hi, scale = -1.0, 1.0, "cosine, -1 to 1"
    else:  # keyword scores have no fixed top: the bar is relative to the best hit
        lo, hi, scale = 0.0, max(max(h["score"] for h in hits), 1e-12), "relative to the best"
    rows = "".join(
        f'<tr><td>{h["rank"]}</td><td class="vk-score">{fmt(h["score"])}</td>'
        f'<td>{bar(h["score"], lo, hi, "#3a9a5b", 80)}</td><td>{esc(h["text"])}</td></tr>'
        for h in hits)
    return (f'<p class="vk-query">{esc(mode)} results for <b>{esc(query)}</b></p>'
            '<table class="vk-results"><tr><th>#</th><th>score</th>'
            f"<th>{scale}</th><th>document</th></tr>{rows}</table>")


@functools.cache
def _make_class():
    widgets = require_ipywidgets()

    class SearchBox(StaticFallback, widgets.VBox):
        """A query box, an optional keyword/semantic toggle and ranked results."""

        def __init__(self, engine: SearchEngine, k: int, query: str):
            self.engine = engine
            self.k = k
            self.hits: list[dict] = []
            self.query = widgets.Text(value=query, placeholder="type a query and press Enter",
                                      description="query:", continuous_update=False,
                                      layout=widgets.Layout(width="95%"))
            self.mode = widgets.ToggleButtons(options=engine.modes, value=engine.modes[0],
                                              description="search:")
            self.results = widgets.HTML()
            kids = [self.query] + ([self.mode] if len(engine.modes) > 1 else []) + [self.results]
            super().__init__(kids)
            self.query.observe(self.update, names="value")
            self.mode.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            try:
                self.hits = self.engine.search(self.query.value, self.mode.value, self.k)
                self.results.value = results_html(self.query.value, self.mode.value, self.hits)
            except Exception as exc:
                self.hits = []
                self.results.value = error_html(exc)

        def static_html(self) -> str:
            return self.results.value

        def summary(self) -> str:
            listing = "; ".join(f"{h['rank']}. {h['text'][:60]} ({h['score']:.3f})"
                                for h in self.hits)
            return (f"Search box ({self.mode.value}) for {self.query.value!r}: "
                    f"{listing or 'no results'}")

    return SearchBox


def search_box(index_or_documents, model=None, *, documents=None, keyword_index=None, k=5,
               query="", static=None):
    """Type a query, see the ranked documents with their scores.

    Given a list of documents and a model, a toggle switches between semantic search (cosine
    similarity of embeddings, via ``vk.Index``) and keyword search (BM25, ``vk.KeywordIndex``).

    Args:
        index_or_documents: a list of document strings, or an index (see :class:`SearchEngine`).
        model: a text model for semantic search.
        documents: texts for an index's ids.
        keyword_index: a keyword index to offer beside a semantic index.
        k: how many results to show.
        query: the starting query.
        static: ``True`` returns a pandas DataFrame of the results for ``query`` (and each
            mode) instead of a widget.

    Example:
        >>> import vectorkit as vk
        >>> docs = ["How do I reset my password?", "Opening hours of the shop"]
        >>> box = search_box(docs, vk.load_model("text"), query="forgot my login")
        >>> box.hits[0]["text"]
        'How do I reset my password?'
    """
    engine = SearchEngine(index_or_documents, model, documents=documents,
                          keyword_index=keyword_index)
    k = check_k(k)
    if use_static(static):
        import pandas as pd

        if not isinstance(query, str) or not query.strip():
            raise ValueError("static=True needs a `query` to show results for")
        rows = [{"mode": m, **h} for m in engine.modes for h in engine.search(query, m, k)]
        return pd.DataFrame(rows, columns=["mode", "rank", "id", "text", "score"])
    return _make_class()(engine, k, query)
