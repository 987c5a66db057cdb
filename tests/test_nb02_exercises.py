"""The checks behind notebook 02 (text embeddings): contract, typical mistakes, model facts."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from exercise_contract import Wrong, assert_exercise_contract

from vectorkit.exercises import nb02
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


# --- plausible wrong answers ---------------------------------------------------------------


def _pair_dot(vectors):
    m = np.asarray(vectors, dtype=float)
    sims = m @ m.T
    np.fill_diagonal(sims, -np.inf)
    return tuple(int(x) for x in np.unravel_index(np.argmax(sims), sims.shape))


def _pair_diagonal(vectors):
    m = np.asarray(vectors, dtype=float)
    unit = m / np.linalg.norm(m, axis=1, keepdims=True)
    return tuple(int(x) for x in np.unravel_index(np.argmax(unit @ unit.T), (len(m), len(m))))


def _pair_zero_mask_argmin(vectors):
    m = np.asarray(vectors, dtype=float)
    unit = m / np.linalg.norm(m, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, np.inf)
    return tuple(int(x) for x in np.unravel_index(np.argmin(sims), sims.shape))


def _pair_euclidean(vectors):
    m = np.asarray(vectors, dtype=float)
    distances = np.linalg.norm(m[:, None, :] - m[None, :, :], axis=-1)
    np.fill_diagonal(distances, np.inf)
    return tuple(int(x) for x in np.unravel_index(np.argmin(distances), distances.shape))


def _pair_similarities(vectors):
    return (0.9, 0.8)


def _unit(x):
    x = np.asarray(x, dtype=float)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _acc_dot(source, target):
    s, t = np.asarray(source, float), np.asarray(target, float)
    return float(np.mean((s @ t.T).argmax(axis=1) == np.arange(len(s))))


def _acc_axis(source, target):
    s, t = _unit(source), _unit(target)
    return float(np.mean((s @ t.T).argmax(axis=0) == np.arange(len(s))))


def _acc_count(source, target):
    s, t = _unit(source), _unit(target)
    return int(np.sum((s @ t.T).argmax(axis=1) == np.arange(len(s))))


def _acc_percent(source, target):
    return 100 * _acc_no_check(source, target)


def _acc_no_check(source, target):
    s, t = _unit(source), _unit(target)
    return float(np.mean((s @ t.T).argmax(axis=1) == np.arange(len(s))))


@functools.cache
def _data():
    """The means and scores the questions are about, computed here without the checker."""
    import vectorkit as vk

    model = vk.load_model("text")
    v = np.asarray(model.embed(nb02.ODD_ONE_OUT), dtype=float)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    sims = v @ v.T
    means = (sims.sum(axis=1) - 1) / 4
    c = np.asarray(model.embed(nb02.ENGLISH_CANDIDATES), dtype=float)
    q = np.asarray(model.embed(nb02.GERMAN_QUERY), dtype=float)
    scores = c @ q / (np.linalg.norm(c, axis=1) * np.linalg.norm(q))
    return means, scores


def _highest_mean(a):
    return a == int(np.argmax(_data()[0]))


def _middle_mean(a):
    means = _data()[0]
    return means.min() < means[a] < means.max()


def _least_similar(a):
    return a == int(np.argmin(_data()[1]))


def _setting_only(a):
    sentence = nb02.ENGLISH_CANDIDATES[a].lower()
    scores = _data()[1]
    return (("restaurant" in sentence or "lost" in sentence or "forgot" in sentence)
            and "keys" not in sentence and scores[a] < scores.max())


WRONG = {
    # nb02 exercise 1: means [0.292, 0.323, 0.183, 0.351, 0.339]; 3 is what argmax gives
    "q1": [Wrong(3, says="HIGHEST", fact=_highest_mean),
           Wrong(1, says="neither the lowest nor the highest", fact=_middle_mean),
           Wrong(0, says="neither the lowest nor the highest", fact=_middle_mean),
           Wrong(4, says="neither the lowest nor the highest", fact=_middle_mean),
           Wrong(5, says="from 0 to 4", fact=lambda a: a >= len(nb02.ODD_ONE_OUT)),
           2.5],
    "q2": [Wrong(_pair_dot, says="dot product"), _pair_diagonal,
           Wrong(_pair_zero_mask_argmin, says="LEAST similar"), _pair_similarities],
    "q3": [Wrong(4, says="shares only the setting", fact=_setting_only),
           Wrong(0, says="LEAST similar", fact=_least_similar),
           Wrong(1, says="shares only the setting", fact=_setting_only),
           Wrong(2, says="shares only the setting", fact=_setting_only)],
    "q4": [Wrong(_acc_dot, says="dot product"), Wrong(_acc_axis, says="wrong axis"),
           Wrong(_acc_count, says="NUMBER"), Wrong(_acc_no_check, says="raise ValueError")],
}


def test_nb02_contract():
    assert_exercise_contract(nb02, WRONG)


def test_value_mistakes_never_use_the_offset_to_the_answer():
    """Issue 12: "one too high" was false for the argmax slip and gave the answer away."""
    for question, answer in (("q1", 3), ("q3", 4)):
        message = getattr(nb02, question).check(answer).message
        assert "one too high" not in message and "too high" not in message, message


def test_the_mistake_data_is_the_model_data():
    means, scores = _data()
    np.testing.assert_allclose(nb02.odd_one_out_means(), means, atol=1e-5)
    np.testing.assert_allclose(nb02.candidate_scores(), scores, atol=1e-5)


@pytest.mark.parametrize("func, words", [
    (_pair_dot, "dot product"),
    (_pair_diagonal, "same row twice"),
    (_pair_zero_mask_argmin, "LEAST similar"),
    (_pair_euclidean, "closest pair by Euclidean distance"),
    (_pair_similarities, "not two ints"),
])
def test_pair_mistakes_are_explained(func, words):
    result = nb02.q2.check(func)
    assert result.status == "incorrect"
    assert words in result.message


def test_pair_accepts_either_order_and_numpy_ints():
    def reversed_pair(vectors):
        m = _unit(vectors)
        sims = m @ m.T
        np.fill_diagonal(sims, -np.inf)
        i, j = np.unravel_index(np.argmax(sims), sims.shape)
        return np.array([max(i, j), min(i, j)])

    assert nb02.q2.check(reversed_pair).correct


@pytest.mark.parametrize("func, words", [
    (_acc_dot, "dot product"),
    (_acc_axis, "wrong axis"),
    (_acc_count, "NUMBER"),
    (_acc_percent, "percentage"),
    (_acc_no_check, "raise ValueError"),
])
def test_accuracy_mistakes_are_explained(func, words):
    result = nb02.q4.check(func)
    assert result.status == "incorrect"
    assert words in result.message


def test_accuracy_reference_on_known_cases():
    assert nb02._translation_accuracy(np.eye(4), np.eye(4)) == 1.0
    swapped = np.eye(3)[[1, 0, 2]]
    assert nb02._translation_accuracy(np.eye(3), swapped) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="same shape"):
        nb02._translation_accuracy(np.eye(3), np.eye(2))


def test_sentences_are_as_documented():
    assert len(nb02.ODD_ONE_OUT) == 5 and "orchestra" in nb02.ODD_ONE_OUT[nb02._ODD]
    assert nb02.ENGLISH_CANDIDATES[nb02._MATCH] == "I left my keys in the restaurant."
    assert len(set(nb02.ENGLISH_CANDIDATES)) == 5


def test_bundled_model_agrees_with_the_clear_cut_answers():
    """The value questions' answers are the ones the bundled model finds, with a margin."""
    import vectorkit as vk

    model = vk.load_model("text")
    v = model.embed(nb02.ODD_ONE_OUT)
    sims = v @ v.T
    mean_to_others = (sims.sum(axis=1) - 1) / 4
    order = np.argsort(mean_to_others)
    assert order[0] == nb02._ODD
    assert mean_to_others[order[1]] - mean_to_others[order[0]] > 0.05

    scores = model.embed(nb02.ENGLISH_CANDIDATES) @ model.embed(nb02.GERMAN_QUERY)
    ranked = np.argsort(scores)[::-1]
    assert ranked[0] == nb02._MATCH
    assert scores[ranked[0]] - scores[ranked[1]] > 0.2
