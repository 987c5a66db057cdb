"""similarity_explorer: type two or three sentences, see cosine / Euclidean / dot live."""

from __future__ import annotations

import functools
import itertools

import numpy as np

from vectorkit.widgets._common import (
    StaticFallback,
    bar,
    check_model,
    embed,
    error_html,
    fmt,
    require_ipywidgets,
    use_static,
)

__all__ = ["compare_texts", "similarity_table_html", "similarity_explorer"]

DEFAULT_TEXTS = ("A cat is sleeping on the sofa.", "A kitten naps on the couch.")
_BOX_NAMES = "ABC"


def compare_texts(model, texts, _vectors: dict | None = None) -> list[dict]:
    """Cosine similarity, Euclidean distance and dot product of every pair of ``texts``.

    The pure function behind :func:`similarity_explorer`. A pair with an empty text gets
    ``None`` scores (nothing to compare yet).

    Args:
        model: anything with ``embed(list_of_str) -> (n, dim)``, e.g. ``vk.load_model("text")``.
        texts: two or three strings.

    Returns:
        one dict per pair: ``a``, ``b`` (box names), ``text_a``, ``text_b``, ``cosine``,
        ``euclidean``, ``dot``.

    Example:
        >>> import vectorkit as vk
        >>> rows = compare_texts(vk.load_model("text"), ["a cat", "a kitten", "tax law"])
        >>> [r["a"] + r["b"] for r in rows]
        ['AB', 'AC', 'BC']
        >>> rows[0]["cosine"] > rows[1]["cosine"]
        True
    """
    check_model(model, "text")
    if isinstance(texts, str) or not hasattr(texts, "__len__") or not 2 <= len(texts) <= 3:
        raise ValueError(f"`texts` must be a list of 2 or 3 strings, got {texts!r}")
    texts = [t if isinstance(t, str) else None for t in texts]
    if None in texts:
        raise ValueError("`texts` must contain only strings")
    cache = {} if _vectors is None else _vectors
    todo = sorted({t.strip() for t in texts if t.strip() and t.strip() not in cache})
    if todo:
        cache.update(zip(todo, embed(model, todo, typed=True), strict=True))
    from vectorkit.similarity import cosine_similarity, dot_product, euclidean_distance

    rows = []
    for i, j in itertools.combinations(range(len(texts)), 2):
        a, b = texts[i].strip(), texts[j].strip()
        row = {"a": _BOX_NAMES[i], "b": _BOX_NAMES[j], "text_a": texts[i], "text_b": texts[j],
               "cosine": None, "euclidean": None, "dot": None}
        if a and b:
            va, vb = cache[a], cache[b]
            row["euclidean"] = euclidean_distance(va, vb)
            row["dot"] = dot_product(va, vb)
            zero = not np.any(va) or not np.any(vb)
            row["cosine"] = float("nan") if zero else cosine_similarity(va, vb)
        rows.append(row)
    return rows


def similarity_table_html(rows: list[dict]) -> str:
    """An HTML table of :func:`compare_texts` rows with a bar for each cosine similarity."""
    head = ("<tr><th>pair</th><th>cosine</th><th>(-1 … 1)</th><th>Euclidean</th>"
            "<th>dot</th></tr>")
    body = []
    for r in rows:
        pair = f"{r['a']} ↔ {r['b']}"
        if r["cosine"] is None:
            empty = r["a"] if not r["text_a"].strip() else r["b"]
            body.append(f'<tr><td>{pair}</td><td colspan="4"><i>type a sentence in box '
                        f"{empty}</i></td></tr>")
            continue
        body.append(
            f'<tr><td>{pair}</td><td class="vk-cosine" data-pair="{r["a"]}{r["b"]}">'
            f'<b>{fmt(r["cosine"])}</b></td><td>{bar(r["cosine"], -1.0, 1.0)}</td>'
            f'<td class="vk-euclidean">{fmt(r["euclidean"])}</td>'
            f'<td class="vk-dot">{fmt(r["dot"])}</td></tr>')
    return ('<table class="vk-similarity" style="border-collapse:collapse">'
            + head + "".join(body) + "</table>")


def _summary(rows) -> str:
    parts = [f"{r['a']}-{r['b']}: cosine {fmt(r['cosine'])}, Euclidean {fmt(r['euclidean'])}, "
             f"dot {fmt(r['dot'])}" for r in rows if r["cosine"] is not None]
    return "Similarity explorer. " + ("; ".join(parts) if parts else "Type sentences to compare.")


@functools.cache
def _make_class():
    widgets = require_ipywidgets()

    class SimilarityExplorer(StaticFallback, widgets.VBox):
        """Text boxes and a live table of similarity scores (see :func:`similarity_explorer`)."""

        def __init__(self, model, texts, vectors=None):
            self.model = model
            self._vectors: dict = {} if vectors is None else vectors
            self.rows: list[dict] = []
            self.boxes = [widgets.Text(value=t, description=f"{_BOX_NAMES[i]}:",
                                       continuous_update=True,
                                       placeholder="type a sentence",
                                       layout=widgets.Layout(width="95%"))
                          for i, t in enumerate(texts)]
            self.table = widgets.HTML()
            super().__init__([*self.boxes, self.table])
            self.add_class("vk-similarity-explorer")
            for box in self.boxes:
                box.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            """Recompute the scores from the boxes' current text."""
            try:
                self.rows = compare_texts(self.model, [b.value for b in self.boxes],
                                          self._vectors)
                self.table.value = similarity_table_html(self.rows)
            except Exception as exc:  # shown in the widget: a callback has nowhere to raise
                self.rows = []
                self.table.value = error_html(exc)

        def static_html(self) -> str:
            return self.table.value

        def summary(self) -> str:
            return _summary(self.rows)

    return SimilarityExplorer


def similarity_explorer(model, texts=DEFAULT_TEXTS, *, static=None):
    """Two or three text boxes with live cosine similarity, Euclidean distance and dot product.

    Args:
        model: a text model (``vk.load_model("text")``) or anything with ``embed(list)``.
        texts: the starting text of each box: 2 or 3 strings.
        static: ``True`` returns a pandas DataFrame of the scores for ``texts`` instead of a
            widget (for places where widgets cannot render); default: a widget when ipywidgets
            is installed.

    Returns:
        the widget (a ``VBox`` with ``.boxes``, ``.table`` and the latest ``.rows``), or a
        DataFrame when static.

    Example:
        >>> import vectorkit as vk
        >>> w = similarity_explorer(vk.load_model("text"), ["a cat", "a kitten"])
        >>> w.boxes[1].value = "the stock market"   # what typing does
        >>> w.rows[0]["cosine"] < 0.5
        True
    """
    texts = list(texts) if not isinstance(texts, str) else texts
    vectors: dict = {}
    rows = compare_texts(model, texts, vectors)  # validates before any widget is built
    if use_static(static):
        import pandas as pd

        return pd.DataFrame([{"pair": f"{r['a']}-{r['b']}", "text A": r["text_a"],
                              "text B": r["text_b"], "cosine": r["cosine"],
                              "euclidean": r["euclidean"], "dot": r["dot"]} for r in rows])
    return _make_class()(model, texts, vectors)
