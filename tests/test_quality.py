"""vk.train data-quality checks against brute force (scipy pdist, plain loops) and planted
problems: duplicates, label flips, drift, outliers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist, pdist, squareform

import vectorkit as vk
from vectorkit.train import quality

# ---- near_duplicates --------------------------------------------------------------


def _planted_duplicates(rng, n=300, d=16, copies=25):
    x = rng.normal(size=(n, d))
    src = rng.choice(n, size=copies, replace=False)
    dst = rng.choice(np.setdiff1d(np.arange(n), src), size=copies, replace=False)
    # near copies: rescaled and slightly perturbed, so cosines sit just below 1
    x[dst] = 3.0 * x[src] + 0.02 * rng.normal(size=(copies, d))
    return x, {tuple(sorted(p)) for p in zip(src.tolist(), dst.tolist(), strict=True)}


def _brute_pairs(x, threshold):
    sims = 1.0 - squareform(pdist(x, "cosine"))
    n = len(x)
    pairs = [(i, j, sims[i, j]) for i in range(n) for j in range(i + 1, n)
             if sims[i, j] >= threshold]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


@pytest.mark.parametrize("threshold", [0.95, 0.5, 0.3])
def test_near_duplicates_match_pdist(threshold):
    x, planted = _planted_duplicates(np.random.default_rng(0))
    got = vk.train.near_duplicates(x, threshold=threshold)
    want = _brute_pairs(x, threshold)
    assert [(i, j) for i, j, _ in got] == [(i, j) for i, j, _ in want]
    assert np.allclose([s for *_, s in got], [s for *_, s in want], atol=1e-12)
    if threshold == 0.95:
        assert {(i, j) for i, j, _ in got} == planted


def test_near_duplicates_in_small_blocks_match(monkeypatch):
    x, _ = _planted_duplicates(np.random.default_rng(1), n=97)
    whole = vk.train.near_duplicates(x, threshold=0.2)
    monkeypatch.setattr(quality, "_BLOCK_CELLS", 97 * 3)  # blocks of 3 rows
    small = vk.train.near_duplicates(x, threshold=0.2)
    assert [(i, j) for i, j, _ in small] == [(i, j) for i, j, _ in whole]
    np.testing.assert_allclose([s for *_, s in small], [s for *_, s in whole], atol=1e-12)
    assert len(whole) > 100


def test_near_duplicates_ties_sorted_by_position():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    got = vk.train.near_duplicates(x, threshold=0.9)
    assert [(i, j) for i, j, _ in got] == [(0, 2), (0, 4), (1, 3), (2, 4)]
    assert all(s == pytest.approx(1.0) for *_, s in got)
    assert vk.train.near_duplicates(x[:1]) == []


def test_near_duplicates_refuse_bad_input(monkeypatch):
    x = np.eye(3)
    with pytest.raises(ValueError, match="threshold"):
        vk.train.near_duplicates(x, threshold=1.5)
    with pytest.raises(TypeError, match="threshold"):
        vk.train.near_duplicates(x, threshold="high")
    with pytest.raises(ValueError, match="row 1 is the zero vector"):
        vk.train.near_duplicates([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="2-D"):
        vk.train.near_duplicates([1.0, 2.0])
    with pytest.raises(ValueError, match="embed"):
        vk.train.near_duplicates(["a text", "another"])
    monkeypatch.setattr(quality, "MAX_PAIRS", 2)
    with pytest.raises(ValueError, match="raise `threshold`"):
        vk.train.near_duplicates(np.ones((3, 2)), threshold=0.5)
    monkeypatch.setattr(quality, "MAX_ROWS", 2)
    with pytest.raises(ValueError, match="at most 2"):
        vk.train.near_duplicates(x)


# ---- neighbour_disagreement and knn_scores ----------------------------------------


def _brute_neighbours(x, k, queries=None):
    """Positions and cosine distances of the k nearest rows (itself excluded when
    queries is None), by a full scipy cdist and a stable sort."""
    leave_one_out = queries is None
    dist = cdist(x if leave_one_out else queries, x, "cosine")
    if leave_one_out:
        np.fill_diagonal(dist, np.inf)
    pos = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return pos, np.take_along_axis(dist, pos, 1)


@pytest.mark.parametrize("k", [1, 7, 40])
def test_neighbour_disagreement_matches_brute_force(k):
    rng = np.random.default_rng(k)
    x = rng.normal(size=(120, 8))
    labels = rng.choice(["cat", "dog", "eel"], size=120)
    pos, _ = _brute_neighbours(x, k)
    want = np.array([np.mean([labels[j] != labels[i] for j in pos[i]]) for i in range(120)])
    got = vk.train.neighbour_disagreement(x, labels, k=k)
    assert got.shape == (120,) and got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    assert ((got >= 0) & (got <= 1)).all()


def test_planted_label_flips_score_high():
    rng = np.random.default_rng(3)
    d = 10
    centres = np.zeros((2, d))
    centres[0, 0], centres[1, 1] = 5.0, 5.0
    x = np.vstack([centres[0] + rng.normal(size=(60, d)), centres[1] + rng.normal(size=(60, d))])
    labels = np.array([0] * 60 + [1] * 60)
    flipped = np.array([3, 17, 44, 70, 101])
    labels[flipped] = 1 - labels[flipped]
    score = vk.train.neighbour_disagreement(x, labels, k=10)
    assert (score[flipped] >= 0.8).all()
    others = np.setdiff1d(np.arange(120), flipped)
    assert score[others].max() <= 0.3
    assert set(np.argsort(-score, kind="stable")[:5]) == set(flipped)


def test_neighbour_disagreement_exact_copies_and_bad_input():
    x = np.array([[1.0, 0.0]] * 4 + [[0.0, 1.0]])
    # every copy is the others' neighbour; the item itself never is
    got = vk.train.neighbour_disagreement(x, ["a", "a", "a", "b", "b"], k=3)
    np.testing.assert_allclose(got, [1 / 3, 1 / 3, 1 / 3, 1.0, 1.0])
    # k=1: for rows 2 and 3 the search ranks two earlier equal copies ahead of the row itself
    got = vk.train.neighbour_disagreement(x, ["a", "a", "a", "b", "b"], k=1)
    np.testing.assert_array_equal(got, [0.0, 0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(vk.train.knn_scores(x, k=1), [0, 0, 0, 0, 1], atol=1e-6)
    with pytest.raises(ValueError, match="4 entries but 5"):
        vk.train.neighbour_disagreement(x, ["a"] * 4)
    with pytest.raises(TypeError, match="labels"):
        vk.train.neighbour_disagreement(x, None)
    with pytest.raises(ValueError, match="at most 4"):
        vk.train.neighbour_disagreement(x, list("aaabb"), k=5)
    with pytest.raises(ValueError, match="positive integer"):
        vk.train.neighbour_disagreement(x, list("aaabb"), k=0)


@pytest.mark.parametrize("k", [1, 5, 30])
def test_knn_scores_match_brute_force(k):
    rng = np.random.default_rng(10 + k)
    ref, queries = rng.normal(size=(150, 12)), rng.normal(size=(40, 12))
    _, dist = _brute_neighbours(ref, k, queries)
    np.testing.assert_allclose(vk.train.knn_scores(ref, queries, k=k), dist.mean(axis=1),
                               atol=1e-6)
    _, dist = _brute_neighbours(ref, k)
    loo = vk.train.knn_scores(ref, k=k)
    assert loo.shape == (150,)
    np.testing.assert_allclose(loo, dist.mean(axis=1), atol=1e-6)


def test_knn_scores_find_planted_outliers_and_never_count_self():
    rng = np.random.default_rng(4)
    base = np.zeros(16)
    base[0] = 4.0
    x = base + rng.normal(size=(100, 16))
    outliers = [5, 50]
    x[outliers] = -base + rng.normal(size=(2, 16))
    score = vk.train.knn_scores(x, k=3)
    assert set(np.argsort(-score)[:2]) == set(outliers)
    # an item scored against a reference holding it: distance 0 to itself counts
    assert vk.train.knn_scores(x, x[7], k=1) == pytest.approx(0.0, abs=1e-6)
    assert vk.train.knn_scores(x, k=1)[7] > 0.01


def test_knn_scores_refuse_bad_input():
    ref = np.eye(3)
    with pytest.raises(ValueError, match="dimension mismatch"):
        vk.train.knn_scores(ref, np.ones((2, 4)), k=1)
    with pytest.raises(ValueError, match="`queries` row 1 is the zero vector"):
        vk.train.knn_scores(ref, [[1.0, 0, 0], [0, 0, 0]], k=1)
    with pytest.raises(ValueError, match="at most 3"):
        vk.train.knn_scores(ref, ref, k=4)
    with pytest.raises(ValueError, match="at most 2"):
        vk.train.knn_scores(ref, k=3)
    with pytest.raises(ValueError, match="embed"):
        vk.train.knn_scores(ref, ["text"])


# ---- drift_test -------------------------------------------------------------------


def _slow_mmd(a, b):
    """Unbiased squared MMD with the median-distance Gaussian kernel, written as loops."""
    rows = [[v / math.sqrt(sum(w * w for w in r)) for v in r]
            for r in np.vstack([a, b]).tolist()]
    m = len(a)
    xs, ys = rows[:m], rows[m:]
    dists = sorted(math.dist(rows[i], rows[j]) for i in range(len(rows))
                   for j in range(i + 1, len(rows)))
    half = len(dists) // 2
    sigma = dists[half] if len(dists) % 2 else (dists[half - 1] + dists[half]) / 2

    def kern(u, v):
        return math.exp(-math.dist(u, v) ** 2 / (2 * sigma ** 2))

    n = len(ys)
    kxx = sum(kern(xs[i], xs[j]) for i in range(m) for j in range(m) if i != j)
    kyy = sum(kern(ys[i], ys[j]) for i in range(n) for j in range(n) if i != j)
    kxy = sum(kern(u, v) for u in xs for v in ys)
    return kxx / (m * (m - 1)) + kyy / (n * (n - 1)) - 2 * kxy / (m * n)


@pytest.mark.parametrize("sizes", [(5, 7), (6, 6), (2, 3)])
def test_drift_statistic_matches_a_double_loop(sizes):
    rng = np.random.default_rng(sum(sizes))
    a, b = rng.normal(size=(sizes[0], 4)), rng.normal(size=(sizes[1], 4)) + 0.3
    r = vk.train.drift_test(a, b, permutations=50)
    assert r.statistic == pytest.approx(_slow_mmd(a, b), rel=1e-9, abs=1e-12)
    assert r.n_permutations == 50 and 1 / 51 <= r.p_value <= 1.0


def test_drift_p_value_matches_a_plain_permutation_loop():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(6, 3)), rng.normal(size=(5, 3)) + 0.4
    r = vk.train.drift_test(a, b, permutations=300, seed=3)
    # the same re-splits, each scored by the double loop
    pooled = np.vstack([a, b])
    perm_rng = np.random.default_rng(3)
    picks = perm_rng.permuted(np.tile(np.arange(11), (300, 1)), axis=1)
    count = 0
    for row in picks:
        stat = _slow_mmd(pooled[row[:6]], pooled[np.sort(row[6:])])
        count += stat >= r.statistic - 1e-12
    assert r.p_value == pytest.approx((count + 1) / 301)


def test_drift_one_distribution_gives_about_uniform_p_values():
    ps = []
    for seed in range(50):
        rng = np.random.default_rng(1000 + seed)
        a, b = rng.normal(size=(30, 6)), rng.normal(size=(25, 6))
        ps.append(vk.train.drift_test(a, b, permutations=200, seed=seed).p_value)
    ps = np.array(ps)
    assert np.mean(ps < 0.05) < 0.15
    assert 0.3 < np.median(ps) < 0.7  # neither all large nor all small


def test_drift_shifted_sample_is_detected():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(60, 16)), rng.normal(size=(60, 16))
    b[:, 0] += 1.5
    r = vk.train.drift_test(a, b, permutations=1000)
    assert r.p_value < 0.01 and r.statistic > 0
    assert r == vk.train.drift_test(a, b, permutations=1000)  # same seed, same answer
    assert isinstance(r, vk.train.DriftResult)
    with pytest.raises(AttributeError):
        r.p_value = 0.5  # frozen


def test_drift_refuses_bad_input(monkeypatch):
    a = np.random.default_rng(0).normal(size=(5, 3))
    with pytest.raises(ValueError, match="at least 2"):
        vk.train.drift_test(a, a[:1])
    with pytest.raises(ValueError, match="dimension mismatch"):
        vk.train.drift_test(a, np.ones((4, 2)))
    with pytest.raises(ValueError, match="permutations"):
        vk.train.drift_test(a, a, permutations=0)
    with pytest.raises(ValueError, match="at most"):
        vk.train.drift_test(a, a, permutations=quality.MAX_PERMUTATIONS + 1)
    with pytest.raises(TypeError, match="seed"):
        vk.train.drift_test(a, a, seed=0.5)
    with pytest.raises(ValueError, match="bandwidth"):
        vk.train.drift_test(np.ones((3, 3)), np.ones((3, 3)))
    monkeypatch.setattr(quality, "MAX_DRIFT_ROWS", 8)
    with pytest.raises(ValueError, match="together hold 10 rows"):
        vk.train.drift_test(a, a)
