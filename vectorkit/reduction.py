"""Dimensionality reduction for looking at embeddings: PCA, t-SNE and (optionally) UMAP.

``vk.reduce(X, method, n_components)`` turns ``(n, d)`` vectors into ``(n, 2)`` or ``(n, 3)``
points for a scatter plot. The same ``random_state`` always gives the same points.
"""

from __future__ import annotations

import warnings

import numpy as np

from vectorkit._validation import as_vectors, check_nonzero_rows

__all__ = ["reduce", "METHODS", "PROGRESS_THRESHOLD", "tsne_perplexity", "umap_available"]

#: Reduction methods understood by :func:`reduce`.
METHODS = ("pca", "tsne", "umap")
#: t-SNE / UMAP on more points than this report their progress unless ``progress=False``.
PROGRESS_THRESHOLD = 2000
#: t-SNE on up to this many points runs its OpenMP gradient loop on one thread: waiting OpenMP
#: threads spin against other load, and a classroom laptop often has some. Measured with
#: benchmarks/bench_reduction.py on 2 cores (seconds, default threads -> one thread):
#: load average ~5: 300 / 600 / 1500 points 12.0 / 13.6 / 19.9 -> 1.5 / 2.8 / 7.1;
#: load average ~4: 200 / 1000 / 3000 points 2.9 / 2.0 / 12.6 -> 0.7 / 2.6 / 18.2;
#: idle: 200 / 1000 / 3000 points 0.38 / 1.88 / 8.46 -> 0.42 / 2.77 / 11.8.
#: One thread wins several-fold on small inputs or a loaded machine and costs 10-50% on an
#: idle one (or a lightly loaded one above a few hundred points). Above ~1000 points the
#: loaded-machine gain is gone (3000 points: 12.6 s -> 18.2 s), so larger inputs keep the
#: default threads. The course's maps have at most a few hundred points.
TSNE_SINGLE_THREAD_BELOW = 1000
#: scikit-learn's default t-SNE perplexity, used when the data are large enough.
DEFAULT_PERPLEXITY = 30.0
UMAP_INSTALL = 'pip install "vectorkit[umap]"  (or: pip install umap-learn)'


def tsne_perplexity(n_samples: int, perplexity: float | None = None) -> float:
    """Return a t-SNE perplexity that works for ``n_samples`` points.

    scikit-learn refuses a perplexity >= the number of points; a common rule of thumb keeps it
    below ``(n - 1) / 3`` so each point has enough neighbours. The default (30) and any larger
    request are lowered to that bound for small data (never below 1).

    Example:
        >>> from vectorkit.reduction import tsne_perplexity
        >>> tsne_perplexity(10), tsne_perplexity(1000)
        (3.0, 30.0)
    """
    wanted = DEFAULT_PERPLEXITY if perplexity is None else float(perplexity)
    if not np.isfinite(wanted) or wanted <= 0:
        raise ValueError(f"`perplexity` must be a positive number, got {perplexity!r}")
    return float(max(1.0, min(wanted, (n_samples - 1) / 3.0)))


def umap_available() -> bool:
    """Return True when the optional ``umap-learn`` package can be imported."""
    import importlib.util

    return importlib.util.find_spec("umap") is not None


def _import_umap():
    import importlib.util

    try:
        if importlib.util.find_spec("tensorflow") is not None:
            # umap's __init__ imports TensorFlow when it is installed (parametric UMAP): import
            # it through vectorkit._tf first, which hides TF's C++ start-up notices (issue 15)
            from vectorkit._tf import tensorflow

            tensorflow()
        from umap import UMAP
    except ImportError as exc:
        raise ImportError(
            f"method='umap' needs the optional package umap-learn, which is not installed "
            f"({exc}). Install it with: {UMAP_INSTALL}; or use method='pca' or 'tsne'."
        ) from None
    return UMAP


def _check_args(X, method, n_components, random_state):
    arr = as_vectors(X, "X", np.float64, allow_1d=False)
    if not isinstance(method, str) or method.lower().replace("-", "") not in METHODS:
        raise ValueError(f"`method` must be one of {list(METHODS)}, got {method!r}")
    method = method.lower().replace("-", "")
    n, d = arr.shape
    if isinstance(n_components, bool) or not isinstance(n_components, int | np.integer) \
            or n_components < 1:
        raise ValueError(f"`n_components` must be a positive integer (2 or 3 to plot), "
                         f"got {n_components!r}")
    n_components = int(n_components)
    if n_components > d:
        raise ValueError(f"`n_components` ({n_components}) cannot exceed the dimension of the "
                         f"vectors in `X` ({d})")
    if method == "tsne" and n_components > 3:
        raise ValueError(f"`n_components` must be 1, 2 or 3 for t-SNE, got {n_components}")
    # PCA needs n >= n_components; scikit-learn's t-SNE works from 2 points; UMAP's spectral
    # initialisation needs n >= n_components + 2.
    min_rows = n_components + 2 if method == "umap" else max(2, n_components)
    if n < min_rows:
        raise ValueError(f"`X` must have at least {min_rows} rows for method={method!r} with "
                         f"n_components={n_components}, got {n}")
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, int | np.integer)):
        raise ValueError(f"`random_state` must be an integer or None, got {random_state!r}")
    return arr, method, n_components


def _all_identical(arr: np.ndarray, metric) -> bool:
    """True if every row is at distance ~0 (rounding: 1e-12 of the data's scale) from the
    first under ``metric``."""
    if not isinstance(metric, str) or metric == "precomputed":
        return False
    from sklearn.metrics import pairwise_distances

    far = pairwise_distances(arr, arr[:1], metric=metric).max()
    return bool(far <= 1e-12 * max(1.0, float(np.abs(arr).max())))


def _tsne(arr, n_components, random_state, verbose, kwargs):
    from sklearn.manifold import TSNE

    n = arr.shape[0]
    asked = kwargs.pop("perplexity", None)
    perplexity = tsne_perplexity(n, asked)
    if asked is not None and perplexity != float(asked):
        warnings.warn(f"t-SNE perplexity {asked} is too large for {n} points; "
                      f"using {perplexity:g} instead", UserWarning, stacklevel=3)
    kwargs.setdefault("metric", "cosine")
    kwargs.setdefault("init", "pca")
    if kwargs["metric"] == "cosine":
        check_nonzero_rows(arr, "X")
    if _all_identical(arr, kwargs["metric"]):
        # scikit-learn's Barnes-Hut tree recurses without end on one repeated point and
        # crashes the process (a segfault): there is nothing to lay out, so say so
        warnings.warn(f"t-SNE: all {n} rows of `X` are the same point under "
                      f"metric={kwargs['metric']!r}; returning the origin for every row",
                      UserWarning, stacklevel=3)
        return np.zeros((n, n_components), dtype=np.float32)
    model = TSNE(n_components=n_components, perplexity=perplexity, random_state=random_state,
                 verbose=verbose, **kwargs)
    if n > TSNE_SINGLE_THREAD_BELOW:
        return model.fit_transform(arr)
    from threadpoolctl import threadpool_limits  # a scikit-learn dependency

    with threadpool_limits(limits=1, user_api="openmp"):
        return model.fit_transform(arr)


def _umap(arr, n_components, random_state, verbose, kwargs):
    umap_cls = _import_umap()
    n = arr.shape[0]
    kwargs.setdefault("metric", "cosine")
    kwargs.setdefault("n_neighbors", min(15, n - 1))
    if kwargs["metric"] == "cosine":
        check_nonzero_rows(arr, "X")
    model = umap_cls(n_components=n_components, random_state=random_state, verbose=verbose,
                     **kwargs)
    with warnings.catch_warnings():
        # "n_jobs value 1 overridden to 1 by setting random_state": expected, we want that.
        warnings.filterwarnings("ignore", message=".*overridden to 1 by setting random_state.*")
        return model.fit_transform(arr)


def reduce(X, method: str = "pca", n_components: int = 2, random_state: int | None = 0,
           progress: bool | None = None, details: bool = False, **kwargs):
    """Project vectors to ``n_components`` dimensions (usually 2 or 3) for plotting.

    Args:
        X: vectors, shape ``(n, d)``.
        method: ``"pca"`` (linear, fast, keeps global distances), ``"tsne"`` (keeps local
            neighbourhoods; clusters look tight) or ``"umap"`` (like t-SNE, faster on large
            data; needs ``pip install "vectorkit[umap]"``).
        n_components: dimensions of the result: 2 or 3 to plot.
        random_state: seed; the same seed gives the same result. ``None`` varies each run.
        progress: print progress for t-SNE/UMAP; default: only for more than
            ``PROGRESS_THRESHOLD`` points.
        details: also return a dict saying how the projection was made: for PCA the
            ``solver`` (scikit-learn's ``svd_solver``; ``"full"``, an exact LAPACK SVD, unless
            you pass another) and ``explained_variance_ratio`` (the share of the variance
            each component keeps); for t-SNE the ``perplexity`` used.
        **kwargs: passed to scikit-learn ``PCA`` / ``TSNE`` or ``umap.UMAP``. t-SNE and UMAP use
            ``metric="cosine"`` unless you pass another; t-SNE's ``perplexity`` (default 30) is
            lowered for small inputs (see :func:`tsne_perplexity`).

    Returns:
        float32 array of shape ``(n, n_components)``; with ``details=True`` a tuple
        ``(array, dict)``.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> X = np.random.default_rng(0).normal(size=(20, 8))
        >>> vk.reduce(X, "pca").shape
        (20, 2)
        >>> np.array_equal(vk.reduce(X, "tsne"), vk.reduce(X, "tsne"))
        True
        >>> _, info = vk.reduce(X, "pca", details=True)
        >>> info["solver"], info["explained_variance_ratio"].shape
        ('full', (2,))
    """
    arr, method, n_components = _check_args(X, method, n_components, random_state)
    show = arr.shape[0] > PROGRESS_THRESHOLD if progress is None else bool(progress)
    kwargs = dict(kwargs)
    if method == "pca":
        from sklearn.decomposition import PCA

        kwargs.setdefault("svd_solver", "full")
        pca = PCA(n_components=n_components, random_state=random_state, **kwargs)
        out = pca.fit_transform(arr)
        info = {"method": "pca", "solver": pca.svd_solver,
                "explained_variance_ratio": pca.explained_variance_ratio_.astype(np.float64)}
    elif method == "tsne":
        if show:
            print(f"t-SNE on {arr.shape[0]} points: this can take a minute "
                  "(progress lines follow)...", flush=True)
        asked = kwargs.get("perplexity")
        out = _tsne(arr, n_components, random_state, 1 if show else 0, kwargs)
        info = {"method": "tsne", "perplexity": tsne_perplexity(arr.shape[0], asked)}
    else:
        if show:
            print(f"UMAP on {arr.shape[0]} points (first use compiles code: a few seconds "
                  "more)...", flush=True)
        out = _umap(arr, n_components, random_state, bool(show), kwargs)
        info = {"method": "umap"}
    out = np.asarray(out, dtype=np.float32)
    return (out, info) if details else out
