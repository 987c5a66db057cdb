"""vk.ApproxIndex / vk.Index(method=...): faiss indexes checked against brute force."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.search._ann import default_nlist


def clustered(n, dim, seed=0, centres=200, spread=0.25):
    """A Gaussian mixture whose clusters have a few strong directions (like embeddings)."""
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    basis = rng.normal(size=(centres, 8, dim)) / np.sqrt(dim)
    lab = rng.integers(0, centres, n)
    z = rng.normal(size=(n, 8))
    x = c[lab] + 3 * spread * np.einsum("nk,nkd->nd", z, basis[lab])
    return (x + spread * 0.3 * rng.normal(size=(n, dim))).astype(np.float32)


def recall(got, want):
    return np.mean([len(set(g) & set(w)) / len(w) for g, w in zip(got.ids, want.ids, strict=True)])


@pytest.fixture(scope="module")
def data():
    return clustered(12_000, 32), clustered(200, 32, seed=1)


@pytest.mark.parametrize("method, metric", [
    (m, metric) for m in ("hnsw", "ivf", "ivfpq") for metric in ("cosine", "dot", "euclidean")
    if (m, metric) != ("ivfpq", "euclidean")])  # ivfpq euclidean: test_save_load_round_trip
def test_default_parameters_reach_recall_09(data, method, metric):
    x, q = data
    index = vk.Index(x, metric=metric, method=method)
    assert isinstance(index, vk.ApproxIndex) and len(index) == len(x)
    got, want = index.search(q, k=10), vk.Index(x, metric=metric).search(q, k=10)
    assert recall(got, want) >= 0.9, (method, metric, recall(got, want))
    assert got.metric == metric and got.ids.dtype == np.int64
    hit = np.flatnonzero(got.ids[:, 0] == want.ids[:, 0])  # same top hit: same score
    np.testing.assert_allclose(got.scores[hit, 0], want.scores[hit, 0], rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
def test_flat_equals_exact_index_and_exact_is_plain_index(data, metric):
    x, q = data
    exact = vk.Index(x[:3000], metric=metric, method="exact")
    assert type(exact) is vk.Index
    flat = vk.Index(x[:3000], metric=metric, method="flat")
    got, want = flat.search(q, k=10), exact.search(q, k=10)
    assert got.ids.tolist() == want.ids.tolist()
    np.testing.assert_allclose(got.scores, want.scores, rtol=1e-5, atol=1e-4)


def test_search_breadth_trades_speed_for_recall(data):
    x, q = data
    want = vk.Index(x).search(q, k=10)
    ivf = vk.ApproxIndex(x, method="ivf", nlist=64)
    recalls = [recall(ivf.search(q, 10, nprobe=p), want) for p in (1, 4, 16, 64)]
    assert recalls == sorted(recalls) and recalls[0] < 0.95 and recalls[-1] == 1.0
    assert ivf.params["nprobe"] == 32  # a per-call override does not stick
    hnsw = vk.ApproxIndex(x, method="hnsw", M=8, ef_construction=40)
    low, high = (recall(hnsw.search(q, 10, ef_search=e), want) for e in (10, 200))
    assert low < high and high >= 0.95


def test_ids_add_and_unfilled_places():
    x = clustered(3000, 16, seed=2)
    index = vk.ApproxIndex(x[:2000], ids=[f"v{i}" for i in range(2000)], method="ivf")
    index.add(x[2000:], ids=[f"v{i}" for i in range(2000, 3000)])
    assert len(index) == 3000 and index.ids[-1] == "v2999"
    assert index.search(x[2500], k=1).ids.tolist() == ["v2500"]
    with pytest.raises(ValueError, match="`ids` must be unique"):
        index.add(x[:1], ids=["v1"])
    with pytest.raises(ValueError, match="`vectors` must have length 16"):
        index.add(np.ones((1, 5)))
    sparse = vk.ApproxIndex(x, method="ivf", nlist=60, nprobe=1)
    res = sparse.search(x[:3], k=2000)  # one cell of ~50 rows cannot fill 2,000 places
    assert res.ids.dtype == object and res.ids[0, -1] is None and np.isnan(res.scores[0, -1])
    assert res[0].ranked()[0] == 0
    empty = vk.ApproxIndex(np.empty((0, 16)), method="hnsw")
    with pytest.raises(ValueError, match="the index is empty"):
        empty.search(x[0])
    empty.add(x[:100])
    assert empty.search(x[7], k=1).ids.tolist() == [7]


@pytest.mark.parametrize("method", ["hnsw", "ivf", "ivfpq", "flat"])
def test_save_load_round_trip(tmp_path, method):
    x = clustered(3000, 16, seed=3)
    index = vk.Index(x, ids=[f"r{i}" for i in range(3000)], metric="euclidean", method=method,
                     **({"nprobe": 5} if method.startswith("ivf") else {}))
    path = tmp_path / "ann.vkindex"
    index.save(path)
    again = vk.Index.load(path)  # vk.Index.load recognises the approximate format
    assert type(again) is vk.ApproxIndex and (again.method, again.metric) == (method, "euclidean")
    assert again.params == index.params and again.ids.tolist() == index.ids.tolist()
    a, b = index.search(x[:20], k=5), again.search(x[:20], k=5)
    assert a.ids.tolist() == b.ids.tolist()
    np.testing.assert_array_equal(a.scores, b.scores)
    again.add(x[:1], ids=["new"])
    assert len(again) == 3001
    empty = vk.ApproxIndex(np.empty((0, 4)), method=method)
    empty.save(tmp_path / "empty.vkindex")
    assert len(vk.ApproxIndex.load(tmp_path / "empty.vkindex")) == 0


def _rewrite(path, meta=None, data=None):
    with zipfile.ZipFile(path) as zf:
        old_meta, old_data = json.loads(zf.read("meta.json")), zf.read("index.faiss")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps(meta(old_meta) if meta else old_meta))
        zf.writestr("index.faiss", data(old_data) if data else old_data)


def test_bad_files_are_refused(tmp_path):
    x = clustered(500, 8, seed=4)
    good = tmp_path / "good.vk"
    vk.ApproxIndex(x, method="hnsw").save(good)
    cases = {
        "flipped": (None, lambda d: d[:200] + bytes([d[200] ^ 1]) + d[201:], "checksum"),
        "truncated": (None, lambda d: d[:-100], "larger|checksum"),
        "format": (lambda m: {**m, "format": "other"}, None, "format is 'other'"),
        "newer": (lambda m: {**m, "version": 9}, None, "newer than this vectorkit reads"),
        "dim": (lambda m: {**m, "dim": 9}, None, "meta.json says hnsw cosine dim 9"),
        "method": (lambda m: {**m, "method": "ivf", "params": {"nlist": 4, "nprobe": 1}},
                   None, "holds a IndexHNSWFlat"),
        "ids": (lambda m: {**m, "ids": [1, 2]}, None, "ids must be null or a list of 500"),
        "params": (lambda m: {**m, "params": {"nprobe": 3}}, None, "do not apply"),
        "missing": (lambda m: {k: v for k, v in m.items() if k != "count"}, None, "lacks"),
    }
    for name, (meta, data, message) in cases.items():
        path = tmp_path / f"{name}.vk"
        path.write_bytes(good.read_bytes())
        _rewrite(path, meta, data)
        with pytest.raises(ValueError, match=message):
            vk.ApproxIndex.load(path)
    (tmp_path / "junk.vk").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a ZIP archive"):
        vk.ApproxIndex.load(tmp_path / "junk.vk")
    vk.Index(x).save(tmp_path / "exact.vk")
    with pytest.raises(ValueError, match="an exact index: use vk.Index.load"):
        vk.ApproxIndex.load(tmp_path / "exact.vk")
    with pytest.raises(FileNotFoundError, match="`path`: no index file"):
        vk.ApproxIndex.load(tmp_path / "none.vk")


@pytest.mark.parametrize("kwargs, error, message", [
    ({"method": "annoy"}, ValueError, r"`method` must be one of \['exact', 'hnsw'"),
    ({"method": "hnsw", "M": 1}, ValueError, "`M` must be an integer from 2 to 512, got 1"),
    ({"method": "hnsw", "ef_search": "64"}, TypeError, "`ef_search` must be an integer"),
    ({"method": "ivf", "nprobe": 0}, ValueError, "`nprobe` must be an integer >= 1"),
    ({"method": "hnsw", "nlist": 10}, ValueError, r"\['nlist'\] do not apply to method='hnsw'"),
    ({"method": "ivf", "efSearch": 10}, TypeError, r"unknown parameters \['efSearch'\]"),
    ({"method": "ivfpq", "pq_m": 5}, ValueError, "`pq_m` must divide the vector length 16"),
    ({"method": "ivf", "nlist": 5000}, ValueError, r"`nlist` \(5000\) must be at most"),
    ({"method": "ivfpq", "rerank": -1}, ValueError, "`rerank` must be an integer from 0"),
    ({"method": "hnsw", "metric": "l1"}, ValueError, "`metric` must be one of"),
])
def test_parameter_errors_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        vk.Index(clustered(1000, 16, seed=5), **kwargs)


def test_ivfpq_needs_enough_vectors_to_learn_codes():
    with pytest.raises(ValueError, match=r"2\*\*pq_bits = 256 codes.*got 100"):
        vk.ApproxIndex(clustered(100, 16), method="ivfpq", nlist=2)
    small = vk.ApproxIndex(clustered(100, 16), method="ivfpq", nlist=2, pq_bits=4)
    assert small.params["pq_bits"] == 4 and len(small) == 100


def test_default_nlist_and_memory_of_codes():
    assert default_nlist(200_000) == 1788 and default_nlist(1000) == 25 and default_nlist(5) == 1
    x = clustered(1000, 32, seed=6)
    codes = vk.ApproxIndex(x, method="ivfpq", rerank=0)
    assert codes.params["pq_m"] == 8  # dim / 4 sub-vectors of one byte
    assert codes.faiss_index.code_size == 8  # 8 bytes per vector instead of 128
