"""Validate the course's text datasets: sizes, unique ids, labels, references, docstrings."""

from __future__ import annotations

import doctest

import pytest

from vectorkit.datasets import _text

LOADERS = [name for name in dir(_text) if name.startswith("load_")]


def test_every_loader_documents_origin_license_and_example():
    assert len(LOADERS) >= 1
    for name in LOADERS:
        doc = getattr(_text, name).__doc__
        assert "Origin:" in doc and "CC0-1.0" in doc and "Returns:" in doc, name
        assert ">>> " in doc, name


def test_docstring_examples_run():
    result = doctest.testmod(_text, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 * len(LOADERS)
    assert result.failed == 0


def _clean_text(values):
    for value in values:
        assert isinstance(value, str) and value.strip() == value and value, repr(value)
        assert "\n" not in value and "\ufffd" not in value, repr(value)


# --- sentences -------------------------------------------------------------------------------

def test_sentences_shape_and_labels():
    df = _text.load_sentences()
    assert list(df.columns) == ["id", "text", "topic", "paraphrase_of"]
    assert len(df) >= 240
    assert df.id.is_unique and df.text.is_unique
    _clean_text(df.text)
    counts = df.topic.value_counts()
    assert len(counts) >= 8
    assert counts.min() >= 20
    lengths = df.text.str.split().str.len()
    assert lengths.min() <= 5 and lengths.max() >= 15  # varied lengths


def test_sentences_paraphrases_resolve_within_topic():
    df = _text.load_sentences().set_index("id")
    pairs = df[df.paraphrase_of != ""]
    assert len(pairs) >= 10
    for sid, row in pairs.iterrows():
        assert row.paraphrase_of in df.index, sid
        assert row.paraphrase_of != sid
        assert df.loc[row.paraphrase_of, "topic"] == row.topic, sid


def test_missing_data_folder_gives_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("VECTORKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="sentences.csv"):
        _text.load_sentences()
