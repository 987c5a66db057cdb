"""Shared pieces of the widgets: embedding, nearest neighbours, HTML snippets, the fallback."""

from __future__ import annotations

import base64
import html
import io

import numpy as np

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

    if not hasattr(model, "embed"):
        raise TypeError(f"`model` must have an embed() method (e.g. vk.load_model('text')), "
                        f"got {type(model).__name__}")
    if typed and isinstance(model, EmbeddingModel):
        kwargs = {"cache": False, "progress": False, **kwargs}
    out = np.asarray(model.embed(list(items), **kwargs), dtype=np.float32)
    if out.ndim != 2 or out.shape[0] != len(items):
        raise ValueError(f"`model.embed` returned shape {out.shape} for {len(items)} items; "
                         f"expected ({len(items)}, dim)")
    return out


def nearest(vectors: np.ndarray, i: int, k: int) -> list[tuple[int, float]]:
    """The ``k`` rows most cosine-similar to row ``i`` (itself excluded), best first."""
    from vectorkit.similarity import cosine_similarity

    scores = np.asarray(cosine_similarity(vectors[i], vectors), dtype=np.float64)
    order = [int(j) for j in np.argsort(-scores, kind="stable") if j != i][:k]
    return [(j, float(scores[j])) for j in order]


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"`k` must be a positive integer, got {k!r}")
    return int(k)


def esc(text) -> str:
    return html.escape(str(text))


def bar(value: float, lo: float = 0.0, hi: float = 1.0, colour: str = "#2a7ab0",
        width_px: int = 120) -> str:
    """An inline HTML bar showing ``value`` on the scale ``lo``..``hi``."""
    frac = 0.0 if not np.isfinite(value) or hi <= lo else (value - lo) / (hi - lo)
    frac = min(1.0, max(0.0, frac))
    return (f'<div style="display:inline-block;width:{width_px}px;height:0.8em;'
            f'background:#e4e4e4;vertical-align:middle" role="img" '
            f'aria-label="{value:.{DECIMALS}f}"><div style="width:{frac * 100:.1f}%;'
            f'height:100%;background:{colour}"></div></div>')


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
