"""Silent wrong results, crashes and unbounded inputs found by the hostile-input run (issue 13,
items 4-14): each test here failed on the code before its fix."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk


# --- item 4: local SavedModels are cached by content, not folder name ----------------------------

def _text_savedmodel(folder, seed: int):
    import tensorflow as tf

    class Encoder(tf.Module):
        def __init__(self):
            super().__init__()
            self.table = tf.Variable(tf.random.stateless_normal((64, 8), seed=(seed, 1)))

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def __call__(self, texts):
            ids = tf.strings.to_hash_bucket_fast(texts, 64)
            return tf.gather(self.table, ids)

    tf.saved_model.save(Encoder(), str(folder))
    return str(folder)


def test_local_models_in_same_named_folders_do_not_share_the_cache(tmp_path):
    a = _text_savedmodel(tmp_path / "a" / "encoder", seed=1)
    b = _text_savedmodel(tmp_path / "b" / "encoder", seed=2)
    model_a, model_b = vk.load_model(a), vk.load_model(b)
    assert model_a.name == model_b.name == "encoder"
    assert model_a.cache_namespace != model_b.cache_namespace
    va = model_a.embed(["hello there"])
    vb = model_b.embed(["hello there"])
    np.testing.assert_array_equal(vb, model_b.embed(["hello there"], cache=False))
    assert not np.allclose(va, vb)
    # the same content in another folder is the same model (and may share the cache)
    import shutil

    shutil.copytree(a, tmp_path / "c" / "encoder")
    assert vk.load_model(str(tmp_path / "c" / "encoder")).cache_namespace == \
        model_a.cache_namespace
