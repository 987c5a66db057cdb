"""vk.VectorStore against real engines: Milvus Lite (in process) and a Milvus server.

Every behaviour test runs on both backends (`backend` fixture); the server ones carry the
``milvus_server`` mark (``make test-fast`` skips them, ``make test`` runs them) and share
one server per session (tests/milvus_server.py), each test in its own collection.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from milvus_server import milvus_server_uri  # noqa: F401  (session fixture)

import vectorkit as vk


def clustered(n, dim, seed=0, centres=20, spread=0.3):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    return (c[rng.integers(0, centres, n)] + spread * rng.normal(size=(n, dim))).astype(np.float32)


@pytest.fixture(params=["lite", pytest.param("server", marks=pytest.mark.milvus_server)])
def backend(request, tmp_path):
    """``open(collection, **kw)`` -> a VectorStore on this backend; closed afterwards."""
    if request.param == "lite":
        uri = str(tmp_path / "store.db")
    else:
        uri = request.getfixturevalue("milvus_server_uri")
    prefix = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:150]
    opened = []

    def open_store(collection="c", **kwargs):
        store = vk.VectorStore(uri, f"{prefix}_{collection}", **kwargs)
        opened.append(store)
        return store

    open_store.uri, open_store.prefix, open_store.kind = uri, prefix, request.param
    yield open_store
    for store in opened:
        if store._client is not None:
            if request.param == "server" and store._client.has_collection(store.collection):
                store._client.drop_collection(store.collection)
            store.close()


@pytest.mark.parametrize("metric", ["cosine", "dot", "euclidean"])
def test_search_equals_exact_index(backend, metric):
    data = clustered(3000, 32)
    queries = clustered(40, 32, seed=1)
    store = backend(dim=32, metric=metric)
    store.add(data)
    assert store.count() == 3000
    got = store.search(queries, k=10)
    want = vk.Index(data, metric=metric).search(queries, k=10)
    recall = np.mean([len(set(g) & set(w)) / 10 for g, w in zip(got.ids, want.ids, strict=True)])
    assert recall >= 0.99
    assert got.ids.dtype == np.int64 and got.metric == metric
    np.testing.assert_allclose(got.scores, want.scores, rtol=1e-4, atol=1e-4)
    one = store.search(queries[0], k=3)
    assert one.single and one.ids.tolist() == got.ids[0, :3].tolist()


def test_metadata_filter_equals_brute_force_on_the_subset(backend):
    data = clustered(1200, 16, seed=2)
    modality = np.array(["text", "image", "audio"])[np.arange(1200) % 3]
    size = (np.arange(1200) * 7919) % 3000
    store = backend(dim=16)
    store.add(data, ids=[f"doc{i}" for i in range(1200)],
              metadata={"modality": modality, "size": size, "ok": size % 2 == 0})
    expr = 'modality == "audio" and size > 1000'
    keep = (modality == "audio") & (size > 1000)
    assert store.count(filter=expr) == keep.sum()
    query = clustered(5, 16, seed=3)
    got = store.search(query, k=8, filter=expr)
    want = vk.Index(data[keep], ids=[f"doc{i}" for i in np.flatnonzero(keep)]).search(query, 8)
    assert got.ids.tolist() == want.ids.tolist()
    for row in got.metadata:
        assert all(m["modality"] == "audio" and m["size"] > 1000 for m in row)
        assert all(isinstance(m["ok"], bool) for m in row)
    frame = got.to_frame()
    assert list(frame.columns) == ["query", "rank", "id", "score", "modality", "size", "ok"]
    assert len(frame) == 40 and (frame["modality"] == "audio").all()
    # a filter matching fewer rows than k gives every matching row, like Index with k > n
    few = store.search(query[:2], k=5, filter='id in ["doc0", "doc3"]')
    assert few.ids.shape == (2, 2) and {tuple(sorted(r)) for r in few.ids} == {("doc0", "doc3")}
    assert [len(m) for m in few.metadata] == [2, 2]


def test_reopen_finds_the_collection_and_checks_dim_and_metric(backend):
    data = clustered(300, 8, seed=4)
    store = backend(dim=8, metric="dot")
    store.add(data, metadata=[{"label": f"row {i}", "weight": i / 10} for i in range(300)])
    store.close()
    again = backend()  # no dim, no metric: both read from the collection
    assert (again.dim, again.metric, again.count()) == (8, "dot", 300)
    hit = again.search(data[17], k=1)
    assert hit.ids.tolist() == [17] and hit.metadata == [{"label": "row 17", "weight": 1.7}]
    again.close()
    with pytest.raises(ValueError, match=r"`dim`.*length 8.*dim=9"):
        backend(dim=9)
    with pytest.raises(ValueError, match=r"`metric`.*'dot'.*'cosine'"):
        backend(metric="cosine")


def test_unknown_collection_without_dim_is_refused(backend):
    with pytest.raises(ValueError, match=r"`collection`.*no collection .*pass `dim=`"):
        backend("missing")


def test_upsert_delete_count_get(backend):
    store = backend(dim=4, metric="euclidean")
    vecs = np.eye(4, dtype=np.float32)
    store.add(vecs, ids=["a", "b", "c", "d"], metadata={"n": [1, 2, 3, 4]})
    store.upsert(vecs[:2] * 3, ids=["a", "e"], metadata={"n": [10, 50]})
    assert store.count() == 5
    assert store.get(["a", "e", "zz"]) == [{"id": "a", "n": 10}, {"id": "e", "n": 50}, None]
    hit = store.search([3.0, 0, 0, 0], k=1)
    assert hit.ids.tolist() == ["a"] and hit.scores[0] == pytest.approx(0.0, abs=1e-6)
    far = store.search([0.0, 0, 0, 0], k=5)  # euclidean: true distances, not squared
    np.testing.assert_allclose(sorted(far.scores), [1, 1, 1, 3, 3], atol=1e-6)
    assert store.delete(["b", "zz"]) == 1 and store.count() == 4
    assert store.delete(filter="n >= 10") == 2 and store.count() == 2
    assert sorted(store.search([0.0, 0, 1, 0], k=10).ids.tolist()) == ["c", "d"]
    with pytest.raises(ValueError, match="exactly one of `ids` and `filter`"):
        store.delete()
    with pytest.raises(ValueError, match="`ids` is required for upsert"):
        store.upsert(vecs[:1], None, metadata={"n": [1]})


def test_ids_default_and_unique_and_typed(backend):
    store = backend(dim=2)
    store.add([[1.0, 0.0], [0.0, 1.0]])
    store.add([[1.0, 1.0]])  # default ids continue from count()
    assert sorted(store.search([1.0, 0.5], k=3).ids.tolist()) == [0, 1, 2]
    with pytest.raises(ValueError, match=r"`ids` must be unique: 1 is already in the store"):
        store.add([[1.0, 2.0]], ids=[1])
    with pytest.raises(TypeError, match="`ids` of the collection .* are int, got str"):
        store.add([[1.0, 2.0]], ids=["x"])
    with pytest.raises(ValueError, match="appears at positions 0 and 1"):
        store.add([[1.0, 2.0], [2.0, 1.0]], ids=[5, 5])
    store.delete([0])
    with pytest.raises(ValueError, match="already in the store"):
        store.add([[3.0, 1.0]])  # count() is 2 again: default id 2 clashes; says what to do
    assert store.count() == 2


def test_metadata_types_are_inferred_and_refused_clearly(backend):
    store = backend(dim=2)
    with pytest.raises(TypeError, match=r"column 'kind' mixes \['int', 'str'\]"):
        store.add([[1.0, 0.0], [0.0, 1.0]], metadata={"kind": ["a", 3]})
    with pytest.raises(ValueError, match=r"column 'kind' row 1 is None"):
        store.add([[1.0, 0.0], [0.0, 1.0]], metadata={"kind": ["a", None]})
    with pytest.raises(TypeError, match=r"column 'tags' row 0: values must be bool, int"):
        store.add([[1.0, 0.0]], metadata={"tags": [["x", "y"]]})
    with pytest.raises(ValueError, match="column name 'id' is reserved"):
        store.add([[1.0, 0.0]], metadata={"id": [3]})
    with pytest.raises(ValueError, match="row 1 has the keys"):
        store.add([[1.0, 0.0], [0.0, 1.0]], metadata=[{"a": 1}, {"b": 2}])
    with pytest.raises(ValueError, match="has 1 values but there are 2 vectors"):
        store.add([[1.0, 0.0], [0.0, 1.0]], metadata={"a": [1]})
    assert store.count() == 0  # nothing refused was stored, no collection was made
    store.add([[1.0, 0.0], [0.0, 1.0]], metadata={"x": [1, 2.5], "name": ["p", "q"]})
    store.add([[1.0, 1.0]], metadata={"x": [3], "name": ["r"]})  # int into a float column
    assert store.get([2]) == [{"id": 2, "x": 3.0, "name": "r"}]
    with pytest.raises(ValueError, match=r"exactly the collection's columns \['name', 'x'\]"):
        store.add([[1.0, 1.0]])
    with pytest.raises(TypeError, match="column 'x' is stored as float, got str"):
        store.add([[1.0, 1.0]], metadata={"x": ["no"], "name": ["s"]})


def test_bad_arguments_name_themselves(backend):
    store = backend(dim=3)
    store.add(np.eye(3), metadata={"size": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"`filter` 'size >> 2' is not a valid expression"):
        store.search([1.0, 0, 0], filter="size >> 2")
    with pytest.raises(ValueError, match=r"`filter` 'colour == 1'"):
        store.count(filter="colour == 1")
    with pytest.raises(TypeError, match="`filter` must be a str"):
        store.search([1.0, 0, 0], filter=3)
    with pytest.raises(ValueError, match="`queries` must have length 3"):
        store.search([1.0, 0])
    with pytest.raises(ValueError, match="`vectors` must have length 3"):
        store.add([[1.0, 0]], metadata={"size": [1]})
    with pytest.raises(ValueError, match="`k` must be at most 16384"):
        store.search([1.0, 0, 0], k=20000)
    with pytest.raises(ValueError, match="`vectors` row 0 is the zero vector"):
        store.add([[0.0, 0, 0]], metadata={"size": [1]})
    assert store.search([1.0, 0, 0], k=50).ids.shape == (3,)  # k > count: every row
    with pytest.raises(ValueError, match="`fields` must be among"):
        list(store.query(fields=["nope"]))


def test_constructor_checks(tmp_path):
    with pytest.raises(ValueError, match=r"`uri` must be a file path ending in \.db"):
        vk.VectorStore(tmp_path / "x.sqlite", "c", dim=2)
    with pytest.raises(FileNotFoundError, match="`uri`: the folder"):
        vk.VectorStore(tmp_path / "no" / "x.db", "c", dim=2)
    with pytest.raises(ValueError, match="`collection` must start with a letter"):
        vk.VectorStore(tmp_path / "x.db", "bad-name", dim=2)
    with pytest.raises(ValueError, match="`dim` must be an integer from 1 to 32768"):
        vk.VectorStore(tmp_path / "x.db", "c", dim=0)
    with pytest.raises(ValueError, match="`metric` must be one of"):
        vk.VectorStore(tmp_path / "x.db", "c", dim=2, metric="manhattan")
    with pytest.raises(ValueError, match="`consistency` must be one of"):
        vk.VectorStore(tmp_path / "x.db", "c", dim=2, consistency="strong")
    (tmp_path / "folder.db").mkdir()
    (tmp_path / "folder.db" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="is a folder that is not a Milvus Lite database"):
        vk.VectorStore(tmp_path / "folder.db", "c", dim=2)


def test_query_iterates_every_row_in_batches(backend):
    store = backend(dim=3)
    store.add(clustered(2500, 3, seed=5), metadata={"even": [i % 2 == 0 for i in range(2500)]})
    rows = list(store.query(filter="even == true", batch_size=300))
    assert len(rows) == 1250 and {r["id"] for r in rows} == set(range(0, 2500, 2))
    assert all(r["even"] is True for r in rows)
    assert len(list(store.query())) == 2500


def test_large_add_and_search_go_in_batches(backend):
    dim = 1024  # about 1,000 rows per insert batch; 300 queries are two search batches
    data = clustered(2600, dim, seed=6)
    store = backend(dim=dim)
    store.add(data)
    assert store.count() == 2600
    got = store.search(data[-300:], k=1)
    assert got.ids[:, 0].tolist() == list(range(2300, 2600))


def test_consistency_choice_is_recorded(backend):
    store = backend(dim=2, consistency="Bounded")
    store.add([[1.0, 0.0]])
    assert store.consistency == "Bounded" and "Bounded" in repr(store)


_INGEST = textwrap.dedent("""
    import sys, numpy as np, vectorkit as vk
    store = vk.VectorStore(sys.argv[1], sys.argv[2], dim=16)
    rng = np.random.default_rng(0)
    for b in range(10_000):
        ids = list(range(b * 50, b * 50 + 50))
        store.add(rng.normal(size=(50, 16)), ids=ids, metadata={"batch": [b] * 50})
        print(b, flush=True)  # acknowledged: add() returned
""")


def test_sigkill_mid_ingest_loses_nothing_acknowledged(backend, tmp_path):
    store = backend(dim=16)
    uri, collection = backend.uri, store.collection
    store.close()  # Milvus Lite lets one process use a database at a time
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _INGEST, uri, collection],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    acked = -1
    try:
        for line in proc.stdout:
            acked = int(line)
            if acked >= 5:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert acked >= 5, proc.stderr.read()[-2000:]
    again = backend()
    n = again.count()
    assert n >= 50 * (acked + 1) and n % 50 == 0  # whole batches only
    want = list(range(50 * (acked + 1)))
    assert None not in again.get(want)
    assert again.search(np.ones(16), k=3).ids.shape == (3,)
    again.add(np.ones((1, 16)), ids=[10**9], metadata={"batch": [-1]})  # still writable
    assert again.count() == n + 1


def test_missing_pymilvus_names_the_install_command(tmp_path):
    code = ("import sys; sys.modules['pymilvus'] = None; import vectorkit as vk\n"
            f"vk.VectorStore({str(tmp_path / 'x.db')!r}, 'c', dim=2)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode != 0
    assert "needs pymilvus: python -m pip install 'vectorkit[store]'" in run.stderr


def test_unreachable_server_names_the_uri():
    from milvus_server import free_ports

    uri = f"http://127.0.0.1:{free_ports(1)[0]}"
    with pytest.raises(ConnectionError, match=rf"`uri`: cannot reach a Milvus server at '{uri}'"):
        vk.VectorStore(uri, "c", dim=2)


def test_a_second_process_on_a_lite_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "busy.db"
    store = vk.VectorStore(path, "c", dim=2)
    try:
        code = f"import vectorkit as vk; vk.VectorStore({str(path)!r}, 'c', dim=2)"
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        assert "one process use a database at a time" in run.stderr
    finally:
        store.close()



def test_doctor_reports_the_search_backends():
    import io

    from vectorkit.cli import doctor
    from vectorkit.search.backends import search_backends

    found = {b.name: b for b in search_backends()}
    assert list(found) == ["faiss", "Milvus Lite", "Milvus server"]
    assert all(b.available for b in found.values()), found  # `make setup` installs all three
    out = io.StringIO()
    doctor(out=out, run_models=False)
    section = out.getvalue().split("== search backends")[1].split("==")[0]
    assert "ok  faiss" in section and "ok  Milvus Lite" in section
    assert "ok  Milvus server" in section and "milvus 2.3.5" in section
