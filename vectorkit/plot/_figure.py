"""Figures that carry a short alt text, and the helpers every plot function shares.

How the alt text travels (one design for all of ``vk.plot``):

- every plot function stores a one-paragraph description as ``fig.vk_alt_text`` (and on the
  Axes it drew into as ``ax.vk_alt_text``); :func:`alt_text` reads it back;
- figures made by ``vk.plot`` are :class:`AltFigure` objects: shown in Jupyter their
  ``text/plain`` form is the alt text (instead of ``<Figure size ...>``), the ``image/png``
  output metadata carries ``{"alt": ...}`` (the place jupyter/enhancement-proposals#120
  proposes; nbconvert's HTML templates write it as ``<img alt="...">``), and a ``text/html``
  ``<img alt="...">`` of the same PNG is what JupyterLab shows, so screen readers get the
  description there too, and nobody sees it printed as a caption;
- :func:`savefig` writes the alt text into the file (PNG/SVG ``Description``, PDF ``Subject``).
"""

from __future__ import annotations

import os

from matplotlib.figure import Figure

__all__ = ["AltFigure", "alt_text", "describe", "figure", "savefig", "new_axes", "finish"]

ALT_ATTR = "vk_alt_text"


class AltFigure(Figure):
    """A matplotlib Figure whose notebook output carries its alt text.

    Displaying the figure as a cell result also closes it in pyplot, so the inline backend
    does not draw it a second time at the end of the cell.
    """

    vk_alt_text = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64
        import html
        import io
        import sys

        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close(self)
        text = self.vk_alt_text or f"Figure with {len(self.axes)} axes"
        # The PNG is rendered here once, as the inline backend would (tight bounding box), and
        # offered twice: as image/png carrying {"alt": ...} in its metadata (the place
        # jupyter/enhancement-proposals#120 proposes; nbconvert writes it as <img alt>), and
        # as text/html <img alt="...">, which JupyterLab prefers and shows, so the description
        # reaches screen readers there too (JupyterLab 4 ignores image metadata "alt").
        buf = io.BytesIO()
        self.canvas.print_figure(buf, format="png", bbox_inches="tight")
        png = base64.b64encode(buf.getvalue()).decode("ascii")
        tag = f'<img src="data:image/png;base64,{png}" alt="{html.escape(text)}">'
        return ({"text/plain": text, "image/png": png, "text/html": tag},
                {"image/png": {"alt": text}})


def new_axes(ax=None, figsize=(6.4, 4.8), projection=None):
    """Return ``(fig, ax, own)``: a new AltFigure + Axes, or the caller's ``ax`` (own=False)."""
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise TypeError(f"`ax` must be a matplotlib Axes or None, got {type(ax).__name__}")
        if projection == "3d" and getattr(ax, "name", "") != "3d":
            raise ValueError("3-D points need a 3-D Axes: pass "
                             "ax=fig.add_subplot(projection='3d') or leave `ax` out")
        return ax.figure, ax, False
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize, FigureClass=AltFigure)
    ax = fig.add_subplot(projection=projection)
    return fig, ax, True


def new_grid(nrows: int, ncols: int, figsize):
    """Return ``(fig, axes 2-D array)`` of a new AltFigure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False,
                             FigureClass=AltFigure)
    return fig, axes


def finish(fig, ax, own: bool, text: str):
    """Store the alt text on the figure and Axes; return the Figure (new) or the Axes (given)."""
    text = " ".join(text.split())
    if ax is not None:
        setattr(ax, ALT_ATTR, text)
    previous = getattr(fig, ALT_ATTR, "") if not own else ""
    setattr(fig, ALT_ATTR, f"{previous} {text}".strip() if previous else text)
    if not own and type(fig) is Figure:
        # the caller's plt.subplots figure: give it the notebook display with alt metadata
        # (each panel drawn here adds its description; vk.plot.describe can replace them)
        fig.__class__ = AltFigure
    return fig if own else ax


def figure(alt: str, nrows: int = 1, ncols: int = 1, figsize=(6.4, 4.8), **kwargs):
    """A new figure for your own matplotlib drawing, described by ``alt``: ``(fig, axes)``.

    Like ``plt.subplots(nrows, ncols, figsize=...)`` (``axes`` is one Axes when both are 1,
    otherwise an array), but the figure is an :class:`AltFigure` carrying ``alt`` as its
    description, so its notebook output has alt text. Title and label the axes yourself.

    Example:
        >>> import vectorkit as vk
        >>> fig, ax = vk.plot.figure("Line chart of y = x squared for x from 0 to 3.")
        >>> _ = ax.plot([0, 1, 2, 3], [0, 1, 4, 9])
        >>> vk.plot.alt_text(fig)
        'Line chart of y = x squared for x from 0 to 3.'
    """
    import matplotlib.pyplot as plt

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"`alt` must be a non-empty description of the figure, got {alt!r}")
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, FigureClass=AltFigure, **kwargs)
    setattr(fig, ALT_ATTR, " ".join(alt.split()))
    return fig, axes


def describe(fig, alt: str):
    """Attach the description ``alt`` to a figure you made with matplotlib; return the figure.

    Works on a plain ``matplotlib.figure.Figure`` (e.g. from ``plt.subplots``) or an Axes
    (its figure is described). The figure then shows ``alt`` as the alt text of its notebook
    output, as figures drawn by ``vk.plot`` do.

    Example:
        >>> import matplotlib.pyplot as plt, vectorkit as vk
        >>> fig, ax = plt.subplots()
        >>> _ = vk.plot.describe(fig, "An empty chart.")
        >>> vk.plot.alt_text(fig)
        'An empty chart.'
        >>> plt.close(fig)
    """
    fig = getattr(fig, "figure", fig) if not isinstance(fig, Figure) else fig
    if not isinstance(fig, Figure):
        raise TypeError(f"`fig` must be a matplotlib Figure or Axes, got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"`alt` must be a non-empty description of the figure, got {alt!r}")
    if type(fig) is Figure:  # same state, adds only the notebook display with alt metadata
        fig.__class__ = AltFigure
    setattr(fig, ALT_ATTR, " ".join(alt.split()))
    return fig


def alt_text(obj) -> str:
    """Return the alt text of a figure or Axes drawn by ``vk.plot`` ("" if it has none).

    Example:
        >>> import vectorkit as vk
        >>> fig = vk.plot.top_classes([("cat", 0.9), ("dog", 0.1)])
        >>> vk.plot.alt_text(fig)[:38]
        'Horizontal bar chart of the top 2 clas'
    """
    text = getattr(obj, ALT_ATTR, "")
    if not text and hasattr(obj, "figure") and obj.figure is not None:
        text = getattr(obj.figure, ALT_ATTR, "")
    return text


def savefig(fig, path, **kwargs):
    """Save ``fig`` like ``fig.savefig`` and write its alt text into the file's metadata.

    PNG and SVG get a ``Description`` entry, PDF a ``Subject``. Returns the path.

    Example:
        >>> import tempfile, os, vectorkit as vk
        >>> fig = vk.plot.top_classes([("cat", 0.9)])
        >>> out = vk.plot.savefig(fig, os.path.join(tempfile.mkdtemp(), "classes.png"))
    """
    fig = getattr(fig, "figure", fig) if not isinstance(fig, Figure) else fig
    fmt = kwargs.get("format") or os.path.splitext(str(path))[1].lstrip(".").lower() or "png"
    text = alt_text(fig)
    if text and "metadata" not in kwargs:
        key = {"png": "Description", "svg": "Description", "pdf": "Subject"}.get(fmt)
        if key:
            kwargs["metadata"] = {key: text}
    kwargs.setdefault("bbox_inches", "tight")
    fig.savefig(path, **kwargs)
    return path


def short(text, limit: int = 40) -> str:
    """One line of at most ``limit`` characters (an ellipsis marks a cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def ranked_bars(ax, names: list[str], scores: list[float], colour: str, decimals: int,
                name_size=None) -> None:
    """Horizontal bars of ``scores`` (given best first) drawn best at the top, each labelled
    with its value; the x range leaves room for the labels on either side of zero."""
    names, scores = names[::-1], scores[::-1]
    bars = ax.barh(range(len(scores)), scores, color=colour)
    ax.set_yticks(range(len(scores)), names, fontsize=name_size)
    ax.bar_label(bars, labels=[f"{s:.{decimals}f}" for s in scores], padding=3, fontsize=8)
    lo, hi = min(0.0, min(scores)), max(0.0, max(scores))
    room = 0.18 * ((hi - lo) or 1.0)
    ax.set_xlim(lo - room if lo < 0 else 0.0, hi + room if hi > 0 else 0.0)
