"""Checks of notebook 10 (across languages and modalities): contract and typical mistakes."""

from __future__ import annotations

import numpy as np
from exercise_contract import Wrong, assert_exercise_contract

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


def _english_only(text):
    digits = {w: str(i) for i, w in enumerate(nb10.NUMBER_WORDS_EN, 1)}
    return " ".join(digits.get(w.strip(".").lower(), w) for w in text.split())


def test_nb10_contract():
    r = nb10._image_search()
    assert_exercise_contract(nb10, {
        "q1": [Wrong(r["labelled"], says="labelled queries", fact=lambda got: got == r["labelled"]),
               Wrong(r["all"], says="all 24 queries", fact=lambda got: got == r["all"]),
               0.99, "0.25"],
        "q2": [Wrong(_argmin, says="LEAST"), Wrong(_dot, says="dot product"),
               lambda q, t: "all"],
        "q3": [Wrong(_swapped, says="swap"), Wrong(_strict, says="equal to the threshold"),
               Wrong(_counts, says="counts")],
        "q5": [lambda text: text, _english_only, lambda text: "11", "normalise"],
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


def test_q5_says_which_sentences_still_fail():
    assert "every number must match" in nb10.q5.check(lambda text: text).message
    assert "must return a str" in nb10.q5.check(lambda text: None).message
    assert "define it as" in nb10.q5.check(lambda a, b: a).message
    assert nb10._normalise("Bus Nummer Zwölf, bus number twelve") == "Bus Nummer 12, bus number 12"
