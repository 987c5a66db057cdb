"""Image models as SavedModels: export + read back, and MobileNet V2 through a loopback hub."""

from __future__ import annotations

import os

import numpy as np
import pytest
import skimage.data
from hubtools import make_targz

import vectorkit as vk
from vectorkit.models import _hub

FV_PATH = "google/imagenet/mobilenet_v2_100_224/feature_vector/5"
CLS_PATH = "google/imagenet/mobilenet_v2_100_224/classification/5"
ESPRESSO_1001 = 968  # "espresso" is ImageNet class 967; index 0 is background


@pytest.fixture(scope="module")
def lite0():
    return vk.load_model("efficientnet-lite0")


@pytest.fixture(scope="module")
def exported(lite0, tmp_path_factory):
    return vk.export_model(lite0, tmp_path_factory.mktemp("export") / "lite0")


def _images():
    return [skimage.data.coffee(), skimage.data.chelsea(), skimage.data.camera()]


def test_export_is_a_tf_hub_savedmodel_with_identical_outputs(lite0, exported):
    import tensorflow_hub as hub

    assert (exported / "saved_model.pb").is_file()
    assert (exported / "variables" / "variables.index").is_file()
    x = lite0.preprocess(_images())  # float32 (3, 224, 224, 3) in [0, 1]
    obj = hub.load(str(exported))
    features = obj(x).numpy()
    out = obj.signatures["serving_default"](images=x)
    assert set(out) == {"feature_vector", "logits"}
    assert out["logits"].shape == (3, 1000) and features.shape == (3, 1280)
    np.testing.assert_allclose(out["logits"].numpy(), lite0.logits(_images()), atol=1e-4)
    np.testing.assert_allclose(features, lite0.embed(_images(), cache=False), atol=1e-4)


def test_export_reads_back_through_load_model(lite0, exported):
    m = vk.load_model(str(exported))
    assert (m.modality, m.dim, m.source, m.name) == ("image", 1280, "local", "lite0")
    assert m.labels == lite0.labels
    np.testing.assert_allclose(m.embed(_images(), cache=False),
                               lite0.embed(_images(), cache=False), atol=1e-4)
    np.testing.assert_allclose(m.logits(_images()), lite0.logits(_images()), atol=1e-4)
    assert m.classify(skimage.data.coffee(), top_k=1)[0][0] == "espresso"
    assert m.cache_namespace != lite0.cache_namespace


def test_export_refuses_to_overwrite_and_leaves_no_temp_dirs(lite0, tmp_path):
    target = tmp_path / "m"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        vk.export_model(lite0, target)
    assert (target / "keep.txt").read_text() == "mine"
    vk.export_model(lite0, target, overwrite=True)
    assert (target / "saved_model.pb").is_file() and not (target / "keep.txt").exists()
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_failed_export_leaves_nothing_behind(lite0, tmp_path, monkeypatch):
    import tensorflow as tf

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        vk.export_model(lite0, tmp_path / "m")
    assert os.listdir(tmp_path) == []


def test_export_rejects_models_it_cannot_write():
    with pytest.raises(TypeError, match="`name_or_model`"):
        vk.export_model(vk.load_model("text"), "/nonexistent/x")


# ---- MobileNet V2 through a loopback TF Hub ----------------------------------------------
def _make_standins(folder):
    """Stand-ins with MobileNet V2's hub signatures: [None,224,224,3] in [0,1] -> 1280 / 1001.

    Feature 0 is the mean pixel value, so a test can see the [0, 1] input contract; the
    classifier always prefers "espresso" (index 968 of 1001).
    """
    import tensorflow as tf

    spec = tf.TensorSpec([None, 224, 224, 3], tf.float32)

    class Features(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(tf.random.stateless_normal((192, 1279), seed=(3, 4)))

        @tf.function(input_signature=[spec])
        def __call__(self, images):
            pooled = tf.reshape(tf.nn.avg_pool2d(images, 28, 28, "VALID"), (-1, 192))
            rest = tf.nn.relu(tf.matmul(pooled, self.w))
            return tf.concat([tf.reduce_mean(images, axis=[1, 2, 3])[:, None], rest], axis=1)

    class Classifier(tf.Module):
        def __init__(self):
            super().__init__()
            self.bias = tf.Variable(tf.one_hot(ESPRESSO_1001, 1001) * 5.0)

        @tf.function(input_signature=[spec])
        def __call__(self, images):
            return tf.zeros((tf.shape(images)[0], 1001)) + self.bias

    fv, cls = folder / "fv", folder / "cls"
    tf.saved_model.save(Features(), str(fv))
    tf.saved_model.save(Classifier(), str(cls))
    return fv, cls


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    fv, cls = _make_standins(tmp_path_factory.mktemp("mobilenet"))
    return {FV_PATH: make_targz(fv), CLS_PATH: make_targz(cls)}


def test_mobilenet_loads_from_hub_then_from_cache_offline(hub_server, archives):
    server = hub_server(archives)
    urls = dict(handle=server.url(FV_PATH), classifier_handle=server.url(CLS_PATH))
    m = vk.load_model("mobilenet-v2", **urls)
    assert (m.name, m.modality, m.dim, m.source) == ("mobilenet-v2", "image", 1280, "tfhub")
    assert len(m.labels) == 1001 and m.labels[0] == "background"
    white = np.full((300, 400, 3), 255, np.uint8)
    v = m.embed(white, cache=False)
    assert v.shape == (1280,) and v[0] == pytest.approx(1.0, abs=1e-6)  # [0, 1] input
    top = m.classify([white, skimage.data.chelsea()], top_k=2)
    assert [row[0][0] for row in top] == ["espresso", "espresso"]
    assert top[0][0][1] > 0.1 and top[0][1][1] < top[0][0][1]
    assert _hub.is_cached(urls["handle"]) and _hub.is_cached(urls["classifier_handle"])
    n_requests = len(server.requests)
    server.stop()
    again = vk.load_model("mobilenet-v2", **urls)
    np.testing.assert_allclose(again.embed(white, cache=False), v, atol=1e-6)
    assert len(server.requests) == n_requests


def test_mobilenet_unreachable_names_the_bundled_model(hub_server):
    server = hub_server({})
    with pytest.raises(_hub.HubUnavailableError, match="efficientnet-lite0"):
        vk.load_model("mobilenet-v2", handle=server.url(FV_PATH),
                      classifier_handle=server.url(CLS_PATH))


def test_generic_image_savedmodel_by_url(hub_server, archives):
    server = hub_server(archives)
    m = vk.load_model(server.url(FV_PATH))
    assert (m.modality, m.dim, m.source) == ("image", 1280, "tfhub")
    assert m.embed([skimage.data.coffee()], cache=False).shape == (1, 1280)
    with pytest.raises(NotImplementedError, match="no classifier"):
        m.classify(skimage.data.coffee())
    cls = vk.load_model(server.url(CLS_PATH))  # 1001 outputs: ImageNet with background
    assert cls.classify(skimage.data.coffee(), top_k=1)[0][0] == "espresso"


FINE_TUNE = r"""
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf
import tensorflow_hub as hub
import tf_keras

path, data = sys.argv[1], np.load(sys.argv[2])
x, expected = data["x"], data["expected"]
obj = hub.load(path)
names = lambda vs: sorted(v.name for v in vs)
assert names(obj.trainable_variables) == names(v for v in obj.variables if v.trainable)
layer = hub.KerasLayer(path, trainable=True)
model = tf_keras.Sequential([tf_keras.Input((224, 224, 3)), layer, tf_keras.layers.Dense(2)])
assert len(layer.trainable_weights) == len(obj.trainable_variables) > 100, len(layer.trainable_weights)
assert len(layer.non_trainable_weights) > 0 and len(layer.losses) == 1
np.testing.assert_allclose(layer(x, training=False).numpy(), expected, atol=1e-4)
before = {w.name: w.numpy().copy() for w in layer.weights}
model.compile(optimizer=tf_keras.optimizers.SGD(0.05),
              loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, np.array([0, 1, 0]), epochs=1, batch_size=3, verbose=0)
after = {w.name: w.numpy() for w in layer.weights}
trainable = {w.name for w in layer.trainable_weights}
changed = {n for n in before if not np.array_equal(before[n], after[n])}
assert len(changed & trainable) > 0.9 * len(trainable), (len(changed & trainable), len(trainable))
assert any("moving_mean" in n for n in changed - trainable)  # batch norm statistics updated
drift = np.abs(layer(x, training=False).numpy() - expected).max()
assert drift > 1e-4, drift  # the step changed what the network computes
print("ok", len(trainable), len(changed))
"""


@pytest.mark.slow
def test_export_fine_tunes_through_hub_keras_layer(lite0, exported, tmp_path):
    """Issue 13 item 15: hub.KerasLayer(path, trainable=True) in tf_keras has trainable
    weights, one fit step changes them (and the batch-norm statistics), and before it the
    layer's inference output equals embed()."""
    import subprocess
    import sys

    x = lite0.preprocess(_images())
    data = tmp_path / "data.npz"
    np.savez(data, x=x, expected=lite0.embed(_images(), cache=False))
    script = tmp_path / "fine_tune.py"
    script.write_text(FINE_TUNE)
    run = subprocess.run([sys.executable, str(script), str(exported), str(data)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("ok")


def test_export_has_the_reusable_savedmodel_api(lite0, exported):
    import tensorflow as tf

    obj = tf.saved_model.load(str(exported))
    assert len(obj.trainable_variables) > 100
    assert {v.name for v in obj.trainable_variables} < {v.name for v in obj.variables}
    assert not any("moving" in v.name for v in obj.trainable_variables)
    (loss,) = obj.regularization_losses
    assert float(loss()) > 0
    x = lite0.preprocess(_images()[:2])
    np.testing.assert_allclose(obj(x, training=False).numpy(),
                               lite0.embed(_images()[:2], cache=False), atol=1e-4)
