"""vk.features: hand-made features against their reference libraries, and explain()."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.train import features as F

TEXTS = ["Squeeze the lemon over the fish", "a slice of lemon in the glass",
         "heat the oil in the pan", "the pan was too hot"]


def test_tfidf_equals_scikit_learn_and_transform_reuses_the_vocabulary():
    from sklearn.feature_extraction.text import TfidfVectorizer

    f = vk.features.text(TEXTS)
    ref = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b").fit(TEXTS)
    np.testing.assert_allclose(f.vectors, ref.transform(TEXTS).toarray(), rtol=1e-6)
    assert f.names == ref.get_feature_names_out().tolist() and f.kind == "tfidf"
    np.testing.assert_allclose(f.transform(["hot lemon"]), ref.transform(["hot lemon"]).toarray(),
                               rtol=1e-6)
    assert f.transform("unknown words only").sum() == 0


def test_bag_of_words_counts_words():
    f = vk.features.text(["the cat and the hat"], method="bow")
    assert dict(zip(f.names, f.vectors[0].tolist(), strict=True)) == {
        "and": 1.0, "cat": 1.0, "hat": 1.0, "the": 2.0}


def test_explain_terms_sum_to_the_cosine_and_name_shared_words():
    f = vk.features.text(TEXTS)
    table = f.explain(0, 1, k=100)
    cosine = vk.cosine_similarity(f.vectors[0], f.vectors[1])
    np.testing.assert_allclose(table.contribution.sum(), cosine, rtol=1e-5)
    assert set(table.feature) == {"lemon", "the"} and table.feature.iloc[0] == "lemon"
    assert len(f.explain(0, 1, k=1)) == 1
    with pytest.raises(ValueError, match="zero vector"):
        F.explain([0, 0], [1, 1], ["a", "b"])
    with pytest.raises(ValueError, match="same length"):
        F.explain([1, 0], [1, 1], ["a"])


def test_colour_histogram_equals_numpy_histograms():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (128, 128, 3), dtype=np.uint8)
    f = vk.features.colour_histogram([image, image[::-1]], bins=4)
    want = np.concatenate([np.histogram(image[..., c], bins=4, range=(0, 256))[0]
                           for c in range(3)]) / 128**2
    np.testing.assert_allclose(f.vectors[0], want, rtol=1e-6)
    np.testing.assert_allclose(f.vectors[1], f.vectors[0])    # colour ignores where
    assert len(f.names) == 12 and f.names[4] == "green 0-63"
    with pytest.raises(ValueError, match="divide 256"):
        vk.features.colour_histogram([image], bins=7)


def test_hog_equals_scikit_image_and_sees_orientation():
    from skimage.feature import hog

    stripes = np.zeros((64, 64, 3), np.uint8)
    stripes[:, ::8] = 255                       # vertical lines: horizontal gradients
    f = vk.features.hog([stripes, np.ascontiguousarray(stripes.transpose(1, 0, 2))])
    grey = stripes.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) / 255
    ref = hog(grey, orientations=8, pixels_per_cell=(16, 16), cells_per_block=(2, 2),
              block_norm="L2-Hys")
    np.testing.assert_allclose(f.vectors[0], ref, rtol=1e-5, atol=1e-6)
    assert len(f.names) == f.vectors.shape[1] == 3 * 3 * 4 * 8
    assert vk.cosine_similarity(f.vectors[0], f.vectors[1]) < 0.2   # turned 90 degrees
    with pytest.raises(ValueError, match="multiple of `cell`"):
        vk.features.hog([stripes], size=60)


def test_mfcc_is_the_dct_of_the_log_mel_summarised_over_time():
    from scipy.fft import dct

    t = np.arange(16000) / 16000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    noise = np.random.default_rng(0).normal(0, 0.1, 16000).astype(np.float32)
    f = vk.features.mfcc([tone, noise], sample_rate=16000, n_mfcc=5)
    coeffs = dct(vk.audio.log_mel(tone, sample_rate=16000), axis=1, norm="ortho")[:, :5]
    np.testing.assert_allclose(f.vectors[0], np.r_[coeffs.mean(0), coeffs.std(0)], rtol=1e-5)
    assert f.names[:2] == ["mfcc 0 mean", "mfcc 1 mean"] and f.names[5] == "mfcc 0 std"
    sounds = vk.datasets.load_sounds()
    one = vk.features.mfcc(sounds.get("sine A4"))
    assert one.vectors.shape == (1, 26)
    with pytest.raises(ValueError, match="at most 96"):
        vk.features.mfcc(tone, sample_rate=16000, n_mfcc=100)


def test_text_checks_its_input():
    with pytest.raises(ValueError, match="`method`"):
        vk.features.text(TEXTS, method="word2vec")
    with pytest.raises(TypeError, match="list of strings"):
        vk.features.text("one string")
