"""Checks of notebook 08 (classification and sentiment): contract and typical mistakes."""

from __future__ import annotations

import numpy as np
from exercise_contract import assert_exercise_contract

from vectorkit.exercises import nb08


def _overall(y_true, y_pred, groups):
    acc = float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    return {str(g): acc for g in set(groups)}


def _counts(y_true, y_pred, groups):
    y_true, y_pred, groups = map(np.asarray, (y_true, y_pred, groups))
    return {str(g): int(np.sum(y_true[groups == g] == y_pred[groups == g])) for g in set(groups)}


def _one_nn(train_vectors, train_labels, test_vectors):
    x = np.asarray(train_vectors, float)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = np.asarray(test_vectors, float)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return [train_labels[i] for i in np.argmax(q @ x.T, axis=1)]


def _euclidean(train_vectors, train_labels, test_vectors):
    x, labels = np.asarray(train_vectors, float), np.asarray(train_labels)
    classes = sorted(set(train_labels))
    means = np.stack([x[labels == c].mean(axis=0) for c in classes])
    q = np.asarray(test_vectors, float)
    return [classes[i] for i in np.argmin(((q[:, None] - means[None]) ** 2).sum(-1), axis=1)]


def test_nb08_contract():
    rates = nb08._rates()
    assert_exercise_contract(nb08, {
        "q1": [rates["either"], rates["emb"], rates["count"], 0.5, "0.2"],
        "q2": [_overall, _counts],
        "q3": [_one_nn, _euclidean, lambda a, b, c: "cat"],
        "q4": [nb08.pipelines()["embeddings"], nb08.pipelines()["TF-IDF"], "a pipeline"],
    })


def test_mistakes_are_explained():
    rates = nb08._rates()
    assert "at least one" in nb08.q1.check(rates["either"]).message
    assert "count" in nb08.q1.check(rates["count"]).message
    assert "same value" in nb08.q2.check(_overall).message
    assert "counts" in nb08.q2.check(_counts).message
    assert "1-nearest-neighbour" in nb08.q3.check(_one_nn).message
    assert "euclidean" in nb08.q3.check(_euclidean).message
    assert "fit and predict" in nb08.q4.check("a pipeline").message


def test_q4_bar_is_above_both_notebook_classifiers():
    base = nb08._baselines()
    assert base["embeddings"] > base["TF-IDF"]
    assert max(base.values()) < nb08.TARGET - 0.005
