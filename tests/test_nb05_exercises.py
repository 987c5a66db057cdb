"""The checks behind notebook 05 (audio embeddings): contract, typical mistakes, model facts."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_contract import Wrong, assert_exercise_contract

import vectorkit as vk
from vectorkit.exercises import ____, nb05
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


# --- plausible wrong answers ---------------------------------------------------------------


def _pick(rule):
    def nearest_sound(query):
        names, vectors = nb05._library()
        return names[rule(vectors, nb05._query_vector(query))]
    return nearest_sound


_euclidean = _pick(lambda m, q: int(np.argmin(np.linalg.norm(m - q, axis=1))))
_dot = _pick(lambda m, q: int(np.argmax(m @ q)))
_least = _pick(lambda m, q: int(np.argmin(m @ q / np.linalg.norm(m, axis=1))))


def _position(query):
    names, _ = nb05._library()
    return names.index(nb05._nearest_sound(query))


def _as_list(query):
    return [nb05._nearest_sound(query)]


def _first_sound(query):
    return "sine A2"


def _swapped(labels):
    return ["slow" if x == "fast" else "fast" for x in labels]


_TRUTH = list(nb05._TEST_LABELS)
_ALL_FAST = ["fast"] * len(_TRUTH)
_TWO_WRONG = _swapped(_TRUTH[:3]) + _TRUTH[3:]


def test_nb05_contract():
    assert_exercise_contract(nb05, {
        "q1": [["A", "B", "C", "D"], ["B", "D", "A", "C"], ["C", "B", "A", "D"], "CADB",
               ["C", "A", "B"]],
        "q2": [Wrong(_euclidean, "Euclidean distance"), Wrong(_dot, "largest dot product"),
               Wrong(_least, "least similar sound"), _position, _as_list, _first_sound],
        "q3": [_ALL_FAST, _swapped(_TRUTH), _TWO_WRONG, _TRUTH[:-1], ["slow", "medium"] * 8,
               "fast"],
    })


# --- question 1 ------------------------------------------------------------------------------


def test_ranking_matches_the_model():
    """The hard-coded answer of q1 is what musicnn measures, with clear gaps between pairs."""
    names, vectors = nb05._library()
    sims = {letter: float(vk.cosine_similarity(vectors[names.index(a)], vectors[names.index(b)]))
            for letter, (a, b, _) in nb05.PAIRS.items()}
    assert sorted(sims, key=sims.get, reverse=True) == nb05._RANKING
    ordered = sorted(sims.values(), reverse=True)
    assert min(a - b for a, b in zip(ordered, ordered[1:], strict=False)) > 0.1, sims


def test_ranking_mistakes_are_explained():
    assert "least similar to the most" in nb05.q1.check(["B", "D", "A", "C"]).message
    assert "scales (C) last" in nb05.q1.check(["A", "B", "D", "C"]).message
    assert "same pitch (B)" in nb05.q1.check(["C", "B", "A", "D"]).message
    assert "4 places" in nb05.q1.check(["A", "C", "D", "B"]).message
    assert "exactly once" in nb05.q1.check(["A", "A", "B", "C"]).message
    assert "list of the four letters" in nb05.q1.check("CADB").message
    assert nb05.q1.check(["c", " a", "D", "b"]).status == "correct"  # case and spaces ignored


# --- question 2 ------------------------------------------------------------------------------


def test_sound_search_mistakes_are_explained():
    assert "Euclidean" in nb05.q2.check(_euclidean).message
    assert "dot product" in nb05.q2.check(_dot).message
    assert "argmax" in nb05.q2.check(_least).message
    assert "position" in nb05.q2.check(_position).message
    assert "one name" in nb05.q2.check(_as_list).message
    assert "not the name" in nb05.q2.check(lambda q: "a sine").message


def test_every_mistake_is_caught_by_a_visible_or_hidden_case():
    """Each wrong rule differs from cosine on at least one query, so it cannot pass."""
    for wrong in (_euclidean, _dot, _least):
        assert any(wrong(c.args[0]) != nb05._nearest_sound(c.args[0]) for c in nb05.q2.cases)


def test_sound_search_accepts_an_index_solution_and_exact_ties():
    names, vectors = nb05._library()
    index = vk.Index(vectors, ids=names)

    def with_index(query):
        return str(index.search(nb05._query_vector(query), k=1).ids[0])

    assert nb05.q2.check(with_index).status == "correct"
    expected = nb05._reference(nb05.q2.cases[0].args[0])
    tied = [n for n, c in expected.cosines.items()
            if n != expected and abs(c - expected.cosines[expected]) < 1e-4]
    for name in tied:
        assert nb05._same_name(name, expected) is None
    runner_up = sorted(expected.cosines, key=expected.cosines.get)[-2]
    if runner_up not in tied:
        assert nb05._same_name(runner_up, expected) is False


def test_query_sounds_are_made_lazily_and_compare_by_name():
    queries = nb05.query_sounds()
    assert [q.name for q in queries] == ["a click track at 100 bpm", "a square wave at 220 Hz"]
    audio = queries[0].audio
    assert audio.dtype == np.float32 and audio.shape == (48000,)
    assert np.abs(audio).max() <= 1.0
    assert queries[0] == nb05._Query("a click track at 100 bpm") != queries[1]
    assert "<audio" in queries[1]._repr_html_()


# --- question 3 ------------------------------------------------------------------------------


def test_tempo_data_is_deterministic_and_balanced():
    train, labels, test = nb05.tempo_data()
    again = nb05.tempo_data()
    assert len(train) == 24 and len(test) == 16 and len(labels) == 24
    assert labels.count("slow") == labels.count("fast") == 12
    assert _TRUTH.count("slow") == _TRUTH.count("fast") == 8
    for a, b in zip(train + test, again[0] + again[2], strict=True):
        np.testing.assert_array_equal(a.audio, b.audio)
    for clip in train + test:
        assert clip.sample_rate == 16000 and clip.audio.shape == (48000,)
        assert np.abs(clip.audio).max() <= 1.0
    assert all("bpm" not in t.params and "bpm" not in t.name for t in test)
    assert {t.params["drum"] for t in test} == set(nb05._KINDS)


def test_tempo_messages():
    assert "8 of 16" in nb05.q3.check(_ALL_FAST).message
    assert "worse than guessing" in nb05.q3.check(_swapped(_TRUTH)).message
    assert "15 labels" in nb05.q3.check(_TRUTH[:-1]).message
    assert "'medium'" in nb05.q3.check(["slow", "medium"] * 8).message
    assert nb05.q3.check([x.upper() for x in _TRUTH]).status == "correct"
    assert nb05.q3.check(np.array(_TRUTH)).status == "correct"
    assert nb05.q3.check(_TRUTH[:2] + [____] * 14).status == "not attempted"


def test_tempo_is_learnable_from_the_embeddings():
    """What the notebook claims: a nearest neighbour and a logistic regression both pass."""
    from sklearn.linear_model import LogisticRegression

    train, labels, test = nb05.tempo_data()
    model = nb05._model()
    train_vectors, test_vectors = model.embed(train), model.embed(test)
    best = vk.cosine_similarity(test_vectors, train_vectors).argmax(axis=1)
    assert nb05.q3.check([labels[i] for i in best]).status == "correct"
    clf = LogisticRegression(max_iter=1000).fit(train_vectors, labels)
    assert nb05.q3.check(list(clf.predict(test_vectors))).status == "correct"


def test_import_stays_cheap():
    """Importing the module synthesises no sound and imports no TensorFlow."""
    import subprocess
    import sys

    code = ("import sys; from vectorkit.exercises import nb05; "
            "assert nb05._queries.cache_info().currsize == 0; "
            "assert nb05._model.cache_info().currsize == 0; "
            "assert 'tensorflow' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
