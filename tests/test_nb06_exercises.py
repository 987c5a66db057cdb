"""The checks behind notebook 06 (high-dimensional spaces): contract and typical mistakes."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_contract import assert_exercise_contract

from vectorkit.exercises import nb06
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


def _inverse(X, q):
    d = np.linalg.norm(np.asarray(X, float) - q, axis=1)
    return float("inf") if d.min() == 0 else float(d.min() / d.max())


def _squared(X, q):
    d = np.sum((np.asarray(X, float) - q) ** 2, axis=1)
    return float("inf") if d.min() == 0 else float(d.max() / d.min())


def _difference(X, q):
    d = np.linalg.norm(np.asarray(X, float) - q, axis=1)
    return float("inf") if d.min() == 0 else float(d.max() - d.min())


def _no_zero_guard(X, q):
    d = np.linalg.norm(np.asarray(X, float) - np.asarray(q, float), axis=1)
    return float(d.max() / max(d.min(), 1e-9))


def _uncentred(X, share):
    s = np.linalg.svd(np.asarray(X, float), compute_uv=False) ** 2
    return int(np.searchsorted(np.cumsum(s) / s.sum(), share - 1e-12) + 1)


def _unsquared(X, share):
    X = np.asarray(X, float)
    s = np.linalg.svd(X - X.mean(0), compute_uv=False)
    return int(np.searchsorted(np.cumsum(s) / s.sum(), share - 1e-12) + 1)


def _index(X, share):
    X = np.asarray(X, float)
    s = np.linalg.svd(X - X.mean(0), compute_uv=False) ** 2
    return int(np.searchsorted(np.cumsum(s) / s.sum(), share - 1e-12))


def _shortlist(query, vectors, candidates):
    hamming = np.sum((np.asarray(vectors) > 0) != (np.asarray(query) > 0), axis=1)
    return np.argsort(hamming, kind="stable")[:candidates]


def _no_rescore(query, vectors, k, candidates):
    return [int(i) for i in _shortlist(query, vectors, candidates)[:k]]


def _exact(query, vectors, k, candidates):
    v = np.asarray(vectors, float)
    cos = v @ query / np.linalg.norm(v, axis=1)
    return [int(i) for i in np.argsort(-cos, kind="stable")[:k]]


def _positions(query, vectors, k, candidates):
    v = np.asarray(vectors, float)[_shortlist(query, vectors, candidates)]
    cos = v @ query / np.linalg.norm(v, axis=1)
    return [int(i) for i in np.argsort(-cos, kind="stable")[:k]]


WRONG = {
    "q1": [384_000_000, 1_536_000_000, 48, 6_000_000, "48 MB"],
    "q2": [_inverse, _squared, _difference, _no_zero_guard],
    "q3": [_uncentred, _unsquared, _index],
    "q5": [_no_rescore, _exact, _positions],
}


def test_nb06_contract():
    assert_exercise_contract(nb06, WRONG)


@pytest.mark.parametrize("answer, words", [
    (384_000_000, "number of bits"), (1_536_000_000, "float32"), (48, "one vector"),
    (6_000_000, "divided by 8 twice"),
])
def test_memory_mistakes_are_explained(answer, words):
    result = nb06.q1.check(answer)
    assert result.status == "incorrect" and words in result.message


@pytest.mark.parametrize("question, func, words", [
    ("q2", _inverse, "nearest / farthest"), ("q2", _squared, "SQUARED"),
    ("q2", _difference, "farthest - nearest"), ("q3", _uncentred, "UNCENTRED"),
    ("q3", _unsquared, "singular value SQUARED"), ("q3", _index, "one less"),
    ("q5", _no_rescore, "shortlist's own order"), ("q5", _exact, "ALL rows"),
    ("q5", _positions, "places in the shortlist"),
])
def test_function_mistakes_are_explained(question, func, words):
    result = getattr(nb06, question).check(func)
    assert result.status == "incorrect"
    assert words in result.message


def test_the_hidden_cases_tell_the_mistakes_apart():
    """Each hidden case of q5 separates the right answer from at least one mistake."""
    for case in nb06.q5.cases:
        right = nb06._rescored_search(*case.args)
        wrong = [f(*case.args) for f in (_no_rescore, _exact, _positions)]
        assert any(w != right for w in wrong), case.label


def test_rescored_search_matches_the_quantised_index():
    import vectorkit as vk

    query, vectors, _, _ = nb06._case(300, 24, 5, 30, 9)
    ours = nb06._rescored_search(query, vectors, 5, 30)
    index = vk.Index(vectors, quantize="binary", rescore=30)
    assert ours == index.search(query, k=5).ids.tolist()
