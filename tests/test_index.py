"""vk.Index: exact search equal to a brute-force sort, ties, ids, errors, safe files."""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.search import _topk


def brute_force(data, queries, metric, k):
    """Reference: float64 scores, stable sort (ties -> lower position first)."""
    x = np.asarray(data, dtype=np.float64)
    q = np.atleast_2d(np.asarray(queries, dtype=np.float64))
    if metric == "cosine":
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        q = q / np.linalg.norm(q, axis=1, keepdims=True)
        scores, key = q @ x.T, -(q @ x.T)
    elif metric == "dot":
        scores, key = q @ x.T, -(q @ x.T)
    else:
        scores = np.sqrt(((q[:, None, :] - x[None, :, :]) ** 2).sum(-1))
        key = scores
    order = np.argsort(key, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(scores, order, 1)


@pytest.fixture
def small_blocks(monkeypatch):
    """Force many blocks so the threshold and partition paths both run."""
    monkeypatch.setattr(_topk, "BLOCK_ELEMENTS", 640)


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
@pytest.mark.parametrize("k", [1, 7, 50])
def test_search_equals_brute_force(metric, k, small_blocks):
    rng = np.random.default_rng(1)
    data = rng.standard_normal((3000, 24)).astype(np.float32)
    queries = rng.standard_normal((13, 24)).astype(np.float32)
    result = vk.Index(data, metric=metric).search(queries, k=k)
    ref_ids, ref_scores = brute_force(data, queries, metric, k)
    assert result.ids.shape == result.scores.shape == (13, k)
    np.testing.assert_array_equal(result.ids, ref_ids)
    np.testing.assert_allclose(result.scores, ref_scores, rtol=1e-5, atol=1e-5)
    steps = np.diff(result.scores, axis=1)
    assert (steps >= 0).all() if metric == "euclidean" else (steps <= 0).all()


def test_adversarial_order_still_exact(small_blocks):
    """Rows sorted so every block beats the last: the threshold shortcut must not lose rows."""
    rng = np.random.default_rng(2)
    data = rng.standard_normal((2000, 8)).astype(np.float32)
    query = rng.standard_normal(8).astype(np.float32)
    data = data[np.argsort(data @ query)]  # ascending score
    result = vk.Index(data, metric="dot").search(query, k=20)
    ref_ids, _ = brute_force(data, query, "dot", 20)
    np.testing.assert_array_equal(result.ids, ref_ids[0])


def test_default_block_size_matches_brute_force():
    rng = np.random.default_rng(3)
    data = rng.standard_normal((20000, 16)).astype(np.float32)
    queries = rng.standard_normal((300, 16)).astype(np.float32)
    result = vk.Index(data).search(queries, k=5)
    np.testing.assert_array_equal(result.ids, brute_force(data, queries, "cosine", 5)[0])


def test_search_memory_is_bounded_by_blocks():
    import tracemalloc

    rng = np.random.default_rng(5)
    index = vk.Index(rng.standard_normal((300_000, 16), dtype=np.float32), metric="dot")
    queries = rng.standard_normal((100, 16), dtype=np.float32)
    full_matrix = 100 * 300_000 * 4  # what scoring everything at once would take
    tracemalloc.start()
    try:
        index.search(queries, k=10)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < full_matrix / 2, f"search used {peak / 2**20:.0f} MiB at peak"


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
def test_ties_go_to_the_row_added_first(metric, small_blocks):
    # small integers / one-hot rows: every score is exact, so ties are real ties
    base = np.eye(6, dtype=np.float32)
    data = np.concatenate([base] * 40 + [base[:1]] * 30)  # many exact duplicates
    ids = [f"r{i}" for i in range(len(data))]
    index = vk.Index(data, ids=ids, metric=metric)
    result = index.search(base[0], k=45)
    expected = np.flatnonzero((data == base[0]).all(axis=1))[:45]
    assert result.ids.tolist()[:45] == [f"r{i}" for i in expected]
    # same result with one block holding everything
    _topk.BLOCK_ELEMENTS = 10**7
    assert index.search(base[0], k=45).ids.tolist() == result.ids.tolist()


def test_ties_across_add_calls_keep_insertion_order():
    index = vk.Index([[1.0, 0.0]], ids=["first"], metric="dot")
    index.add([[0.0, 1.0], [1.0, 0.0]], ids=["other", "second"])
    index.add([[1.0, 0.0]], ids=["third"])
    assert index.search([1.0, 0.0], k=4).ids.tolist() == ["first", "second", "third", "other"]


def test_shapes_single_and_batch_and_k_larger_than_index():
    index = vk.Index(np.eye(4))
    single = index.search([1.0, 0.0, 0.0, 0.0], k=2)
    assert single.single and single.ids.shape == (2,) and single.scores.shape == (2,)
    assert single.ids[0] == 0 and single.scores[0] == pytest.approx(1.0)
    batch = index.search(np.eye(4)[:3], k=10)
    assert batch.ids.shape == (3, 4)  # k > size returns every row
    assert sorted(batch.ids[0].tolist()) == [0, 1, 2, 3]
    assert [len(r) for r in batch] == [4, 4, 4]
    assert len(index) == 4 and index.dim == 4


def test_add_grows_and_checks():
    index = vk.Index(np.ones((1, 3)), metric="euclidean")
    for i in range(50):
        index.add(np.full((3, 3), float(i + 2)))
    assert len(index) == 151
    assert index.ids.tolist() == list(range(151))
    res = index.search([2.0, 2.0, 2.0], k=3)
    assert res.ids.tolist() == [1, 2, 3]
    assert res.scores.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="length 3"):
        index.add(np.ones((2, 4)))
    assert len(index) == 151  # a refused add changes nothing


def test_empty_index_then_add():
    index = vk.Index(np.empty((0, 2)), metric="dot")
    assert len(index) == 0
    with pytest.raises(ValueError, match="empty"):
        index.search([1.0, 0.0])
    index.add([[1.0, 0.0], [0.0, 1.0]], ids=["x", "y"])
    assert index.search([0.0, 2.0], k=1).ids.tolist() == ["y"]


def test_string_mixed_and_numpy_ids():
    index = vk.Index(np.eye(3), ids=np.array([10, 20, 30]))
    assert index.search([0.0, 1.0, 0.0], k=1).ids.tolist() == [20]
    assert index.ids.dtype == np.int64
    mixed = vk.Index(np.eye(3), ids=["a", 1, np.str_("c")])
    assert mixed.search([0.0, 1.0, 0.0], k=1).ids.tolist() == [1]
    assert mixed.ids.tolist() == ["a", 1, "c"]


@pytest.mark.parametrize("ids, message", [
    (["a", "b", "a"], "unique: 'a' appears at positions 0 and 2"),
    (["a", "b"], "2 entries but there are 3 vectors"),
    ([1.5, 2, 3], "strings or integers, got float"),
    ([True, 2, 3], "boolean"),
    ("abc", "a list of strings or integers"),
    ([None, 1, 2], "NoneType"),
    ([2**70, 1, 2], "64 bits"),
])
def test_bad_ids(ids, message):
    with pytest.raises(ValueError, match=message):
        vk.Index(np.eye(3), ids=ids)


def test_duplicate_ids_across_adds_and_default_clash():
    index = vk.Index(np.eye(2), ids=["a", "b"])
    with pytest.raises(ValueError, match="'b' is already in the index"):
        index.add(np.eye(2), ids=["c", "b"])
    assert len(index) == 2
    default = vk.Index(np.eye(2))
    with pytest.raises(ValueError, match="1 is already in the index"):
        default.add([[1.0, 1.0]], ids=[1])
    explicit = vk.Index(np.eye(2), ids=[2, 3])
    with pytest.raises(ValueError, match="clash"):
        explicit.add(np.eye(2))


@pytest.mark.parametrize("kwargs, message, error", [
    (dict(k=0), "`k` must be a positive integer, got 0", ValueError),
    (dict(k=-3), "`k` must be a positive integer", ValueError),
    (dict(k=2.5), "`k` must be a positive integer", TypeError),
    (dict(k=True), "`k` must be a positive integer", TypeError),
])
def test_bad_k(kwargs, message, error):
    with pytest.raises(error, match=message):
        vk.Index(np.eye(3)).search([1.0, 0.0, 0.0], **kwargs)


def test_bad_queries_and_vectors():
    index = vk.Index(np.eye(3))
    with pytest.raises(ValueError, match="`queries` must have length 3.*length 2"):
        index.search([1.0, 0.0])
    with pytest.raises(ValueError, match="`queries` contains NaN.*row 1"):
        index.search([[1.0, 0.0, 0.0], [np.nan, 0.0, 0.0]])
    with pytest.raises(ValueError, match="`queries` .*zero vector"):
        index.search([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="`queries` must be"):
        index.search(np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match="`vectors` .*zero vector"):
        vk.Index([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="`vectors` contains NaN"):
        vk.Index([[1.0, np.inf]], metric="dot")
    with pytest.raises(ValueError, match="`metric` must be one of"):
        vk.Index(np.eye(2), metric="manhattan")
    with pytest.raises(ValueError, match="`vectors` is empty"):
        vk.Index([])
    with pytest.raises(ValueError, match="`queries` must hold numbers.*'red apples'.*"
                                         r"model\.embed"):
        index.search("red apples")
    with pytest.raises(ValueError, match="`queries` must hold numbers.*'red'"):
        index.search(np.array(["red", "green"]))
    with pytest.raises(ValueError, match="`vectors` must hold numbers.*'a cat'.*KeywordIndex"):
        vk.Index(["a cat", "a dog"])
    with pytest.raises(ValueError, match="length 2 \\(were they made by the same model"):
        index.search([[1.0, 0.0]])
    # zero vectors are fine for dot and euclidean
    assert vk.Index([[0.0, 0.0], [1.0, 1.0]], metric="euclidean").search([0.0, 0.0], k=1).ids[0] == 0


def test_index_does_not_alias_caller_arrays():
    data = np.eye(3, dtype=np.float32)
    index = vk.Index(data, metric="dot")
    data[0, 0] = -100.0
    assert index.search([1.0, 0.0, 0.0], k=1).ids.tolist() == [0]
    with pytest.raises(ValueError):
        index.vectors[0, 0] = 5.0


def test_search_result_views():
    index = vk.Index(np.eye(3), ids=["a", "b", "c"])
    res = index.search(np.eye(3)[:2], k=2, query_ids=["q1", "q2"])
    assert res.ranked() == {"q1": ["a", "b"], "q2": ["b", "a"]}
    frame = res.to_frame()
    assert list(frame.columns) == ["query", "rank", "id", "score"]
    assert frame["id"].tolist() == ["a", "b", "b", "a"] and frame["rank"].tolist() == [1, 2, 1, 2]
    text = repr(res)
    assert "2 queries" in text and "query 'q1': 'a' 1.0000" in text
    html = res._repr_html_()
    assert "<table" in html and "q2" in html
    first = res[0]
    assert first.single and first.query_ids == ["q1"]
    assert [i for i, _ in first] == ["a", "b"]
    with pytest.raises(ValueError, match="`query_ids` has 1 entries but there are 2 queries"):
        index.search(np.eye(3)[:2], k=2, query_ids=["q1"])
    with pytest.raises(ValueError, match="`query_ids` must be a list.*got str 'q1'"):
        index.search(np.eye(3)[0], k=2, query_ids="q1")
    with pytest.raises(TypeError, match="single-query"):
        first[0]


# ---- files ------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
@pytest.mark.parametrize("ids", [None, ["a", "b", "c", "d", "e"], [5, "x", 7, 8, 9]])
def test_save_load_roundtrip(tmp_path, metric, ids):
    rng = np.random.default_rng(4)
    data = rng.standard_normal((5, 6)).astype(np.float32)
    index = vk.Index(data, ids=ids, metric=metric)
    path = tmp_path / "i.vkindex"
    index.save(path)
    loaded = vk.Index.load(path)
    assert (loaded.metric, loaded.dim, len(loaded)) == (metric, 6, 5)
    assert loaded.ids.tolist() == index.ids.tolist()
    np.testing.assert_array_equal(loaded.vectors, index.vectors)
    q = rng.standard_normal((3, 6)).astype(np.float32)
    a, b = index.search(q, k=4), loaded.search(q, k=4)
    assert a.ids.tolist() == b.ids.tolist()
    np.testing.assert_array_equal(a.scores, b.scores)
    loaded.add(rng.standard_normal((2, 6)), ids=None if ids is None else ["n1", "n2"])
    assert len(loaded) == 7
    assert [p.name for p in tmp_path.iterdir()] == ["i.vkindex"]  # no temp file left


def test_save_load_empty_index(tmp_path):
    vk.Index(np.empty((0, 3)), metric="euclidean").save(tmp_path / "e")
    loaded = vk.Index.load(tmp_path / "e")
    assert (len(loaded), loaded.dim, loaded.metric) == (0, 3, "euclidean")
    loaded.add([1.0, 2.0, 3.0], ids=["p"])
    assert loaded.search([1.0, 2.0, 2.0], k=3).ids.tolist() == ["p"]


def test_file_format_is_plain_zip_json_npy(tmp_path):
    path = tmp_path / "i.vkindex"
    vk.Index([[3.0, 4.0]], ids=["only"]).save(path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["meta.json", "vectors.npy"]
        meta = json.loads(zf.read("meta.json"))
        vectors = np.load(zf.open("vectors.npy"), allow_pickle=False)
    assert meta["format"] == "vectorkit-index" and meta["version"] == 1
    assert (meta["metric"], meta["dim"], meta["count"], meta["ids"]) == ("cosine", 2, 1, ["only"])
    assert meta["normalized"] is True and meta["dtype"] == "<f4"
    np.testing.assert_allclose(vectors, [[0.6, 0.8]], rtol=1e-6)
    assert meta["vectors_sha256"] == hashlib.sha256(vectors.tobytes()).hexdigest()


def test_save_failure_leaves_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "i.vkindex"
    vk.Index(np.eye(2), ids=["old1", "old2"]).save(path)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", boom)
    with pytest.raises(OSError, match="disk full"):
        vk.Index(np.eye(2), ids=["new1", "new2"]).save(path)
    assert vk.Index.load(path).ids.tolist() == ["old1", "old2"]
    assert [p.name for p in tmp_path.iterdir()] == ["i.vkindex"]


def _rewrite(path, meta=None, vectors=None, extra=None, drop=None):
    """Write a zip with the given members (meta dict / bytes, vectors array / bytes)."""
    with zipfile.ZipFile(path, "w") as zf:
        if meta is not None and drop != "meta.json":
            zf.writestr("meta.json", meta if isinstance(meta, bytes | str) else json.dumps(meta))
        if vectors is not None and drop != "vectors.npy":
            if isinstance(vectors, bytes):
                zf.writestr("vectors.npy", vectors)
            else:
                with zf.open("vectors.npy", "w") as f:
                    np.lib.format.write_array(f, vectors, allow_pickle=True)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.vkindex"
    vk.Index(np.arange(12, dtype=np.float32).reshape(4, 3) + 1, ids=list("abcd")).save(path)
    with zipfile.ZipFile(path) as zf:
        meta = json.loads(zf.read("meta.json"))
        vectors = np.load(zf.open("vectors.npy"), allow_pickle=False)
    return path, meta, vectors


def test_load_rejects_truncated_and_corrupted_files(tmp_path, good):
    path, meta, vectors = good
    raw = path.read_bytes()
    for cut in (10, len(raw) // 2, len(raw) - 30):
        bad = tmp_path / f"cut{cut}"
        bad.write_bytes(raw[:cut])
        with pytest.raises(ValueError, match="not a valid vectorkit index file"):
            vk.Index.load(bad)
    flipped = bytearray(raw)
    pos = raw.index(vectors.tobytes()) + 5  # a byte inside the float data
    flipped[pos] ^= 0xFF
    bad = tmp_path / "flipped"
    bad.write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="not a valid vectorkit index file"):
        vk.Index.load(bad)
    # same damage without the zip CRC to catch it: the checksum must
    forged = vectors.copy()
    forged[0, 0] += 1.0
    _rewrite(tmp_path / "forged", meta=meta, vectors=forged)
    with pytest.raises(ValueError, match="checksum"):
        vk.Index.load(tmp_path / "forged")


def test_load_rejects_foreign_files(tmp_path, good):
    path, meta, vectors = good
    (tmp_path / "text").write_text("hello")
    with pytest.raises(ValueError, match="not a ZIP archive"):
        vk.Index.load(tmp_path / "text")
    with pytest.raises(FileNotFoundError, match="no index file"):
        vk.Index.load(tmp_path / "missing")
    np.save(tmp_path / "plain.npy", vectors)
    with pytest.raises(ValueError, match="not a ZIP archive"):
        vk.Index.load(tmp_path / "plain.npy")
    _rewrite(tmp_path / "nometa", meta=meta, vectors=vectors, drop="meta.json")
    with pytest.raises(ValueError, match="no meta.json"):
        vk.Index.load(tmp_path / "nometa")
    _rewrite(tmp_path / "other", meta={**meta, "format": "something-else"}, vectors=vectors)
    with pytest.raises(ValueError, match="format is 'something-else'"):
        vk.Index.load(tmp_path / "other")
    _rewrite(tmp_path / "newer", meta={**meta, "version": 99}, vectors=vectors)
    with pytest.raises(ValueError, match="version 99, newer"):
        vk.Index.load(tmp_path / "newer")


@pytest.mark.parametrize("change, message", [
    ({"metric": "hamming"}, "metric must be one of"),
    ({"dim": 4}, "meta.json says <f4 \\(4, 4\\)"),
    ({"count": -1}, "count must be a non-negative integer"),
    ({"dim": "3"}, "dim must be a positive integer"),
    ({"dtype": "<f8"}, "dtype must be '<f4'"),
    ({"ids": ["a", "a", "b", "c"]}, "unique"),
    ({"ids": ["a"]}, "ids must be null or a list of 4 ids"),
    ({"ids": [{"x": 1}, "b", "c", "d"]}, "strings or integers"),
    ({"vectors_sha256": "00"}, "64 lowercase hex"),
    ({"normalized": "yes"}, "normalized must be true or false"),
])
def test_load_rejects_bad_meta(tmp_path, good, change, message):
    _, meta, vectors = good
    _rewrite(tmp_path / "bad", meta={**meta, **change}, vectors=vectors)
    with pytest.raises(ValueError, match=message):
        vk.Index.load(tmp_path / "bad")


def test_load_normalises_a_cosine_file_marked_not_normalized(tmp_path, good):
    """Files written elsewhere may hold raw vectors: they are scaled to length 1 on load."""
    _, meta, _ = good
    raw = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 2.0], [1.0, 0.0, 0.0], [0.0, 5.0, 0.0]], "<f4")
    digest = hashlib.sha256(raw.tobytes()).hexdigest()
    _rewrite(tmp_path / "raw", meta={**meta, "normalized": False, "vectors_sha256": digest},
             vectors=raw)
    loaded = vk.Index.load(tmp_path / "raw")
    np.testing.assert_allclose(loaded.vectors, raw / np.linalg.norm(raw, axis=1, keepdims=True))
    raw[1] = 0.0
    digest = hashlib.sha256(raw.tobytes()).hexdigest()
    _rewrite(tmp_path / "zero", meta={**meta, "normalized": False, "vectors_sha256": digest},
             vectors=raw)
    with pytest.raises(ValueError, match="zero vector"):
        vk.Index.load(tmp_path / "zero")


def test_load_rejects_bad_json_and_missing_fields(tmp_path, good):
    _, meta, vectors = good
    _rewrite(tmp_path / "j", meta=b"{not json", vectors=vectors)
    with pytest.raises(ValueError, match="not valid JSON"):
        vk.Index.load(tmp_path / "j")
    _rewrite(tmp_path / "l", meta="[1, 2]", vectors=vectors)
    with pytest.raises(ValueError, match="JSON object"):
        vk.Index.load(tmp_path / "l")
    partial = {k: v for k, v in meta.items() if k != "vectors_sha256"}
    _rewrite(tmp_path / "p", meta=partial, vectors=vectors)
    with pytest.raises(ValueError, match="lacks the fields \\['vectors_sha256'\\]"):
        vk.Index.load(tmp_path / "p")


class _Boom:
    """Unpickling this would run code; loading must never get that far."""

    def __reduce__(self):
        return (exec, ("import pathlib; pathlib.Path('PWNED').write_text('x')",))


def test_load_never_unpickles(tmp_path, good, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, meta, _ = good
    evil = np.empty((4, 3), dtype=object)
    evil[:] = _Boom()
    _rewrite(tmp_path / "evil", meta=meta, vectors=evil)
    with pytest.raises(ValueError, match="not a valid vectorkit index file"):
        vk.Index.load(tmp_path / "evil")
    assert not (tmp_path / "PWNED").exists()
    # a pickle stream disguised as .npy data
    import pickle

    _rewrite(tmp_path / "evil2", meta=meta, vectors=pickle.dumps(_Boom()))
    with pytest.raises(ValueError, match="not a valid vectorkit index file"):
        vk.Index.load(tmp_path / "evil2")
    assert not (tmp_path / "PWNED").exists()


def test_load_rejects_header_shape_lies_before_allocating(tmp_path, good):
    _, meta, _ = good
    header = {"descr": "<f4", "fortran_order": False, "shape": (10**12, 3)}
    buf = __import__("io").BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    _rewrite(tmp_path / "huge", meta={**meta, "count": 10**12}, vectors=buf.getvalue())
    with pytest.raises(ValueError, match="ids must be null or a list"):
        vk.Index.load(tmp_path / "huge")
    _rewrite(tmp_path / "huge2", meta=meta, vectors=buf.getvalue())
    with pytest.raises(ValueError, match="meta.json says"):
        vk.Index.load(tmp_path / "huge2")
    nan = np.full((4, 3), np.nan, dtype="<f4")
    digest = hashlib.sha256(nan.tobytes()).hexdigest()
    _rewrite(tmp_path / "nan", meta={**meta, "vectors_sha256": digest}, vectors=nan)
    with pytest.raises(ValueError, match="NaN"):
        vk.Index.load(tmp_path / "nan")


def test_save_bad_path(tmp_path):
    index = vk.Index(np.eye(2))
    with pytest.raises(ValueError, match="file name"):
        index.save(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        index.save(tmp_path / "nope" / "x.vkindex")


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
def test_neighbours_equal_brute_force_without_the_item_itself(metric):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 8))
    X[7] = X[3]  # an exact duplicate stays a neighbour: only the item itself is left out
    index = vk.Index(X, ids=[f"x{i}" for i in range(120)], metric=metric)
    for row in (0, 3, 7, 119):
        if metric == "euclidean":
            score = -np.linalg.norm(X - X[row], axis=1)
        elif metric == "dot":
            score = X @ X[row]
        else:
            score = vk.cosine_similarity(X, X[row], dtype="float64")
        order = [i for i in np.lexsort((np.arange(120), -score)) if i != row][:5]
        got = index.neighbours(row, k=5)
        assert got.ids.tolist() == [f"x{i}" for i in order]
        assert got.scores.shape == (5,)
    assert "x3" in index.neighbours(7, k=1).ids.tolist()


def test_neighbours_bad_input():
    index = vk.Index(np.eye(3))
    with pytest.raises(ValueError, match="`row` must be a stored item number 0..2, got 3"):
        index.neighbours(3)
    with pytest.raises(TypeError, match="`row` must be a stored item number"):
        index.neighbours("0")
    with pytest.raises(ValueError, match="no neighbours"):
        vk.Index([[1.0, 0.0]]).neighbours(0)
    assert index.neighbours(0, k=10).ids.tolist() == [1, 2]
