"""Checks of notebook 10 (across languages and modalities): contract and typical mistakes."""

from __future__ import annotations

import numpy as np
from exercise_contract import assert_exercise_contract

from vectorkit.exercises import nb10


def _argmin(q, t):
    q, t = np.asarray(q, float), np.asarray(t, float)
    s = (q / np.linalg.norm(q, axis=1, keepdims=True)) @ (t / np.linalg.norm(t, axis=1,
                                                                              keepdims=True)).T
    return float(np.mean(np.argmin(s, axis=1) == np.arange(len(q))))


def _dot(q, t):
    s = np.asarray(q, float) @ np.asarray(t, float).T
    return float(np.mean(np.argmax(s, axis=1) == np.arange(len(s))))


def _swapped(scores, genuine, threshold):
    far, frr = nb10._rates(scores, genuine, threshold)
    return frr, far


def _strict(scores, genuine, threshold):
    s, g = np.asarray(scores), np.asarray(genuine, bool)
    return float(np.mean(s[~g] > threshold)), float(np.mean(s[g] <= threshold))


def _counts(scores, genuine, threshold):
    s, g = np.asarray(scores), np.asarray(genuine, bool)
    return int(np.sum(s[~g] >= threshold)), int(np.sum(s[g] < threshold))


def test_nb10_contract():
    r = nb10._image_search()
    assert_exercise_contract(nb10, {
        "q1": [r["labelled"], r["all"], 0.99, "0.25"],
        "q2": [_argmin, _dot, lambda q, t: "all"],
        "q3": [_swapped, _strict, _counts],
    })


def test_mistakes_are_explained():
    r = nb10._image_search()
    assert r["labelled"] > r["unlabelled"]             # what the notebook says
    assert "labelled queries" in nb10.q1.check(r["labelled"]).message
    assert "LEAST" in nb10.q2.check(_argmin).message
    assert "dot product" in nb10.q2.check(_dot).message
    assert "swap" in nb10.q3.check(_swapped).message
    assert "equal to the threshold" in nb10.q3.check(_strict).message
    assert "counts" in nb10.q3.check(_counts).message
