"""Walk a folder and say what each file holds (text, image, audio) by its content and name.

The modality is decided by the file's first bytes ("magic numbers") first, its name second:

- image: JPEG, PNG, GIF, BMP, TIFF or WebP signatures;
- audio: WAV (RIFF/WAVE), FLAC, OGG, AIFF signatures;
- text: no binary signature, no NUL byte, and the first 64 KiB decode as UTF-8
  (a UTF-8 byte-order mark is allowed) -- for files named ``*.txt``, ``*.md``, ``*.rst``
  ... or without an extension.

A file named like an image or a sound whose content is not one, a text-named file that is
not UTF-8, an empty file, a file larger than ``max_bytes`` and a file of any other type are
reported with the reason instead. Hidden files and folders (``.git``, ``.ipynb_checkpoints``)
are skipped; symbolic links to folders are not followed (no loops).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("hello")
    >>> _ = (d / "b.jpg").write_bytes(b"not really")
    >>> [(f.path.name, f.modality, f.problem) for f in walk(d)]
    [('a.txt', 'text', None), ('b.jpg', None, 'named .jpg but its content is not an image')]
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileEntry", "walk", "detect", "sha256_file", "MAX_FILE_BYTES", "MODALITIES"]

#: Files larger than this (bytes) are reported and not read: 64 MiB.
MAX_FILE_BYTES = 64 * 2**20
MODALITIES = ("text", "image", "audio")
_SNIFF = 65536  # bytes read to decide whether a file is UTF-8 text

TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".markdown", ".rst", ".org", ".adoc",
                             ".tex", ".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml",
                             ".html", ".htm", ".xml", ".py", ".log", ""})
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff",
                              ".webp"})
AUDIO_EXTENSIONS = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".aif", ".aiff"})


@dataclass(frozen=True)
class FileEntry:
    """One file found by :func:`walk`: its modality, or why it will not be ingested."""

    path: Path
    size: int
    modality: str | None
    problem: str | None = None


def _signature(head: bytes) -> str | None:
    """The modality that ``head`` (a file's first bytes) announces, or ``None``."""
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a",
                        b"II*\x00", b"MM\x00*")) or (head[:2] == b"BM" and len(head) >= 26):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if (head[:4] == b"RIFF" and head[8:12] == b"WAVE") or head.startswith((b"fLaC", b"OggS")):
        return "audio"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio"
    return None


def _is_utf8_text(head: bytes, truncated: bool) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sniff window is still text
        return truncated and exc.start >= len(head) - 3
    return True


def detect(path, size: int | None = None, max_bytes: int = MAX_FILE_BYTES) -> FileEntry:
    """Decide what one file holds; never raises for unreadable files (the reason is kept).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "notes"
        >>> _ = p.write_bytes(b"\\x89PNG\\r\\n\\x1a\\n...")
        >>> detect(p).modality
        'image'
    """
    p = Path(path)
    ext = p.suffix.lower()
    try:
        size = p.stat().st_size if size is None else size
        if size == 0:
            return FileEntry(p, 0, None, "empty file")
        if size > max_bytes:
            return FileEntry(p, size, None, f"larger than the {max_bytes:,}-byte limit "
                                            f"({size:,} bytes)")
        with open(p, "rb") as f:
            head = f.read(_SNIFF)
    except OSError as exc:
        return FileEntry(p, size or 0, None, f"cannot be read: {exc.strerror or exc}")
    found = _signature(head)
    if found is not None:
        return FileEntry(p, size, found)
    if ext in IMAGE_EXTENSIONS:
        return FileEntry(p, size, None, f"named {ext} but its content is not an image")
    if ext in AUDIO_EXTENSIONS:
        return FileEntry(p, size, None, f"named {ext} but its content is not audio")
    if _is_utf8_text(head, truncated=size > len(head)):
        if ext in TEXT_EXTENSIONS:
            return FileEntry(p, size, "text")
        return FileEntry(p, size, None, f"unknown type {ext} (text, but not a text file name)")
    if ext in TEXT_EXTENSIONS:
        why = "NUL bytes" if b"\x00" in head else "invalid UTF-8"
        return FileEntry(p, size, None, f"not UTF-8 text ({why})")
    return FileEntry(p, size, None, f"unknown type {ext} (binary content)")


def walk(root, max_bytes: int = MAX_FILE_BYTES, exclude=()):
    """Yield a :class:`FileEntry` for every file under ``root`` (sorted, hidden ones skipped).

    ``root`` may also be a single file. Folders in ``exclude`` (e.g. the Milvus Lite
    database being written, if it lies inside ``root``) are not entered.
    """
    skip = {Path(e).expanduser().resolve() for e in exclude}
    root = Path(root).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"`path`: no such file or folder {str(root)!r}")
    if root.is_file():
        yield detect(root.resolve(), max_bytes=max_bytes)
        return
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and Path(folder, d).resolve() not in skip)
        for name in sorted(files):
            if name.startswith("."):
                continue
            p = Path(folder, name)
            if not p.is_file():  # a broken link, a socket, a fifo
                continue
            yield detect(p.resolve(), max_bytes=max_bytes)


def sha256_file(path, block: int = 2**20) -> str:
    """The SHA-256 of a file's bytes, read 1 MiB at a time.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
        >>> _ = p.write_bytes(b"abc")
        >>> sha256_file(p)[:16]
        'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(block):
            h.update(chunk)
    return h.hexdigest()
