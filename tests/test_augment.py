"""word_swaps and filter_augmented: made-up data, results compared with a brute-force loop."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.train.augment import FilterResult, word_swaps

TABLE = {"great": ["superb", "terrible"], "film": ["movie"]}


def test_word_swaps_makes_only_table_swaps_and_keeps_the_rest():
    texts = ["Great film, great cast.", "Nothing to swap here.", "A film."]
    v = word_swaps(texts, TABLE, n=10, seed=1)
    assert 1 not in v.sources.tolist()
    # every possible variation of text 0: 3 spots with 3, 3 and 2 choices, minus the text itself
    variants0 = [t for t, s in zip(v.texts, v.sources, strict=True) if s == 0]
    assert len(variants0) == len(set(variants0)) == 10 and texts[0] not in variants0
    for text, src, swaps in zip(v.texts, v.sources, v.swaps, strict=True):
        assert swaps and all(new in TABLE[old] for old, new in swaps)
        rebuilt = texts[src]
        for _, new in swaps:                         # every replacement is in the variation
            assert new.lower() in text.lower()
        assert len(text.split()) == len(rebuilt.split())
    assert [t for t, s in zip(v.texts, v.sources, strict=True) if s == 2] == ["A movie."]


def test_word_swaps_keeps_capitals_and_is_seeded():
    v = word_swaps(["Great."], {"great": ["superb"]}, n=3)
    assert v.texts == ["Superb."] and len(v) == 1
    a = word_swaps(["great film"] * 3, TABLE, n=2, seed=5)
    b = word_swaps(["great film"] * 3, TABLE, n=2, seed=5)
    assert a.texts == b.texts and a.sources.tolist() == [0, 0, 1, 1, 2, 2]


def test_word_swaps_accepts_pairs_and_refuses_bad_input():
    assert word_swaps(["a great day"], [("great", "fine")]).texts == ["a fine day"]
    with pytest.raises(TypeError, match="`texts`"):
        word_swaps("a great day", TABLE)
    with pytest.raises(ValueError, match="`rate`"):
        word_swaps(["a"], TABLE, rate=0)
    with pytest.raises(ValueError, match="single words"):
        word_swaps(["a"], {"two words": ["x"]})
    with pytest.raises(ValueError, match="empty"):
        word_swaps(["a"], {})
    with pytest.raises(TypeError, match="pair"):
        word_swaps(["a"], ["great"])


def _brute(train, labels, variations, sources, tolerance, duplicate):
    unit = lambda a: np.asarray(a, float) / np.linalg.norm(a, axis=-1, keepdims=True)  # noqa: E731
    x, v, labels = unit(train), unit(variations), np.asarray(labels)
    classes = sorted(set(labels))
    cents = {c: unit(x[labels == c].mean(axis=0)) for c in classes}

    def margin(vec, label):
        return vec @ cents[label] - max(vec @ cents[c] for c in classes if c != label)

    reasons, kept = [], list(x)
    for vec, s in zip(v, sources, strict=True):
        label = labels[s]
        if margin(vec, label) < margin(x[s], label) - tolerance:
            reasons.append("off-class")
        elif max(float(vec @ k) for k in kept) > duplicate:
            reasons.append("near-duplicate")
        else:
            reasons.append("kept")
            kept.append(vec)
    return reasons


@pytest.mark.parametrize("tolerance, duplicate", [(0.02, 0.95), (0.0, 0.9), (np.inf, 0.99)])
def test_filter_matches_brute_force(tolerance, duplicate):
    rng = np.random.default_rng(0)
    train = rng.normal(size=(12, 5))
    labels = ["a", "b", "c"] * 4
    sources = rng.integers(0, 12, size=60)
    variations = train[sources] + rng.normal(scale=0.4, size=(60, 5))
    variations[10] = variations[3]                         # an exact duplicate of a variation
    got = vk.train.filter_augmented(train, labels, variations, sources, tolerance=tolerance,
                                    duplicate=duplicate)
    assert isinstance(got, FilterResult)
    want = _brute(train, labels, variations, sources, tolerance, duplicate)
    assert got.reason.tolist() == want
    assert got.keep.tolist() == [r == "kept" for r in want]
    assert sum(got.counts().values()) == 60 and got.reason[10] != "kept"


def test_filter_chunks_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(1)
    train, labels = rng.normal(size=(6, 4)), ["x", "y"] * 3
    sources = rng.integers(0, 6, size=40)
    variations = train[sources] + rng.normal(scale=0.2, size=(40, 4))
    whole = vk.train.filter_augmented(train, labels, variations, sources, duplicate=0.97)
    monkeypatch.setattr("vectorkit.train.augment._CHUNK_ROWS", 7)
    chunked = vk.train.filter_augmented(train, labels, variations, sources, duplicate=0.97)
    assert whole.reason.tolist() == chunked.reason.tolist()
    assert whole.counts()["near-duplicate"] > 0 and whole.counts()["kept"] > 0


def test_filter_off_switches():
    rng = np.random.default_rng(2)
    train, labels = rng.normal(size=(4, 3)), ["p", "q", "p", "q"]
    variations = rng.normal(size=(20, 3))
    sources = np.array(list(itertools.islice(itertools.cycle(range(4)), 20)))
    result = vk.train.filter_augmented(train, labels, variations, sources, tolerance=np.inf,
                                       duplicate=1.5)
    assert result.keep.all()


def test_filter_refuses_bad_input():
    train, labels = [[1.0, 0.0], [0.0, 1.0]], ["a", "b"]
    with pytest.raises(ValueError, match="two classes"):
        vk.train.filter_augmented(train, ["a", "a"], [[1.0, 0.0]], [0])
    with pytest.raises(ValueError, match="`sources`"):
        vk.train.filter_augmented(train, labels, [[1.0, 0.0]], [2])
    with pytest.raises(ValueError, match="`sources`"):
        vk.train.filter_augmented(train, labels, [[1.0, 0.0]], [0, 1])
    with pytest.raises(ValueError, match="dimensions"):
        vk.train.filter_augmented(train, labels, [[1.0, 0.0, 0.0]], [0])
    with pytest.raises(ValueError, match="`duplicate`"):
        vk.train.filter_augmented(train, labels, [[1.0, 0.0]], [0], duplicate=-1)
    with pytest.raises(ValueError, match="zero vector"):
        vk.train.filter_augmented(train, labels, [[0.0, 0.0]], [0])
