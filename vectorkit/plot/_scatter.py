"""Scatter plots of projected embeddings (2-D or 3-D), coloured by label."""

from __future__ import annotations

from collections import Counter

import numpy as np

from vectorkit._validation import as_vectors, check_labels
from vectorkit.plot._figure import finish, new_axes, short

__all__ = ["scatter"]

#: More distinct labels than this share colours from a continuous colour map.
_QUALITATIVE_MAX = 20


def _colours(groups: list[str]):
    import matplotlib as mpl

    if len(groups) <= 10:
        cmap = mpl.colormaps["tab10"]
        return {g: cmap(i) for i, g in enumerate(groups)}
    if len(groups) <= _QUALITATIVE_MAX:
        cmap = mpl.colormaps["tab20"]
        return {g: cmap(i) for i, g in enumerate(groups)}
    cmap = mpl.colormaps["viridis"]
    return {g: cmap(i / (len(groups) - 1)) for i, g in enumerate(groups)}


def _thumbnail(image, size: int):
    from PIL import Image

    from vectorkit.images import to_rgb_uint8

    small = Image.fromarray(to_rgb_uint8(image, "images[i]"))
    small.thumbnail((size, size))
    return np.asarray(small)


def _place_texts(ax, texts: list[str], pts: np.ndarray, s: float) -> None:
    """Write ``texts`` (one per 2-D point) near their points, none overlapping another or a
    marker; a thin line joins a text placed away from its point (textalloc)."""
    import textalloc

    textalloc.allocate(ax, pts[:, 0], pts[:, 1], texts, x_scatter=pts[:, 0],
                       y_scatter=pts[:, 1], scatter_sizes=[s] * len(texts), textsize=7,
                       linecolor="0.45", linewidth=0.5, max_distance=0.3, draw_all=True)


def scatter(points, labels=None, texts=None, images=None, *, ax=None,
            title="Embeddings projected to 2-D", axis_labels=None, thumb_px=40, max_texts=60,
            s=30, legend_title=None, figsize=(7.5, 6.0)):
    """Scatter plot of 2-D or 3-D points, coloured by label with a legend.

    Args:
        points: ``(n, 2)`` or ``(n, 3)`` coordinates, e.g. from ``vk.reduce``.
        labels: one category per point; points are coloured by it and a legend names them.
        texts: short texts written next to the points (cut to 30 characters; at most
            ``max_texts`` are written, the first ones). In 2-D they are placed so that none
            overlaps another or a marker, with a thin line to their point when moved away.
        images: one image per point (paths, PIL images or arrays), drawn as thumbnails of
            ``thumb_px`` pixels at the points (2-D only).
        ax: draw into this Axes (a 3-D Axes for 3-D points) instead of a new figure.
        title: the title; for 3-D points the default says "3-D".
        axis_labels: names of the axes (default "component 1", "component 2", ...).
        s: marker size.
        legend_title: what the labels are, e.g. ``"topic"``: the legend's title and the word
            the alt text uses (default: a legend without a title).
        figsize: the size of a new figure in inches (set it here rather than afterwards, so
            the texts are placed for the final size).

    Returns:
        the new Figure (or ``ax`` when given).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> P = np.array([[0, 0], [0, 1], [5, 5], [5, 6]])
        >>> fig = vk.plot.scatter(P, labels=["a", "a", "b", "b"], texts=["w", "x", "y", "z"])
    """
    pts = as_vectors(points, "points", np.float64, allow_1d=False)
    n, dim = pts.shape
    if dim not in (2, 3):
        raise ValueError(f"`points` must have 2 or 3 columns (use vk.reduce first), got shape "
                         f"{pts.shape}")
    lab = check_labels(labels, n, "labels", "point") if labels is not None else None
    txt = check_labels(texts, n, "texts", "point") if texts is not None else None
    if images is not None:
        if dim == 3:
            raise ValueError("`images` thumbnails work on 2-D points only; reduce to "
                             "n_components=2 or leave `images` out")
        if isinstance(images, str | bytes) or not hasattr(images, "__len__") \
                or len(images) != n:
            got = len(images) if hasattr(images, "__len__") else type(images).__name__
            raise ValueError(f"`images` must be a list of {n} images (one per point), got {got}")
    if title == "Embeddings projected to 2-D" and dim == 3:
        title = "Embeddings projected to 3-D"
    names = list(axis_labels) if axis_labels is not None else \
        [f"component {i + 1}" for i in range(dim)]
    if len(names) != dim:
        raise ValueError(f"`axis_labels` must have {dim} names, got {len(names)}")
    if legend_title is not None and not isinstance(legend_title, str):
        raise TypeError(f"`legend_title` must be a str or None, got {type(legend_title).__name__}")
    fig, ax, own = new_axes(ax, figsize=figsize, projection="3d" if dim == 3 else None)
    cols = [pts[:, j] for j in range(dim)]
    if lab is None:
        ax.scatter(*cols, s=s, color="tab:blue", alpha=0.8)
        counts = Counter()
    else:
        counts = Counter(lab)
        groups = list(dict.fromkeys(lab))
        colours = _colours(groups)
        arr = np.array(lab, dtype=object)
        for g in groups:
            sel = arr == g
            ax.scatter(*(c[sel] for c in cols), s=s, color=colours[g], label=short(g, 25),
                       alpha=0.85)
        if len(groups) <= 30:
            ax.legend(title=legend_title, loc="best", fontsize=8, title_fontsize=9,
                      markerscale=1.2, framealpha=0.8)
    if images is not None:
        from matplotlib.offsetbox import AnnotationBbox, OffsetImage

        for i, img in enumerate(images):
            box = OffsetImage(_thumbnail(img, int(thumb_px)), zoom=1.0)
            # with labels, a frame in the label's colour keeps the grouping visible
            frame = {"edgecolor": colours[lab[i]], "linewidth": 2} if lab is not None else {}
            ax.add_artist(AnnotationBbox(box, (pts[i, 0], pts[i, 1]), frameon=lab is not None,
                                         pad=0.1, bboxprops=frame or None))
    if dim == 3 and txt is not None:
        for i, t in enumerate(txt[:max_texts]):
            ax.text(*pts[i], short(t, 30), fontsize=7)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if dim == 3:
        ax.set_zlabel(names[2])
    ax.set_title(title)
    if own:
        fig.tight_layout()
    if dim == 2 and txt is not None:  # placed last: they need the final layout
        keep = [i for i, t in enumerate(txt[:max_texts]) if t.strip()]  # "" = no text
        if keep:
            _place_texts(ax, [short(txt[i], 30) for i in keep], pts[keep], s)
    parts = [f"Scatter plot titled {title!r} of {n} points in {dim}-D"]
    if counts:
        top = ", ".join(f"{short(g, 25)} ({c})" for g, c in counts.most_common(8))
        more = f" and {len(counts) - 8} more" if len(counts) > 8 else ""
        parts.append(f", coloured by {legend_title or 'label'}: {len(counts)} groups: "
                     f"{top}{more}")
        if len(counts) <= 8:
            arr = np.array(lab, dtype=object)
            centres = "; ".join(
                f"{short(g, 25)} around ("
                + ", ".join(f"{v:.1f}" for v in pts[arr == g].mean(axis=0)) + ")"
                for g in counts)
            parts.append(f". Group centres: {centres}")
    if images is not None:
        parts.append(", each point drawn as an image thumbnail")
    if txt is not None:
        parts.append(f", {min(n, max_texts)} points labelled with their text")
    spans = "; ".join(f"{names[j]} from {pts[:, j].min():.2f} to {pts[:, j].max():.2f}"
                      for j in range(dim))
    return finish(fig, ax, own, "".join(parts) + f". Axes: {spans}.")
