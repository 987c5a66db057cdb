"""The kitchen corpus: reproducible from its generator, and shaped as its loader says."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import vectorkit as vk

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_kitchen", ROOT / "datasets" / "tools" / "make_kitchen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_files_equal_the_generator_output():
    sentences, words = _generator().build()
    assert (ROOT / "datasets/text/kitchen.txt").read_text(encoding="utf-8") == sentences
    assert (ROOT / "datasets/text/kitchen_words.csv").read_text(encoding="utf-8") == words


def test_loader_shapes_and_designed_structure():
    kitchen = vk.datasets.load_kitchen()
    assert len(kitchen.sentences) == 3000 and all(s == s.lower() for s in kitchen.sentences)
    words = kitchen.words.set_index("word")
    assert len(words) == 58 and set(words.category) == {"fruit", "spice", "tool", "drink"}
    tokens = [w for s in kitchen.sentences for w in vk.train.tokenize(s)]
    counts = {w: tokens.count(w) for w in ("quince", "durian")}
    assert counts == {"quince": 3, "durian": 2}
    assert all(tokens.count(w) >= 15 for w in words.index[~words.rare])
    assert words.loc["cider", "place"] == words.loc["apple", "place"] == "orchard"
    pairs = kitchen.pairs
    assert len(pairs) == 56 * 55 // 2 and set(pairs.grade) == {0, 2, 3}
    row = pairs[(pairs.word_a == "lemon") & (pairs.word_b == "lime")]
    assert row.grade.tolist() == [3]


def test_count_vectors_find_the_designed_subgroups():
    kitchen = vk.datasets.load_kitchen()
    wv = vk.train.count_vectors(kitchen.sentences, dim=30)
    words = kitchen.words.set_index("word")
    common = words.index[~words.rare]
    same = [words.loc[w, "subgroup"] == words.loc[wv.most_similar(w, 1)[0][0], "subgroup"]
            if wv.most_similar(w, 1)[0][0] in words.index else False for w in common]
    assert sum(same) / len(same) > 0.8
