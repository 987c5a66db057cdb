"""projection_explorer: switch between PCA, t-SNE and UMAP, tune t-SNE's perplexity and UMAP's
number of neighbours, see the scatter."""

from __future__ import annotations

import functools

import numpy as np

from vectorkit.widgets._common import FigureView, error_html, require_ipywidgets, use_static

__all__ = ["Projection", "projection_explorer"]

_TITLES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
DEFAULT_NEIGHBOURS = 15  # umap-learn's default n_neighbors


class Projection:
    """Vectors, labels and cached 2-D projections: the pure part of projection_explorer.

    Example:
        >>> import numpy as np
        >>> p = Projection(np.random.default_rng(0).normal(size=(12, 5)), ["a"] * 6 + ["b"] * 6)
        >>> p.points("tsne", perplexity=3).shape
        (12, 2)
        >>> p.umap_neighbours(15)  # UMAP's n_neighbors is limited to n - 1
        11
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

    @property
    def max_neighbours(self) -> int:
        """The largest UMAP ``n_neighbors`` worth offering for this many points (at least 2)."""
        return int(max(2, min(100, self.X.shape[0] - 1)))

    def umap_neighbours(self, n_neighbors: int | None = None) -> int:
        """The ``n_neighbors`` UMAP runs with: ``n_neighbors`` (default 15) limited to 2..n-1."""
        if n_neighbors is None:
            n_neighbors = DEFAULT_NEIGHBOURS
        if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, int | np.integer) \
                or n_neighbors < 2:
            raise ValueError(f"`n_neighbors` must be an integer >= 2, got {n_neighbors!r}")
        return int(min(n_neighbors, self.X.shape[0] - 1))

    def points(self, method: str = "pca", perplexity: float | None = None,
               n_neighbors: int | None = None) -> np.ndarray:
        """2-D points by ``method``; ``perplexity`` matters for t-SNE only, ``n_neighbors``
        for UMAP only (default 15). Results are cached."""
        from vectorkit.reduction import reduce, tsne_perplexity

        if method not in self.methods:
            raise ValueError(f"`method` must be one of {self.methods}, got {method!r}")
        setting = {"tsne": lambda: tsne_perplexity(len(self.X), perplexity),
                   "umap": lambda: self.umap_neighbours(n_neighbors)}.get(method, lambda: None)
        key = (method, setting())
        if key not in self._cache:
            kwargs = {"tsne": {"perplexity": key[1]}, "umap": {"n_neighbors": key[1]}}.get(
                method, {})
            self._cache[key] = reduce(self.X, method, 2, random_state=self.random_state,
                                      **kwargs)
        return self._cache[key]

    def figure(self, method: str = "pca", perplexity: float | None = None,
               n_neighbors: int | None = None):
        """The scatter plot of :meth:`points`, coloured by label."""
        from vectorkit.plot import scatter

        pts = self.points(method, perplexity, n_neighbors)
        title = _TITLES[method]
        if method == "tsne" and perplexity:
            title += f" (perplexity {perplexity:g})"
        elif method == "umap":
            title += f" ({self.umap_neighbours(n_neighbors)} neighbours)"
        return scatter(pts, labels=self.labels, texts=self.texts, title=title,
                       axis_labels=[f"{_TITLES[method]} 1", f"{_TITLES[method]} 2"])


@functools.cache
def _make_class():
    widgets = require_ipywidgets()

    class ProjectionExplorer(FigureView, widgets.VBox):
        """A method dropdown, a perplexity and a neighbours slider, and the scatter plot."""

        default_summary = "Projection explorer"

        def __init__(self, projection: Projection, method: str, perplexity: int,
                     n_neighbors: int):
            self.projection = projection
            self.method = widgets.Dropdown(
                options=[(_TITLES[m], m) for m in projection.methods], value=method,
                description="method:")
            self.perplexity = widgets.IntSlider(
                value=min(perplexity, projection.max_perplexity), min=2,
                max=projection.max_perplexity, description="perplexity:",
                continuous_update=False)
            self.n_neighbors = widgets.IntSlider(
                value=projection.umap_neighbours(n_neighbors), min=2,
                max=projection.max_neighbours, description="neighbours:",
                continuous_update=False)
            self.picture = widgets.HTML()
            self.caption = widgets.HTML()
            self.points = None
            super().__init__([widgets.HBox([self.method, self.perplexity, self.n_neighbors]),
                              self.picture, self.caption])
            self.add_class("vk-projection-explorer")
            self.method.observe(self.update, names="value")
            self.perplexity.observe(self.update, names="value")
            self.n_neighbors.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            method = self.method.value
            self.perplexity.disabled = method != "tsne"
            self.n_neighbors.disabled = method != "umap"
            try:
                perplexity = self.perplexity.value if method == "tsne" else None
                neighbours = self.n_neighbors.value if method == "umap" else None
                self.points = self.projection.points(method, perplexity, neighbours)
                self.show_figure(self.projection.figure(method, perplexity, neighbours))
            except Exception as exc:
                self.caption.value = error_html(exc)

    return ProjectionExplorer


def projection_explorer(X, labels=None, texts=None, *, method="pca", perplexity=10,
                        n_neighbors=DEFAULT_NEIGHBOURS, random_state=0, static=None):
    """Explore 2-D projections: method dropdown, perplexity and neighbours sliders, scatter.

    Args:
        X: vectors ``(n, d)``.
        labels: a category per row (colours and legend).
        texts: short texts written at the points.
        method: the starting method: "pca", "tsne" or "umap" (offered when umap-learn is
            installed).
        perplexity: the starting t-SNE perplexity (the slider is limited to what ``n`` allows).
        n_neighbors: the starting UMAP ``n_neighbors`` (default 15, umap-learn's): how many
            nearest neighbours describe each point's neighbourhood; small values keep local
            detail, large ones the global layout (limited to ``n - 1``).
        random_state: seed of t-SNE/UMAP: the same seed, the same picture.
        static: ``True`` returns the scatter figure for ``method`` (with ``perplexity`` or
            ``n_neighbors``) instead of a widget.

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
    projection.umap_neighbours(n_neighbors)  # checks it
    if use_static(static):
        return projection.figure(method, perplexity if method == "tsne" else None,
                                 n_neighbors if method == "umap" else None)
    return _make_class()(projection, method, perplexity, n_neighbors)
