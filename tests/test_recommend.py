"""vk.train recommendation helpers, against brute force and numpy's SVD."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.train import recommend as rec

BASKETS = [["tea", "milk", "cake"], ["tea", "milk"], ["nails", "hammer"], ["tea", "tea"],
           ["hammer", "nails", "glue"], ["milk"], ["cake", "tea"]]


def test_cooccurrence_counts_baskets_holding_both():
    counts, items = vk.train.cooccurrence(BASKETS)
    assert items == sorted({x for b in BASKETS for x in b})
    for (i, a), (j, b) in itertools.product(enumerate(items), repeat=2):
        expected = 0 if a == b else sum(1 for bk in BASKETS if a in bk and b in bk)
        assert counts[i, j] == expected, (a, b)


def test_svd_item_vectors_match_numpy_svd():
    baskets = vk.datasets.load_baskets()[:200]
    vectors, items = vk.train.svd_item_vectors(baskets, dim=6, ppmi=False)
    counts, _ = vk.train.cooccurrence(baskets, items)
    u, s, _ = np.linalg.svd(counts)
    expected = u[:, :6] * np.sqrt(s[:6])
    signs = np.sign((vectors * expected).sum(axis=0))
    np.testing.assert_allclose(vectors * signs, expected, atol=1e-3)


def test_ppmi_vectors_put_co_bought_items_together():
    vectors, items = vk.train.svd_item_vectors(BASKETS * 5, dim=2)
    sims = rec.ItemVectors(vectors, items)
    assert set(sims.recommend(["nails"], k=2)) == {"hammer", "glue"}   # the toolbox
    assert sims.recommend(["milk"], k=2)[0] in {"tea", "cake"}


def test_popularity_is_a_basket_count():
    pop = vk.train.Popularity(BASKETS)
    counts = Counter(x for b in BASKETS for x in set(b))
    assert pop.recommend([], k=3) == [x for x, _ in sorted(counts.items(),
                                                           key=lambda kv: (-kv[1], kv[0]))][:3]
    assert "tea" not in pop.recommend(["tea"], k=10)


def test_item_vectors_sum_cosines_over_the_context():
    vectors = np.array([[1.0, 0, 0], [0.8, 0.6, 0], [0, 1.0, 0], [0, 0, 2.0]])
    r = vk.train.ItemVectors(vectors, ["a", "b", "c", "d"])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    np.testing.assert_allclose(r.scores(["a", "c"]), unit @ (unit[0] + unit[2]))
    assert r.recommend(["a", "c"], k=2) == ["b", "d"]
    assert r.recommend(["unknown"], k=2) == ["a", "b"]  # no information: ties in id order


def test_blend_weights_move_between_its_parts():
    pop = vk.train.Popularity(BASKETS)
    vectors, items = vk.train.svd_item_vectors(BASKETS, dim=2, items=pop.items)
    sim = vk.train.ItemVectors(vectors, items)
    assert vk.train.Blend([sim, pop], [1, 0]).recommend(["nails"], 3) == sim.recommend(["nails"], 3)
    assert vk.train.Blend([sim, pop], [0, 1]).recommend(["nails"], 3) == pop.recommend(["nails"], 3)
    with pytest.raises(ValueError, match="one weight per recommender"):
        vk.train.Blend([sim, pop], [1])
    with pytest.raises(ValueError, match="same items in the same order"):
        vk.train.Blend([sim, vk.train.Popularity(BASKETS, items=items[::-1])], [1, 1])


def test_split_hides_one_item_of_each_test_basket():
    baskets = vk.datasets.load_baskets()
    train, contexts, targets = vk.train.split_baskets(baskets, 0.2, seed=3)
    assert len(train) + len(contexts) == len(baskets) and len(contexts) == len(targets)
    assert (train, contexts, targets) == vk.train.split_baskets(baskets, 0.2, seed=3)
    whole = Counter(tuple(sorted(set(b))) for b in baskets)
    rebuilt = Counter(tuple(sorted(set(b))) for b in train)
    rebuilt.update(tuple(sorted(c + [t])) for c, t in zip(contexts, targets, strict=True))
    assert rebuilt == whole
    assert all(t not in c and c for c, t in zip(contexts, targets, strict=True))
    *_, held_out = vk.train.split_baskets(baskets, 0.2, seed=3, with_index=True)
    assert [sorted(set(baskets[i])) for i in held_out] == \
        [sorted(c + [t]) for c, t in zip(contexts, targets, strict=True)]


def test_evaluate_is_hit_rate_and_ndcg_by_hand():
    class Fixed:
        items = ["a", "b", "c"]

        def recommend(self, context, k):
            return ["b", "a", "c"][:k]

    result = vk.train.evaluate_recommender(Fixed(), [[], [], []], ["b", "a", "z"], k=2)
    assert result["hit_rate@2"] == pytest.approx(2 / 3)
    assert result["ndcg@2"] == pytest.approx((1 + 1 / np.log2(3)) / 3)
    with pytest.raises(ValueError, match="equal length"):
        vk.train.evaluate_recommender(Fixed(), [[]], [], k=2)


def test_bad_input_is_named():
    with pytest.raises(TypeError, match=r"`baskets\[1\]` must be a list of item ids"):
        vk.train.cooccurrence([["a"], "ab"])
    with pytest.raises(ValueError, match="`dim` must be smaller"):
        vk.train.svd_item_vectors(BASKETS, dim=6)
    with pytest.raises(ValueError, match="one id per row"):
        vk.train.ItemVectors(np.eye(3), ["a", "b"])
    with pytest.raises(ValueError, match="`test_fraction`"):
        vk.train.split_baskets(BASKETS, 1.5)
