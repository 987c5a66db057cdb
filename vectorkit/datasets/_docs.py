"""A real corpus no one wrote for this course: the Python documentation's help topics.

The text is the one ``help("topics")`` shows, shipped in every CPython installation as
``pydoc_data.topics.topics`` (Python Software Foundation License Version 2). The questions
about it were written for vectorkit (CC0-1.0, ``datasets/text/doc_questions.csv``).
"""

from __future__ import annotations

import sys

import pandas as pd

from vectorkit._data import data_file


def load_python_docs() -> pd.DataFrame:
    """Load the Python documentation's help topics: one row per topic, its full text.

    Origin: ``pydoc_data.topics.topics`` of the running Python (3.11: 79 topics, about
    65,000 words: statements, expressions, built-in types, special methods), PSF License v2.
    The text is as ``help()`` prints it: reStructuredText-like headings underlined with
    ``*`` or ``=``, grammar rules indented, paragraphs separated by blank lines.

    Returns:
        DataFrame with columns ``topic`` (``"assert"``, ``"break"``, ...), ``text`` and
        ``python`` (the ``major.minor`` version the text comes from), sorted by topic.

    Example:
        >>> docs = load_python_docs()
        >>> "pass" in set(docs.topic), bool(docs.text.str.len().min() > 0)
        (True, True)
    """
    from pydoc_data.topics import topics

    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    rows = [{"topic": t, "text": topics[t].strip(), "python": version} for t in sorted(topics)]
    return pd.DataFrame(rows, columns=["topic", "text", "python"])


def load_doc_questions() -> pd.DataFrame:
    """Load 26 questions about the Python help topics, each with its topic and answer fact.

    Origin: written for vectorkit (CC0-1.0). Each question is phrased the way a learner
    would ask it, mostly in other words than the documentation uses. ``topic`` is the one
    help topic that answers it; ``fact`` is a short phrase, copied from that topic's text
    (whitespace collapsed), that an answer must contain to be right. The facts were checked
    against Python 3.11's topics; ``tests/test_rag.py`` checks that every fact occurs in its
    topic on the running Python.

    Returns:
        DataFrame with 26 rows and columns ``id`` (``"q01"``...), ``question``, ``topic``,
        ``fact``.

    Example:
        >>> qs = load_doc_questions()
        >>> qs.shape, qs.loc[0, "topic"]
        ((26, 4), 'pass')
    """
    return pd.read_csv(data_file("text", "doc_questions.csv"), dtype=str, keep_default_na=False,
                       encoding="utf-8")
