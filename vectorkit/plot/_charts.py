"""Similarity heatmaps and top-class bar charts."""

from __future__ import annotations

import numpy as np

from vectorkit._validation import as_vectors, check_labels
from vectorkit.plot._figure import finish, new_axes, ranked_bars, short

__all__ = ["similarity_heatmap", "top_classes"]

#: Heatmaps with at most this many cells print each value in its cell by default.
ANNOTATE_MAX_CELLS = 144


def _extremes(m, rows, cols, square: bool) -> str:
    """Describe the highest and lowest cells (off the diagonal of a square matrix)."""
    vals = np.array(m, dtype=np.float64)
    if square and vals.shape[0] > 1:
        np.fill_diagonal(vals, np.nan)
    hi = np.unravel_index(np.nanargmax(vals), vals.shape)
    lo = np.unravel_index(np.nanargmin(vals), vals.shape)
    return (f"Highest: {short(rows[hi[0]], 30)!r} and {short(cols[hi[1]], 30)!r} "
            f"({m[hi]:.2f}); lowest: {short(rows[lo[0]], 30)!r} and "
            f"{short(cols[lo[1]], 30)!r} ({m[lo]:.2f}).")


def similarity_heatmap(labels, matrix, *, col_labels=None, ax=None, title="Pairwise similarity",
                       value_label="cosine similarity", annotate=None, fmt=".2f", vmin=None,
                       vmax=None, cmap="viridis"):
    """Draw a similarity matrix as a coloured grid, with the values printed when it is small.

    Args:
        labels: one label per row (and per column when ``col_labels`` is not given).
        matrix: ``(n, m)`` similarities, e.g. ``vk.cosine_similarity(E, E)``.
        col_labels: labels of the columns for a non-square matrix.
        ax: draw into this Axes instead of a new figure.
        title, value_label: the title and the colour bar's label.
        annotate: print values in the cells; default when there are at most 144 cells.
        fmt: format of the printed values.
        vmin, vmax, cmap: colour scale (default: the data's range, viridis).

    Returns:
        the new Figure (or ``ax`` when given). ``vk.plot.alt_text(fig)`` describes it.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> E = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
        >>> fig = vk.plot.similarity_heatmap(["cat", "kitten", "car"],
        ...                                  vk.cosine_similarity(E, E))
    """
    m = as_vectors(matrix, "matrix", np.float64, allow_1d=False)
    rows = check_labels(labels, m.shape[0], "labels", "row of `matrix`")
    if col_labels is None and m.shape[0] != m.shape[1]:
        raise ValueError(f"`matrix` is {m.shape[0]} x {m.shape[1]}: pass `col_labels` for its "
                         f"{m.shape[1]} columns")
    cols = rows if col_labels is None else check_labels(col_labels, m.shape[1], "col_labels",
                                                     "column of `matrix`")
    n_cells = m.size
    if annotate is None:
        annotate = n_cells <= ANNOTATE_MAX_CELLS
    side = min(12.0, 2.5 + 0.45 * max(m.shape))
    fig, ax, own = new_axes(ax, figsize=(side + 1.2, side))
    image = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    ax.set_xticks(range(m.shape[1]), [short(c, 25) for c in cols], rotation=45, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(range(m.shape[0]), [short(r, 25) for r in rows])
    ax.set_xlabel("compared with")
    ax.set_ylabel("item")
    ax.set_title(title)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label(value_label)
    if annotate:
        lo, hi = image.get_clim()
        mid = (lo + hi) / 2
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=8,
                    color="black" if v > mid else "white")
    if own:
        fig.tight_layout()
    text = (f"Heatmap titled {title!r} of {value_label} between {m.shape[0]} x {m.shape[1]} "
            f"items, values from {m.min():.2f} to {m.max():.2f}"
            f"{' printed in each cell' if annotate else ''}. {_extremes(m, rows, cols, col_labels is None)}")
    return finish(fig, ax, own, text)


def _pairs(pairs) -> list[tuple[str, float]]:
    if isinstance(pairs, list | tuple) and len(pairs) == 1 and isinstance(pairs[0], list):
        pairs = pairs[0]  # classify() on a list of one item returns [[(label, score), ...]]
    try:
        out = [(str(label), float(score)) for label, score in pairs]
    except (TypeError, ValueError):
        raise ValueError("`pairs` must be a list of (label, score) pairs such as "
                         "model.classify(item, top_k=5), got "
                         f"{short(repr(pairs), 80)}") from None
    if not out:
        raise ValueError("`pairs` is empty; expected at least one (label, score) pair")
    if not np.isfinite([s for _, s in out]).all():
        raise ValueError("`pairs` contains a NaN or infinite score")
    return out


def top_classes(pairs, *, ax=None, title="Top classes", xlabel="score"):
    """Horizontal bar chart of ``(label, score)`` pairs, best at the top.

    Args:
        pairs: e.g. ``model.classify(image, top_k=5)`` for one item.
        ax: draw into this Axes instead of a new figure.
        title, xlabel: the title and the score axis label (e.g. "probability").

    Returns:
        the new Figure (or ``ax`` when given).

    Example:
        >>> import vectorkit as vk
        >>> fig = vk.plot.top_classes([("espresso", 0.96), ("cup", 0.02)], xlabel="probability")
    """
    items = _pairs(pairs)
    fig, ax, own = new_axes(ax, figsize=(6.4, 1.2 + 0.4 * len(items)))
    ranked_bars(ax, [short(label, 35) for label, _ in items], [s for _, s in items],
                "tab:blue", 2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("class")
    ax.set_title(title)
    if own:
        fig.tight_layout()
    listing = "; ".join(f"{short(label, 30)} {s:.2f}" for label, s in items)
    text = (f"Horizontal bar chart of the top {len(items)} classes titled {title!r} "
            f"({xlabel}), best first: {listing}.")
    return finish(fig, ax, own, text)
