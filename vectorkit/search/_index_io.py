"""Saving and loading ``vk.Index`` files (the format is documented in vectorkit.search.index)."""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np

from vectorkit._atomic import atomic_open
from vectorkit.search._result import METRICS
from vectorkit.search._zipfile import as_path, check_ratio, open_checked, read_json

FORMAT = "vectorkit-index"
VERSION = 1
_META, _VECTORS = "meta.json", "vectors.npy"
_MAX_META_BYTES = 512 * 1024**2  # ids of millions of rows fit; a forged size does not
_NPY_HEADER_MAX = 1 << 16
#: How far a stored cosine row's length may be from 1 (float32 rounding is ~1e-7).
NORM_TOLERANCE = 1e-3
_FIELDS = {"format", "version", "metric", "dim", "count", "dtype", "normalized", "ids",
           "vectors_sha256"}


def _sha256(arr: np.ndarray) -> str:
    arr = np.ascontiguousarray(arr)
    return hashlib.sha256(memoryview(arr.reshape(-1)).cast("B") if arr.size else b"").hexdigest()


def save_index(vectors, ids, metric: str, path) -> None:
    """Write an index's ``(n, d)`` vectors, JSON ids (None = default) and metric to ``path``.

    Written through a temporary file in the same folder, then renamed into place.
    """
    path = as_path(path)
    if path.is_dir():
        raise ValueError(f"`path` must be a file name, got the folder {str(path)!r}")
    for parent in (path.parent, *path.parent.parents):
        if parent.exists() and not parent.is_dir():
            raise NotADirectoryError(f"`path`: {str(parent)!r} is a file, so {str(path)!r} "
                                     "cannot be created inside it")
    if not path.parent.exists():
        raise FileNotFoundError(f"`path`: the folder {str(path.parent)!r} does not exist")
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    meta = {
        "format": FORMAT, "version": VERSION, "metric": metric, "dim": int(vectors.shape[1]),
        "count": int(vectors.shape[0]), "dtype": "<f4", "normalized": metric == "cosine",
        "ids": ids, "vectors_sha256": _sha256(vectors),
    }
    with atomic_open(path, "wb", fsync=True) as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr(_META, json.dumps(meta, ensure_ascii=False))
            with zf.open(_VECTORS, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, vectors, allow_pickle=False)


def _bad(path, what: str) -> ValueError:
    return ValueError(f"{str(path)!r} is not a valid vectorkit index file: {what}")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_meta(meta, path) -> dict:
    if not isinstance(meta, dict):
        raise _bad(path, f"meta.json must hold a JSON object, got {type(meta).__name__}")
    if meta.get("format") != FORMAT:
        raise _bad(path, f"meta.json format is {meta.get('format')!r}, expected {FORMAT!r}")
    version = meta.get("version")
    if not _is_int(version) or version < 1:
        raise _bad(path, f"meta.json version must be a positive integer, got {version!r}")
    if version > VERSION:
        raise ValueError(
            f"{str(path)!r} was written in index format version {version}, newer than this "
            f"vectorkit reads (version {VERSION}); upgrade vectorkit to load it"
        )
    missing = _FIELDS - set(meta)
    if missing:
        raise _bad(path, f"meta.json lacks the fields {sorted(missing)}")
    if meta["metric"] not in METRICS:
        raise _bad(path, f"metric must be one of {list(METRICS)}, got {meta['metric']!r}")
    for key in ("dim", "count"):
        if not _is_int(meta[key]) or meta[key] < (1 if key == "dim" else 0):
            raise _bad(path, f"{key} must be a {'positive' if key == 'dim' else 'non-negative'} "
                             f"integer, got {meta[key]!r}")
    if meta["dtype"] != "<f4":
        raise _bad(path, f"dtype must be '<f4', got {meta['dtype']!r}")
    if not isinstance(meta["normalized"], bool):
        raise _bad(path, f"normalized must be true or false, got {meta['normalized']!r}")
    ids = meta["ids"]
    if ids is not None and (not isinstance(ids, list) or len(ids) != meta["count"]):
        raise _bad(path, f"ids must be null or a list of {meta['count']} ids")
    check = meta["vectors_sha256"]
    if not (isinstance(check, str) and len(check) == 64
            and all(c in "0123456789abcdef" for c in check)):
        raise _bad(path, "vectors_sha256 must be 64 lowercase hex digits")
    return meta


def _read_header(member, path):
    try:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(member)
        if version == (2, 0):
            return np.lib.format.read_array_header_2_0(member)
    except ValueError as exc:
        raise _bad(path, f"vectors.npy has no valid .npy header ({exc})") from None
    raise _bad(path, f"vectors.npy uses .npy format {version}, expected 1.0 or 2.0")


def load_index(cls, path):
    """Read and verify an index file; return a ``cls`` instance."""
    path = as_path(path)
    zf = open_checked(path, (_META, _VECTORS), lambda what: _bad(path, what))
    with zf:
        meta = _check_meta(read_json(zf, _META, _MAX_META_BYTES, lambda w: _bad(path, w)),
                           path)
        count, dim = meta["count"], meta["dim"]
        expected = count * dim * 4
        declared = check_ratio(zf, _VECTORS, lambda w: _bad(path, w)).file_size
        if not expected <= declared <= expected + _NPY_HEADER_MAX:
            raise _bad(path, f"vectors.npy holds {declared:,} bytes, but meta.json's "
                             f"{count} x {dim} float32 vectors need {expected:,} plus a header")
        try:
            with zf.open(_VECTORS) as member:
                shape, fortran, dtype = _read_header(member, path)
                if dtype != np.dtype("<f4") or fortran or shape != (count, dim):
                    raise _bad(path, f"vectors.npy holds {dtype} {shape} "
                                     f"(fortran_order={fortran}); meta.json says <f4 "
                                     f"{(count, dim)} in C order")
            with zf.open(_VECTORS) as member:
                vectors = np.load(member, allow_pickle=False)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise _bad(path, f"vectors.npy is damaged or truncated ({exc})") from None
        except ValueError as exc:
            if "not a valid vectorkit index" in str(exc):
                raise
            raise _bad(path, f"vectors.npy could not be read ({exc})") from None
    if _sha256(vectors) != meta["vectors_sha256"]:
        raise _bad(path, "the checksum of the vectors does not match (the file is corrupt)")
    if not np.isfinite(vectors).all():
        raise _bad(path, "the vectors contain NaN or infinity")
    if meta["metric"] == "cosine":
        norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
        if (norms == 0).any():
            raise _bad(path, "a cosine index holds a zero vector")
        off = np.abs(norms - 1.0) > NORM_TOLERANCE
        if meta["normalized"] and off.any():
            row = int(np.argmax(off))
            raise _bad(path, f"meta.json says the vectors are normalized, but row {row} has "
                             f"length {norms[row]:.6g} (and {int(off.sum())} rows in all)")
        if not meta["normalized"]:
            vectors = (vectors / norms[:, None]).astype(np.float32)
    try:
        return cls._from_arrays(vectors, meta["ids"], meta["metric"])
    except ValueError as exc:
        raise _bad(path, str(exc)) from None
