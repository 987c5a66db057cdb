"""vk.reduce: PCA / t-SNE / UMAP projections, determinism, small inputs, validation."""

import builtins

import numpy as np
import pytest

import vectorkit as vk
from vectorkit import reduction

FAST = {"max_iter": 250}  # t-SNE's minimum number of iterations: enough for these small tests


@pytest.fixture(scope="module")
def clusters():
    """Three well separated clusters of 10 points each in 16-D."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16)) * 10
    X = np.concatenate([c + rng.normal(size=(10, 16)) for c in centres])
    return X, np.repeat([0, 1, 2], 10)


def _neighbour_agreement(points, labels, k=3):
    """Fraction of each point's k nearest neighbours (in the projection) with its label."""
    from sklearn.neighbors import NearestNeighbors

    idx = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(
        points, return_distance=False)[:, 1:]
    return float((labels[idx] == labels[:, None]).mean())


@pytest.mark.parametrize("method", ["pca", "tsne"])
@pytest.mark.parametrize("n_components", [2, 3])
def test_shape_dtype_and_determinism(clusters, method, n_components):
    X, labels = clusters
    a = vk.reduce(X, method, n_components=n_components, random_state=0)
    b = vk.reduce(X, method, n_components=n_components, random_state=0)
    assert a.shape == (30, n_components) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    if n_components == 2 or method == "pca":  # 3-D t-SNE of 30 points is too unstable to judge
        assert _neighbour_agreement(a, labels) > 0.9  # the clusters stay together


def test_tsne_seed_changes_result(clusters):
    X, _ = clusters
    a = vk.reduce(X, "tsne", random_state=0, init="random", **FAST)
    b = vk.reduce(X, "tsne", random_state=1, init="random", **FAST)
    assert not np.allclose(a, b)


def test_pca_matches_sklearn(clusters):
    from sklearn.decomposition import PCA

    X, _ = clusters
    ref = PCA(2).fit_transform(X)
    got = vk.reduce(X, "pca")
    # same subspace up to the sign of each component
    for j in range(2):
        assert np.allclose(np.abs(got[:, j]), np.abs(ref[:, j]), atol=1e-4)


@pytest.mark.parametrize("n", [2, 3, 5, 12])
def test_tsne_small_inputs_adapt_perplexity(n, clusters):
    X, _ = clusters
    out = vk.reduce(X[:n], "tsne", **FAST)
    assert out.shape == (n, 2) and np.isfinite(out).all()


def test_tsne_perplexity_rule():
    assert reduction.tsne_perplexity(10) == 3.0
    assert reduction.tsne_perplexity(2) == 1.0
    assert reduction.tsne_perplexity(1000) == 30.0
    assert reduction.tsne_perplexity(1000, 50) == 50.0
    with pytest.raises(ValueError, match="perplexity"):
        reduction.tsne_perplexity(10, 0)


def test_tsne_explicit_perplexity_too_large_warns(clusters):
    X, _ = clusters
    with pytest.warns(UserWarning, match="too large for 6 points"):
        out = vk.reduce(X[:6], "tsne", perplexity=40, **FAST)
    assert out.shape == (6, 2)


def test_kwargs_are_passed_through(clusters):
    X, _ = clusters
    with pytest.raises(TypeError):
        vk.reduce(X, "pca", not_a_pca_option=1)
    a = vk.reduce(X, "tsne", metric="euclidean", **FAST)
    b = vk.reduce(X, "tsne", **FAST)
    assert not np.allclose(a, b)


def test_progress_message(clusters, capsys):
    X, _ = clusters
    vk.reduce(X, "tsne", progress=True, **FAST)
    out = capsys.readouterr().out
    assert "t-SNE on 30 points" in out and "[t-SNE]" in out
    vk.reduce(X, "tsne", **FAST)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("bad, match", [
    (np.ones(5), "2-D array"),
    ([[1.0, np.nan], [0.0, 1.0]], "NaN"),
    ("abc", "2-D array|numbers"),
    (np.ones((1, 4)), "at least 2 rows"),
])
def test_bad_X(bad, match):
    with pytest.raises(ValueError, match=match):
        vk.reduce(bad, "pca")


def test_bad_arguments(clusters):
    X, _ = clusters
    with pytest.raises(ValueError, match="`method` must be one of"):
        vk.reduce(X, "lda")
    with pytest.raises(ValueError, match="`n_components` must be a positive integer"):
        vk.reduce(X, "pca", n_components=0)
    with pytest.raises(ValueError, match="`n_components` must be a positive integer"):
        vk.reduce(X, "pca", n_components=2.0)
    with pytest.raises(ValueError, match="cannot exceed the dimension"):
        vk.reduce(X[:, :2], "pca", n_components=3)
    with pytest.raises(ValueError, match="1, 2 or 3 for t-SNE"):
        vk.reduce(X, "tsne", n_components=4)
    with pytest.raises(ValueError, match="`random_state`"):
        vk.reduce(X, "pca", random_state="seed")
    zero = X.copy()
    zero[3] = 0
    with pytest.raises(ValueError, match="row 3 is the zero vector"):
        vk.reduce(zero, "tsne")
    assert vk.reduce(zero, "tsne", metric="euclidean", **FAST).shape == (30, 2)


def test_method_name_is_forgiving(clusters):
    X, _ = clusters
    np.testing.assert_array_equal(vk.reduce(X, "t-SNE", **FAST), vk.reduce(X, "tsne", **FAST))
    np.testing.assert_array_equal(vk.reduce(X, "PCA"), vk.reduce(X, "pca"))


def test_umap_missing_names_install_command(clusters, monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "umap" or name.startswith("umap."):
            raise ImportError("No module named 'umap'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    X, _ = clusters
    with pytest.raises(ImportError, match=r'pip install "vectorkit\[umap\]"'):
        vk.reduce(X, "umap")


@pytest.mark.skipif(not reduction.umap_available(), reason="umap-learn is not installed "
                    '(pip install "vectorkit[umap]")')
def test_umap_deterministic(clusters, capsys):
    X, labels = clusters
    a = vk.reduce(X, "umap", random_state=0)
    b = vk.reduce(X, "umap", random_state=0)
    assert a.shape == (30, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert _neighbour_agreement(a, labels) > 0.9
    assert vk.reduce(X[:5], "umap", n_components=3).shape == (5, 3)
    with pytest.raises(ValueError, match="at least 4 rows"):
        vk.reduce(X[:3], "umap")
    capsys.readouterr()
    vk.reduce(X, "umap", progress=True, n_epochs=20)
    captured = capsys.readouterr()
    assert "UMAP on 30 points" in captured.out
    assert "epochs" in (captured.out + captured.err).lower()  # umap-learn's own progress
