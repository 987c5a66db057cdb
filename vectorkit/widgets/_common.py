"""Shared pieces of the widgets: embedding, neighbours, HTML snippets, the static fallback.

The input checks the widgets use (``check_k``, ``check_item``, ``check_model``) come from
``vectorkit._validation``, like everywhere else in the package.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from vectorkit._validation import check_item, check_k, check_labels, check_model  # noqa: F401

#: Widgets show scores with this many decimals.
DECIMALS = 3


def require_ipywidgets():
    """Import ipywidgets or raise an error that names the install command."""
    try:
        import ipywidgets
    except ImportError:
        raise ImportError("the interactive widgets need ipywidgets: pip install ipywidgets "
                          "(or use static=True for a plain table/figure)") from None
    return ipywidgets


def use_static(static) -> bool:
    """Resolve ``static=None``: static only when ipywidgets cannot be imported."""
    if static is None:
        try:
            require_ipywidgets()
        except ImportError:
            return True
        return False
    return bool(static)


def embed(model, items: list, typed: bool = False, **kwargs) -> np.ndarray:
    """``(n, dim)`` float32 embeddings of ``items`` by any object with ``embed(list)``.

    ``typed=True`` marks text typed into a widget: vectorkit models then skip the progress
    bar and do not write it to the on-disk embedding cache (every keystroke would be stored).
    """
    from vectorkit.models import EmbeddingModel

    if typed and isinstance(model, EmbeddingModel):
        kwargs = {"cache": False, "progress": False, **kwargs}
    out = np.asarray(model.embed(list(items), **kwargs), dtype=np.float32)
    if out.ndim != 2 or out.shape[0] != len(items):
        raise ValueError(f"`model.embed` returned shape {out.shape} for {len(items)} items; "
                         f"expected ({len(items)}, dim)")
    return out


def names_list(names, n: int, default: str, name: str) -> list[str]:
    """``n`` display names: ``names`` checked like plot labels, or "default 0", "default 1"..."""
    if names is None:
        return [f"{default} {i}" for i in range(n)]
    return check_labels(names, n, name, per=default)


def cosine_index(vectors: np.ndarray, items: str):
    """A cosine ``vk.Index`` over a collection's embeddings (``items`` names the argument)."""
    from vectorkit.search.index import Index

    try:
        return Index(vectors, metric="cosine")
    except ValueError as exc:  # a zero embedding: name the user's argument, not `vectors`
        raise ValueError(f"cannot compare the embeddings of `{items}`: {exc}") from None


def neighbour_pairs(index, i: int, k: int) -> list[tuple[int, float]]:
    """``(row, cosine)`` of ``index.neighbours(i, k)`` (an index with the default ids)."""
    hits = index.neighbours(i, k)
    return [(int(j), float(s)) for j, s in zip(hits.ids.tolist(), hits.scores.tolist(),
                                               strict=True)]


def esc(text) -> str:
    return html.escape(str(text))


def bar(value: float, lo: float = 0.0, hi: float = 1.0, colour: str = "#2a7ab0",
        width_px: int = 120) -> str:
    """An inline HTML bar showing ``value`` on the scale ``lo``..``hi``, filled from zero.

    On a scale that spans zero (cosine: -1..1) a dark tick marks 0 and the fill runs from it
    to the value, left for a negative value, right for a positive one, so 0.04 is a sliver
    next to the tick rather than a half-full bar. Its ``aria-label`` states value and scale.

    Example:
        >>> 'left:50.0%' in bar(0.04, -1, 1) and 'width:2.0%' in bar(0.04, -1, 1)
        True
    """
    span = hi - lo
    ok = np.isfinite(value) and span > 0

    def at(x: float) -> float:  # position of x on the bar, in percent
        return 100.0 * min(1.0, max(0.0, (x - lo) / span)) if ok else 0.0

    zero = at(0.0) if lo < 0 < hi else 0.0
    end = at(value) if ok else zero
    left, width = min(zero, end), abs(end - zero)
    tick = (f'<div style="position:absolute;left:calc({zero:.1f}% - 1px);top:-2px;width:2px;'
            f'height:calc(100% + 4px);background:#333"></div>') if lo < 0 < hi else ""
    label = f"{fmt(value)} on a scale from {lo:g} to {hi:g}"
    return (f'<div style="display:inline-block;position:relative;width:{width_px}px;'
            f'height:0.8em;background:#e4e4e4;vertical-align:middle" role="img" '
            f'aria-label="{label}" title="{label}"><div style="position:absolute;'
            f'left:{left:.1f}%;width:{width:.1f}%;height:100%;background:{colour}"></div>'
            f"{tick}</div>")


def fmt(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.{DECIMALS}f}"


def figure_png(fig) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def img_tag(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}" style="max-width:100%">'


def error_html(exc: Exception) -> str:
    return f'<p class="vk-error" style="color:#b00020">{esc(type(exc).__name__)}: {esc(exc)}</p>'


class StaticFallback:
    """Mixin for widget classes: add a static HTML rendering to the notebook output.

    A front end that renders widgets shows the widget; one that cannot (a notebook viewer,
    an HTML export without widget state) shows the ``text/html`` snapshot instead.
    """

    def static_html(self) -> str:  # pragma: no cover - every widget overrides it
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - every widget overrides it
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:
            return None
        data = dict(data)
        data["text/html"] = self.static_html()
        data["text/plain"] = self.summary()
        return data


class FigureView(StaticFallback):
    """Mixin for widgets that show a ``vk.plot`` figure.

    ``self.picture`` (an HTML widget) holds the figure as an ``<img>`` whose ``alt`` attribute
    is the figure's alt text, so a screen reader reads the description and nobody sees it
    twice; ``self.png`` holds the PNG bytes. ``self.caption`` (an HTML widget) stays empty
    unless an error is shown there.
    """

    alt = ""
    png = b""
    default_summary = "Figure"

    def show_figure(self, fig) -> None:
        """Render ``fig`` into the picture, described by its alt text; clear the caption."""
        from vectorkit.plot import alt_text

        self.alt = alt_text(fig)
        self.png = figure_png(fig)
        self.picture.value = img_tag(self.png, self.alt)
        self.caption.value = ""

    def static_html(self) -> str:
        return self.picture.value + self.caption.value

    def summary(self) -> str:
        return self.alt or self.default_summary
