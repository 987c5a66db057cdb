"""Checks and conversions behind ``vk.VectorStore``: uri, names, ids and metadata columns.

Nothing here talks to Milvus; :mod:`vectorkit.search.store` does. Metadata columns are
typed from their values: ``bool`` -> BOOL, ``int`` -> INT64, ``float`` -> DOUBLE (a column
mixing ints and floats is stored as DOUBLE, as numpy would), ``str`` -> VARCHAR. Anything
else (None, lists, dicts, bytes, a column mixing text and numbers) is refused by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from vectorkit.search._ids import _check_id

#: installs named by every "not installed" error of the store
INSTALL = "python -m pip install 'vectorkit[store]'  (or: pip install 'pymilvus>=3.0,<3.1' " \
          "'milvus-lite>=3.2,<3.3')"
MAX_TEXT_BYTES = 65535  # Milvus VARCHAR limit
MAX_ID_BYTES = 512
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
RESERVED = ("id", "vector")  # the primary key and the vector field
KINDS = ("bool", "int", "float", "str")


def parse_uri(uri) -> tuple[str, bool]:
    """Return ``(uri, is_server)``: ``http(s)://host:port`` is a server, a ``.db`` path Lite."""
    if isinstance(uri, Path):
        uri = str(uri)
    if not isinstance(uri, str) or not uri:
        raise TypeError(f"`uri` must be a file path ending in .db or 'http://host:port', got "
                        f"{type(uri).__name__} {uri!r}")
    if re.match(r"^(https?|tcp|unix)://", uri):
        return uri, True
    path = Path(uri).expanduser()
    if path.suffix != ".db":
        raise ValueError(f"`uri` must be a file path ending in .db (Milvus Lite) or "
                         f"'http://host:port' (a Milvus server), got {uri!r}")
    # Milvus Lite 3.x keeps its database in a folder with this name (LOCK, collections/)
    if path.is_dir() and not (path / "LOCK").exists() and any(path.iterdir()):
        raise ValueError(f"`uri` {uri!r} is a folder that is not a Milvus Lite database")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"`uri`: the folder {str(path.parent)!r} does not exist")
    return str(path.resolve()), False


def check_name(name, what: str) -> str:
    """A Milvus identifier: letters, digits, underscores, not starting with a digit."""
    if not isinstance(name, str):
        raise TypeError(f"`{what}` must be a str, got {type(name).__name__} {name!r}")
    if not _NAME.fullmatch(name):
        raise ValueError(f"`{what}` must start with a letter or underscore and hold only "
                         f"letters, digits and underscores (at most 255), got {name!r}")
    return name


def value_kind(value, column: str, row: int) -> str:
    """The kind ('bool', 'int', 'float', 'str') of one metadata value, or raise."""
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        if not -(2**63) <= int(value) < 2**63:
            raise ValueError(f"`metadata` column {column!r} row {row}: integers must fit in "
                             f"64 bits, got {value!r}")
        return "int"
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            raise ValueError(f"`metadata` column {column!r} row {row} is {value!r}: NaN and "
                             "infinity cannot be stored or filtered")
        return "float"
    if isinstance(value, str):
        if len(value.encode("utf-8")) > MAX_TEXT_BYTES:
            raise ValueError(f"`metadata` column {column!r} row {row}: text longer than "
                             f"{MAX_TEXT_BYTES} bytes (UTF-8) cannot be stored")
        return "str"
    if value is None:
        raise ValueError(f"`metadata` column {column!r} row {row} is None: every row needs a "
                         "value (use '' or -1 for 'none' and say so)")
    raise TypeError(f"`metadata` column {column!r} row {row}: values must be bool, int, float "
                    f"or str, got {type(value).__name__} {value!r:.60}")


def column_kind(values: list, column: str) -> str:
    """The one kind of a column's values; ints and floats together are 'float'."""
    kinds = {value_kind(v, column, i) for i, v in enumerate(values)}
    if kinds == {"int", "float"}:
        return "float"
    if len(kinds) > 1:
        raise TypeError(f"`metadata` column {column!r} mixes {sorted(kinds)}: one column holds "
                        "one type")
    return kinds.pop()


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def metadata_columns(metadata, n: int) -> dict[str, list]:
    """Normalise ``metadata`` (dict of columns, or list of dicts) to ``{column: values}``."""
    if metadata is None:
        return {}
    if isinstance(metadata, dict):
        cols = {}
        for name, values in metadata.items():
            check_name(name, "metadata column name")
            if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
                raise TypeError(f"`metadata` column {name!r} must be a list with one value per "
                                f"vector, got {type(values).__name__}")
            if len(values) != n:
                raise ValueError(f"`metadata` column {name!r} has {len(values)} values but "
                                 f"there are {n} vectors")
            values = values.tolist() if isinstance(values, np.ndarray) else list(values)
            cols[name] = [_plain(v) for v in values]
    elif isinstance(metadata, list | tuple):
        if len(metadata) != n:
            raise ValueError(f"`metadata` has {len(metadata)} rows but there are {n} vectors")
        keys = list(metadata[0]) if n and isinstance(metadata[0], dict) else []
        cols = {check_name(k, "metadata column name"): [] for k in keys}
        for i, row in enumerate(metadata):
            if not isinstance(row, dict):
                raise TypeError(f"`metadata` rows must be dicts, got {type(row).__name__} at "
                                f"row {i}")
            if set(row) != set(keys):
                raise ValueError(f"`metadata` row {i} has the keys {sorted(row)}, row 0 has "
                                 f"{sorted(keys)}: every row needs the same keys")
            for k in keys:
                cols[k].append(_plain(row[k]))
    else:
        raise TypeError("`metadata` must be a dict of column -> values or a list of dicts, got "
                        f"{type(metadata).__name__}")
    for name in cols:
        if name in RESERVED:
            raise ValueError(f"`metadata` column name {name!r} is reserved (the store's "
                             f"{RESERVED} fields); rename it")
    return cols


def conform(cols: dict[str, list], schema: dict[str, str]) -> dict[str, list]:
    """Check ``cols`` against an existing schema ``{column: kind}``; cast ints to floats."""
    if set(cols) != set(schema):
        raise ValueError(f"`metadata` must have exactly the collection's columns "
                         f"{sorted(schema)}, got {sorted(cols)}")
    out = {}
    for name, values in cols.items():
        kind = column_kind(values, name) if values else schema[name]
        if kind != schema[name] and not (kind == "int" and schema[name] == "float"):
            raise TypeError(f"`metadata` column {name!r} is stored as {schema[name]}, got "
                            f"{kind} values")
        out[name] = [float(v) for v in values] if schema[name] == "float" else values
    return out


def normalise_ids(ids, n: int) -> tuple[list, str | None]:
    """Check ``ids`` (unique str or int, one per vector); return them and their kind."""
    if isinstance(ids, str | bytes) or not hasattr(ids, "__len__"):
        raise TypeError(f"`ids` must be a list of strings or integers (one per vector), got "
                        f"{type(ids).__name__}")
    if len(ids) != n:
        raise ValueError(f"`ids` has {len(ids)} entries but there are {n} vectors")
    ids = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
    out = [_check_id(v, f"at position {i}") for i, v in enumerate(ids)]
    kinds = {type(v).__name__ for v in out}
    if len(kinds) > 1:
        raise TypeError("`ids` must be all strings or all integers in a store, got both")
    seen: dict = {}
    for i, v in enumerate(out):
        if v in seen:
            raise ValueError(f"`ids` must be unique: {v!r} appears at positions {seen[v]} and {i}")
        if isinstance(v, str) and len(v.encode("utf-8")) > MAX_ID_BYTES:
            raise ValueError(f"`ids` strings must be at most {MAX_ID_BYTES} bytes, got one of "
                             f"{len(v.encode('utf-8'))} at position {i}")
        seen[v] = i
    return out, kinds.pop() if kinds else None
