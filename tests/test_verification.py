"""Verification scores, ROC / equal-error rate against brute force, and the face pairs."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk


def _brute_force_eer(scores, genuine):
    best = None
    for t in np.unique(scores):
        far = np.mean(scores[~genuine] >= t)     # impostors accepted
        frr = np.mean(scores[genuine] < t)       # genuine pairs rejected
        if best is None or abs(far - frr) < best[0]:
            best = (abs(far - frr), (far + frr) / 2, t)
    return best[1], best[2]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_eer_matches_a_threshold_sweep(seed):
    rng = np.random.default_rng(seed)
    genuine = rng.random(300) < 0.4
    scores = np.where(genuine, rng.normal(0.7, 0.15, 300), rng.normal(0.4, 0.15, 300))
    result = vk.train.equal_error_rate(scores, genuine)
    eer, threshold = _brute_force_eer(scores, genuine)
    assert result.eer == pytest.approx(eer)
    assert result.threshold == pytest.approx(threshold)
    assert 0.5 < result.auc <= 1 and result.fpr[0] == 0 and result.tpr[-1] == 1


def test_perfect_separation_has_zero_eer():
    result = vk.train.equal_error_rate([0.9, 0.8, 0.1, 0.2], [True, True, False, False])
    assert result.eer == 0.0 and 0.2 < result.threshold <= 0.8 and result.auc == 1.0


def test_scores_are_pairwise_cosines():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 8)), rng.normal(size=(5, 8))
    expected = [vk.cosine_similarity(x, y) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(vk.train.verification_scores(a, b), expected, atol=1e-6)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="both genuine"):
        vk.train.equal_error_rate([0.1, 0.2], [True, True])
    with pytest.raises(ValueError, match="one label per score"):
        vk.train.equal_error_rate([0.1, 0.2], [True])
    with pytest.raises(ValueError, match="same number of vectors"):
        vk.train.verification_scores(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="zero vector"):
        vk.train.verification_scores(np.ones((2, 3)), np.zeros((2, 3)))


def test_face_pairs_are_what_they_say():
    faces = vk.datasets.load_faces()
    assert faces.shape == (100, 25, 25, 3) and faces.dtype == np.uint8
    pairs = vk.datasets.face_pairs(30, seed=4)
    assert len(pairs) == 60 and pairs.genuine[:30].all() and not pairs.genuine[30:].any()
    assert (pairs.first_face[:30] == pairs.second_face[:30]).all()
    assert (pairs.first_face[30:] != pairs.second_face[30:]).all()
    for i in (0, 45):
        np.testing.assert_array_equal(pairs.first[i], faces[pairs.first_face[i]])
        assert pairs.second[i].ndim == 3 and pairs.second[i].dtype == np.uint8
    again = vk.datasets.face_pairs(30, seed=4)
    np.testing.assert_array_equal(again.second[7], pairs.second[7])
    with pytest.raises(ValueError, match="`n_pairs`"):
        vk.datasets.face_pairs(0)


def test_strong_variations_come_from_image_views():
    mild = vk.datasets.face_pairs(5, "mild", seed=2)
    strong = vk.datasets.face_pairs(5, "strong", seed=2)
    np.testing.assert_array_equal(mild.first_face, strong.first_face)   # same faces, same partners
    views = vk.datasets.image_views([vk.datasets.load_faces()[j] for j in strong.second_face],
                                    n_views=1, seed=2).images
    np.testing.assert_array_equal(strong.second[3], views[3])
    assert all(m.shape == (25, 25, 3) for m in mild.second)
    with pytest.raises(ValueError, match="`variation` must be one of"):
        vk.datasets.face_pairs(5, "wild")
