"""Atomic writes leave either the old file or the new one, never a partial one or a temp file."""

from __future__ import annotations

import pytest

from vectorkit._atomic import atomic_open, write_text_atomic


def test_replaces_whole_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    write_text_atomic(target, "new\ncontent")
    assert target.read_text() == "new\ncontent"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_failure_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "b.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="boom"), atomic_open(target, "wb") as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.bin"]


def test_bad_mode(tmp_path):
    with pytest.raises(ValueError, match=r"`mode` must be 'w' or 'wb', got 'a'"), \
            atomic_open(tmp_path / "c", "a"):
        pass


def test_new_file_gets_the_usual_permissions_not_private(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "shared.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "shared.txt").stat().st_mode & 0o777 == 0o644
