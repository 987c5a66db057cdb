"""projection_explorer: switch between PCA, t-SNE and UMAP and tune perplexity, see the scatter."""

from __future__ import annotations

import functools

import numpy as np

from vectorkit.widgets._common import FigureView, error_html, require_ipywidgets, use_static

__all__ = ["Projection", "projection_explorer"]

_TITLES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}


class Projection:
    """Vectors, labels and cached 2-D projections: the pure part of projection_explorer.

    Example:
        >>> import numpy as np
        >>> p = Projection(np.random.default_rng(0).normal(size=(12, 5)), ["a"] * 6 + ["b"] * 6)
        >>> p.points("tsne", perplexity=3).shape
        (12, 2)
    """

    def __init__(self, X, labels=None, texts=None, random_state: int = 0):
        from vectorkit._validation import as_vectors, check_labels
        from vectorkit.reduction import umap_available

        self.X = as_vectors(X, "X", np.float64, allow_1d=False)
        n = self.X.shape[0]
        self.labels, self.texts = (None if v is None else check_labels(v, n, name, "row of `X`")
                                   for name, v in (("labels", labels), ("texts", texts)))
        self.random_state = random_state
        self.methods = ["pca", "tsne"] + (["umap"] if umap_available() else [])
        self._cache: dict = {}

    @property
    def max_perplexity(self) -> int:
        """The largest perplexity worth offering for this many points (at least 2)."""
        return int(max(2, min(50, (self.X.shape[0] - 1) // 3)))

    def points(self, method: str = "pca", perplexity: float | None = None) -> np.ndarray:
        """2-D points by ``method``; perplexity matters for t-SNE only. Results are cached."""
        from vectorkit.reduction import reduce, tsne_perplexity

        if method not in self.methods:
            raise ValueError(f"`method` must be one of {self.methods}, got {method!r}")
        key = (method, tsne_perplexity(len(self.X), perplexity) if method == "tsne" else None)
        if key not in self._cache:
            kwargs = {"perplexity": key[1]} if method == "tsne" else {}
            self._cache[key] = reduce(self.X, method, 2, random_state=self.random_state,
                                      **kwargs)
        return self._cache[key]

    def figure(self, method: str = "pca", perplexity: float | None = None):
        """The scatter plot of :meth:`points`, coloured by label."""
        from vectorkit.plot import scatter

        pts = self.points(method, perplexity)
        title = _TITLES[method] + (f" (perplexity {perplexity:g})"
                                   if method == "tsne" and perplexity else "")
        return scatter(pts, labels=self.labels, texts=self.texts, title=title,
                       axis_labels=[f"{_TITLES[method]} 1", f"{_TITLES[method]} 2"])


@functools.cache
def _make_class():
    widgets = require_ipywidgets()

    class ProjectionExplorer(FigureView, widgets.VBox):
        """A method dropdown, a perplexity slider and the scatter plot."""

        default_summary = "Projection explorer"

        def __init__(self, projection: Projection, method: str, perplexity: int):
            self.projection = projection
            self.method = widgets.Dropdown(
                options=[(_TITLES[m], m) for m in projection.methods], value=method,
                description="method:")
            self.perplexity = widgets.IntSlider(
                value=min(perplexity, projection.max_perplexity), min=2,
                max=projection.max_perplexity, description="perplexity:",
                continuous_update=False)
            self.picture = widgets.HTML()
            self.caption = widgets.HTML()
            self.points = None
            super().__init__([widgets.HBox([self.method, self.perplexity]), self.picture,
                              self.caption])
            self.add_class("vk-projection-explorer")
            self.method.observe(self.update, names="value")
            self.perplexity.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            method = self.method.value
            self.perplexity.disabled = method != "tsne"
            try:
                perplexity = self.perplexity.value if method == "tsne" else None
                self.points = self.projection.points(method, perplexity)
                self.show_figure(self.projection.figure(method, perplexity))
            except Exception as exc:
                self.caption.value = error_html(exc)

    return ProjectionExplorer


def projection_explorer(X, labels=None, texts=None, *, method="pca", perplexity=10,
                        random_state=0, static=None):
    """Explore 2-D projections of vectors: method dropdown, perplexity slider, scatter plot.

    Args:
        X: vectors ``(n, d)``.
        labels: a category per row (colours and legend).
        texts: short texts written at the points.
        method: the starting method: "pca", "tsne" or "umap" (offered when umap-learn is
            installed).
        perplexity: the starting t-SNE perplexity (the slider is limited to what ``n`` allows).
        random_state: seed of t-SNE/UMAP: the same seed, the same picture.
        static: ``True`` returns the scatter figure for ``method`` instead of a widget.

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).normal(size=(30, 8))
        >>> w = projection_explorer(X, ["a", "b", "c"] * 10)
        >>> w.method.value = "tsne"; w.perplexity.value = 5
    """
    projection = Projection(X, labels, texts, random_state)
    if method == "umap" and "umap" not in projection.methods:
        from vectorkit.reduction import _import_umap

        _import_umap()  # raises ImportError naming the install command
    if method not in projection.methods:
        raise ValueError(f"`method` must be one of {projection.methods}, got {method!r}")
    if isinstance(perplexity, bool) or not isinstance(perplexity, int) or perplexity < 2:
        raise ValueError(f"`perplexity` must be an integer >= 2, got {perplexity!r}")
    if use_static(static):
        return projection.figure(method, perplexity if method == "tsne" else None)
    return _make_class()(projection, method, perplexity)
