"""The kitchen corpus: generated sentences about fruit, spices, tools and drinks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from vectorkit._data import data_file

__all__ = ["Kitchen", "load_kitchen"]


@dataclass(frozen=True)
class Kitchen:
    """The corpus and what is known about its words (see :func:`load_kitchen`)."""

    sentences: list
    words: pd.DataFrame
    pairs: pd.DataFrame

    def __repr__(self) -> str:
        return (f"<Kitchen corpus: {len(self.sentences):,} sentences, {len(self.words)} "
                f"designed words, {len(self.pairs):,} graded pairs>")


def _graded_pairs(words: pd.DataFrame) -> pd.DataFrame:
    common = words[words["rare"] == False]  # noqa: E712 (a pandas mask, not a bool test)
    rows = []
    for a, b in itertools.combinations(common.itertuples(index=False), 2):
        grade = 3 if (a.category, a.subgroup) == (b.category, b.subgroup) else \
            2 if a.category == b.category else 0
        rows.append((a.word, b.word, grade))
    return pd.DataFrame(rows, columns=["word_a", "word_b", "grade"])


def load_kitchen() -> Kitchen:
    """Load the kitchen corpus: 3,000 short sentences whose word usage was designed.

    Origin: generated for vectorkit by ``datasets/tools/make_kitchen.py`` (seeded; the tests
    check the committed files equal its output) from sentence templates written for the
    course: 58 words of four categories (fruit, spice, tool, drink), each in subgroups
    (citrus / berry / orchard fruit, sweet / hot spice, cutting / heating / mixing tool,
    hot / cold / alcoholic drink), used in the templates of their subgroup, of their category
    and in generic kitchen sentences; three fruits share a place with the drink made from
    them ("cider from the orchard down the road", "apples from the orchard"; grape and wine:
    vineyard; lemon and lemonade: grove); two fruits are rare (quince in 3 sentences, durian
    in 2). License CC0-1.0.
    Synthetic: the structure is designed, not observed in real text.

    Returns:
        :class:`Kitchen` with ``sentences`` (list of 3,000 lower-case str, 19,442 words,
        260 distinct), ``words`` (DataFrame, 58 rows: ``word, category, subgroup, place``
        (empty when none), ``rare`` (bool)) and ``pairs`` (DataFrame, one row per pair of
        the 56 common designed words: ``word_a, word_b, grade`` with grade 3 = same
        subgroup, 2 = same category, 0 = different categories).

    Example:
        >>> kitchen = load_kitchen()
        >>> len(kitchen.sentences), kitchen.sentences[0]
        (3000, 'the lime tasted sour and sharp')
        >>> kitchen.words.set_index("word").loc["cider", ["category", "place"]].tolist()
        ['drink', 'orchard']
        >>> kitchen.pairs.grade.value_counts().sort_index().tolist()
        [1167, 255, 118]
    """
    with open(data_file("text", "kitchen.txt"), encoding="utf-8") as f:
        sentences = [line.strip() for line in f if line.strip()]
    words = pd.read_csv(data_file("text", "kitchen_words.csv"), keep_default_na=False,
                        dtype=str)
    words["rare"] = words["word"].isin(["quince", "durian"])
    return Kitchen(sentences, words, _graded_pairs(words))
