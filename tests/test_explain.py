"""vk.train.occlusion_map and word_importance on transparent models with known answers."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.models._image import ImageModel

RED, BLUE = (255, 0, 0), (0, 0, 255)


class _QuadrantModel(ImageModel):
    """An image model whose vector is the mean colour of the top-left 112x112 quadrant.

    It runs through the real image-model machinery (input checks, preprocess, batching);
    only the network is replaced by a formula. ``shorter_side=None``: a 224x224 input is
    used as it is.
    """

    name, dim, source = "quadrant", 3, "local"
    shorter_side = None

    def __init__(self):
        self.seen = []

    def _run(self, batch):
        self.seen.append(batch.shape)
        return batch[:, :112, :112].astype(np.float32).mean(axis=(1, 2)), None


def _picture():
    img = np.empty((224, 224, 3), np.uint8)
    img[:] = BLUE
    img[:112, :112] = RED
    return img


def _expected_white(patch, stride):
    """cos(full, red) - cos(covered, red) when white covers part f of the red quadrant:
    the quadrant's mean is (255, 255 f, 255 f), whose cosine to red is 1 / sqrt(1 + 2 f^2)."""
    starts = range(0, 224 - patch + 1, stride)
    out = np.zeros((len(starts), len(starts)))
    for i, r in enumerate(starts):
        for j, c in enumerate(starts):
            overlap = max(0, min(r + patch, 112) - r) * max(0, min(c + patch, 112) - c)
            f = overlap / 112 ** 2
            out[i, j] = 1 - 1 / np.sqrt(1 + 2 * f ** 2)
    return out


def test_only_the_top_left_occlusions_matter_and_by_the_right_amount():
    model = _QuadrantModel()
    image = _picture()
    assert np.array_equal(np.rint(model.preprocess(image) * 255).astype(np.uint8), image)
    drops = vk.train.occlusion_map(model, image, np.array([1.0, 0.0, 0.0]), patch=32,
                                   stride=16, fill="white")
    assert drops.shape == (13, 13)
    np.testing.assert_allclose(drops, _expected_white(32, 16), atol=1e-6)
    assert drops[:6, :6].min() > 0.001  # squares inside the quadrant
    assert np.abs(drops[7:, :]).max() == 0 and np.abs(drops[:, 7:]).max() == 0
    assert model.seen == [(32, 224, 224, 3)] * 5 + [(10, 224, 224, 3)]  # 170 copies, batched


def test_a_reference_image_equals_its_vector_and_the_mean_fill():
    model = _QuadrantModel()
    red = np.empty((224, 224, 3), np.uint8)
    red[:] = RED
    by_image = vk.train.occlusion_map(model, _picture(), red, patch=56, stride=56)
    by_vector = vk.train.occlusion_map(model, _picture(), [255.0, 0.0, 0.0], patch=56,
                                       stride=56)
    np.testing.assert_allclose(by_image, by_vector, atol=1e-7)
    # the mean colour of the picture, (64, 0, 191), replaces red in the covered squares
    mean = np.array([64.0, 0.0, 191.0])
    cos_half = (255 * 0.75 + mean[0] * 0.25) / np.linalg.norm(
        [255 * 0.75 + mean[0] * 0.25, 0, mean[2] * 0.25])
    expected = np.zeros((4, 4))
    expected[:2, :2] = 1 - cos_half
    np.testing.assert_allclose(by_vector, expected, atol=1e-6)


def test_occlusion_limits_and_bad_inputs():
    model = _QuadrantModel()
    with pytest.raises(ValueError, match="784 occluded copies; at most 400"):
        vk.train.occlusion_map(model, _picture(), [1.0, 0, 0], patch=8, stride=8)
    with pytest.raises(ValueError, match="`patch` must be at most the input size 224"):
        vk.train.occlusion_map(model, _picture(), [1.0, 0, 0], patch=300)
    with pytest.raises(TypeError, match="`stride` must be a positive integer"):
        vk.train.occlusion_map(model, _picture(), [1.0, 0, 0], stride=1.5)
    with pytest.raises(ValueError, match="`fill` must be one of"):
        vk.train.occlusion_map(model, _picture(), [1.0, 0, 0], fill="blur")
    with pytest.raises(ValueError, match=r"`fill` must be a number in \[0, 1\]"):
        vk.train.occlusion_map(model, _picture(), [1.0, 0, 0], fill=2)
    with pytest.raises(ValueError, match="`reference` is a vector of length 2"):
        vk.train.occlusion_map(model, _picture(), [1.0, 0], patch=112, stride=112)
    with pytest.raises(ValueError, match="`reference` is the zero vector"):
        vk.train.occlusion_map(model, _picture(), [0.0, 0, 0], patch=112, stride=112)
    with pytest.raises(ValueError, match="`image` must be one image"):
        vk.train.occlusion_map(model, [_picture(), _picture()], [1.0, 0, 0])
    with pytest.raises(ValueError, match="`model` must be an image model"):
        vk.train.occlusion_map(_SignalModel(), _picture(), [1.0, 0, 0])


class _PlainImageModel:
    """Not a vectorkit model: ``preprocess`` and ``embed`` only (the quadrant formula)."""

    modality = "image"

    def preprocess(self, image):
        return np.asarray(image, np.float32) / 255.0

    def embed(self, images):
        return np.stack(images)[:, :112, :112].astype(np.float32).mean(axis=(1, 2))


def test_a_duck_typed_model_gives_the_same_map():
    kwargs = dict(patch=32, stride=16, fill="white")
    plain = vk.train.occlusion_map(_PlainImageModel(), _picture(), [1.0, 0, 0], **kwargs)
    np.testing.assert_allclose(plain, _expected_white(32, 16), atol=1e-6)


class _SignalModel:
    """A text model whose vector is (how often "red" occurs, 1)."""

    modality = "text"

    def embed(self, texts):
        one = isinstance(texts, str)
        rows = np.array([[t.split().count("red"), 1.0] for t in ([texts] if one else texts)],
                        dtype=np.float32)
        return rows[0] if one else rows


def test_only_the_word_carrying_the_signal_matters():
    model = _SignalModel()
    pairs = vk.train.word_importance(model, "a red car parks")
    assert [w for w, _ in pairs] == ["a", "red", "car", "parks"]
    # full (1, 1) vs without "red" (0, 1): cosine 1/sqrt(2)
    np.testing.assert_allclose([d for _, d in pairs], [0, 1 - 2 ** -0.5, 0, 0], atol=1e-7)
    to_ref = vk.train.word_importance(model, "a red car parks", reference=[1.0, 0.0])
    np.testing.assert_allclose([d for _, d in to_ref], [0, 2 ** -0.5, 0, 0], atol=1e-7)
    # "red red" embeds as (2, 1): cos to the full (1, 1) is 3/sqrt(10), to (0, 1) 1/sqrt(5)
    by_text = vk.train.word_importance(model, "a red car parks", reference="red red")
    np.testing.assert_allclose([d for _, d in by_text],
                               [0, 3 / 10 ** 0.5 - 5 ** -0.5, 0, 0], atol=1e-7)


def test_word_importance_bad_inputs():
    model = _SignalModel()
    with pytest.raises(ValueError, match="`text` must have 2 to 200 words.*got 1"):
        vk.train.word_importance(model, "red")
    with pytest.raises(TypeError, match="`text` must be a string"):
        vk.train.word_importance(model, ["a red car"])
    with pytest.raises(ValueError, match="`reference` is an empty text"):
        vk.train.word_importance(model, "a red car", reference=" ")
    with pytest.raises(ValueError, match="`model` must be a text model"):
        vk.train.word_importance(_QuadrantModel(), "a red car")


@pytest.fixture(scope="module")
def text_model():
    return vk.load_model("text")


def test_real_text_model_smoke(text_model):
    pairs = vk.train.word_importance(text_model, "the dog chased a ball",
                                     reference="a puppy playing")
    assert [w for w, _ in pairs] == ["the", "dog", "chased", "a", "ball"]
    assert max(pairs, key=lambda p: p[1])[0] == "dog"
    alone = vk.train.word_importance(text_model, "stock prices fell sharply today")
    drops = dict(alone)
    assert all(np.isfinite(d) and 0 < d <= 2 for d in drops.values())  # every word counts
    full, without = text_model.embed(["stock prices fell sharply today",
                                      "stock fell sharply today"])
    cos = float(full @ without / np.linalg.norm(full) / np.linalg.norm(without))
    assert drops["prices"] == pytest.approx(1 - cos, abs=1e-5)
