"""On-disk embedding cache: re-running a notebook does not re-embed the same inputs.

Entries are keyed by the model's name, source and version plus a SHA-256 of the input's
content, and stored in one SQLite file (``<cache_root>/embeddings/embeddings.sqlite``).
SQLite makes concurrent notebooks safe (WAL journal, busy timeout). Every vector is stored
with its own checksum: an entry that fails the check is deleted and recomputed, never
trusted; a database file that cannot be read is moved aside and a new one started.

Switch it off with ``vk.set_cache(False)``, the environment variable
``VECTORKIT_NO_CACHE=1``, or per call with ``model.embed(items, cache=False)``.

Example:
    >>> import vectorkit as vk
    >>> vk.set_cache(False)
    >>> vk.cache.get_cache() is None
    True
    >>> vk.set_cache(True)
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from vectorkit._paths import embedding_cache_dir

__all__ = ["EmbeddingCache", "get_cache", "set_cache", "clear_cache"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    checksum TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (namespace, key)
)
"""
_enabled: bool | None = None
_instances: dict[str, EmbeddingCache] = {}
_lock = threading.Lock()


def _checksum(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()[:16]


class EmbeddingCache:
    """A persistent map (namespace, content key) -> float32 vector, in SQLite."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = self._open()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_suffix(f".corrupt-{int(time.time())}")
            warnings.warn(
                f"embedding cache {self.path} could not be read ({exc}); moved it to {aside} "
                "and started an empty cache",
                RuntimeWarning,
                stacklevel=3,
            )
            os.replace(self.path, aside)
            conn = self._open()
        self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(_SCHEMA)
        conn.execute("SELECT count(*) FROM embeddings LIMIT 1").fetchone()
        return conn

    def get_many(self, namespace: str, keys: list[str], dim: int) -> dict[str, np.ndarray]:
        """Return the stored vectors among ``keys``; bad entries are dropped, not returned."""
        conn = self._connect()
        found: dict[str, np.ndarray] = {}
        bad: list[str] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT key, dim, vector, checksum FROM embeddings "
                f"WHERE namespace = ? AND key IN ({marks})",
                [namespace, *chunk],
            ).fetchall()
            for key, d, blob, check in rows:
                if (d != dim or not isinstance(blob, bytes) or len(blob) != 4 * dim
                        or _checksum(blob) != check):
                    bad.append(key)
                    continue
                vec = np.frombuffer(blob, dtype="<f4")
                if not np.isfinite(vec).all():
                    bad.append(key)
                    continue
                found[key] = vec.astype(np.float32)
        if bad:
            conn.executemany("DELETE FROM embeddings WHERE namespace = ? AND key = ?",
                             [(namespace, k) for k in bad])
        return found

    def put_many(self, namespace: str, items: dict[str, np.ndarray]) -> None:
        """Store vectors (float32, little-endian) with their checksums in one transaction."""
        if not items:
            return
        now = time.time()
        rows = []
        for key, vec in items.items():
            blob = np.ascontiguousarray(vec, dtype="<f4").tobytes()
            rows.append((namespace, key, len(blob) // 4, blob, _checksum(blob), now))
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def count(self, namespace: str | None = None) -> int:
        """Number of stored vectors (in one namespace, or in all)."""
        conn = self._connect()
        if namespace is None:
            return conn.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        return conn.execute("SELECT count(*) FROM embeddings WHERE namespace = ?",
                            [namespace]).fetchone()[0]

    def clear(self, namespace: str | None = None) -> None:
        """Delete every stored vector (of one namespace, or all)."""
        conn = self._connect()
        if namespace is None:
            conn.execute("DELETE FROM embeddings")
        else:
            conn.execute("DELETE FROM embeddings WHERE namespace = ?", [namespace])


def set_cache(enabled: bool) -> None:
    """Switch the embedding cache on or off for this Python process."""
    global _enabled
    if not isinstance(enabled, bool):
        raise ValueError(f"`enabled` must be True or False, got {enabled!r}")
    _enabled = enabled


def get_cache() -> EmbeddingCache | None:
    """Return the cache in use, or ``None`` when caching is switched off."""
    if _enabled is False:
        return None
    if _enabled is None and os.environ.get("VECTORKIT_NO_CACHE", "") not in ("", "0"):
        return None
    path = embedding_cache_dir() / "embeddings.sqlite"
    key = str(path)
    with _lock:
        if key not in _instances:
            _instances[key] = EmbeddingCache(path)
        return _instances[key]


def clear_cache() -> None:
    """Delete every cached embedding."""
    cache = get_cache()
    if cache is not None:
        cache.clear()
