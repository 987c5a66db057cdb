"""Build and search parameters of the approximate indexes, checked by name; the faiss import."""

from __future__ import annotations

import math

import numpy as np

METHODS = ("hnsw", "ivf", "ivfpq", "flat")
_DEFAULTS = {"M": 32, "ef_construction": 100, "ef_search": 64, "nlist": None, "nprobe": 32,
             "pq_m": None, "pq_bits": 8, "rerank": 10}
_USED = {"hnsw": {"M", "ef_construction", "ef_search"}, "ivf": {"nlist", "nprobe"},
         "ivfpq": {"nlist", "nprobe", "pq_m", "pq_bits", "rerank"}, "flat": set()}
_INSTALL = "python -m pip install 'faiss-cpu>=1.9,<2'"


def faiss():
    """The faiss module, or an error naming the install command."""
    try:
        import faiss as module
    except ImportError:
        raise ModuleNotFoundError(f"approximate indexes need faiss: {_INSTALL}") from None
    return module


def check_int(value, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"`{name}` must be an integer, got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ValueError(f"`{name}` must be an integer {bound}, got {value!r}")
    return int(value)


def check_params(method: str, dim: int | None, params: dict) -> dict:
    """Validate build/search parameters for ``method``; return all of them with defaults."""
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {['exact', *METHODS]}, got {method!r}")
    unknown = set(params) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown parameters {sorted(unknown)}; approximate indexes take "
                        f"{sorted(_DEFAULTS)}")
    unused = {k for k, v in params.items() if v is not None} - _USED[method]
    if unused:
        raise ValueError(f"{sorted(unused)} do not apply to method={method!r} (it takes "
                         f"{sorted(_USED[method]) or 'no parameters'})")
    p = {**_DEFAULTS, **{k: v for k, v in params.items() if v is not None}}
    p["M"] = check_int(p["M"], "M", 2, 512)
    p["ef_construction"] = check_int(p["ef_construction"], "ef_construction", 1)
    p["ef_search"] = check_int(p["ef_search"], "ef_search", 1)
    p["nprobe"] = check_int(p["nprobe"], "nprobe", 1)
    if p["nlist"] is not None:
        p["nlist"] = check_int(p["nlist"], "nlist", 1, 2**20)
    p["pq_bits"] = check_int(p["pq_bits"], "pq_bits", 1, 16)
    p["rerank"] = check_int(p["rerank"], "rerank", 0, 1000)
    if method == "ivfpq" and dim is not None:
        if p["pq_m"] is None:
            p["pq_m"] = max(d for d in range(1, max(1, dim // 4) + 1) if dim % d == 0)
        p["pq_m"] = check_int(p["pq_m"], "pq_m", 1, dim)
        if dim % p["pq_m"]:
            raise ValueError(f"`pq_m` must divide the vector length {dim}, got {p['pq_m']}")
    return {k: v for k, v in p.items() if k in _USED[method]}


def default_nlist(n: int) -> int:
    """``4 * sqrt(n)`` cells, but at least 39 training vectors per cell (faiss's minimum)."""
    return max(1, min(int(4 * math.sqrt(n)), n // 39))
