"""Checks of notebook 11 (the challenges): the exercise contract."""

from __future__ import annotations

import numpy as np
from exercise_contract import Wrong, assert_exercise_contract

from vectorkit.exercises import nb11


def _dots(w, X, Y):
    w, X, Y = (np.asarray(a, dtype=float) for a in (w, X, Y))
    return float((X @ w).mean() - (Y @ w).mean())


def _reversed(w, X, Y):
    return -nb11._association(w, X, Y)


def _unit(M):
    M = np.asarray(M, dtype=float)
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def _farthest(reference, queries, k):
    sims = _unit(queries) @ _unit(reference).T
    return 1.0 - np.sort(sims, axis=1)[:, :k].mean(axis=1)


def _all_rows(reference, queries, k):
    return 1.0 - (_unit(queries) @ _unit(reference).T).mean(axis=1)


def _similarity(reference, queries, k):
    return 1.0 - nb11._knn_distance(reference, queries, k)


def _euclidean(reference, queries, k):
    d = np.linalg.norm(np.asarray(queries, float)[:, None] - np.asarray(reference, float)[None],
                       axis=2)
    return np.sort(d, axis=1)[:, :k].mean(axis=1)


def _as_list(reference, queries, k):
    return nb11._knn_distance(reference, queries, k).tolist()


def _one_number(reference, queries, k):
    return float(nb11._knn_distance(reference, queries, k).mean())


def test_nb11_contract():
    assert_exercise_contract(nb11, {
        "q1": [Wrong(_dots, says="dot products"), _reversed],
        "q2": ["negation", "word order",
               Wrong("unrelated", says="other end of the scale",
                     fact=lambda got: got == "unrelated")],
        "q4": [Wrong(_farthest, says="LEAST similar"), Wrong(_all_rows, says="every reference row"),
               Wrong(_similarity, says="one minus that mean"),
               Wrong(_euclidean, says="Euclidean"), Wrong(_one_number, says="one score per query")],
    })


def test_nb11_knn_distance_accepts_a_list_and_matches_the_package():
    import vectorkit as vk

    assert nb11.q4.check(_as_list)
    rng = np.random.default_rng(1)
    reference, queries = rng.normal(size=(40, 6)), rng.normal(size=(7, 6))
    for k in (1, 5, 40):
        assert np.allclose(nb11._knn_distance(reference, queries, k),
                           vk.train.knn_scores(reference, queries, k=k), atol=1e-6)


def test_nb11_association_matches_a_loop():
    rng = np.random.default_rng(0)
    w, X, Y = rng.normal(size=4), rng.normal(size=(3, 4)), rng.normal(size=(5, 4))

    def cos(a, b):
        return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    loop = np.mean([cos(w, x) for x in X]) - np.mean([cos(w, y) for y in Y])
    assert np.isclose(nb11._association(w, X, Y), loop)
