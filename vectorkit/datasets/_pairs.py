"""Sentence pairs graded for similarity by a person, to compare a model with human judgement."""

from __future__ import annotations

import pandas as pd

from vectorkit._data import data_file

__all__ = ["load_similarity_pairs", "SIMILARITY_GRADES"]

#: The grade scale (the one of the SemEval STS tasks, in our words): grade -> what it means.
SIMILARITY_GRADES = {
    0: "different topics, nothing in common",
    1: "about the same broad topic, but saying unrelated things",
    2: "sharing some details, but different in meaning (another subject, the opposite claim)",
    3: "roughly the same event or fact, but an important detail differs or is missing",
    4: "the same meaning, a minor detail differs or is added",
    5: "the same meaning, in other words",
}


def load_similarity_pairs() -> pd.DataFrame:
    """Load 60 English sentence pairs, each graded 0-5 for how similar their meanings are.

    Origin: written for vectorkit; license CC0-1.0. One author wrote the pairs (everyday
    topics: travel, food, weather, work, sport...) and graded each on the scale
    ``SIMILARITY_GRADES`` (0 = nothing in common ... 5 = the same meaning in other words), in
    half points, before any model or baseline was run on them; the grades were not changed afterwards. One grader
    only, so they are one careful reader's judgement, not an average over several people as
    in the STS benchmark. The set mixes paraphrases that share few words, pairs that share
    most words but differ in one key detail (another animal, the opposite direction), and
    unrelated pairs.

    Returns:
        DataFrame with 60 rows and columns ``id`` (``"g01"``...), ``sentence_a``,
        ``sentence_b`` (str) and ``grade`` (float, 0.0 to 5.0).

    Example:
        >>> import vectorkit as vk
        >>> pairs = vk.datasets.load_similarity_pairs()
        >>> pairs.shape, float(pairs.grade.min()), float(pairs.grade.max())
        ((60, 4), 0.0, 5.0)
        >>> pairs.loc[0, "sentence_b"], float(pairs.loc[0, "grade"])
        ('The Berlin train departs at 9 a.m.', 5.0)
    """
    df = pd.read_csv(data_file("text", "similarity_pairs.csv"), dtype=str,
                     keep_default_na=False, encoding="utf-8")
    df["grade"] = df["grade"].astype(float)
    return df
