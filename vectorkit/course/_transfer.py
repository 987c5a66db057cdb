"""Values as plain data (JSON, arrays as ``.npy``) between the grader and a learner's kernel.

The grader never unpickles: what comes from a kernel is decoded into numbers, strings, lists,
tuples, sets, dicts and numpy arrays (``np.load(allow_pickle=False)``), and anything else
becomes an :class:`Opaque` stand-in that no check accepts. Objects of the course's own
classes (``vectorkit.exercises...``, e.g. ``ToyEmbedder``) may be *sent to* a kernel by
class name and attribute values; they are never rebuilt from a kernel's data.

Example:
    >>> import numpy as np
    >>> data = encode({"a": (1, 2.5), "v": np.arange(3)})
    >>> back = decode(data)
    >>> back["a"], back["v"].tolist()
    ((1, 2.5), [0, 1, 2])
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import math

import numpy as np

#: Largest encoded value accepted from a kernel (characters of JSON).
MAX_CHARS = 64 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
#: Largest array handed over (bytes); a bigger answer arrives as an opaque stand-in.
MAX_ARRAY_BYTES = 32 * 1024 * 1024
_OBJECT_PREFIXES = ("vectorkit.exercises.",)
#: scikit-learn estimators (a Pipeline handed in as an answer) travel as their class and
#: constructor parameters, and are rebuilt from those only if the class comes from here.
_ESTIMATOR_PREFIXES = ("sklearn.", "vectorkit.")


class TransferError(ValueError):
    """A value cannot be encoded, or data from a kernel is malformed or too large."""


class Opaque:
    """Stands for a value the kernel could not hand over as data (its type and a short repr)."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = str(type_name)[:200], str(text)[:200]

    def __repr__(self) -> str:
        return f"<{self.type_name} object: {self.text}>"

    def __eq__(self, other) -> bool:
        return False

    __hash__ = object.__hash__


def _npy(arr: np.ndarray) -> str:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _encode(x, depth: int, count: list[int]):
    count[0] += 1
    if count[0] > MAX_ITEMS or depth > MAX_DEPTH:
        raise TransferError(f"value too large or too deeply nested (over {MAX_ITEMS:,} items "
                            f"or {MAX_DEPTH} levels)")
    from vectorkit.exercises._checker.placeholder import Placeholder

    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, Placeholder):
        return {"t": "placeholder"}
    if x is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(x, int):
        return x if abs(x) < 2**53 else {"t": "int", "v": str(x)}
    if isinstance(x, float):
        return x if math.isfinite(x) else {"t": "float", "v": repr(x)}
    if isinstance(x, complex):
        return {"t": "complex", "v": [x.real, x.imag]}
    if isinstance(x, np.ndarray) and x.dtype != object:
        if x.nbytes > MAX_ARRAY_BYTES:
            return {"t": "opaque", "type": "numpy.ndarray",
                    "repr": f"an array of {x.nbytes:,} bytes (shape {x.shape}), more than "
                            f"the grader accepts ({MAX_ARRAY_BYTES:,})"}
        return {"t": "ndarray", "npy": _npy(x)}
    if isinstance(x, np.generic) and not isinstance(x, np.object_):
        return {"t": "npscalar", "npy": _npy(np.asarray(x))}
    if isinstance(x, np.ndarray):
        return {"t": "objarray", "shape": list(x.shape),
                "items": [_encode(v, depth + 1, count) for v in x.ravel().tolist()]}
    if isinstance(x, (list, tuple, set, frozenset)):
        items = [_encode(v, depth + 1, count) for v in x]
        tag = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}
        return {"t": next(t for k, t in tag.items() if isinstance(x, k)), "items": items}
    if isinstance(x, dict):
        return {"t": "dict", "items": [[_encode(k, depth + 1, count), _encode(v, depth + 1, count)]
                                       for k, v in x.items()]}
    if isinstance(x, type) and (issubclass(x, np.generic) or x in (int, float, str, bool)):
        return {"t": "type", "name": np.dtype(x).name if issubclass(x, np.generic)
                else x.__name__}  # e.g. TfidfVectorizer(dtype=np.float64)
    cls = type(x)
    if cls.__module__.startswith(_ESTIMATOR_PREFIXES) and callable(getattr(x, "get_params",
                                                                           None)):
        try:
            params = x.get_params(deep=False)
        except Exception:  # an estimator that cannot list its parameters stays opaque
            params = None
        if isinstance(params, dict):
            return {"t": "estimator", "class": f"{cls.__module__}:{cls.__qualname__}",
                    "params": _encode(params, depth + 1, count)}
    if cls.__module__.startswith(_OBJECT_PREFIXES) and hasattr(x, "__dict__"):
        return {"t": "object", "class": f"{cls.__module__}:{cls.__qualname__}",
                "state": _encode(dict(vars(x)), depth + 1, count)}
    try:
        text = repr(x)
    except Exception:  # a repr that raises is still just an opaque value
        text = "?"
    return {"t": "opaque", "type": f"{cls.__module__}.{cls.__qualname__}", "repr": text[:200]}


def encode(x) -> object:
    """``x`` as JSON-serialisable data (unknown objects become an opaque description)."""
    return _encode(x, 0, [0])


def dumps(x) -> str:
    """``encode(x)`` as a JSON string (no NaN literals)."""
    return json.dumps(encode(x), allow_nan=False, separators=(",", ":"))


def _load_npy(text) -> np.ndarray:
    if not isinstance(text, str):
        raise TransferError("malformed array data")
    arr = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    if arr.dtype == object:
        raise TransferError("object arrays are not accepted")
    return arr


def _decode(d, depth: int, objects: bool):
    if depth > MAX_DEPTH:
        raise TransferError(f"data nested deeper than {MAX_DEPTH} levels")
    if d is None or isinstance(d, (bool, int, float, str)):
        return d
    if isinstance(d, list):  # plain JSON lists only appear inside tagged containers
        raise TransferError("malformed data: an untagged list")
    if not isinstance(d, dict) or not isinstance(d.get("t"), str):
        raise TransferError(f"malformed data: {type(d).__name__}")
    t = d["t"]
    if t == "placeholder":
        from vectorkit.exercises._checker.placeholder import ____

        return ____
    if t == "ellipsis":
        return Ellipsis
    if t == "int":
        return int(str(d["v"])[:5000])
    if t == "float":
        return float(d["v"])
    if t == "complex":
        return complex(*d["v"])
    if t == "ndarray":
        return _load_npy(d["npy"])
    if t == "npscalar":
        return _load_npy(d["npy"])[()]
    items = d.get("items", [])
    if not isinstance(items, list):
        raise TransferError("malformed data: items must be a list")
    if t == "objarray":
        arr = np.empty(len(items), dtype=object)
        arr[:] = [_decode(v, depth + 1, objects) for v in items]
        return arr.reshape([int(s) for s in d["shape"]])
    if t in ("list", "tuple", "set", "frozenset"):
        kind = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t]
        return kind(_decode(v, depth + 1, objects) for v in items)
    if t == "dict":
        return {_decode(k, depth + 1, objects): _decode(v, depth + 1, objects) for k, v in items}
    if t == "type":
        name = str(d.get("name", ""))
        if name in ("int", "float", "str", "bool"):
            return {"int": int, "float": float, "str": str, "bool": bool}[name]
        return np.dtype(name).type
    if t == "estimator":
        return _estimator(d, depth, objects)
    if t == "object" and objects:
        module, _, name = str(d["class"]).partition(":")
        if not module.startswith(_OBJECT_PREFIXES):
            raise TransferError(f"objects of {module} are not transferred")
        cls = importlib.import_module(module)
        for part in name.split("."):
            cls = getattr(cls, part)
        obj = cls.__new__(cls)
        obj.__dict__.update(_decode(d["state"], depth + 1, objects))
        return obj
    if t in ("object", "opaque"):
        return Opaque(d.get("type", d.get("class", "unknown")), d.get("repr", ""))
    raise TransferError(f"malformed data: unknown tag {t!r}")


def _estimator(d: dict, depth: int, objects: bool):
    """Rebuild a scikit-learn estimator from its class and parameters (allowed modules only)."""
    module, _, name = str(d.get("class", "")).partition(":")
    if not module.startswith(_ESTIMATOR_PREFIXES):
        return Opaque(module, "an estimator from outside scikit-learn and vectorkit")
    from sklearn.base import BaseEstimator

    cls = importlib.import_module(module)
    for part in name.split("."):
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and issubclass(cls, BaseEstimator)):
        raise TransferError(f"{module}:{name} is not a scikit-learn estimator")
    params = _decode(d.get("params"), depth + 1, objects)
    if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
        raise TransferError("malformed estimator parameters")
    return cls(**params)


def decode(data, *, objects: bool = False):
    """The value ``data`` describes; ``objects=True`` (kernel side only) rebuilds course objects."""
    try:
        return _decode(data, 0, objects)
    except TransferError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, ImportError, RecursionError) as exc:
        raise TransferError(f"malformed data ({type(exc).__name__}: {exc})") from None


def loads(text: str, *, objects: bool = False):
    """Parse and decode a JSON string from :func:`dumps`, refusing more than :data:`MAX_CHARS`."""
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        raise TransferError(f"data from the kernel must be a str of at most {MAX_CHARS:,} "
                            "characters")
    try:
        return decode(json.loads(text), objects=objects)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise TransferError(f"malformed data ({type(exc).__name__})") from None
