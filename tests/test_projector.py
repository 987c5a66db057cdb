"""vk.export_projector: the two TSV files projector.tensorflow.org loads."""

import os

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.projector import EMPTY_LABEL, escape_cell


def _read(path):
    return path.read_text(encoding="utf-8").split("\n")


def test_vectors_and_single_column(tmp_path):
    X = np.array([[0.1, -2.5, 3.0], [1e-8, 0.0, 123456.789]], dtype=np.float32)
    out = vk.export_projector(X, ["apple", "Zoë"], tmp_path / "proj")
    assert out == tmp_path / "proj" and out.is_dir()
    vec_lines = _read(out / "vectors.tsv")
    assert vec_lines[-1] == ""  # file ends with a newline
    back = np.array([[float(v) for v in line.split("\t")] for line in vec_lines[:-1]],
                    dtype=np.float32)
    np.testing.assert_array_equal(back, X)  # float32 round-trips exactly
    assert _read(out / "metadata.tsv") == ["apple", "Zoë", ""]  # one column: no header


def test_several_columns_get_a_header(tmp_path):
    X = np.eye(3)
    meta = {"text": ["a cat", "a dog", "a car"], "topic": ["animal", "animal", "vehicle"]}
    vk.export_projector(X, meta, tmp_path)
    assert _read(tmp_path / "metadata.tsv") == [
        "text\ttopic", "a cat\tanimal", "a dog\tanimal", "a car\tvehicle", ""]


def test_dataframe_metadata(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"name": ["x", "y"], "score": [1, 2]})
    vk.export_projector(np.ones((2, 2)), df, tmp_path)
    assert _read(tmp_path / "metadata.tsv")[:3] == ["name\tscore", "x\t1", "y\t2"]
    one = pd.DataFrame({"label": ["x", "y"]})
    vk.export_projector(np.ones((2, 2)), one, tmp_path)
    assert _read(tmp_path / "metadata.tsv")[:2] == ["x", "y"]


def test_series_metadata_is_one_column(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"topic": ["pets", "tax"]}, index=[7, 3])
    vk.export_projector(np.ones((2, 2)), df["topic"], tmp_path)  # a Series, any index
    assert _read(tmp_path / "metadata.tsv") == ["pets", "tax", ""]


def test_tabs_and_newlines_are_escaped(tmp_path):
    labels = ["tab\there", "two\nlines", "back\\slash", "", "cr\r"]
    vk.export_projector(np.ones((5, 2)), labels, tmp_path)
    lines = _read(tmp_path / "metadata.tsv")
    assert len(lines) == 6  # 5 labels + final newline: nothing split
    assert lines[:5] == ["tab\\there", "two\\nlines", "back\\\\slash", EMPTY_LABEL, "cr\\r"]
    assert escape_cell(None) == "" and escape_cell(3.5) == "3.5"


def test_no_metadata_writes_only_vectors(tmp_path):
    vk.export_projector([[1, 2], [3, 4]], None, tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["projector_config.pbtxt", "vectors.tsv"]


def test_overwrite_leaves_no_temp_files(tmp_path):
    vk.export_projector(np.ones((2, 2)), ["a", "b"], tmp_path)
    vk.export_projector(np.zeros((3, 2)), ["c", "d", "e"], tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["metadata.tsv", "projector_config.pbtxt", "vectors.tsv"]
    assert _read(tmp_path / "metadata.tsv") == ["c", "d", "e", ""]


def test_failed_write_keeps_old_file(tmp_path, monkeypatch):
    vk.export_projector(np.ones((2, 2)), ["a", "b"], tmp_path)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        vk.export_projector(np.zeros((2, 2)), ["c", "d"], tmp_path)
    assert _read(tmp_path / "metadata.tsv") == ["a", "b", ""]
    assert sorted(os.listdir(tmp_path)) == ["metadata.tsv", "projector_config.pbtxt", "vectors.tsv"]


@pytest.mark.parametrize("X, meta, match", [
    (np.ones((3, 2)), ["a", "b"], "has 2 rows but `X` has 3 vectors"),
    (np.ones(3), ["a"], "2-D array"),
    ([[1.0, np.inf]], ["a"], "NaN or infinity"),
    (np.ones((2, 2)), "ab", "list of labels"),
    (np.ones((2, 2)), [("a", 1), ("b", 2)], "needs column names"),
    (np.ones((2, 2)), [("a", 1), ("b",)], "same number of columns"),
    (np.ones((2, 2)), {"a": [1, 2], "b": [1]}, "same length"),
    (np.ones((2, 2)), {"a": [1, 2], " ": [1, 2]}, "non-empty"),
])
def test_bad_inputs(tmp_path, X, meta, match):
    with pytest.raises(ValueError, match=match):
        vk.export_projector(X, meta, tmp_path)


def test_folder_is_a_file(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        vk.export_projector(np.ones((1, 2)), ["a"], f)
    with pytest.raises(ValueError, match="`folder` must be a path"):
        vk.export_projector(np.ones((1, 2)), ["a"], 42)
