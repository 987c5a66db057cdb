"""Exercises for notebook 12, "Search at scale".

    from vectorkit.exercises import ____, nb12 as ex
    ex.q1.check(answer); ex.q1.hint(); ex.q1.solution(); ex.progress()

Every check runs on small hand-made inputs (sizes, dicts of file hashes, word lists):
no index, no database and no model is needed to grade, so the checks are instant and give
the same verdict on every machine.
"""

from __future__ import annotations

import numpy as np

from vectorkit.exercises import (
    Case,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)
from vectorkit.exercises._mistakes import instead_close

# --- q1: the memory of an HNSW graph -----------------------------------------------------------


def _hnsw_bytes(dim, M):
    return 4 * dim + 2 * M * 4


def _bytes_mistake(alt):
    def when(got, dim, M):
        return instead_close(got, alt(dim, M), _hnsw_bytes(dim, M))
    return when


q1 = FunctionQuestion(
    "Write hnsw_bytes_per_vector(dim, M): estimate the bytes an HNSW index needs per stored "
    "vector. Count the vector itself (dim float32 numbers, 4 bytes each) and its links on the "
    "bottom layer, where faiss keeps 2 * M neighbour ids of 4 bytes each. (Ignore the few "
    "upper-layer links.)",
    _hnsw_bytes,
    [Case((64, 16)), Case((128, 32)), Case((384, 16)), Case((2, 4), label="the 2-D drawing")],
    func_name="hnsw_bytes_per_vector",
    mistakes=[
        Mistake(_bytes_mistake(lambda d, m: d + 2 * m), "your estimate counts numbers, not "
                "bytes {where}: a float32 and a neighbour id take 4 bytes each"),
        Mistake(_bytes_mistake(lambda d, m: 4 * d + 4 * m), "your estimate has M links per "
                "vector {where}; faiss keeps 2 * M at the bottom layer"),
        Mistake(_bytes_mistake(lambda d, m: 8 * m), "your estimate leaves out the vector "
                "itself {where}: HNSW stores the full vector next to its links"),
        Mistake(_bytes_mistake(lambda d, m: 4 * d), "your estimate leaves out the links "
                "{where}: they are what makes the graph"),
    ],
    hints=[
        "Two parts: the vector (dim x 4 bytes) and the links (2 x M ids x 4 bytes).",
        "return 4 * dim + 2 * M * 4",
    ],
    explanation="For 64-d vectors and M=16: 256 bytes of vector + 128 bytes of links = 384, "
                "50% more than the vectors alone; faiss measures a little more (the upper "
                "layers and bookkeeping).",
)

# --- q2: how much product quantisation saves ---------------------------------------------------

_PQ_RATIO = 32


def _is(*values):
    """A predicate: the answer is a number close to one of ``values``."""
    def when(x):
        try:
            return any(np.isclose(float(x), v, rtol=1e-3) for v in values)
        except (TypeError, ValueError):
            return False
    return when


q2 = ValueQuestion(
    "A flat index stores each 128-dimensional vector as 128 float32 numbers. An IVF-PQ index "
    "with m=16 sub-vectors and 8 bits per sub-vector code stores each vector as a code of "
    "m x 8 bits. How many times smaller is the code than the raw vector? Give a number.",
    _PQ_RATIO,
    mistakes=[
        Mistake(_is(8), "128 / 16 counts numbers, not bytes: a "
                "float32 takes 4 bytes, a code of 8 bits takes 1 byte"),
        Mistake(_is(1 / 32, 0.03),
                "that is the code size divided by the raw size; the question asks how many "
                "TIMES smaller the code is (raw / code, a number above 1)"),
        Mistake(_is(512, 16),
                "that is the size of one of the two in bytes; divide the raw size by the code "
                "size"),
        Mistake(_is(256), "8 bits are one byte, not one bit"),
    ],
    hints=[
        "Raw: 128 numbers x 4 bytes each. Code: 16 sub-vector codes x 8 bits = how many bytes?",
        "raw = 128 * 4 bytes; code = 16 * 8 / 8 bytes; ratio = raw / code",
    ],
    explanation="512 bytes become 16: a million vectors fit in 16 MB instead of 512 MB, which "
                "is why PQ is used for collections that do not fit in memory; the price is "
                "that distances are approximate, so recall drops.",
)

# --- q3: consistency ---------------------------------------------------------------------------

q3 = ThoughtQuestion(
    "On a Milvus server with its default 'Bounded' consistency, a search run right after an "
    "insert may not find the new vectors; with 'Strong' it always does. Why would anyone "
    "choose 'Bounded'? Name a situation where it is the right choice and one where it is not.",
    hints=["Think about what the server must do before it can answer a search that must see "
           "every earlier write, and who notices a few seconds of delay."],
)

# --- q4: what a resumable ingest must do -------------------------------------------------------


def _plan(stored, current):
    return {
        "new": sorted(p for p in current if p not in stored),
        "changed": sorted(p for p in current if p in stored and stored[p] != current[p]),
        "unchanged": sorted(p for p in current if p in stored and stored[p] == current[p]),
        "deleted": sorted(p for p in stored if p not in current),
    }


def _plan_mistake(kind):
    def when(got, stored, current):
        right = _plan(stored, current)
        if not isinstance(got, dict):
            return False
        alt = dict(right)
        if kind == "changed_as_new":
            alt["new"] = sorted(right["new"] + right["changed"])
            alt["changed"] = []
        elif kind == "swapped":
            alt["new"], alt["deleted"] = right["deleted"], right["new"]
        else:  # "no_deleted"
            alt["deleted"] = []
        return alt != right and {k: sorted(v) for k, v in got.items()
                                 if isinstance(v, list | tuple | set)} == alt
    return when


def _compare_plan(got, expected):
    """True if equal; False (wrong content: the mistakes are consulted) or a reason."""
    if not isinstance(got, dict):
        return f"return a dict with the keys {sorted(expected)}, not {type(got).__name__}"
    if set(got) != set(expected):
        return f"your dict should have exactly the keys {sorted(expected)}"
    for key, value in got.items():
        if not isinstance(value, list | tuple):
            return f"the value for {key!r} should be a sorted list of paths"
    return all(list(got[k]) == expected[k] for k in expected)


_STORED = {"a.txt": "11", "b.txt": "22", "c.jpg": "33", "old.md": "44"}
_CURRENT = {"a.txt": "11", "b.txt": "2x", "c.jpg": "33", "new.wav": "55"}

q4 = FunctionQuestion(
    "Write plan(stored, current): `stored` maps each path the database holds to the SHA-256 "
    "it was embedded from, `current` maps each path on disk now to its SHA-256. Return a dict "
    "with four keys, each a sorted list of paths: 'new' (on disk, not stored), 'changed' "
    "(stored with another hash), 'unchanged' (stored with the same hash) and 'deleted' "
    "(stored, no longer on disk).",
    _plan,
    [
        Case((_STORED, _CURRENT)),
        Case(({}, {"x": "1", "y": "2"}), label="a first run: nothing stored yet"),
        Case(({"x": "1", "y": "2"}, {}), label="every file deleted"),
        Case(({"x": "1", "y": "2", "z": "3"}, {"z": "3", "y": "9", "w": "0"})),
    ],
    func_name="plan",
    compare=_compare_plan,
    mistakes=[
        Mistake(_plan_mistake("changed_as_new"), "your plan lists changed files as new "
                "{where}; a stored path with another hash is 'changed' (its old vectors must "
                "be removed, or it would be stored twice)"),
        Mistake(_plan_mistake("swapped"), "your plan swaps 'new' and 'deleted' {where}: new "
                "paths are on disk but not stored; deleted ones are stored but not on disk"),
        Mistake(_plan_mistake("no_deleted"), "your plan never lists deleted files {where}: "
                "look for stored paths that are missing from `current`"),
    ],
    hints=[
        "Go over `current` for 'new', 'changed' and 'unchanged' (is the path in `stored`, "
        "and with the same hash?), and over `stored` for 'deleted'.",
        "'new': sorted(p for p in current if p not in stored); 'deleted': sorted(p for p in "
        "stored if p not in current); the other two compare stored[p] with current[p]",
    ],
    explanation="This is the decision vk.ingest makes for every file: skip 'unchanged', embed "
                "'new', delete the old vectors of 'changed' and embed the new content, and "
                "remove 'deleted' only when asked (prune=True).",
)

# --- q5 (stretch): overlapping word windows ----------------------------------------------------


def _chunk_words(words, size, overlap):
    words = list(words)
    chunks, start = [], 0
    while start < len(words):
        chunks.append(words[start:start + size])
        if start + size >= len(words):
            break
        start += size - overlap
    return chunks


def _chunk_mistake(kind):
    def when(got, words, size, overlap):
        words = list(words)
        right = _chunk_words(words, size, overlap)
        if kind == "no_overlap":
            alt = [words[s:s + size] for s in range(0, len(words), size)]
        else:  # "tail": keeps stepping until start passes the end (a last chunk of leftovers)
            alt = [words[s:s + size] for s in range(0, len(words), size - overlap)]
        try:
            got = [list(c) for c in got]
        except TypeError:
            return False
        return alt != right and got == alt
    return when


def _compare_chunks(got, expected):
    if not isinstance(got, list | tuple) or not all(isinstance(c, list | tuple) for c in got):
        return "return a list of chunks, each a list of words"
    return [list(c) for c in got] == expected


_WORDS = "the quick brown fox jumps over the lazy dog again".split()

q5 = FunctionQuestion(
    "Stretch: write chunk_words(words, size, overlap): cut a list of words into chunks (lists "
    "of words) of `size` words, each chunk starting `size - overlap` words after the previous "
    "one, so consecutive chunks share `overlap` words. Stop after the first chunk that reaches "
    "the last word (no chunk made only of words the previous chunk already had). An empty "
    "list gives [].",
    _chunk_words,
    [
        Case((_WORDS, 4, 1)),
        Case((_WORDS, 4, 2)),
        Case((_WORDS, 5, 0), label="no overlap"),
        Case((_WORDS[:3], 5, 2), label="fewer words than one chunk"),
        Case(([], 3, 1), label="no words"),
    ],
    func_name="chunk_words",
    compare=_compare_chunks,
    mistakes=[
        Mistake(_chunk_mistake("no_overlap"), "your chunks do not overlap {where}: start each "
                "chunk size - overlap words after the previous one, not size words"),
        Mistake(_chunk_mistake("tail"), "your last chunk only repeats words of the chunk "
                "before {where}: stop as soon as a chunk reaches the last word"),
    ],
    hints=[
        "Keep a start position; take words[start:start + size]; stop if start + size reaches "
        "len(words); otherwise move start forward by size - overlap.",
        "chunks, start = [], 0; while start < len(words): chunks.append(words[start:start + "
        "size]); if start + size >= len(words): break; start += size - overlap",
    ],
    explanation="vk.ingest does the same with characters and paragraph boundaries: the overlap "
                "makes sure a sentence cut by a chunk boundary is seen whole by one of the two "
                "chunks.",
)

progress = bind_questions(globals())
