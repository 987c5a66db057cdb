"""The on-disk embedding cache: hits, opt-out, corrupt entries and files, two processes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import vectorkit as vk
from vectorkit import cache
from vectorkit.models._base import EmbeddingModel


class CountingModel(EmbeddingModel):
    """A tiny text model that records every string it really embeds."""

    name, modality, dim, source, version = "counting", "text", 4, "bundled", "1"

    def __init__(self, version: str = "1"):
        self.version = version
        self.seen: list[str] = []

    def _prepare(self, items, **kwargs):
        if isinstance(items, str):
            return True, [items]
        return False, list(items)

    def _embed_batch(self, batch):
        self.seen.extend(batch)
        return np.stack([vector_of(t) for t in batch])


def vector_of(text: str) -> np.ndarray:
    digest = hashlib.sha256(text.encode()).digest()
    return np.frombuffer(digest[:16], dtype=np.uint32).astype(np.float32) / 2**32


@pytest.fixture(autouse=True)
def _reset_switch():
    cache._enabled = None
    yield
    cache._enabled = None


def db_path() -> Path:
    return cache.get_cache().path


def forget_instances() -> None:
    """Close and drop the open caches, as a newly started kernel would have none."""
    for c in list(cache._instances.values()):
        c.close()
    cache._instances.clear()


def test_cache_lives_under_vectorkit_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    assert db_path() == tmp_path / "embeddings" / "embeddings.sqlite"


def test_hits_avoid_recomputation():
    model = CountingModel()
    texts = ["alpha", "beta", "gamma"]
    first = model.embed(texts)
    assert model.seen == texts
    second = model.embed(texts)
    assert model.seen == texts  # nothing recomputed
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first, np.stack([vector_of(t) for t in texts]))
    model.embed(["beta", "delta", "delta", "alpha"])
    assert model.seen == texts + ["delta", "delta"]  # only the new input
    assert model.embed("delta").shape == (4,) and model.seen.count("delta") == 2
    assert cache.get_cache().count(model.cache_namespace) == 4


def test_key_includes_model_name_and_version():
    CountingModel("1").embed(["same text"])
    other = CountingModel("2")
    other.embed(["same text"])
    assert other.seen == ["same text"]
    assert cache.get_cache().count() == 2


@pytest.mark.parametrize("how", ["set_cache", "env", "per_call"])
def test_opt_out(how, monkeypatch):
    model = CountingModel()
    kwargs = {}
    if how == "set_cache":
        vk.set_cache(False)
        assert cache.get_cache() is None
    elif how == "env":
        monkeypatch.setenv("VECTORKIT_NO_CACHE", "1")
        assert cache.get_cache() is None
    else:
        kwargs = {"cache": False}
    model.embed(["x", "y"], **kwargs)
    model.embed(["x", "y"], **kwargs)
    assert model.seen == ["x", "y", "x", "y"]
    vk.set_cache(True)
    assert cache.get_cache().count() == 0  # nothing was written while off
    with pytest.raises(ValueError, match="`enabled` must be True or False"):
        vk.set_cache("no")


def test_set_cache_true_overrides_env(monkeypatch):
    monkeypatch.setenv("VECTORKIT_NO_CACHE", "1")
    vk.set_cache(True)
    assert cache.get_cache() is not None


@pytest.mark.parametrize("damage", [
    "UPDATE embeddings SET vector = zeroblob(16) WHERE key = :k",        # checksum fails
    "UPDATE embeddings SET checksum = 'deadbeefdeadbeef' WHERE key = :k",
    "UPDATE embeddings SET dim = 3 WHERE key = :k",
    "UPDATE embeddings SET vector = x'00' WHERE key = :k",               # wrong length
    "UPDATE embeddings SET vector = 'text', checksum = 'x' WHERE key = :k",
])
def test_corrupt_entries_are_recomputed(damage):
    model = CountingModel()
    model.embed(["keep", "damaged"])
    key = hashlib.sha256(b"damaged").hexdigest()
    with sqlite3.connect(db_path()) as conn:
        conn.execute(damage, {"k": key})
    model.seen.clear()
    out = model.embed(["keep", "damaged"])
    assert model.seen == ["damaged"]
    np.testing.assert_array_equal(out[1], vector_of("damaged"))
    model.seen.clear()
    model.embed(["damaged"])
    assert model.seen == []  # the entry was repaired


def test_nan_entry_with_valid_checksum_is_recomputed():
    model = CountingModel()
    model.embed(["n"])
    blob = np.full(4, np.nan, dtype="<f4").tobytes()
    check = hashlib.sha256(blob).hexdigest()[:16]
    with sqlite3.connect(db_path()) as conn:
        conn.execute("UPDATE embeddings SET vector = ?, checksum = ?", (blob, check))
    model.seen.clear()
    assert np.isfinite(model.embed("n")).all() and model.seen == ["n"]


def _asides(folder: Path) -> list[Path]:
    """Database files moved aside (their -wal/-shm companions not counted)."""
    return sorted(p for p in folder.iterdir()
                  if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm")))


def test_corrupt_db_file_is_moved_aside(tmp_path, monkeypatch):
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "embeddings"
    folder.mkdir()
    (folder / "embeddings.sqlite").write_bytes(b"this is not a database" * 100)
    model = CountingModel()
    with pytest.warns(RuntimeWarning, match="could not be read.*moved it to"):
        out = model.embed(["a", "b"])
    np.testing.assert_array_equal(out[0], vector_of("a"))
    asides = _asides(folder)
    assert len(asides) == 1 and asides[0].read_bytes().startswith(b"this is not")
    model.seen.clear()
    model.embed(["a", "b"])
    assert model.seen == []  # the fresh database works


def test_database_damaged_while_in_use_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    model = CountingModel()
    texts = [f"sentence number {i}" for i in range(3000)]
    model.embed(texts, progress=False)
    path = db_path()
    forget_instances()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    assert len(raw) > 20 * 4096
    for start in range(2 * 4096, len(raw) - 4096, 4096 * 3):
        raw[start + 100:start + 2000] = b"\xff" * 1900  # scribble over many pages
    path.write_bytes(bytes(raw))
    model.seen.clear()
    with pytest.warns(RuntimeWarning, match="moved it to"):
        out = model.embed(texts[:50])
    np.testing.assert_array_equal(out, np.stack([vector_of(t) for t in texts[:50]]))
    assert _asides(path.parent)
    model.seen.clear()
    model.embed(texts[:50])
    assert model.seen == []


def test_locked_database_is_not_moved_aside(tmp_path, monkeypatch):
    """A busy database is healthy: embed without the cache, never discard it."""
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache.EmbeddingCache, "timeout", 0.2)
    CountingModel().embed(["stored"])
    path = db_path()
    forget_instances()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO embeddings VALUES ('x', 'y', 1, x'00000000', 'c', 0)")
    try:
        model = CountingModel()
        with pytest.warns(RuntimeWarning, match="embedding cache .* unavailable"):
            out = model.embed(["stored", "new"])
        np.testing.assert_array_equal(out[1], vector_of("new"))
        assert model.seen == ["stored", "new"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _asides(path.parent) == []
    model = CountingModel()
    model.embed(["stored"])
    assert model.seen == []  # the old entries are still there



def test_file_replaced_by_another_process_is_not_moved_aside_again(tmp_path):
    """Two processes hit the same damage: the second must not discard the first's new file."""
    path = tmp_path / "shared.sqlite"
    first, second = cache.EmbeddingCache(path), cache.EmbeddingCache(path)
    first.put_many("ns", {"old": np.ones(4, np.float32)})
    assert set(second.get_many("ns", ["old"], 4)) == {"old"}  # second has the old file open
    with pytest.warns(RuntimeWarning, match="moved it to"):
        first._move_aside(sqlite3.DatabaseError("damaged"))
    first.put_many("ns", {"new": np.full(4, 2.0, np.float32)})  # a fresh database file
    second._move_aside(sqlite3.DatabaseError("damaged"))  # no warning: just reconnects
    assert len(_asides(tmp_path)) == 1
    assert set(second.get_many("ns", ["old", "new"], 4)) == {"new"}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_uses_its_own_connection(tmp_path, monkeypatch):
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path))
    model = CountingModel()
    model.embed(["parent"])
    store = cache.get_cache()
    parent_conn = store._local.conn
    pid = os.fork()
    if pid == 0:  # child: must not touch the parent's SQLite connection
        code = 1
        try:
            child = CountingModel()
            child.embed(["parent", "child"])
            ok = (child.seen == ["child"] and store._local.conn is not parent_conn
                  and parent_conn in cache._inherited)
            code = 0 if ok else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store._local.conn is parent_conn  # the parent keeps its connection
    model.seen.clear()
    model.embed(["child", "parent"])
    assert model.seen == []  # and sees what the child stored

_WRITER = textwrap.dedent("""
    import sys, time, pathlib
    import numpy as np
    from vectorkit.cache import EmbeddingCache
    path, tag, go = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.01)
    c = EmbeddingCache(path)
    for r in range(100):
        items = {f"{tag}-{r}-{i}": np.full(8, r * 100 + i, np.float32) for i in range(20)}
        c.put_many("ns", items)
        got = c.get_many("ns", list(items), 8)
        assert len(got) == 20, len(got)
        c.get_many("ns", [f"other-{r}-{i}" for i in range(20)], 8)
    print("done", tag)
""")


def test_two_processes_write_concurrently(tmp_path):
    path = tmp_path / "shared.sqlite"
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), tag, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("A", "B")]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.startswith("done")
    store = cache.EmbeddingCache(path)
    assert store.count("ns") == 2 * 100 * 20
    keys = [f"{t}-{r}-{i}" for t in "AB" for r in range(100) for i in range(20)]
    got = store.get_many("ns", keys, 8)
    assert len(got) == len(keys)
    assert all(got[f"B-3-{i}"][0] == 300 + i for i in range(20))
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_clear_cache():
    model = CountingModel()
    model.embed(["a", "b"])
    assert cache.get_cache().count() == 2
    cache.clear_cache()
    assert cache.get_cache().count() == 0
    model.embed(["a"])
    assert model.seen == ["a", "b", "a"]
