"""The bundled EfficientNet-Lite0: safe weight reading, known predictions, embeddings, views."""

from __future__ import annotations

import io
import os
import pickle
import struct
import sys
import types

import numpy as np
import pytest
import skimage.data

import vectorkit as vk
from vectorkit.models import _torch_legacy as tl
from vectorkit.models._efficientnet import block_plan, flops_per_image, weights_path

CAT_CLASSES = {"tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"}


@pytest.fixture(scope="module")
def model():
    return vk.load_model("image")


# ---- restricted unpickler -------------------------------------------------------------
class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _EvalEvil:
    def __reduce__(self):
        return (eval, ("__import__('builtins').setattr(__import__('builtins'), 'PWNED', 1)",))


def _legacy_header() -> bytes:
    buf = io.BytesIO()
    for obj in (tl.MAGIC_NUMBER, tl.PROTOCOL_VERSION,
                {"protocol_version": 1001, "little_endian": True, "type_sizes": {}}):
        pickle.dump(obj, buf, protocol=2)
    return buf.getvalue()


def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Evil(marker), protocol=2)
    with pytest.raises(tl.UnsafePickleError, match="refusing to load (posix|os|nt).system"):
        tl.loads_restricted(payload)
    assert not marker.exists()
    # the same payload as the state dict of an otherwise well-formed legacy weights file
    evil_file = tmp_path / "evil.pth"
    evil_file.write_bytes(_legacy_header() + payload + pickle.dumps([], protocol=2))
    with pytest.raises(tl.UnsafePickleError):
        tl.load_state_dict(evil_file)
    assert not marker.exists()


def test_eval_and_builtins_are_refused():
    import builtins

    with pytest.raises(tl.UnsafePickleError, match=r"refusing to load (__builtin__|builtins)\.eval"):
        tl.loads_restricted(pickle.dumps(_EvalEvil(), protocol=2))
    assert not hasattr(builtins, "PWNED")
    with pytest.raises(tl.UnsafePickleError):
        tl.loads_restricted(pickle.dumps(print, protocol=2))


def test_marker_side_effect_would_be_visible(tmp_path):
    """Control: an unrestricted pickle.loads of the payload DOES run it (so the test above can fail)."""
    marker = tmp_path / "control"
    pickle.loads(pickle.dumps(_Evil(marker), protocol=2))
    assert marker.exists()


def _fake_torch(monkeypatch):
    """Fake torch modules so the standard pickler writes torch's global names."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        def __init__(self, key, data):
            self.key, self.data = key, data

    FloatStorage.__module__, FloatStorage.__qualname__ = "torch", "FloatStorage"

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while writing")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    torch.FloatStorage, utils._rebuild_tensor_v2 = FloatStorage, _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return FloatStorage, _rebuild_tensor_v2


def _write_legacy(path, tensors, FloatStorage, rebuild):
    """Write ``{name: (storage, offset, shape, stride)}`` in torch's legacy layout."""
    import collections

    class Tensor:
        def __init__(self, storage, offset, shape, stride):
            self.args = (storage, offset, shape, stride, False, collections.OrderedDict())

        def __reduce__(self):
            return (rebuild, self.args)

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, FloatStorage):
                return ("storage", FloatStorage, obj.key, "cpu", obj.data.size, None)
            return None

    state = collections.OrderedDict((k, Tensor(*v)) for k, v in tensors.items())
    storages = {v[0].key: v[0] for v in tensors.values()}
    buf = io.BytesIO()
    buf.write(_legacy_header())
    Pickler(buf, protocol=2).dump(state)
    pickle.dump(list(storages), buf, protocol=2)
    for s in storages.values():
        buf.write(struct.pack("<q", s.data.size) + s.data.astype("<f4").tobytes())
    path.write_bytes(buf.getvalue())


def test_reads_tensors_with_offsets_and_strides(tmp_path, monkeypatch):
    FloatStorage, rebuild = _fake_torch(monkeypatch)
    data = np.arange(12, dtype=np.float32)
    s = FloatStorage("k0", data)
    path = tmp_path / "tiny.pth"
    _write_legacy(path, {"a": (s, 0, (3, 4), (4, 1)),
                         "a_t": (s, 0, (4, 3), (1, 4)),  # a transposed view
                         "tail": (s, 10, (2,), (1,))}, FloatStorage, rebuild)
    monkeypatch.delitem(sys.modules, "torch")
    out = tl.load_state_dict(path)
    np.testing.assert_array_equal(out["a"], data.reshape(3, 4))
    np.testing.assert_array_equal(out["a_t"], data.reshape(3, 4).T)
    np.testing.assert_array_equal(out["tail"], [10, 11])
    # truncated storage data -> a clear error, not garbage
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(ValueError, match="truncated"):
        tl.load_state_dict(path)


def test_rejects_non_torch_files(tmp_path):
    p = tmp_path / "x.pth"
    p.write_bytes(pickle.dumps({"not": "torch"}, protocol=2))
    with pytest.raises(ValueError, match="not a legacy torch"):
        tl.load_state_dict(p)
    p.write_bytes(b"PK\x03\x04zipdata")
    with pytest.raises(ValueError, match="zip-format"):
        tl.load_state_dict(p)


def test_bundled_weights_file():
    w = tl.load_state_dict(weights_path())
    assert len(w) == 296
    assert w["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert w["_fc.weight"].shape == (1000, 1280) and w["_fc.weight"].dtype == np.float32
    assert np.isfinite(w["_fc.weight"]).all()


def test_architecture_numbers():
    plan = block_plan()
    assert len(plan) == 16 and plan[-1][-1] == 320
    assert 0.7e9 < flops_per_image() < 0.85e9  # ~385 M multiply-adds


# ---- the model --------------------------------------------------------------------------
def test_identity(model):
    assert (model.name, model.modality, model.dim, model.source) == (
        "efficientnet-lite0", "image", 1280, "bundled")
    assert len(model.labels) == 1000 and model.labels[967] == "espresso"


def test_known_predictions(model):
    coffee, chelsea, camera = model.classify(
        [skimage.data.coffee(), skimage.data.chelsea(), skimage.data.camera()], top_k=3)
    assert coffee[0][0] == "espresso" and coffee[0][1] > 0.8
    assert {label for label, _ in chelsea[:2]} & CAT_CLASSES
    assert "tripod" in [label for label, _ in camera]
    for row in (coffee, chelsea, camera):
        probs = [p for _, p in row]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6


def test_classify_single_and_top_k(model):
    one = model.classify(skimage.data.coffee(), top_k=1)
    assert len(one) == 1 and one[0][0] == "espresso"
    assert len(model.classify(skimage.data.coffee(), top_k=5000)) == 1000
    for bad in (0, -1, 2.0, True):
        error = TypeError if isinstance(bad, bool | float) else ValueError  # type vs value
        with pytest.raises(error, match="`top_k`"):
            model.classify(skimage.data.coffee(), top_k=bad)
    assert model.classify([], top_k=3) == []


def test_embed_shapes_batches_and_similarity(model):
    chelsea = skimage.data.chelsea()
    v = model.embed(chelsea, cache=False)
    assert v.shape == (1280,) and v.dtype == np.float32 and (v >= 0).all()  # after ReLU6
    batch = model.embed([chelsea, chelsea[:, ::-1], skimage.data.coffee()], batch_size=2,
                        cache=False)
    assert batch.shape == (3, 1280)
    np.testing.assert_allclose(batch[0], v, rtol=1e-4, atol=1e-4)
    cos = vk.cosine_similarity
    assert cos(batch[0], batch[1]) > 0.9  # mirrored cat ~ cat
    assert cos(batch[0], batch[2]) < 0.4  # cat vs coffee
    assert model.embed([], cache=False).shape == (0, 1280)


def test_chunked_batches_equal_one_by_one(model):
    # 10 images: 8 go through the chunked graph, 2 through the plain one
    views = vk.datasets.image_views([skimage.data.astronaut()], n_views=10, seed=3).images
    together = model.embed(views, batch_size=32, cache=False)
    alone = np.stack([model.embed(v, cache=False) for v in views])
    np.testing.assert_allclose(together, alone, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(model.logits(views), np.stack([model.logits(v) for v in views]),
                               rtol=1e-4, atol=1e-4)


def test_embed_uses_the_disk_cache(model, monkeypatch):
    img = skimage.data.coffee()
    first = model.embed(img)

    def no_network(batch):
        raise AssertionError("the network ran although the embedding was cached")

    monkeypatch.setattr(model, "_embed_batch", no_network)
    np.testing.assert_array_equal(model.embed(img), first)
    with pytest.raises(AssertionError, match="network ran"):
        model.embed(img, cache=False)


def test_classify_and_logits_check_batch_size(model):
    coffee = skimage.data.coffee()
    for bad in (0, -1, 2.5, True, "4"):
        error = TypeError if isinstance(bad, bool | float | str) else ValueError
        with pytest.raises(error, match="`batch_size` must be a positive integer"):
            model.classify(coffee, batch_size=bad)
        with pytest.raises(error, match="`batch_size`"):
            model.logits(coffee, batch_size=bad)
    np.testing.assert_allclose(model.logits([coffee, coffee], batch_size=1)[1],
                               model.logits(coffee), rtol=1e-4, atol=1e-4)


def test_preprocess_shows_what_the_network_sees(model):
    x = model.preprocess(skimage.data.rocket())
    assert x.shape == (224, 224, 3) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.std() > 0.05
    gray = model.preprocess(skimage.data.camera())
    np.testing.assert_array_equal(gray[..., 0], gray[..., 2])
    both = model.preprocess([skimage.data.rocket(), skimage.data.coffee()])
    assert both.shape == (2, 224, 224, 3)
    np.testing.assert_allclose(both[0], x)


def test_bad_input_reaches_the_user_clearly(model):
    with pytest.raises(ValueError, match=r"`images\[1\]`.*\[0, 1\]"):
        model.embed([skimage.data.coffee(), np.full((8, 8, 3), 255.0)])
    with pytest.raises(TypeError, match="no options"):
        model.embed(skimage.data.coffee(), colour="red")
    with pytest.raises(FileNotFoundError, match=r"`images\[1\]`.*nope\.jpg"):
        model.classify([skimage.data.coffee(), "nope.jpg"])


def test_views_retrieve_their_original(model):
    originals = vk.datasets.load_images()
    views = vk.datasets.image_views(originals, n_views=4, seed=0)
    E = model.embed([o.image for o in originals], cache=False)
    V = model.embed(views.images, cache=False)
    top1 = vk.cosine_similarity(V, E).argmax(axis=1)
    accuracy = float((top1 == views.source).mean())
    assert len(views.images) == 4 * len(originals)
    assert accuracy >= 0.9, f"views found their original for only {accuracy:.0%}"
