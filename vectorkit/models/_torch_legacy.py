"""Read a legacy (pre-1.6, non-zip) PyTorch state-dict file into numpy arrays, without torch.

A ``.pth`` file in the legacy format is a sequence of pickles followed by raw storage bytes:
a magic number, the protocol version, a sys-info dict, the pickled state dict (tensors refer
to their storages through persistent ids), the list of storage keys, and then, for each key,
an int64 element count and the little-endian element data.

``pickle.load`` on such a file would run any callable the file names. This module uses an
Unpickler whose ``find_class`` allows exactly three names -- ``collections.OrderedDict``,
``torch._utils._rebuild_tensor_v2`` and the ``torch.*Storage`` classes -- and maps them to
harmless local stand-ins. Anything else raises :class:`UnsafePickleError` before it is
imported, so a crafted file cannot execute code.

Example:
    >>> from vectorkit.models._torch_legacy import load_state_dict  # doctest: +SKIP
    >>> weights = load_state_dict("model.pth")                     # doctest: +SKIP
    >>> weights["_fc.weight"].shape                                 # doctest: +SKIP
    (1000, 1280)
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import struct
from dataclasses import dataclass

import numpy as np

from vectorkit.errors import UnsafePickleError

#: The magic number that opens every legacy torch file.
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

#: torch storage class name -> numpy little-endian dtype.
STORAGE_DTYPES = {
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2",
    "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2",
    "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
    "BFloat16Storage": "<u2",
}
_MAX_PICKLE_SIZE = 1 << 26  # the pickled part of a state dict is small; refuse absurd files


@dataclass(frozen=True)
class _StorageType:
    name: str

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(STORAGE_DTYPES[self.name])


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: np.dtype
    size: int


@dataclass(frozen=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple
    stride: tuple


def _int_tuple(value, what: str) -> tuple:
    if not isinstance(value, tuple) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise UnsafePickleError(f"tensor {what} must be a tuple of non-negative ints, got {value!r}")
    return value


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, *unused):
    """Stand-in for torch._utils._rebuild_tensor_v2: records where the tensor's data lives."""
    if not isinstance(storage, _StorageRef):
        raise UnsafePickleError(f"tensor storage must be a persistent storage, got {storage!r}")
    if not isinstance(storage_offset, int) or storage_offset < 0:
        raise UnsafePickleError(f"tensor offset must be a non-negative int, got {storage_offset!r}")
    shape, strides = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    if len(shape) != len(strides):
        raise UnsafePickleError(f"tensor size {shape} and stride {strides} differ in length")
    return _TensorRef(storage, storage_offset, shape, strides)


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler that builds only tensors, storages and OrderedDicts (nothing executes)."""

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise UnsafePickleError(
            f"refusing to load {module}.{name}: a weights file may only contain tensors, "
            "storages and OrderedDicts (this file is damaged or malicious)")

    def persistent_load(self, pid):
        if (not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage"
                or not isinstance(pid[1], _StorageType) or not isinstance(pid[2], str)
                or not isinstance(pid[4], int) or pid[4] < 0):
            raise UnsafePickleError(f"unexpected persistent id {pid!r:.200}")
        if len(pid) > 5 and pid[5] is not None:
            raise UnsafePickleError("storage views are not supported in legacy weight files")
        return _StorageRef(pid[2], pid[1].dtype, pid[4])


def _restricted_load(stream):
    return RestrictedUnpickler(stream).load()


def loads_restricted(data: bytes):
    """Unpickle ``data`` with the restricted unpickler (for tests and small payloads)."""
    return _restricted_load(io.BytesIO(data))


def _flatten(obj, prefix: str, out: dict) -> None:
    for key, value in obj.items():
        if not isinstance(key, str):
            raise UnsafePickleError(f"state dict keys must be strings, got {key!r:.80}")
        name = f"{prefix}{key}"
        if isinstance(value, _TensorRef):
            out[name] = value
        elif isinstance(value, dict):
            _flatten(value, name + ".", out)
        else:
            raise UnsafePickleError(f"state dict entry {name!r} is not a tensor: {value!r:.80}")


def load_state_dict(path) -> dict[str, np.ndarray]:
    """Read a legacy torch ``state_dict`` file into ``{name: float32/int numpy array}``.

    Args:
        path: the ``.pth`` file (legacy, non-zip serialisation).

    Raises:
        UnsafePickleError: the file names any Python object other than tensors/storages.
        ValueError: the file is not a legacy torch file or is truncated.
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        head = f.read(2)
        if head == b"PK":
            raise ValueError(f"`path` {path!r} is a zip-format torch file; only the legacy "
                             "(pre-1.6) format is supported")
        f.seek(0)
        try:
            magic = _restricted_load(f)
            protocol = _restricted_load(f)
            _sys_info = _restricted_load(f)
        except UnsafePickleError:
            raise
        except Exception as exc:
            raise ValueError(f"`path` {path!r} is not a legacy torch weights file "
                             f"({type(exc).__name__})") from exc
        if magic != MAGIC_NUMBER or protocol != PROTOCOL_VERSION:
            raise ValueError(f"`path` {path!r} is not a legacy torch weights file "
                             f"(magic {magic!r}, protocol {protocol!r})")
        state = _restricted_load(f)
        keys = _restricted_load(f)
        if f.tell() > _MAX_PICKLE_SIZE:
            raise ValueError(f"`path` {path!r}: pickled header is implausibly large")
        if not isinstance(state, dict):
            raise UnsafePickleError(f"expected a state dict, got {type(state).__name__}")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise UnsafePickleError("the storage key list is malformed")
        tensors: dict[str, _TensorRef] = {}
        _flatten(state, "", tensors)
        dtypes = {t.storage.key: t.storage.dtype for t in tensors.values()}
        storages: dict[str, np.ndarray] = {}
        file_size = os.fstat(f.fileno()).st_size
        for key in keys:
            raw = f.read(8)
            if len(raw) != 8:
                raise ValueError(f"`path` {path!r} is truncated (storage {key})")
            (count,) = struct.unpack("<q", raw)
            dtype = dtypes.get(key, np.dtype("u1"))
            if count < 0 or count * dtype.itemsize > file_size - f.tell():
                raise ValueError(f"`path` {path!r} is truncated or damaged (storage {key} "
                                 f"claims {count} elements)")
            data = f.read(count * dtype.itemsize)
            if len(data) != count * dtype.itemsize:
                raise ValueError(f"`path` {path!r} is truncated (storage {key})")
            storages[key] = np.frombuffer(data, dtype=dtype)
    out = {}
    for name, t in tensors.items():
        if t.storage.key not in storages:
            raise ValueError(f"`path` {path!r}: tensor {name!r} refers to a missing storage")
        buf = storages[t.storage.key]
        extent = t.offset + sum((n - 1) * s for n, s in zip(t.shape, t.stride, strict=True)) + 1
        if any(n == 0 for n in t.shape):
            out[name] = np.zeros(t.shape, dtype=buf.dtype)
            continue
        if extent > buf.size:
            raise ValueError(f"`path` {path!r}: tensor {name!r} reaches past its storage")
        item = buf.itemsize
        view = np.lib.stride_tricks.as_strided(
            buf[t.offset:], shape=t.shape, strides=[s * item for s in t.stride], writeable=False)
        out[name] = np.array(view, dtype=buf.dtype.newbyteorder("="))
    return out
