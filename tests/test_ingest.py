"""vk.ingest end to end against real Milvus Lite: good, broken, changed and deleted files."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from milvus_server import milvus_server_uri  # noqa: F401  (session fixture, tests/milvus_server.py)
from PIL import Image

import vectorkit as vk
from vectorkit.search._chunk import MAX_CHARS, OVERLAP, chunk_text
from vectorkit.search._sink import row_id
from vectorkit.search._walk import sha256_file

pymilvus = pytest.importorskip("pymilvus")

VK = [sys.executable, "-m", "vectorkit.cli"]
TEA = ("Green tea is steeped for two minutes in water just off the boil.\n\n"
       "Black tea takes boiling water and four minutes.")
BIKE = "A bicycle chain needs a drop of oil every few hundred kilometres."


@pytest.fixture(scope="module")
def models():
    return {"text": vk.load_model("text"), "image": vk.load_model("image")}


def make_folder(root: Path) -> Path:
    """Good text and images, a corrupt JPEG, an empty file, binary junk, a nested folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "tea.txt").write_text(TEA)
    (root / "notes").mkdir()
    (root / "notes" / "bike.md").write_text(BIKE)
    (root / "notes" / "long.txt").write_text("\n\n".join(
        f"Paragraph {i} talks about topic number {i} at some length." * 3 for i in range(30)))
    Image.fromarray(skimage.data.coffee()).save(root / "coffee.jpg")
    Image.fromarray(skimage.data.chelsea()).save(root / "notes" / "cat.png")
    good = (root / "coffee.jpg").read_bytes()
    (root / "broken.jpg").write_bytes(good[: len(good) // 3])  # right magic, truncated data
    (root / "empty.txt").write_bytes(b"")
    (root / "junk.bin").write_bytes(np.random.default_rng(0).bytes(4096))
    return root


def rows(db, collection, fields=("path", "chunk", "chunks", "sha256", "model", "text")):
    client = pymilvus.MilvusClient(str(db))
    try:
        client.load_collection(collection)
        return client.query(collection, filter='id != ""', output_fields=["id", *fields],
                            limit=16384, consistency_level="Strong")
    finally:
        client.close()


def small_topics(limit: int = 60) -> dict[str, str]:
    """Real documents no one wrote for this course: the Python help topics under 6,000 chars."""
    from pydoc_data.topics import topics

    return dict(sorted((k, v) for k, v in topics.items() if len(v) < 6000)[:limit])


def expected_ids(root: Path, model: str, max_chars=MAX_CHARS, overlap=OVERLAP) -> set[str]:
    """Every row id a complete ingest of the text files under ``root`` must produce."""
    import hashlib

    out = set()
    for p in sorted(root.resolve().rglob("*")):
        if p.suffix in (".txt", ".md") and p.stat().st_size:
            sha = hashlib.sha256(p.read_bytes()).hexdigest()
            n = len(chunk_text(p.read_text(), max_chars, overlap))
            out |= {row_id(model, str(p), sha, i) for i in range(n)}
    return out


def test_first_run_rerun_change_and_prune(tmp_path, models):
    root = make_folder(tmp_path / "docs")
    db = tmp_path / "store.db"
    s = vk.ingest(root, model=models, store=db, collection="kb", progress=False, verbose=False)
    n_long = len(chunk_text((root / "notes" / "long.txt").read_text()))
    assert n_long > 3
    assert (s.files, s.new, s.unchanged) == (8, 5, 0)
    assert dict(s.by_modality) == {"text": 3, "image": 2}
    assert s.collections == {"text": "kb_text", "image": "kb_image"}
    assert s.vectors_added == 2 + n_long + 2
    reasons = {Path(p).name: r for p, r in s.problems}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["junk.bin"] == "unknown type .bin (binary content)"
    assert reasons["broken.jpg"].startswith("image could not be decoded")
    assert "truncated" in reasons["broken.jpg"]

    text_rows = rows(db, "kb_text")
    assert {r["id"] for r in text_rows} == expected_ids(root, models["text"].name)
    tea = sorted((r for r in text_rows if r["path"].endswith("tea.txt")), key=lambda r: r["chunk"])
    assert [r["text"] for r in tea] == chunk_text(TEA) and tea[0]["chunks"] == 1
    image_rows = rows(db, "kb_image", fields=("path", "modality", "bytes", "model"))
    assert sorted(Path(r["path"]).name for r in image_rows) == ["cat.png", "coffee.jpg"]
    coffee = next(r for r in image_rows if r["path"].endswith("coffee.jpg"))
    assert coffee["bytes"] == (root / "coffee.jpg").stat().st_size
    assert coffee["model"] == models["image"].name == "efficientnet-lite0"

    # the stored vectors are the model's: the file itself is its own nearest neighbour
    hits = vk.search_collection(db, "kb_image", str(root / "coffee.jpg"), k=2,
                                model=models["image"])
    assert hits.path[0].endswith("coffee.jpg") and hits.score[0] == pytest.approx(1.0, abs=1e-4)

    again = vk.ingest(root, model=models, store=db, collection="kb", progress=False,
                      verbose=False)
    assert (again.new, again.changed, again.unchanged, again.vectors_added) == (0, 0, 5, 0)
    assert len(rows(db, "kb_text")) == len(text_rows)  # no duplicates

    (root / "tea.txt").write_text(TEA + "\n\nOolong sits between the two.")
    (root / "notes" / "bike.md").unlink()
    changed = vk.ingest(root, model=models, store=db, collection="kb", progress=False,
                        verbose=False)
    assert (changed.changed, changed.unchanged, changed.missing, changed.pruned) == (1, 3, 1, 0)
    after = rows(db, "kb_text")
    tea_now = [r for r in after if r["path"].endswith("tea.txt")]
    assert {r["sha256"] for r in tea_now} == {sha256_file(root / "tea.txt")}
    assert any("Oolong" in r["text"] for r in tea_now)
    assert any(r["path"].endswith("bike.md") for r in after)  # kept without prune

    pruned = vk.ingest(root, model=models, store=db, collection="kb", prune=True,
                       progress=False, verbose=False)
    assert (pruned.pruned, pruned.missing, pruned.vectors_deleted) == (1, 0, 1)
    assert {r["id"] for r in rows(db, "kb_text")} == expected_ids(root, models["text"].name)


def test_search_collection_equals_exact_index(tmp_path, models):
    root = tmp_path / "docs"
    root.mkdir()
    for k, v in small_topics(25).items():
        (root / f"{k}.txt").write_text(v)
    db = tmp_path / "s.db"
    vk.ingest(root, model=models["text"], store=db, collection="py", progress=False,
              verbose=False)
    stored = rows(db, "py", fields=("path", "chunk", "vector"))
    index = vk.Index(np.array([r["vector"] for r in stored], np.float32),
                     ids=[r["id"] for r in stored])
    for query in ["how are exceptions raised", "augmented assignment operators"]:
        hits = vk.search_collection(db, "py", query, k=10)
        exact = index.search(models["text"].embed(query), k=10)
        by_id = {(r["path"], r["chunk"]): r["id"] for r in stored}
        got = [by_id[(p, c)] for p, c in zip(hits.path, hits.chunk, strict=True)]
        assert len(set(got) & set(exact.ids.tolist())) >= 9  # AUTOINDEX on Milvus Lite
        np.testing.assert_allclose(hits.score[0], exact.scores[0], atol=1e-4)
    only = vk.search_collection(db, "py", "loops", k=5, filter='path like "%/c%"')
    assert len(only) and all(Path(p).name.startswith("c") for p in only.path)


def test_one_model_skips_other_modalities_and_refuses_a_mismatch(tmp_path, models):
    root = make_folder(tmp_path / "docs")
    db = tmp_path / "one.db"
    s = vk.ingest(root, model=models["text"], store=db, collection="t", progress=False,
                  verbose=False)
    assert s.skipped == {"image": 3} and s.collections == {"text": "t"}
    assert "skipped (no model): 3 image" in s.line()
    with pytest.raises(ValueError, match="holds 512-d vectors but model 'efficientnet-lite0'"):
        vk.ingest(root, model=models["image"], store=db, collection="t", progress=False)
    with pytest.raises(ValueError, match=re.escape("`model['image']` is a text model")):
        vk.ingest(root, model={"image": models["text"]}, store=db, collection="u")
    with pytest.raises(ValueError, match="`overlap` must be less than half"):
        vk.ingest(root, store=db, max_chars=100, overlap=60)


def _wait_for_progress(proc, done: int, timeout: float = 120.0) -> str:
    """Read the progress bar on ``proc``'s stderr until ``done`` files are processed."""
    seen = b""
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stderr.fileno(), False)
    while time.monotonic() < deadline:
        part = proc.stderr.read() or b""
        seen += part
        counts = [int(m) for m in re.findall(rb"\| *(\d+)/\d+ \[", seen)]
        if counts and counts[-1] >= done:
            return seen.decode(errors="replace")
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"ingest never reached {done} files: {seen[-2000:]!r}")


def test_sigkill_mid_ingest_then_rerun(tmp_path, models):
    """SIGKILL an ingest (the whole process group) half-way; a re-run completes it exactly."""
    topics = small_topics()
    root = tmp_path / "pydoc"
    root.mkdir()
    for k, v in sorted(topics.items()):
        (root / f"{k}.txt").write_text(v)
    db = tmp_path / "kill.db"
    cmd = [*VK, "ingest", str(root), "--model", "text", "--store", str(db),
           "--collection", "py", "--batch-size", "8"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env={**os.environ, "TQDM_MININTERVAL": "0"})
    try:
        _wait_for_progress(proc, done=len(topics) // 3)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    partial = rows(db, "py", fields=("path",))
    want = expected_ids(root, models["text"].name)
    assert 0 < len(partial) < len(want)
    assert {r["id"] for r in partial} <= want

    s = vk.ingest(root, model=models["text"], store=db, collection="py", progress=False,
                  verbose=False)
    assert s.new + s.resumed + s.unchanged == len(topics) and s.unchanged > 0
    final = [r["id"] for r in rows(db, "py", fields=("path",))]
    assert len(final) == len(set(final)), "duplicate rows after the re-run"
    assert set(final) == want, "rows missing or extra after the re-run"
    assert s.vectors_added == len(want) - len(partial)


def test_cli_ingest_and_search(tmp_path):
    root = make_folder(tmp_path / "docs")
    db = tmp_path / "cli.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([*VK, "ingest", str(root), "--store", str(db), "--collection", "kb",
                          "--no-progress"], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert re.search(r"8 files: 3 new, 0 changed, 0 resumed, 0 unchanged; skipped \(no model\): "
                     r"3 image; 2 unreadable -> \d+ vectors added", out.stdout), out.stdout
    assert "unreadable: " in out.stdout and "empty.txt: empty file" in out.stdout
    found = subprocess.run([*VK, "search", str(db), "--collection", "kb", "brewing tea",
                            "--k", "2"], capture_output=True, text=True, env=env, timeout=300)
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0].split() == ["rank", "score", "path", "chunk", "text"]
    assert "tea.txt" in lines[1] and "Green tea" in lines[1] and len(lines) == 3
    bad = subprocess.run([*VK, "search", str(db), "--collection", "kb", "tea", "--filter",
                          "bytes >"], capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("error: `filter` 'bytes >' is not a valid")
    assert "Traceback" not in bad.stderr


@pytest.mark.milvus_server
def test_same_pipeline_on_a_milvus_server(tmp_path, models, request):
    """Only `store` changes: first run, rerun, change and prune against a real server."""
    uri = request.getfixturevalue("milvus_server_uri")
    root = make_folder(tmp_path / "docs")
    run = lambda **kw: vk.ingest(root, model=models["text"], store=uri,  # noqa: E731
                                 collection="ingest_e2e", progress=False, verbose=False, **kw)
    first = run()
    assert (first.new, first.skipped["image"], len(first.problems)) == (3, 3, 2)
    assert {r["id"] for r in rows(uri, "ingest_e2e")} == expected_ids(
        root, models["text"].name)
    again = run()
    assert (again.unchanged, again.vectors_added) == (3, 0)
    (root / "tea.txt").write_text("Rooibos is not tea at all.")
    (root / "notes" / "bike.md").unlink()
    changed = run(prune=True)
    assert (changed.changed, changed.pruned) == (1, 1)
    final = [r["id"] for r in rows(uri, "ingest_e2e")]
    assert len(final) == len(set(final)) and set(final) == expected_ids(root, models["text"].name)
    hits = vk.search_collection(uri, "ingest_e2e", "herbal infusion", k=1)
    assert hits.path[0].endswith("tea.txt") and "Rooibos" in hits.text[0]


def test_audio_files_and_files_that_turn_unreadable(tmp_path, models):
    """Sounds go through the audio model; a truncated WAV is reported; a text file emptied
    since the last run loses its stored vectors."""
    import soundfile as sf

    root = tmp_path / "mixed"
    root.mkdir()
    rate = 16000
    t = np.arange(rate * 4) / rate
    sf.write(root / "tone.wav", 0.3 * np.sin(2 * np.pi * 440 * t), rate)
    sf.write(root / "chirp.flac", 0.3 * np.sin(2 * np.pi * (200 + 300 * t) * t), rate)
    good = (root / "tone.wav").read_bytes()
    (root / "cut.wav").write_bytes(good[:30])  # RIFF/WAVE header, no audio data
    (root / "tea.txt").write_text(TEA)
    db = tmp_path / "a.db"
    audio = vk.load_model("audio")
    both = {"text": models["text"], "audio": audio}
    s = vk.ingest(root, model=both, store=db, collection="m", progress=False, verbose=False)
    assert dict(s.by_modality) == {"audio": 2, "text": 1}
    assert [Path(p).name for p, _ in s.problems] == ["cut.wav"]
    sounds = rows(db, "m_audio", fields=("path", "modality", "model"))
    assert sorted(Path(r["path"]).name for r in sounds) == ["chirp.flac", "tone.wav"]
    assert {r["model"] for r in sounds} == {audio.name}
    hits = vk.search_collection(db, "m_audio", str(root / "tone.wav"), k=1)
    assert hits.path[0].endswith("tone.wav") and hits.score[0] == pytest.approx(1, abs=1e-4)

    (root / "tea.txt").write_text("")
    again = vk.ingest(root, model=both, store=db, collection="m", progress=False, verbose=False)
    assert again.unchanged == 2 and again.vectors_deleted == len(chunk_text(TEA))
    assert ("empty file" in dict((Path(p).name, r) for p, r in again.problems)["tea.txt"])
    assert rows(db, "m_text") == []
