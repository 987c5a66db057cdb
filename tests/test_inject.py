"""vk.train.near_copies / flip_labels: known problems injected where they say they are."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk

TEXTS = [f"Sentence number {i} talks about weather today." for i in range(12)]


def test_near_copies_are_appended_and_each_differs_by_one_small_edit():
    out, pairs = vk.train.near_copies(TEXTS, 8, seed=3)
    assert out[:12] == TEXTS and len(out) == 20
    assert [j for _, j in pairs] == list(range(12, 20))
    assert len({i for i, _ in pairs}) == 8
    for k, (i, j) in enumerate(pairs):
        original, copy = out[i], out[j]
        assert copy != original
        kind = vk.train.inject.EDITS[k % 4]
        if kind == "lower-case":
            assert copy == original.lower()
        elif kind == "typo":
            assert sorted(copy) == sorted(original) and len(copy) == len(original)
            assert sum(a != b for a, b in zip(copy, original, strict=True)) == 2
        elif kind == "prefix":
            assert copy == "Note: " + original
        else:
            assert copy == original[:-1] + "!"


def test_near_copies_are_reproducible_and_checked():
    assert vk.train.near_copies(TEXTS, 5, seed=1) == vk.train.near_copies(TEXTS, 5, seed=1)
    with pytest.raises(ValueError, match="`n` must be at most"):
        vk.train.near_copies(TEXTS, 13)
    with pytest.raises(TypeError, match="`texts`"):
        vk.train.near_copies("one text", 1)
    with pytest.raises(TypeError, match="`seed`"):
        vk.train.near_copies(TEXTS, 1, seed=1.5)


def test_flip_labels_changes_exactly_the_reported_items():
    labels = np.array(list("aaabbbccc"))
    new, flipped = vk.train.flip_labels(labels, 4, seed=0)
    assert len(flipped) == 4 and list(flipped) == sorted(set(flipped.tolist()))
    changed = np.flatnonzero(new != labels)
    np.testing.assert_array_equal(changed, flipped)
    assert set(new) <= set(labels) and (labels == np.array(list("aaabbbccc"))).all()


def test_flip_labels_is_checked():
    with pytest.raises(ValueError, match="two distinct"):
        vk.train.flip_labels(["a", "a"], 1)
    with pytest.raises(ValueError, match="at most"):
        vk.train.flip_labels(["a", "b"], 3)
    with pytest.raises(ValueError, match="1-D"):
        vk.train.flip_labels(np.zeros((2, 2)), 1)
    with pytest.raises(TypeError, match="`labels`"):
        vk.train.flip_labels("ab", 1)
