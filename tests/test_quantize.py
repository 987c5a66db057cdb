"""vk.quantize and vk.Index(quantize=..., rescore=...): codes and searches against brute force."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk


def data(n=600, d=48, q=25, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(12, d))
    x = centres[rng.integers(0, 12, n)] + 0.6 * rng.normal(size=(n, d))
    queries = centres[rng.integers(0, 12, q)] + 0.6 * rng.normal(size=(q, d))
    return x.astype(np.float32), queries.astype(np.float32)


def unit(a):
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def stable_top(scores, k):
    """Best k per row, ties by position (as a stable sort of the full matrix)."""
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(scores, order, 1)


def decode_int8(codes, low, high):
    return low + (codes.astype(np.float64) + 128) * (high - low) / 255


def test_int8_codes_round_to_the_nearest_step():
    x, _ = data()
    codes = vk.quantize(x, "int8")
    assert codes.dtype == np.int8 and codes.shape == x.shape
    low, high = x.min(0), x.max(0)
    err = np.abs(decode_int8(codes, low, high) - x)
    assert (err <= (high - low) / 255 / 2 + 1e-5).all()
    assert codes.min() == -128 and codes.max() == 127
    one = vk.quantize(x[0], "int8", ranges=(low, high))
    np.testing.assert_array_equal(one, codes[0])
    clipped = vk.quantize(np.stack([high + 5, low - 5]), "int8", ranges=(low, high))
    assert (clipped[0] == 127).all() and (clipped[1] == -128).all()   # outside: clipped


def test_binary_codes_are_packed_signs():
    x, _ = data(d=45)
    codes = vk.quantize(x, "binary")
    assert codes.dtype == np.uint8 and codes.shape == (600, 6)
    np.testing.assert_array_equal(np.unpackbits(codes, axis=1, count=45), (x > 0).astype(np.uint8))


@pytest.mark.parametrize("metric", ["cosine", "dot"])
def test_int8_search_equals_brute_force_on_decoded_vectors(metric):
    x, q = data()
    stored = unit(x) if metric == "cosine" else x
    qq = unit(q) if metric == "cosine" else q
    index = vk.Index(x, metric=metric, quantize="int8")
    got = index.search(q, k=10)
    codes = vk.quantize(stored, "int8")
    approx = qq.astype(np.float64) @ decode_int8(codes, stored.min(0), stored.max(0)).T
    order, scores = stable_top(approx, 10)
    np.testing.assert_allclose(got.scores, scores, rtol=1e-4, atol=1e-4)
    agree = np.mean(got.ids == order)
    assert agree > 0.97        # ties within float32 rounding may swap neighbours


def test_binary_search_scores_are_sign_cosines():
    x, q = data(d=70)
    index = vk.Index(x, quantize="binary")
    got = index.search(q, k=15)
    sx, sq = np.where(x > 0, 1.0, -1.0), np.where(q > 0, 1.0, -1.0)
    order, scores = stable_top(sq @ sx.T / 70, 15)
    np.testing.assert_array_equal(got.ids, order)
    np.testing.assert_allclose(got.scores, scores, atol=1e-6)


@pytest.mark.parametrize("kind", ["int8", "binary"])
def test_rescore_returns_exact_scores_of_the_first_pass_candidates(kind):
    x, q = data()
    first = vk.Index(x, quantize=kind).search(q, k=40)
    got = vk.Index(x, quantize=kind, rescore=40).search(q, k=10)
    exact = unit(q) @ unit(x).T
    for row in range(len(q)):
        cand = first.ids[row]
        best = cand[np.lexsort((cand, -exact[row, cand]))][:10]
        np.testing.assert_array_equal(got.ids[row], best)
        np.testing.assert_allclose(got.scores[row], exact[row, best], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["int8", "binary"])
def test_rescoring_everything_equals_exact_search(kind):
    x, q = data(n=300)
    exact = vk.Index(x).search(q, k=10)
    full = vk.Index(x, quantize=kind, rescore=300).search(q, k=10)
    np.testing.assert_array_equal(full.ids, exact.ids)
    np.testing.assert_allclose(full.scores, exact.scores, rtol=1e-5, atol=1e-6)


def test_recall_ordering_on_clustered_data():
    x, q = data(n=2000, d=64, q=100)
    truth = vk.Index(x).search(q, k=10).ids

    def recall(index):
        ids = index.search(q, k=10).ids
        return np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])

    int8, binary = recall(vk.Index(x, quantize="int8")), recall(vk.Index(x, quantize="binary"))
    rescored = recall(vk.Index(x, quantize="binary", rescore=100))
    assert int8 > 0.9 and binary < int8 and rescored > binary and rescored > 0.8


def test_added_rows_are_quantised_with_the_first_ranges():
    x, q = data()
    grown = vk.Index(x[:300], ids=list(range(300)), quantize="int8")
    grown.add(x[300:], ids=list(range(300, 600)))
    assert len(grown) == 600
    codes = grown._codes.codes
    np.testing.assert_array_equal(codes[300:], vk.quantize(unit(x[300:]), "int8",
                                                           ranges=grown._codes.ranges))
    assert grown.search(q, k=5).ids.max() < 600


def test_code_bytes_and_repr():
    x, _ = data(d=48)
    assert vk.Index(x).code_bytes == 192
    assert vk.Index(x, quantize="int8").code_bytes == 48
    assert vk.Index(x, quantize="binary").code_bytes == 6
    assert "quantize='binary'" in repr(vk.Index(x, quantize="binary"))


@pytest.mark.parametrize("kwargs, words", [
    ({"quantize": "int4"}, "`quantize` must be one of"),
    ({"quantize": "int8", "metric": "euclidean"}, "metric 'cosine' or 'dot'"),
    ({"rescore": 10}, "`rescore` needs `quantize`"),
    ({"quantize": "binary", "rescore": 0}, "`rescore` must be a positive integer"),
])
def test_bad_options_are_refused(kwargs, words):
    with pytest.raises(ValueError, match=words):
        vk.Index(np.eye(3), **kwargs)


def test_quantize_checks_its_input():
    with pytest.raises(ValueError, match="`quantize` must be one of"):
        vk.quantize(np.eye(2), "float16")
    with pytest.raises(ValueError, match="`ranges`"):
        vk.quantize(np.eye(2), "int8", ranges=(np.zeros(3), np.ones(3)))
    with pytest.raises(ValueError, match="only used by kind='int8'"):
        vk.quantize(np.eye(2), "binary", ranges=(np.zeros(2), np.ones(2)))
    with pytest.raises(ValueError, match="text"):
        vk.quantize(["a sentence"], "int8")
