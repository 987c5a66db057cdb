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


def test_nb11_contract():
    assert_exercise_contract(nb11, {
        "q1": [Wrong(_dots, says="dot products"), _reversed],
        "q2": ["negation", "word order",
               Wrong("unrelated", says="other end of the scale",
                     fact=lambda got: got == "unrelated")],
    })


def test_nb11_association_matches_a_loop():
    rng = np.random.default_rng(0)
    w, X, Y = rng.normal(size=4), rng.normal(size=(3, 4)), rng.normal(size=(5, 4))

    def cos(a, b):
        return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    loop = np.mean([cos(w, x) for x in X]) - np.mean([cos(w, y) for y in Y])
    assert np.isclose(nb11._association(w, X, Y), loop)
