"""On-disk embedding cache: re-running a notebook does not re-embed the same inputs.

Entries are keyed by the model's name, source and version plus a SHA-256 of the input's
content, and stored in one SQLite file (``<cache_root>/embeddings/embeddings.sqlite``).
SQLite makes concurrent notebooks safe (WAL journal, busy timeout). Every vector is stored
with its own checksum: an entry that fails the check is deleted and recomputed, never
trusted; a database file that is damaged is moved aside and a new one started; one that
stays locked past ``EmbeddingCache.timeout`` or cannot be written is skipped with a
warning. The cache never makes ``embed`` fail: at worst the vectors are computed again.

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
_inherited: list = []  # connections opened before a fork: never used (nor closed) in the child

# SQLite primary result codes that mean "this file is damaged", not "busy" or "read-only"
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def _checksum(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()[:16]


def _is_corruption(exc: sqlite3.Error) -> bool:
    # errors raised by the SQLite library carry its result code (Python >= 3.11)
    return ((getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF) in _CORRUPT_CODES


class EmbeddingCache:
    """A persistent map (namespace, content key) -> float32 vector, in SQLite.

    Failures never break embedding: a damaged database file is moved aside (with its
    ``-wal``/``-shm`` files) and a new one started; a database that stays busy or cannot
    be written is skipped with a warning, and the vectors are simply computed.
    """

    #: Seconds to wait for another process's write lock before giving up on the cache.
    timeout = 30.0

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._warned = False

    # ---- connections ----------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            if self._inode() == self._local.inode:
                return conn
            # the file was deleted (or replaced) while open: SQLite would go on writing to
            # the unlinked file and nothing would persist, so open the path again
            self.close()
            conn = None
        if conn is not None:  # inherited through fork: SQLite forbids using it here
            _inherited.append(conn)
        conn = self._open()
        self._local.conn, self._local.pid = conn, os.getpid()
        self._local.inode = self._inode()
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)  # damage found later is handled the same way, by _run
        except BaseException:
            conn.close()
            raise
        return conn

    def _inode(self) -> int | None:
        try:
            return self.path.stat().st_ino
        except OSError:
            return None

    def close(self) -> None:
        """Close this thread's connection (a later call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = self._local.inode = None
        if conn is not None and self._local.pid == os.getpid():
            conn.close()

    def _move_aside(self, exc: Exception) -> None:
        """Rename the damaged database (and its -wal/-shm files) out of the way."""
        opened_inode = getattr(self._local, "inode", None)
        self.close()
        if opened_inode is not None and opened_inode != self._inode():
            return  # someone already replaced the file we had open: just reconnect
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.time_ns()}")
        for extra in ("", "-wal", "-shm"):
            source = self.path.with_name(self.path.name + extra)
            if source.exists():
                os.replace(source, aside.with_name(aside.name + extra))
        warnings.warn(
            f"embedding cache {self.path} could not be read ({exc}); moved it to {aside} "
            "and started an empty cache",
            RuntimeWarning,
            stacklevel=4,
        )

    def _run(self, action, default):
        """Run ``action(conn)``; recover from a damaged file, skip the cache otherwise."""
        for attempt in (1, 2):
            try:
                return action(self._connect())
            except sqlite3.Error as exc:
                if attempt == 1 and _is_corruption(exc):
                    try:
                        self._move_aside(exc)
                        continue
                    except OSError as move_exc:
                        exc = move_exc
                self.close()
                if not self._warned:
                    self._warned = True
                    warnings.warn(
                        f"embedding cache {self.path} is unavailable ({exc}); "
                        "embedding without it",
                        RuntimeWarning,
                        stacklevel=4,
                    )
                return default
        return default

    # ---- entries ----------------------------------------------------------------------
    def get_many(self, namespace: str, keys: list[str], dim: int) -> dict[str, np.ndarray]:
        """Return the stored vectors among ``keys``; bad entries are dropped, not returned."""
        unique = list(dict.fromkeys(keys))

        def read(conn):
            rows = []
            for start in range(0, len(unique), 500):
                chunk = unique[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows += conn.execute(
                    f"SELECT key, dim, vector, checksum FROM embeddings "
                    f"WHERE namespace = ? AND key IN ({marks})",
                    [namespace, *chunk],
                ).fetchall()
            return rows

        found: dict[str, np.ndarray] = {}
        bad: list[str] = []
        for key, d, blob, check in self._run(read, default=[]):
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
            self._run(lambda conn: conn.executemany(
                "DELETE FROM embeddings WHERE namespace = ? AND key = ?",
                [(namespace, k) for k in bad]), default=None)
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

        def write(conn):
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?, ?, ?)",
                                 rows)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        self._run(write, default=None)

    def count(self, namespace: str | None = None) -> int:
        """Number of stored vectors (in one namespace, or in all)."""
        if namespace is None:
            return self._run(lambda c: c.execute("SELECT count(*) FROM embeddings")
                             .fetchone()[0], default=0)
        return self._run(lambda c: c.execute("SELECT count(*) FROM embeddings WHERE "
                                             "namespace = ?", [namespace]).fetchone()[0],
                         default=0)

    def clear(self, namespace: str | None = None) -> None:
        """Delete every stored vector (of one namespace, or all)."""
        if namespace is None:
            self._run(lambda c: c.execute("DELETE FROM embeddings"), default=None)
        else:
            self._run(lambda c: c.execute("DELETE FROM embeddings WHERE namespace = ?",
                                          [namespace]), default=None)


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
            try:
                _instances[key] = EmbeddingCache(path)
            except OSError as exc:
                warnings.warn(f"embedding cache folder {path.parent} cannot be created "
                              f"({exc}); embedding without a cache", RuntimeWarning,
                              stacklevel=2)
                return None
        return _instances[key]


def clear_cache() -> None:
    """Delete every cached embedding."""
    cache = get_cache()
    if cache is not None:
        cache.clear()
