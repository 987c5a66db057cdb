"""Image grids and search-result figures (text or images)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from vectorkit._validation import check_labels
from vectorkit.plot._figure import (
    finish,
    new_axes,
    new_grid,
    ranked_bars,
    short,
)

__all__ = ["image_grid", "search_results"]


def _rgb(image, name: str) -> np.ndarray:
    from vectorkit.images import to_rgb_uint8

    return to_rgb_uint8(image, name, max_side=512)


def _image_list(images, name: str = "images") -> list:
    if isinstance(images, np.ndarray) and images.ndim == 4:
        return list(images)
    if isinstance(images, list | tuple):
        if not images:
            raise ValueError(f"`{name}` is empty; expected at least one image")
        return list(images)
    raise ValueError(f"`{name}` must be a list of images (paths, PIL images or arrays) or a "
                     f"4-D array, got {type(images).__name__}")


def image_grid(images, captions=None, *, ncols=None, title="Images", size=2.2):
    """Show images in a grid with a caption under each.

    Args:
        images: a list of images (paths, PIL images or arrays) or an ``(n, H, W, C)`` array.
        captions: one caption per image (default: the image number).
        ncols: images per row (default: up to 5).
        title: the figure title.
        size: width of one image in inches.

    Returns:
        the Figure.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> imgs = [np.full((8, 8, 3), v, np.uint8) for v in (0, 128, 255)]
        >>> fig = vk.plot.image_grid(imgs, ["black", "grey", "white"])
    """
    items = _image_list(images)
    n = len(items)
    caps = check_labels(captions, n, "captions", "image")
    if ncols is None:
        ncols = min(5, n)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"`ncols` must be a positive integer, got {ncols!r}")
    nrows = math.ceil(n / ncols)
    fig, axes = new_grid(nrows, ncols, figsize=(size * ncols, size * nrows + 0.6))
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k < n:
            ax.imshow(_rgb(items[k], f"images[{k}]"))
            ax.set_title(short(caps[k], 28), fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    listed = "; ".join(short(c, 30) for c in caps[:12]) + ("; ..." if n > 12 else "")
    rows = "1 row" if nrows == 1 else f"{nrows} rows"
    text = (f"Grid titled {title!r} of {n} images in {rows} of {ncols}, captioned: "
            f"{listed}.")
    return finish(fig, None, True, text)


def _item(items, i):
    """The entry of ``items`` (a list or a dict id -> item) for the result id ``i``."""
    try:
        return items[i] if isinstance(items, Mapping) else items[int(i)]
    except (KeyError, IndexError, TypeError, ValueError):
        kind = "dict" if isinstance(items, Mapping) else f"list of {len(items)}"
        raise ValueError(f"`items` (a {kind}) has no entry for the result id {i!r}: pass the "
                         "collection the index was built from, a list indexed by the ids "
                         "0..n-1 or a dict id -> item") from None


def _hits(results, items, k):
    """Return ``[(item, score), ...]`` and a default score label from the accepted inputs."""
    label = "score"
    if hasattr(results, "ids") and hasattr(results, "scores"):
        ids = np.asarray(results.ids)
        scores = np.asarray(results.scores, dtype=np.float64)
        if ids.ndim != 1:
            raise ValueError("`results` holds several queries; pass one, e.g. results[0]")
        metric = getattr(results, "metric", "score")
        label = {"cosine": "cosine similarity", "dot": "dot product",
                 "euclidean": "Euclidean distance (lower is closer)"}.get(metric, f"{metric} score")
        pairs = []
        for i, s in zip(ids.tolist(), scores.tolist(), strict=True):
            if i is None:
                continue
            pairs.append((i if items is None else _item(items, i), s))
    else:
        try:
            pairs = [(item, float(score)) for item, score in results]
        except (TypeError, ValueError):
            raise ValueError("`results` must be a SearchResult of one query or a list of "
                             f"(item, score) pairs, got {type(results).__name__}") from None
    if k is not None:
        pairs = pairs[:k]
    if not pairs:
        raise ValueError("`results` is empty: nothing to show")
    return pairs, label


def search_results(query, results, *, items=None, k=None, kind=None, title=None,
                   score_label=None, names=None, size=2.2):
    """Show a query and its ranked hits with their scores, for text or images.

    Args:
        query: the query text or image.
        results: a list of ``(item, score)`` pairs best first, or a one-query
            ``SearchResult`` (``index.search(q, k)``) whose ids index ``items``.
        items: the searched collection (a list indexed by id, or a dict id -> item), used with
            a ``SearchResult``; without it the ids are shown.
        k: show only the first ``k`` hits.
        kind: ``"text"`` (a bar chart of scores, one bar per hit) or ``"image"`` (a row of
            thumbnails: the query, then the hits). Default: image when the query or any hit
            is not a string.
        title: the title (default: the query).
        score_label: the score's name (default from the result's metric).
        names: a short name per shown hit for image captions and the alt text (default:
            the hit's text, or "image").

    Returns:
        the Figure.

    Example:
        >>> import vectorkit as vk
        >>> fig = vk.plot.search_results("pets", [("a cat sleeps", 0.71), ("stock prices", 0.05)])
    """
    pairs, default_label = _hits(results, items, k)
    score_label = score_label or default_label
    hit_names = [x if isinstance(x, str) else "image" for x, _ in pairs] if names is None \
        else check_labels(names, len(pairs), "names", "hit shown")
    if kind is None:
        kind = "image" if not all(isinstance(x, str) for x in [query, *[p[0] for p in pairs]]) \
            else "text"
    if kind not in ("text", "image"):
        raise ValueError(f"`kind` must be one of ['text', 'image'], got {kind!r}")
    qname = short(query, 50) if isinstance(query, str) else "the query image"
    if title is None:
        title = f"Results for {qname!r}" if isinstance(query, str) else "Nearest to the query image"
    if kind == "text":
        fig = _text_results(pairs, title, score_label)
    else:
        fig = _image_results(query, pairs, title, score_label, size,
                             hit_names if names is not None else None)
    listing = "; ".join(f"{r}. {short(name, 40)} ({s:.2f})"
                        for r, (name, (_, s)) in enumerate(zip(hit_names, pairs, strict=True), 1))
    text = f"Search results titled {title!r}: {len(pairs)} hits ranked by {score_label}: {listing}."
    return finish(fig, None, True, text)


def _text_results(pairs, title, score_label):
    fig, ax, _ = new_axes(None, figsize=(8.0, 1.2 + 0.45 * len(pairs)))
    ranked_bars(ax, [f"{r}. {short(x, 60)}" for r, (x, _) in enumerate(pairs, 1)],
                [s for _, s in pairs], "tab:green", 3, name_size=9)
    ax.set_xlabel(score_label)
    ax.set_ylabel("rank. result")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def _show_cell(ax, thing, caption, name):
    if isinstance(thing, str):
        import textwrap

        ax.text(0.5, 0.5, textwrap.fill(short(thing, 120), 22),
                ha="center", va="center", fontsize=9, transform=ax.transAxes,
                bbox={"boxstyle": "round", "facecolor": "#eef", "edgecolor": "#99c"})
    else:
        ax.imshow(_rgb(thing, name))
    ax.set_title(caption, fontsize=9)
    ax.set_axis_off()


def _image_results(query, pairs, title, score_label, size, names):
    n = len(pairs) + 1
    fig, axes = new_grid(1, n, figsize=(size * n, size + 0.8))
    _show_cell(axes[0, 0], query, "query", "query")
    axes[0, 0].patch.set_edgecolor("black")
    for r, ((item, score), ax) in enumerate(zip(pairs, axes[0, 1:], strict=True), 1):
        caption = f"#{r}  {score:.3f}" if names is None else \
            f"#{r} {short(names[r - 1], 18)}  {score:.3f}"
        _show_cell(ax, item, caption, f"results[{r - 1}]")
    fig.suptitle(f"{title}\n(hits ranked by {score_label})", fontsize=10)
    fig.tight_layout()
    return fig
