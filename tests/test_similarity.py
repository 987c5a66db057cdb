"""Similarity metrics: shapes, values, dtypes, bad inputs, memory guard."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk
from vectorkit import similarity

RNG = np.random.default_rng(0)


def test_vector_vector_values():
    assert vk.cosine_similarity([1, 0], [0, 1]) == pytest.approx(0.0)
    assert vk.cosine_similarity([1, 2], [2, 4]) == pytest.approx(1.0)
    assert vk.cosine_similarity([1, 0], [-1, 0]) == pytest.approx(-1.0)
    assert vk.euclidean_distance([0, 0], [3, 4]) == pytest.approx(5.0)
    assert vk.dot_product([1, 2, 3], [4, 5, 6]) == pytest.approx(32.0)
    for f in (vk.cosine_similarity, vk.euclidean_distance, vk.dot_product):
        assert isinstance(f([1.0, 2.0], [3.0, 1.0]), float)


@pytest.mark.parametrize("f", [vk.cosine_similarity, vk.euclidean_distance, vk.dot_product])
def test_shapes(f):
    a, b, v = RNG.normal(size=(4, 6)), RNG.normal(size=(3, 6)), RNG.normal(size=6)
    assert f(a, b).shape == (4, 3)
    assert f(v, b).shape == (3,)
    assert f(a, v).shape == (4,)
    assert f(a, b).dtype == np.float32
    assert f(a, b, dtype="float64").dtype == np.float64


def test_matrix_matches_scipy():
    from scipy.spatial.distance import cdist

    a, b = RNG.normal(size=(50, 16)), RNG.normal(size=(40, 16))
    np.testing.assert_allclose(vk.cosine_similarity(a, b, dtype="float64"),
                               1 - cdist(a, b, "cosine"), atol=1e-12)
    np.testing.assert_allclose(vk.euclidean_distance(a, b, dtype="float64"),
                               cdist(a, b), atol=1e-9)
    np.testing.assert_allclose(vk.dot_product(a, b), a @ b.T, rtol=1e-5, atol=1e-4)


def test_blockwise_equals_one_shot(monkeypatch):
    a, b = RNG.normal(size=(37, 8)), RNG.normal(size=(29, 8))
    full = [f(a, b) for f in (vk.cosine_similarity, vk.euclidean_distance, vk.dot_product)]
    calls = []
    real = similarity._blockwise
    monkeypatch.setattr(similarity, "_BLOCK_ELEMENTS", 29 * 3)  # 3 rows per block

    def counting(a2, b2, kernel, dtype, max_bytes):
        return real(a2, b2, lambda x, y: calls.append(len(x)) or kernel(x, y), dtype, max_bytes)

    monkeypatch.setattr(similarity, "_blockwise", counting)
    blocked = [f(a, b) for f in (vk.cosine_similarity, vk.euclidean_distance, vk.dot_product)]
    assert calls == ([3] * 12 + [1]) * 3  # 37 rows in blocks of 3, for each metric
    for one, many in zip(full, blocked, strict=True):
        np.testing.assert_allclose(many, one, atol=1e-5)


def test_identical_vectors_euclidean_is_exactly_small():
    x = RNG.normal(size=(5, 512)).astype(np.float32) * 100
    d = vk.euclidean_distance(x, x)
    assert np.all(np.abs(np.diag(d)) < 1e-2)


def test_normalize():
    n = vk.normalize([[3, 4], [0, 2]])
    np.testing.assert_allclose(n, [[0.6, 0.8], [0, 1]], atol=1e-7)
    assert vk.normalize([3, 4]).shape == (2,)
    with pytest.raises(ValueError, match=r"`x` row 1 is the zero vector"):
        vk.normalize([[1, 1], [0, 0]])


def test_normalising_ties_the_three_metrics():
    a, b = vk.normalize(RNG.normal(size=(6, 10))), vk.normalize(RNG.normal(size=(7, 10)))
    cos = vk.cosine_similarity(a, b)
    np.testing.assert_allclose(vk.dot_product(a, b), cos, atol=1e-6)
    np.testing.assert_allclose(vk.euclidean_distance(a, b) ** 2, 2 - 2 * cos, atol=1e-5)


@pytest.mark.parametrize(
    "a, b, pattern",
    [
        ([0, 0], [1, 1], r"`a` is the zero vector"),
        ([[1, 1], [0, 0]], [1, 1], r"`a` row 1 is the zero vector"),
        ([1, 1], [[1, 0], [0, 0]], r"`b` row 1 is the zero vector"),
        ([1, np.nan], [1, 1], r"`a` contains NaN or infinity \(at position 1"),
        ([[1, 1], [1, np.inf]], [1, 1], r"`a` contains NaN or infinity \(row 1, column 1"),
        ([1, 2, 3], [1, 2], r"dimension mismatch: `a` has vectors of length 3 but `b` .* 2"),
        ([], [1, 2], r"`a` is empty"),
        (np.ones((2, 2, 2)), [1, 2], r"`a` must be a vector or a 2-D array .* shape \(2, 2, 2\)"),
        (["x", "y"], [1, 2], r"`a` must be a vector of numbers, got text .*model.embed"),
        ("a cat", [1, 2], r"`a` must be a vector of numbers, got text 'a cat'"),
        ([[1, 2], [3]], [1, 2], r"`a` must be a vector or a 2-D array of numbers"),
        (3.0, [1, 2], r"`a` must be a vector or a 2-D array, got a scalar"),
    ],
)
def test_bad_inputs_name_argument_and_row(a, b, pattern):
    with pytest.raises(ValueError, match=pattern):
        vk.cosine_similarity(a, b)


def test_nan_rejected_by_every_metric():
    for f in (vk.euclidean_distance, vk.dot_product):
        with pytest.raises(ValueError, match="`b` contains NaN"):
            f([1, 1], [np.nan, 1])


def test_bad_dtype():
    with pytest.raises(ValueError, match=r"`dtype` must be one of \['float32', 'float64'\], got 'int8'"):
        vk.cosine_similarity([1, 0], [0, 1], dtype="int8")


def test_huge_request_is_refused_with_memory_needed():
    a = np.ones((100_000, 4), dtype=np.float32)
    with pytest.raises(MemoryError, match=r"100,000 x 100,000 result would need 37\.3 GiB"):
        vk.cosine_similarity(a, a)


def test_max_bytes_budget_can_be_raised():
    a = np.ones((300, 4), dtype=np.float32)
    with pytest.raises(MemoryError):
        vk.dot_product(a, a, max_bytes=1000)
    assert vk.dot_product(a, a, max_bytes=10**6).shape == (300, 300)
