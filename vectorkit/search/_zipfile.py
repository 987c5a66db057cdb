"""Reading the ZIP files vectorkit's indexes are saved in, with the checks both formats need.

``vk.Index`` (search/_index_io.py) and ``vk.ApproxIndex`` (search/_ann_io.py) files are ZIP
archives that vectorkit writes uncompressed. A file from elsewhere may be damaged, truncated
or built to expand: each member's declared size is checked against its compressed size
before anything is decompressed, reads stop at a stated limit, and JSON that nests too
deeply is refused rather than crashing the reader.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

#: Largest uncompressed/compressed size ratio of a member. vectorkit stores members
#: uncompressed (ratio 1) and real float32 data deflates by at most ~1.2x; deflated zeros
#: reach 1000x, which is how a small file would otherwise expand to gigabytes.
MAX_COMPRESSION_RATIO = 20

Bad = Callable[[str], ValueError]  # turns "what is wrong" into the format's error


def as_path(path) -> Path:
    """``path`` as a Path with ``~`` expanded; TypeError for anything that is not a path."""
    if path is None or isinstance(path, bool) or not isinstance(path, str | os.PathLike):
        raise TypeError(f"`path` must be a file path (str or pathlib.Path), got "
                        f"{type(path).__name__}")
    return Path(path).expanduser()


def open_checked(path: Path, required: tuple[str, ...], bad: Bad) -> zipfile.ZipFile:
    """Open ``path`` as a ZIP holding every member in ``required``, none of them a bomb.

    Members that are present but not required are checked too when they are read, by
    :func:`read_member`.
    """
    if not path.is_file():
        raise FileNotFoundError(f"`path`: no index file at {str(path)!r}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise bad(f"not a ZIP archive ({exc})") from None
    names = set(zf.namelist())
    for name in required:
        if name not in names:
            zf.close()
            raise bad(f"it has no {name} (members: {sorted(names)[:5]})")
        try:
            check_ratio(zf, name, bad)
        except ValueError:
            zf.close()
            raise
    return zf


def check_ratio(zf: zipfile.ZipFile, name: str, bad: Bad) -> zipfile.ZipInfo:
    """The member's ZipInfo, after refusing one that expands more than the ratio allows."""
    info = zf.getinfo(name)
    if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1) + 4096:
        raise bad(f"{name} declares {info.file_size:,} bytes compressed into "
                  f"{info.compress_size:,} (more than {MAX_COMPRESSION_RATIO}x: not a file "
                  "vectorkit wrote; refused before decompressing)")
    return info


def read_member(zf: zipfile.ZipFile, name: str, limit: int, bad: Bad) -> bytes:
    """The bytes of one member, at most ``limit`` of them (more is an error)."""
    if check_ratio(zf, name, bad).file_size > limit:
        raise bad(f"{name} is larger than the {limit:,} bytes allowed")
    try:
        with zf.open(name) as member:
            raw = member.read(limit + 1)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise bad(f"{name} is damaged or truncated ({exc})") from None
    if len(raw) > limit:
        raise bad(f"{name} is larger than the {limit:,} bytes allowed")
    return raw


def read_json(zf: zipfile.ZipFile, name: str, limit: int, bad: Bad):
    """The parsed JSON of one member (at most ``limit`` bytes, any nesting depth refused)."""
    raw = read_member(zf, name, limit, bad)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(f"{name} is not valid JSON ({exc})") from None
    except RecursionError:
        raise bad(f"{name} is nested too deeply to be index metadata") from None
