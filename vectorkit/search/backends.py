"""Which search backends this machine has: faiss, Milvus Lite, a Milvus server binary.

Example:
    >>> from vectorkit.search.backends import search_backends
    >>> [b.name for b in search_backends()]
    ['faiss', 'Milvus Lite', 'Milvus server']
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["Backend", "search_backends"]


@dataclass(frozen=True)
class Backend:
    """One backend: whether it is available, what was found, and how to get it."""

    name: str
    available: bool
    detail: str
    fix: str
    used_by: str


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _faiss() -> Backend:
    used = "vk.Index(method='hnsw'|'ivf'|'ivfpq'), vk.ApproxIndex"
    fix = "python -m pip install 'faiss-cpu>=1.9,<2'"
    try:
        import faiss
    except Exception as exc:  # a broken install is what doctor must report
        return Backend("faiss", False, f"does not import ({type(exc).__name__}: {exc})", fix,
                       used)
    return Backend("faiss", True, f"faiss-cpu {faiss.__version__}", fix, used)


def _lite() -> Backend:
    used = "vk.VectorStore('file.db', ...)"
    fix = "python -m pip install 'vectorkit[store]'"
    client, lite = _version("pymilvus"), _version("milvus-lite")
    if client is None or importlib.util.find_spec("pymilvus") is None:
        return Backend("Milvus Lite", False, "pymilvus is not installed", fix, used)
    if lite is None or importlib.util.find_spec("milvus_lite") is None:
        return Backend("Milvus Lite", False, f"pymilvus {client}, but milvus-lite is not "
                       "installed", fix, used)
    return Backend("Milvus Lite", True, f"pymilvus {client}, milvus-lite {lite}", fix, used)


def _server() -> Backend:
    used = "a local Milvus server for vk.VectorStore('http://127.0.0.1:PORT', ...)"
    fix = "python -m pip install 'vectorkit[server]'  (the milvus 2.3.5 package)"
    script = Path(sys.executable).with_name("milvus-server")
    found = str(script) if script.is_file() else shutil.which("milvus-server")
    v = _version("milvus")
    if found is None or v is None:
        return Backend("Milvus server", False, "milvus-server is not installed (optional)",
                       fix, used)
    return Backend("Milvus server", True, f"milvus {v}: {found} (not started by doctor)", fix,
                   used)


def search_backends() -> list[Backend]:
    """The search backends and whether each is installed (nothing is started)."""
    return [_faiss(), _lite(), _server()]
