"""Saving and loading ``vk.ApproxIndex`` files: faiss's own index bytes in a checked ZIP.

File format (version 1): a ZIP archive, written to a temporary file and renamed into place,
holding ``meta.json`` and, unless the index is empty, ``index.faiss``:

- ``meta.json``: ``{"format": "vectorkit-ann-index", "version": 1, "method": "hnsw" |
  "ivf" | "ivfpq" | "flat", "metric": "cosine" | "dot" | "euclidean", "dim": int,
  "count": int, "params": {...}, "ids": null | [str | int, ...], "faiss_bytes": int,
  "faiss_sha256": "<64 hex>" | null}``.
- ``index.faiss``: the bytes of ``faiss.serialize_index`` (faiss's own binary format).

Loading never unpickles: it checks every field, the size and SHA-256 of ``index.faiss``,
then reads it with ``faiss.deserialize_index`` and checks that the index it gets has the
declared kind, metric, dimension and row count. The checksum catches damaged files, not
forged ones: faiss's reader is C++, so load only index files you (or your course) made.
"""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np

from vectorkit._atomic import atomic_open
from vectorkit.search._ann_params import METHODS, check_params, faiss
from vectorkit.search._ids import IdMap
from vectorkit.search._result import METRICS
from vectorkit.search._zipfile import as_path, open_checked, read_json, read_member

FORMAT = "vectorkit-ann-index"
VERSION = 1
_META, _INDEX = "meta.json", "index.faiss"
_MAX_META_BYTES = 512 * 1024**2
_FIELDS = {"format", "version", "method", "metric", "dim", "count", "params", "ids",
           "faiss_bytes", "faiss_sha256"}
_KINDS = {"flat": ("IndexFlat", "IndexFlatIP", "IndexFlatL2"), "hnsw": ("IndexHNSWFlat",),
          "ivf": ("IndexIVFFlat",), "ivfpq": ("IndexIVFPQ", "IndexRefine")}


def is_ann_file(path) -> bool:
    """True when ``path`` is a ZIP whose meta.json names this format (cheap peek)."""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(_META) as member:
            head = member.read(4096)
    except (OSError, KeyError, zipfile.BadZipFile, EOFError):
        return False
    return f'"format": "{FORMAT}"'.encode() in head


def save_ann(index, path) -> None:
    """Write ``index`` (an ApproxIndex) to ``path`` atomically."""
    path = as_path(path)
    if path.is_dir():
        raise ValueError(f"`path` must be a file name, got the folder {str(path)!r}")
    if not path.parent.exists():
        raise FileNotFoundError(f"`path`: the folder {str(path.parent)!r} does not exist")
    data = None
    if index.faiss_index is not None:
        data = faiss().serialize_index(index.faiss_index).tobytes()
    meta = {"format": FORMAT, "version": VERSION, "method": index.method,
            "metric": index.metric, "dim": index.dim, "count": len(index),
            "params": index.params or None, "ids": index._ids.to_json(),
            "faiss_bytes": 0 if data is None else len(data),
            "faiss_sha256": None if data is None else hashlib.sha256(data).hexdigest()}
    with atomic_open(path, "wb", fsync=True) as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr(_META, json.dumps(meta, ensure_ascii=False))
            if data is not None:
                zf.writestr(_INDEX, data)


def _bad(path, what: str) -> ValueError:
    return ValueError(f"{str(path)!r} is not a valid vectorkit approximate index file: {what}")


def _is_int(v, low: int = 0) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low


def _check_meta(meta, path) -> dict:
    if not isinstance(meta, dict):
        raise _bad(path, f"meta.json must hold a JSON object, got {type(meta).__name__}")
    if meta.get("format") != FORMAT:
        hint = " (an exact index: use vk.Index.load)" if meta.get("format") == \
            "vectorkit-index" else ""
        raise _bad(path, f"meta.json format is {meta.get('format')!r}, expected {FORMAT!r}{hint}")
    if not _is_int(meta.get("version"), 1):
        raise _bad(path, f"version must be a positive integer, got {meta.get('version')!r}")
    if meta["version"] > VERSION:
        raise ValueError(f"{str(path)!r} was written in approximate index format version "
                         f"{meta['version']}, newer than this vectorkit reads ({VERSION})")
    missing = _FIELDS - set(meta)
    if missing:
        raise _bad(path, f"meta.json lacks the fields {sorted(missing)}")
    if meta["method"] not in METHODS:
        raise _bad(path, f"method must be one of {list(METHODS)}, got {meta['method']!r}")
    if meta["metric"] not in METRICS:
        raise _bad(path, f"metric must be one of {list(METRICS)}, got {meta['metric']!r}")
    if not _is_int(meta["dim"], 1) or not _is_int(meta["count"]) \
            or not _is_int(meta["faiss_bytes"]):
        raise _bad(path, "dim, count and faiss_bytes must be non-negative integers (dim >= 1)")
    ids = meta["ids"]
    if ids is not None and (not isinstance(ids, list) or len(ids) != meta["count"]):
        raise _bad(path, f"ids must be null or a list of {meta['count']} ids")
    check = meta["faiss_sha256"]
    if check is not None and not (isinstance(check, str) and len(check) == 64
                                  and all(c in "0123456789abcdef" for c in check)):
        raise _bad(path, "faiss_sha256 must be null or 64 lowercase hex digits")
    if (check is None) != (meta["count"] == 0 and meta["faiss_bytes"] == 0):
        raise _bad(path, "only an empty index may have no faiss data")
    if meta["params"] is not None and not isinstance(meta["params"], dict):
        raise _bad(path, "params must be null or a JSON object")
    return meta


def load_ann(path) -> tuple[dict, object]:
    """Read and verify an approximate index file; return its checked meta and faiss index."""
    path = as_path(path)
    bad = lambda what: _bad(path, what)  # noqa: E731
    zf = open_checked(path, (_META,), bad)
    with zf:
        meta = read_json(zf, _META, _MAX_META_BYTES, bad)
        meta = _check_meta(meta, path)
        data = None
        if meta["faiss_sha256"] is not None:
            if _INDEX not in zf.namelist():
                raise _bad(path, f"it has no {_INDEX}")
            data = read_member(zf, _INDEX, meta["faiss_bytes"], bad)
            if len(data) != meta["faiss_bytes"] or \
                    hashlib.sha256(data).hexdigest() != meta["faiss_sha256"]:
                raise _bad(path, "the checksum of index.faiss does not match (the file is "
                                 "corrupt)")
    try:
        IdMap().extend(meta["ids"], meta["count"])  # unique str/int ids, one per row
        meta["params"] = check_params(meta["method"], meta["dim"], meta["params"] or {})
    except (TypeError, ValueError) as exc:
        raise _bad(path, str(exc)) from None
    return meta, None if data is None else _deserialize(data, meta, path)


def _deserialize(data: bytes, meta: dict, path):
    fs = faiss()
    try:
        fi = fs.deserialize_index(np.frombuffer(data, dtype=np.uint8))
    except RuntimeError as exc:
        raise _bad(path, f"faiss could not read index.faiss ({str(exc).splitlines()[0]})") \
            from None
    kind = type(fi).__name__
    want_metric = fs.METRIC_L2 if meta["metric"] == "euclidean" else fs.METRIC_INNER_PRODUCT
    if kind not in _KINDS[meta["method"]] or fi.metric_type != want_metric or \
            fi.d != meta["dim"] or fi.ntotal != meta["count"]:
        raise _bad(path, f"index.faiss holds a {kind} (metric {fi.metric_type}, dim {fi.d}, "
                         f"{fi.ntotal} rows); meta.json says {meta['method']} {meta['metric']} "
                         f"dim {meta['dim']} with {meta['count']} rows")
    return fi
