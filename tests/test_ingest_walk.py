"""The ingestion pipeline's file detection and text chunking (no models, no store)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from vectorkit.search._chunk import chunk_text
from vectorkit.search._walk import detect, sha256_file, walk


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((20, 30, 3), 90, np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def _wav() -> bytes:
    buf = io.BytesIO()
    sf.write(buf, np.zeros(1600, np.float32), 16000, format="WAV")
    return buf.getvalue()


@pytest.mark.parametrize("name, content, modality, problem", [
    ("a.txt", b"plain words", "text", None),
    ("README", b"no extension, text", "text", None),
    ("notes.md", "\ufeffbyte-order mark and é".encode(), "text", None),
    ("photo.jpg", _jpeg(), "image", None),
    ("photo.dat", _jpeg(), "image", None),          # content wins over the name
    ("picture.txt", _jpeg(), "image", None),
    ("sound.wav", _wav(), "audio", None),
    ("sound", _wav(), "audio", None),
    ("empty.txt", b"", None, "empty file"),
    ("fake.jpg", b"hello, not an image", None, "named .jpg but its content is not an image"),
    ("fake.wav", b"RIFF....junk", None, "named .wav but its content is not audio"),
    ("latin1.txt", "caf\xe9".encode("latin-1"), None, "not UTF-8 text (invalid UTF-8)"),
    ("nul.txt", b"abc\x00def", None, "not UTF-8 text (NUL bytes)"),
    ("junk.bin", bytes(range(256)) * 4, None, "unknown type .bin (binary content)"),
    ("data.xyz", b"some text", None, "unknown type .xyz (text, but not a text file name)"),
])
def test_detect(tmp_path, name, content, modality, problem):
    p = tmp_path / name
    p.write_bytes(content)
    entry = detect(p)
    assert (entry.modality, entry.problem) == (modality, problem)
    assert entry.size == len(content)


def test_detect_size_limit_and_multibyte_cut(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * 101)
    assert detect(p, max_bytes=100).problem == "larger than the 100-byte limit (101 bytes)"
    q = tmp_path / "cut.txt"  # a 3-byte character straddles the 64 KiB sniff window
    q.write_bytes(b"a" * 65535 + "€".encode() + b"tail")
    assert detect(q).modality == "text"


def test_walk_sorted_skips_hidden_and_reports_missing(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = [e.path.relative_to(tmp_path.resolve()).as_posix() for e in walk(tmp_path)]
    assert found == ["a.txt", "b/z.txt"]
    assert [e.path.name for e in walk(tmp_path / "a.txt")] == ["a.txt"]
    with pytest.raises(FileNotFoundError, match="`path`: no such file or folder"):
        list(walk(tmp_path / "nope"))


def test_sha256_matches_hashlib(tmp_path):
    import hashlib

    data = np.random.default_rng(0).bytes(3 * 2**20 + 17)
    (tmp_path / "f").write_bytes(data)
    assert sha256_file(tmp_path / "f") == hashlib.sha256(data).hexdigest()


def _words(text: str) -> list[str]:
    return text.split()


def test_chunks_respect_limit_overlap_and_cover_the_text():
    rng = np.random.default_rng(1)
    paragraphs = [" ".join(f"w{rng.integers(1000)}" for _ in range(rng.integers(5, 400)))
                  + "." for _ in range(40)]
    text = "\n\n".join(paragraphs)
    chunks = chunk_text(text, max_chars=500, overlap=100)
    assert max(map(len, chunks)) <= 500
    # removing each chunk's overlap with its predecessor gives back every word, in order
    rebuilt = _words(chunks[0])
    for prev, cur in zip(chunks, chunks[1:], strict=False):
        shared = 0
        for n in range(min(len(prev), len(cur)), 0, -1):
            if prev.endswith(cur[:n]) and (n == len(cur) or cur[n] in " \n"):
                shared = n
                break
        assert 0 < shared <= 100, (prev[-120:], cur[:120])
        rebuilt += _words(cur[shared:])
    assert rebuilt == _words(text)


def test_chunks_keep_short_paragraphs_together_and_cut_long_words():
    assert chunk_text("One.\n\n\n  Two   words.\n") == ["One.\n\nTwo words."]
    assert chunk_text("   \n\n  ") == []
    long_word = "x" * 250
    chunks = chunk_text(long_word, max_chars=100, overlap=0)
    assert "".join(chunks) == long_word and max(map(len, chunks)) <= 100


def test_chunks_prefer_sentence_ends():
    text = "First sentence here. " * 30
    for c in chunk_text(text, max_chars=200, overlap=0):
        assert re.fullmatch(r"(First sentence here\. ?)+", c), c


@pytest.mark.parametrize("kwargs, message", [
    ({"max_chars": 0}, "`max_chars` must be a positive integer"),
    ({"max_chars": 100, "overlap": 50}, "`overlap` must be less than half of `max_chars`"),
    ({"overlap": -1}, "`overlap` must be an integer >= 0"),
])
def test_chunk_arguments_checked(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        chunk_text("text", **kwargs)
    with pytest.raises(TypeError, match="`text` must be a str"):
        chunk_text(b"bytes")
