"""Silent wrong results, crashes and unbounded inputs found by the hostile-input run (issue 13,
items 4-14): each test here failed on the code before its fix."""

from __future__ import annotations

from pathlib import Path

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


# --- item 5: euclidean search on data that share a large offset ----------------------------------

def test_euclidean_index_matches_brute_force_on_offset_data():
    rng = np.random.default_rng(0)
    data = (1000 + rng.normal(0, 0.05, (2000, 64))).astype(np.float32)
    queries = (1000 + rng.normal(0, 0.05, (20, 64))).astype(np.float32)
    index = vk.Index(data, metric="euclidean")
    found = index.search(queries, k=5)
    exact = np.linalg.norm(queries[:, None, :].astype(np.float64) - data[None], axis=2)
    truth = np.argsort(exact, axis=1, kind="stable")[:, :5]
    recall = np.mean([len(set(f) & set(t)) / 5 for f, t in zip(found.ids, truth, strict=True)])
    assert recall == 1.0, recall  # was 0.00 before centring
    np.testing.assert_allclose(found.scores, np.sort(exact, axis=1)[:, :5], rtol=1e-6)
    index.add(queries[:3] + 0.001)  # rows added later: the centre is recomputed
    near = index.search(queries[:3], k=1)
    assert near.ids[:, 0].tolist() == [2000, 2001, 2002]


def test_index_cosine_scores_stay_within_one():
    v = np.full((3, 7), 0.1, dtype=np.float32)
    v[1] *= 3
    scores = vk.Index(v).search(v, k=3).scores
    assert scores.max() <= 1.0 and scores.min() >= -1.0


# --- items 7 and 11: index files that lie ---------------------------------------------------------

def _rewrite(path, meta_update=None, vectors=None, compress=False):
    import hashlib
    import io
    import json
    import zipfile

    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("meta.json"))
        raw = zf.read("vectors.npy")
    if vectors is not None:
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        buf = io.BytesIO()
        np.save(buf, vectors, allow_pickle=False)
        raw = buf.getvalue()
        meta.update(count=int(vectors.shape[0]), dim=int(vectors.shape[1]),
                    vectors_sha256=hashlib.sha256(vectors.tobytes()).hexdigest(),
                    ids=None)
    meta.update(meta_update or {})
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        zf.writestr("meta.json", meta if isinstance(meta, str) else json.dumps(meta))
        zf.writestr("vectors.npy", raw)


def test_a_normalized_claim_is_verified_on_load(tmp_path):
    path = tmp_path / "x.vkindex"
    vk.Index(np.eye(3, dtype=np.float32)).save(path)
    _rewrite(path, vectors=3 * np.eye(3), meta_update={"normalized": True})
    with pytest.raises(ValueError, match="says the vectors are normalized, but row 0 has "
                                         "length 3"):
        vk.Index.load(path)


def test_zip_bombs_are_refused_before_decompressing(tmp_path):
    import tracemalloc

    path = tmp_path / "bomb.vkindex"
    vk.Index(np.eye(2, dtype=np.float32)).save(path)
    n = 200_000  # 200,000 x 64 float32 zeros: 51 MB that deflate to ~50 KB
    _rewrite(path, vectors=np.zeros((n, 64), np.float32), compress=True)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    with pytest.raises(ValueError, match="more than 20x"):
        vk.Index.load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000, peak


def test_member_sizes_must_match_the_metadata(tmp_path):
    path = tmp_path / "x.vkindex"
    vk.Index(np.eye(4, dtype=np.float32)).save(path)
    _rewrite(path, meta_update={"count": 400_000_000})
    with pytest.raises(ValueError, match="need 6,400,000,000"):
        vk.Index.load(path)


def test_deeply_nested_metadata_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "deep.vkindex"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", "[" * 100_000 + "]" * 100_000)
        zf.writestr("vectors.npy", b"")
    with pytest.raises(ValueError, match="nested too deeply"):
        vk.Index.load(path)


def test_approximate_index_files_get_the_same_zip_checks(tmp_path):
    # vk.ApproxIndex files share the exact index's reader (search/_zipfile.py): a meta.json
    # that deflates 1000x, or nests 100,000 deep, is refused, not decompressed or crashed on.
    import tracemalloc
    import zipfile

    pytest.importorskip("faiss")
    bomb = tmp_path / "bomb.vkann"
    meta = b'{"format": "vectorkit-ann-index", "ids": [' + b"0, " * 20_000_000 + b"0]}"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("meta.json", meta)
    assert bomb.stat().st_size < 1_000_000 < 50 * 1_000_000 < len(meta)
    tracemalloc.start()
    with pytest.raises(ValueError, match="more than 20x"):
        vk.ApproxIndex.load(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000, peak
    deep = tmp_path / "deep.vkann"
    with zipfile.ZipFile(deep, "w") as zf:
        zf.writestr("meta.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested too deeply"):
        vk.ApproxIndex.load(deep)


# --- item 6: overflow, underflow, cancellation, complex input --------------------------------------

def test_huge_and_tiny_vectors_have_directions():
    assert vk.cosine_similarity([1e20, 1e20], [1e20, 1e20]) == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(vk.normalize([1e20, 1e20]), [2 ** -0.5] * 2, rtol=1e-6)
    np.testing.assert_allclose(vk.normalize([3e-30, 4e-30]), [0.6, 0.8], rtol=1e-6)
    index = vk.Index([[1e20, 1e20], [1e20, -1e20]])
    np.testing.assert_allclose(index.vectors, [[2 ** -0.5] * 2, [2 ** -0.5, -2 ** -0.5]],
                               rtol=1e-6)
    assert index.search([1.0, 1.0], k=1).ids[0] == 0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matrix_and_vector_euclidean_paths_agree(dtype):
    x = np.random.default_rng(0).normal(0, 100, (50, 32))
    assert vk.euclidean_distance(x, x, dtype=dtype).diagonal().max() == 0.0
    points = np.array([[1e8, 0.0], [1e8 + 1, 0.0]])
    matrix = vk.euclidean_distance(points, points, dtype="float64")
    assert matrix[0, 1] == vk.euclidean_distance(points[0], points[1], dtype="float64") == 1.0
    pairs = vk.euclidean_distance(x[:5], x[5:9], dtype=dtype)
    for i in range(5):
        for j in range(4):
            assert pairs[i, j] == pytest.approx(vk.euclidean_distance(x[i], x[5 + j],
                                                                      dtype=dtype), rel=1e-6)


def test_complex_input_is_refused():
    with pytest.raises(TypeError, match="`a` must hold real numbers, got a complex array"):
        vk.cosine_similarity(np.array([1 + 2j, 1]), [1, 1])
    with pytest.raises(TypeError, match="`vectors` must hold real numbers"):
        vk.Index(np.ones((2, 2), dtype=complex))


# --- item 8: the projector files, read back by TensorBoard's projector plugin ----------------------

def _projector_lines(text: str) -> list[str]:
    """Metadata lines as the projector's parser keeps them (it drops lines that trim empty)."""
    return [line for line in text.split("\n") if line.strip()]


def test_projector_export_has_no_stale_or_skippable_lines(tmp_path):
    X = np.arange(8.0).reshape(4, 2)
    vk.export_projector(X, ["a", "b", "c", "d"], tmp_path)
    vk.export_projector(X, None, tmp_path)
    assert not (tmp_path / "metadata.tsv").exists()  # the old labels are gone
    assert "metadata_path" not in (tmp_path / "projector_config.pbtxt").read_text()
    vk.export_projector(X, {"name": ["a", "", "c", " "], "topic": ["x", "", "y", "\t"]},
                        tmp_path)
    lines = _projector_lines((tmp_path / "metadata.tsv").read_text())
    assert len(lines) == 1 + 4  # a header and one line per vector
    vk.export_projector(X, ["a", "  ", "", "d"], tmp_path)
    assert len(_projector_lines((tmp_path / "metadata.tsv").read_text())) == 4
    with pytest.raises(ValueError, match="at least 2 columns"):
        vk.export_projector(np.ones((3, 1)), None, tmp_path)


def test_tensorboard_projector_reads_the_export(tmp_path):
    """Start TensorBoard on loopback and read the embedding through its projector plugin."""
    pytest.importorskip("tensorboard")
    import json
    import re
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request

    X = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    vk.export_projector(X, {"word": ["a", "", "c", " ", "e"], "n": [1, None, 3, None, 5]},
                        tmp_path / "logs")
    binary = shutil.which("tensorboard", path=str(Path(sys.executable).parent))
    log = tmp_path / "tb.txt"
    with open(log, "w") as err:
        proc = subprocess.Popen([binary, "--logdir", str(tmp_path / "logs"), "--host",
                                 "127.0.0.1", "--port", "0"], stdout=err, stderr=err)
    try:
        deadline = time.monotonic() + 240
        while not (m := re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        base = f"http://127.0.0.1:{m.group(1)}/data/plugin/projector"

        def get(route):
            with urllib.request.urlopen(base + route, timeout=60) as resp:
                return resp.read()

        assert json.loads(get("/runs")) == ["."]
        (info,) = json.loads(get("/info?run=."))["embeddings"]
        assert info["tensorName"] == "vectorkit" and info["tensorShape"] == [5, 3]
        tensor = np.frombuffer(get("/tensor?run=.&name=vectorkit"), dtype=np.float32)
        np.testing.assert_allclose(tensor.reshape(5, 3), X, rtol=1e-6)
        lines = _projector_lines(get("/metadata?run=.&name=vectorkit").decode())
        assert lines[0] == "word\tn" and len(lines) - 1 == 5  # no "do not match" error
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- item 9: t-SNE of identical rows used to segfault the kernel ------------------------------------

@pytest.mark.parametrize("X, metric", [("np.ones((3, 8))", "cosine"),
                                       ("np.ones((30, 8))", "euclidean"),
                                       ("np.arange(1, 31)[:, None] * np.ones((30, 4))", "cosine")])
def test_tsne_of_one_repeated_point_does_not_crash(X, metric):
    import subprocess
    import sys

    code = ("import warnings, numpy as np, vectorkit as vk\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            f"    out = vk.reduce({X}, 'tsne', metric={metric!r})\n"
            "assert out.shape[1] == 2 and not out.any()\n"
            "print(w[0].message)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])  # was -11 (SIGSEGV)
    assert "are the same point" in run.stdout


def test_reduce_reports_pca_solver_and_explained_variance():
    from sklearn.decomposition import PCA

    X = np.random.default_rng(3).normal(size=(40, 6)) * [5, 3, 1, 1, 1, 1]
    out, info = vk.reduce(X, "pca", details=True)
    peer = PCA(2, svd_solver="full").fit(X)
    assert info["solver"] == "full"
    np.testing.assert_allclose(info["explained_variance_ratio"], peer.explained_variance_ratio_)
    assert isinstance(vk.reduce(X, "pca"), np.ndarray)
    with pytest.warns(UserWarning, match="perplexity 100 is too large"):
        assert vk.reduce(X, "tsne", details=True, perplexity=100)[1]["perplexity"] < 40


# --- items 12-13: implausible inputs get stated limits, lone surrogates are embedded ----------------

@pytest.mark.parametrize("rate", [1, 999, 10**9])
def test_implausible_sample_rates_are_refused(rate, tmp_path):
    tone = np.sin(np.linspace(0, 100, 16000)).astype(np.float32)
    with pytest.raises(ValueError, match="must be from 1,000 to 768,000 Hz"):
        vk.audio.to_mono(tone, sample_rate=rate)
    import wave

    path = tmp_path / "t.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((tone * 3000).astype("<i2").tobytes())
    with pytest.raises(ValueError, match="`sample_rate` must be from 1,000"):
        vk.audio.load_audio(path, sample_rate=rate)


def test_long_texts_are_cut_to_the_stated_limit_with_a_warning():
    from vectorkit.models._text import MAX_TEXT_CHARS, prepare_texts

    with pytest.warns(UserWarning, match="has 1,000,000 characters; only the first 10,000"):
        _, texts = prepare_texts(["short", "x" * 1_000_000])
    assert texts[0] == "short" and len(texts[1]) == MAX_TEXT_CHARS == 10_000


def test_lone_surrogates_are_embedded():
    model = vk.load_model("text")
    out = model.embed(["\ud800", "caf\ud83d\ude00", "a\udfffb"])
    assert out.shape == (3, model.dim) and np.isfinite(out).all()
    np.testing.assert_allclose(model.embed("caf\ud83d\ude00", cache=False),
                               model.embed("caf\U0001F600", cache=False), atol=1e-6)


def test_a_long_thin_image_is_cropped_before_it_is_resized():
    import subprocess
    import sys

    from vectorkit.images import resize_and_crop

    code = ("import resource, numpy as np\n"
            "from vectorkit.images import resize_and_crop\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "out = resize_and_crop(np.full((1, 4096, 3), 200, np.uint8))\n"
            "assert out.shape == (224, 224, 3)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) < 200_000, run.stdout  # KiB; it was over 1 GiB
    photo = (np.random.default_rng(1).random((300, 400, 3)) * 255).astype(np.uint8)
    from PIL import Image

    img = Image.fromarray(photo).resize((341, 256), Image.Resampling.BICUBIC)
    np.testing.assert_array_equal(resize_and_crop(photo),
                                  np.asarray(img.crop((58, 16, 282, 240))))  # unchanged path


# --- item 13: leftovers of a killed save, a cache file deleted while in use --------------------------

def test_a_killed_save_leaves_no_temp_file_after_the_next_save(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "big.vkindex"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".big.vkindex.{dead.pid}.k3j_x9ab.tmp"  # what a SIGKILLed save leaves
    stale.write_bytes(b"\0" * 1_000_000)
    live = tmp_path / f".big.vkindex.{__import__('os').getpid()}.zzzzzzzz.tmp"
    live.write_bytes(b"in progress")
    vk.Index(np.eye(3, dtype=np.float32)).save(target)
    assert not stale.exists() and live.exists()
    assert vk.Index.load(target).vectors.shape == (3, 3)


def test_the_cache_keeps_persisting_after_its_file_is_deleted(tmp_path, monkeypatch):
    import os

    from vectorkit import cache

    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    cache._instances.clear()
    store = cache.get_cache()
    store.put_many("m@x@1", {"a": np.ones(4, np.float32)})
    for extra in ("", "-wal", "-shm"):
        p = store.path.with_name(store.path.name + extra)
        if p.exists():
            os.remove(p)
    store.put_many("m@x@1", {"b": np.ones(4, np.float32)})
    assert store.path.exists()
    fresh = cache.EmbeddingCache(store.path)  # as a restarted process would see it
    assert fresh.count("m@x@1") == 1
    fresh.close()
    cache._instances.clear()


# --- item 14: messages that name the argument and the cause ----------------------------------------

def _jpeg_bytes() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.full((8, 8, 3), 90, np.uint8)).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: vk.cosine_similarity(np.eye(2), np.eye(2), max_bytes="1GB"), TypeError,
     "`max_bytes` must be a number of bytes"),
    (lambda: vk.KeywordIndex(["a b"], token_pattern="("), ValueError,
     "`token_pattern` must be a valid regular expression, got '\\('"),
    (lambda: vk.KeywordIndex(["a b"], stop_words="klingon"), ValueError,
     "`stop_words` must be 'english', a list of words or None, got 'klingon'"),
    (lambda: vk.recall_at_k([[1], [2]], [1], 1), TypeError,
     "`ranked` must be one query's ids.*item 0 is a list"),
    (lambda: vk.Index.load(None), TypeError, "`path` must be a file path"),
    (lambda: vk.Index(np.eye(2)).save(None), TypeError, "`path` must be a file path"),
    (lambda: vk.images.load_image(_jpeg_bytes()), TypeError,
     "look like the contents of an image file"),
    (lambda: vk.images.load_image("x.png", max_side=-5), ValueError,
     "`max_side` must be a positive number of pixels"),
    (lambda: vk.load_model("text", foo=1), TypeError,
     "load_model\\('text'\\) got unknown option\\(s\\) \\['foo'\\]"),
])
def test_unclear_messages_now_name_argument_and_cause(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_index_paths_expand_home_and_say_when_a_parent_is_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    vk.Index(np.eye(2)).save("~/x.vkindex")
    assert (tmp_path / "x.vkindex").is_file()
    assert vk.Index.load("~/x.vkindex").vectors.shape == (2, 2)
    (tmp_path / "f").write_text("a file")
    with pytest.raises(NotADirectoryError, match="is a file, so .* cannot be created inside"):
        vk.Index(np.eye(2)).save(tmp_path / "f" / "x.vkindex")


def test_load_model_accepts_a_path_object(tmp_path):
    folder = _text_savedmodel(tmp_path / "enc", seed=3)
    assert vk.load_model(Path(folder)).dim == 8


# --- MAP@k against a trec_eval-style computation written here ------------------------------------

def _trec_map_cut(run: dict, qrels: dict, k: int) -> dict:
    """trec_eval's map_cut_k, as its C code computes it: the run sorted by score (descending,
    ties by document id descending), the relevant ones' precision summed over the first k,
    divided by the number of relevant documents of the query."""
    out = {}
    for qid, docs in run.items():
        ranked = [d for d, _ in sorted(docs.items(), key=lambda kv: (kv[1], kv[0]),
                                       reverse=True)]
        relevant = {d for d, g in qrels.get(qid, {}).items() if g > 0}
        hits, total = 0, 0.0
        for i, d in enumerate(ranked[:k], start=1):
            if d in relevant:
                hits += 1
                total += hits / i
        out[qid] = total / len(relevant) if relevant else 0.0
    return out


def _random_runs(seed: int):
    rng = np.random.default_rng(seed)
    docs = [f"d{i:03d}" for i in range(60)]
    run, qrels = {}, {}
    for q in range(25):
        scores = rng.permutation(len(docs))[:40].astype(float) + rng.random(40)  # no ties
        run[f"q{q}"] = dict(zip(rng.permutation(docs)[:40], scores, strict=True))
        qrels[f"q{q}"] = {d: int(rng.integers(0, 3)) for d in rng.permutation(docs)[:12]}
    return run, qrels


@pytest.mark.parametrize("k", [1, 5, 10, 100])
def test_map_at_k_matches_trec_eval(k):
    run, qrels = _random_runs(k)
    expected = _trec_map_cut(run, qrels, k)
    ranked = {q: [d for d, _ in sorted(s.items(), key=lambda kv: -kv[1])] for q, s in run.items()}
    table = vk.evaluate(ranked, qrels, k=k, per_query=True)
    judged = [q for q in run if any(g > 0 for g in qrels[q].values())]
    np.testing.assert_allclose(table.loc[judged, f"map@{k}"], [expected[q] for q in judged],
                               rtol=1e-12)
    assert vk.evaluate(ranked, qrels, k=k)[f"map@{k}"].iloc[0] == pytest.approx(
        np.mean([expected[q] for q in judged]))


def test_map_at_k_ties_keep_the_given_order_unlike_trec_eval():
    qrels = {"q": {"a": 1}}
    run = {"q": {"a": 1.0, "b": 1.0}}  # a tie: trec_eval puts "b" first (document id desc)
    assert _trec_map_cut(run, qrels, 2)["q"] == 0.5
    assert vk.average_precision_at_k(["a", "b"], {"a"}, k=2) == 1.0  # the order given


def test_map_at_k_against_pytrec_eval_when_installed():
    pytrec_eval = pytest.importorskip("pytrec_eval")
    run, qrels = _random_runs(7)
    measures = pytrec_eval.RelevanceEvaluator(qrels, {"map_cut.10"}).evaluate(run)
    ours = _trec_map_cut(run, qrels, 10)
    for q, values in measures.items():
        assert values["map_cut_10"] == pytest.approx(ours[q], abs=1e-4)
