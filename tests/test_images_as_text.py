"""vk.images_as_text: images in the text model's space through their top ImageNet labels."""

from __future__ import annotations

import numpy as np
import pytest
import skimage

import vectorkit as vk


@pytest.fixture(scope="module")
def models():
    return vk.load_model("image"), vk.load_model("text")


@pytest.fixture(scope="module")
def photos():
    return [skimage.data.coffee(), skimage.data.chelsea(), skimage.data.rocket()]


def test_matches_a_brute_force_weighted_average(models, photos):
    image, text = models
    got = vk.images_as_text(photos, image_model=image, text_model=text, top_k=3)
    assert got.shape == (3, text.dim) and got.dtype == np.float32
    for row, pairs in zip(got, image.classify(photos, top_k=3), strict=True):
        names = [label for label, _ in pairs]
        weights = np.array([p for _, p in pairs])
        expected = weights @ text.embed(names).astype(np.float64)
        np.testing.assert_allclose(row, expected / np.linalg.norm(expected), atol=1e-5)


def test_top_1_is_the_embedding_of_the_top_label(models, photos):
    image, text = models
    got = vk.images_as_text(photos[0], image_model=image, text_model=text, top_k=1,
                            template="a photo of {}")
    assert got.shape == (text.dim,)
    np.testing.assert_allclose(got, text.embed("a photo of espresso"), atol=1e-5)


def test_text_queries_find_their_photo(models, photos):
    vectors = vk.images_as_text(photos)
    queries = models[1].embed(["a cup of coffee", "a cat", "a rocket launch"])
    np.testing.assert_array_equal((queries @ vectors.T).argmax(axis=1), [0, 1, 2])


def test_bad_arguments_are_named(models, photos):
    image, text = models
    with pytest.raises(ValueError, match="`image_model` must be a model of modality 'image'"):
        vk.images_as_text(photos, image_model=text)
    with pytest.raises(ValueError, match="`text_model` must be a model of modality 'text'"):
        vk.images_as_text(photos, text_model=image)
    with pytest.raises(TypeError, match="`text_model` must be a model name"):
        vk.images_as_text(photos, text_model=3)
    with pytest.raises(ValueError, match="`top_k` must be a positive integer"):
        vk.images_as_text(photos, top_k=0)
    with pytest.raises(ValueError, match="`template` must be a str containing"):
        vk.images_as_text(photos, template="a photo")
    assert vk.images_as_text([]).shape == (0, text.dim)
