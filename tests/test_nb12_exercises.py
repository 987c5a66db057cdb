"""The checks behind notebook 12 (search at scale): contract and typical mistakes."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_contract import assert_exercise_contract

from vectorkit.exercises import nb12
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


def _bytes_numbers(dim, M):
    return dim + 2 * M


def _bytes_m_links(dim, M):
    return 4 * dim + 4 * M


def _bytes_links_only(dim, M):
    return 8 * M


def _bytes_vector_only(dim, M):
    return 4 * dim


def _plan_changed_as_new(stored, current):
    return {"new": sorted(p for p in current if stored.get(p) != current[p]), "changed": [],
            "unchanged": sorted(p for p in current if stored.get(p) == current[p]),
            "deleted": sorted(p for p in stored if p not in current)}


def _plan_swapped(stored, current):
    right = nb12._plan(stored, current)
    return {**right, "new": right["deleted"], "deleted": right["new"]}


def _plan_no_deleted(stored, current):
    return {**nb12._plan(stored, current), "deleted": []}


def _chunks_no_overlap(words, size, overlap):
    return [words[s:s + size] for s in range(0, len(words), size)]


def _chunks_tail(words, size, overlap):
    return [words[s:s + size] for s in range(0, len(words), size - overlap)]


WRONG = {
    "q1": [_bytes_numbers, _bytes_m_links, _bytes_links_only, _bytes_vector_only],
    "q2": [8, 1 / 32, 512, 16, 256, "32 times"],
    "q4": [_plan_changed_as_new, _plan_swapped, _plan_no_deleted],
    "q5": [_chunks_no_overlap, _chunks_tail],
}


def test_nb12_contract():
    assert_exercise_contract(nb12, WRONG)


@pytest.mark.parametrize("question, answer, words", [
    ("q1", _bytes_numbers, "counts numbers, not bytes"),
    ("q1", _bytes_m_links, "2 * M"),
    ("q1", _bytes_links_only, "leaves out the vector"),
    ("q1", _bytes_vector_only, "leaves out the links"),
    ("q2", 8, "4 bytes"),
    ("q2", 1 / 32, "TIMES smaller"),
    ("q2", 256, "one byte"),
    ("q4", _plan_changed_as_new, "changed files as new"),
    ("q4", _plan_swapped, "swaps 'new' and 'deleted'"),
    ("q4", _plan_no_deleted, "never lists deleted"),
    ("q5", _chunks_no_overlap, "do not overlap"),
    ("q5", _chunks_tail, "only repeats words"),
])
def test_mistakes_are_explained(question, answer, words):
    result = getattr(nb12, question).check(answer)
    assert result.status == "incorrect"
    assert words in result.message


def test_other_correct_styles_pass():
    def bytes_float(dim, M):
        return float(dim * np.dtype(np.float32).itemsize + 2 * M * np.dtype(np.int32).itemsize)

    def chunk_range(words, size, overlap):
        step, out = size - overlap, []
        for s in range(0, max(len(words), 1), step):
            if words[s:s + size]:
                out.append(words[s:s + size])
            if s + size >= len(words):
                break
        return out

    assert nb12.q1.check(bytes_float).correct
    assert nb12.q2.check(32.0).correct
    assert nb12.q5.check(chunk_range).correct


def test_plan_reference_matches_the_ingest_pipeline(tmp_path):
    """q4's rule is the one vk.ingest follows (checked on a real Milvus Lite collection)."""
    pytest.importorskip("milvus_lite")
    import vectorkit as vk

    model = vk.load_model("text")
    for name, text in {"a.txt": "alpha", "b.txt": "beta", "old.txt": "gone soon"}.items():
        (tmp_path / name).write_text(text)
    db = str(tmp_path / "db" / "p.db")
    run = lambda: vk.ingest(tmp_path, model=model, store=db, collection="p",  # noqa: E731
                            progress=False, verbose=False)
    run()
    (tmp_path / "b.txt").write_text("beta, changed")
    (tmp_path / "old.txt").unlink()
    (tmp_path / "new.txt").write_text("fresh")
    s = run()
    stored = {"a.txt": 1, "b.txt": 1, "old.txt": 1}
    current = {"a.txt": 1, "b.txt": 2, "new.txt": 1}
    planned = nb12._plan(stored, current)
    assert (s.new, s.changed, s.unchanged, s.missing) == tuple(
        len(planned[k]) for k in ("new", "changed", "unchanged", "deleted"))
