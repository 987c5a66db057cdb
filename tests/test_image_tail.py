"""vk.train.image_tail: EfficientNet-Lite0's last stages as a Keras model to fine-tune."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data

import vectorkit as vk


@pytest.fixture(scope="module")
def lite0():
    return vk.load_model("image")


@pytest.fixture(scope="module")
def images():
    return [skimage.data.coffee(), skimage.data.chelsea(), skimage.data.camera(),
            skimage.data.astronaut()]


@pytest.mark.parametrize("stages, cut, shape", [(0, "pool", (1280,)),
                                                 (1, "stage 6", (7, 7, 192)),
                                                 (2, "stage 5", (14, 14, 112)),
                                                 (7, "stem", (112, 112, 32))])
def test_untrained_tail_reproduces_the_models_embedding(lite0, images, stages, cut, shape):
    tail = vk.train.image_tail(3, train_stages=stages, model=lite0)
    x = tail.prepare(images[:2])
    assert tail.cut == cut and x.shape == (2, *shape) and x.dtype == np.float32
    np.testing.assert_allclose(tail.embedder.predict(x, verbose=0),
                               lite0.embed(images[:2], cache=False), atol=1e-4)
    if stages:  # the prepared activations are the bundled network's at the cut
        np.testing.assert_allclose(x[0], dict(lite0.feature_maps(images[0]))[cut], atol=1e-4)
    probs = tail.model.predict(x, verbose=0)
    assert probs.shape == (2, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_trainable_weights_are_the_tails_convolutions_and_the_head(lite0):
    one = vk.train.image_tail(5, train_stages=1, model=lite0)
    # stage 7 (expand 192 -> 1152, 3x3 depthwise, project -> 320), head 320 -> 1280, dense
    expected = 192 * 1152 + 9 * 1152 + 1152 * 320 + 320 * 1280 + 1280 * 5 + 5
    assert sum(int(np.prod(w.shape)) for w in one.model.trainable_weights) == expected
    assert not any("_bn" in w.path for w in one.model.trainable_weights)
    frozen = vk.train.image_tail(5, train_stages=0, model=lite0)
    assert sum(int(np.prod(w.shape)) for w in frozen.model.trainable_weights) == 1280 * 5 + 5
    two = vk.train.image_tail(5, train_stages=2, model=lite0)
    assert len(two.model.trainable_weights) > len(one.model.trainable_weights)


def test_a_training_step_changes_the_tail_and_nothing_frozen(lite0, images):
    import tensorflow as tf

    tail = vk.train.image_tail(2, train_stages=1, model=lite0)
    x, y = tail.prepare(images), np.array([0, 1, 0, 1])
    before = {w.path: w.numpy().copy() for w in tail.model.weights}
    network_before = [v.numpy().copy() for v in lite0.network.variables]
    tail.model.compile(tf.keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    tail.model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    trainable = {w.path for w in tail.model.trainable_weights}
    changed = {w.path for w in tail.model.weights
               if not np.array_equal(before[w.path], w.numpy())}
    assert changed == trainable  # every trainable weight moved, no frozen one did
    assert any("_bn" in p for p in before) and not any("_bn" in p for p in changed)
    assert all(np.array_equal(a, v.numpy())
               for a, v in zip(network_before, lite0.network.variables, strict=True))
    np.testing.assert_array_equal(tail.prepare(images), x)  # the frozen part is untouched
    drift = np.abs(tail.embedder.predict(x, verbose=0) - lite0.embed(images, cache=False))
    assert drift.max() > 1e-4  # the fine-tuned embedding is no longer the pre-trained one


def test_same_seed_same_head(lite0):
    a, b, c = (vk.train.image_tail(4, 0, model=lite0, seed=s).model.get_weights()[0]
               for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_prepare_accepts_one_image_and_empty_lists(lite0, images):
    tail = vk.train.image_tail(2, 1, model=lite0)
    assert tail.prepare(images[0]).shape == (1, 7, 7, 192)
    assert tail.prepare([]).shape == (0, 7, 7, 192)
    # batches of 3 and of 32 give the same activations up to float32 rounding, which depends
    # on the batch shape (oneDNN picks other kernels): 2.2e-5 on activations of size ~10 seen
    by_three, whole = tail.prepare(images, batch_size=3), tail.prepare(images)
    np.testing.assert_allclose(by_three, whole, rtol=1e-4, atol=1e-4 * np.abs(whole).max())


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_classes=1), ValueError, "`n_classes`"),
    (dict(n_classes=2.5), TypeError, "`n_classes`"),
    (dict(n_classes=2, train_stages=8), ValueError, "`train_stages` must be from 0 to 7"),
    (dict(n_classes=2, train_stages=-1), ValueError, "`train_stages`"),
    (dict(n_classes=2, train_stages=1.0), TypeError, "`train_stages`"),
    (dict(n_classes=2, train_stages=True), TypeError, "`train_stages`"),
    (dict(n_classes=2, seed="0"), TypeError, "`seed`"),
    (dict(n_classes=2, model="text"), TypeError, "`model` must be the bundled image model"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        vk.train.image_tail(**kwargs)
