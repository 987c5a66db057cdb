"""The checks behind notebook 07 (creating embeddings): contract, typical mistakes, q1's answer."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_contract import assert_exercise_contract

from vectorkit.exercises import nb07
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


def _pairs(sentences, window, lo, hi, self_too=False):
    counts = {}
    for s in sentences:
        w = s.split()
        for i in range(len(w)):
            for j in range(max(0, i + lo), min(len(w), i + hi + 1)):
                if j != i or self_too:
                    counts[w[i], w[j]] = counts.get((w[i], w[j]), 0) + 1
    return counts


def _wider(sentences, window):
    return _pairs(sentences, window, -window - 1, window + 1)


def _forward(sentences, window):
    return _pairs(sentences, window, 1, window)


def _with_self(sentences, window):
    return _pairs(sentences, window, -window, window, self_too=True)


def _as_list(sentences, window):
    return list(_pairs(sentences, window, -window, window).items())


def _negative(C):
    C = np.asarray(C, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C * C.sum() / np.outer(C.sum(1), C.sum(0)))
    return np.where(C > 0, pmi, 0.0)


def _log2(C):
    return nb07._ppmi(C) / np.log(2)


def _raw(C):
    C = np.asarray(C, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C / np.outer(C.sum(1), C.sum(0)))
    return np.where(C > 0, np.maximum(pmi, 0), 0.0)


def _top_of_a(a, b, names):
    return names[int(np.argmax(a))]


def _top_abs(a, b, names):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return names[int(np.argmax(np.abs(a * b)))]


def _smallest(a, b, names):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return names[int(np.argmin(a * b))]


WRONG = {
    "q1": ["wine", "beer", "lemonade", "orchard", 3],
    "q2": [_wider, _forward, _with_self, _as_list],
    "q3": [_negative, _log2, _raw],
    "q5": [_top_of_a, _top_abs, _smallest],
}


def test_nb07_contract():
    assert_exercise_contract(nb07, WRONG)


@pytest.mark.parametrize("question, func, words", [
    ("q2", _wider, "window + 1"), ("q2", _forward, "AFTER"), ("q2", _with_self, "own neighbour"),
    ("q2", _as_list, "return a dict"),
    ("q3", _negative, "negative values"), ("q3", _log2, "bits"), ("q3", _raw, "raw row"),
    ("q5", _top_of_a, "largest value of `a`"), ("q5", _top_abs, "ignoring its sign"),
    ("q5", _smallest, "argmax"),
])
def test_function_mistakes_are_explained(question, func, words):
    result = getattr(nb07, question).check(func)
    assert result.status == "incorrect" and words in result.message


def test_q1_answer_is_what_the_count_vectors_give():
    import vectorkit as vk

    counts = vk.train.count_vectors(vk.datasets.load_kitchen().sentences, dim=50, window=2)
    assert counts.analogy("grape", "wine", "apple", k=1)[0][0] == nb07.q1.reference


def test_cooccurrence_reference_matches_the_package_windows():
    """The exercise's counts are the unweighted pairs vk.train uses (1/distance aside)."""
    from vectorkit.train._corpus import Corpus

    sentences = ["the cat sat on the mat", "the dog sat"]
    corpus = Corpus(sentences)
    centre, context, _ = corpus.pairs(2)
    ours = {}
    for i, j in zip(centre.tolist(), context.tolist(), strict=True):
        key = (corpus.vocab[i], corpus.vocab[j])
        ours[key] = ours.get(key, 0) + 1
    assert ours == nb07._cooccurrence(sentences, 2)


def test_ppmi_reference_matches_the_package():
    from scipy import sparse

    from vectorkit.train._count import ppmi

    C = np.array([[1, 5, 0, 2], [5, 0, 3, 1], [0, 3, 2, 6], [2, 1, 6, 0]], float)
    np.testing.assert_allclose(ppmi(sparse.csr_matrix(C), alpha=1).toarray(), nb07._ppmi(C))
