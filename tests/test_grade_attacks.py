"""The grader under attack (issue 13, items 1-2) and as an instructor uses it (issue 12).

Every notebook here runs in a real kernel, as `vectorkit grade` runs a class's submissions.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from vectorkit.course._report import Report, Row
from vectorkit.course.generate import render
from vectorkit.course.grade import main, roster_path, write_csvs

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SOLUTION = FIXTURES / "notebooks" / "solutions" / "fixture_course.ipynb"
STUDENT = FIXTURES / "notebooks" / "fixture_course.ipynb"
NB01_STUDENT = ROOT / "notebooks" / "01_vectors_and_similarity.ipynb"


@pytest.fixture
def fixture_path(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(FIXTURES), str(ROOT)]))
    monkeypatch.syspath_prepend(str(FIXTURES))


def _with_cells(source: Path, *extra: str, name: str, folder: Path, meta=None) -> Path:
    nb = nbformat.read(source, as_version=4)
    nb.cells.extend(new_code_cell(s) for s in extra)
    if meta:
        nb.metadata.update(meta)
    path = folder / name
    path.write_text(render(nb))
    return path


def _statuses(out: str, prefix: str) -> dict[str, str]:
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0].startswith(prefix):
            rows[parts[0].split(".")[1]] = " ".join(parts[1:3]) if parts[1] == "not" \
                else parts[1]
    return rows


def test_forged_records_do_not_grade_a_blank_nb01(tmp_path, capsys):
    """The attack as reported: a blank nb01 plus one cell writing "correct" records."""
    forged = _with_cells(NB01_STUDENT, (
        "from vectorkit.exercises._checker import registry\n"
        "for q in ('q1', 'q2', 'q3'):\n"
        "    registry.record('vectorkit.exercises.nb01', q, 'correct', '')"),
        name="alice.ipynb", folder=tmp_path)
    assert main([str(forged), "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == "score: 0/3", out
    assert set(_statuses(out, "nb01.").values()) == {"not attempted", "not graded"}


def test_patched_checks_do_not_change_the_grade(fixture_path, tmp_path, capsys):
    hostile = _with_cells(STUDENT, (
        # q2: the checker's comparison patched to accept anything, then a wrong function
        "from vectorkit.exercises._checker.function import FunctionQuestion\n"
        "FunctionQuestion._check = lambda self, answer: None\n"
        "print(ex.q2.check(lambda x: 0))"), (
        # q1: a wrong answer, checked while ValueQuestion._check says "correct"
        "from vectorkit.exercises._checker.core import ValueQuestion\n"
        "ValueQuestion._check = lambda self, answer: None\n"
        "assert ex.q1.check(7).correct"), (
        # q3: Question.check itself replaced by one that records "correct"
        "from vectorkit.exercises._checker import core, registry\n"
        "from vectorkit.exercises._checker.display import CheckResult\n"
        "def fake(self, answer=None):\n"
        "    registry.record(self.module, self.name, 'correct', '')\n"
        "    return CheckResult('correct', 'well done!', self.id)\n"
        "core.Question.check = fake\n"
        "assert ex.q3.check('anything').correct"),
        name="bob.ipynb", folder=tmp_path)
    assert main([str(hostile), "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    rows = _statuses(out, "fixture_exercises.")
    assert rows["q1"] == "incorrect" and rows["q2"] == "incorrect", out
    assert rows["q3"] == "not attempted", out
    assert out.strip().splitlines()[-1] == "score: 0/3"


def test_one_submission_cannot_delete_or_kill_the_others(fixture_path, tmp_path):
    """Deleting *.ipynb, killing the parent, ignoring SIGINT: the rest is still graded."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    deleter = _with_cells(STUDENT, "import glob, os\nfor p in glob.glob('*.ipynb') + "
                          f"glob.glob({str(folder)!r} + '/*.ipynb'):\n    os.remove(p)",
                          name="a_deleter.ipynb", folder=folder)
    killer = _with_cells(SOLUTION, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
                         name="b_killer.ipynb", folder=folder)
    stubborn = _with_cells(SOLUTION, "import signal, time\n"
                           "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                           "while True:\n    time.sleep(0.05)",
                           name="c_stubborn.ipynb", folder=folder)
    good = folder / "d_good.ipynb"
    good.write_text(SOLUTION.read_text())
    grades = tmp_path / "grades.csv"
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "vectorkit.course.grade", str(deleter),
                          str(killer), str(stubborn), str(good), "--timeout", "3",
                          "--csv", str(grades)], capture_output=True, text=True, timeout=600)
    took = time.monotonic() - start
    assert run.returncode == 0, run.stderr
    # the deleter ran in a private copy of its own: the submissions folder is untouched by
    # its `*.ipynb` in the working directory, and even what it removed by absolute path
    # was graded (every submission is read before any runs)
    assert not good.exists()
    roster = {Path(r["file"]).name: r for r in csv.DictReader(roster_path(grades).open())}
    assert list(roster) == ["a_deleter.ipynb", "b_killer.ipynb", "c_stubborn.ipynb",
                            "d_good.ipynb"]
    assert roster["d_good.ipynb"]["score"] == "3" and roster["a_deleter.ipynb"]["score"] == "0"
    assert "grading process was killed" in roster["b_killer.ipynb"]["problems"]
    # the stubborn kernel was killed after its time limit; what it checked before still counts
    assert roster["c_stubborn.ipynb"]["score"] == "3"
    assert "did not stop when interrupted" in roster["c_stubborn.ipynb"]["problems"]
    assert took < 240, took
    assert "Kernel is running over TCP" not in run.stderr


def test_a_killed_grader_keeps_every_finished_grade(fixture_path, tmp_path):
    first = tmp_path / "first.ipynb"
    first.write_text(SOLUTION.read_text())
    slow = _with_cells(STUDENT, "import time\ntime.sleep(600)", name="slow.ipynb",
                       folder=tmp_path)
    grades = tmp_path / "grades.csv"
    proc = subprocess.Popen([sys.executable, "-m", "vectorkit.course.grade", str(first),
                             str(slow), "--timeout", "900", "--csv", str(grades)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not grades.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # the second notebook is running now
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    rows = list(csv.DictReader(grades.open()))
    assert [r["status"] for r in rows if r["question"] == "score"] == ["3/3"]
    assert [r["score"] for r in csv.DictReader(roster_path(grades).open())] == ["3"]
    for leftover in tmp_path.glob(".*.tmp"):
        pytest.fail(f"temporary file left behind: {leftover}")


def test_the_notebook_limit_stops_a_long_run(fixture_path, tmp_path, capsys):
    slow = _with_cells(SOLUTION, "import time\ntime.sleep(120)", name="slow.ipynb",
                       folder=tmp_path)
    start = time.monotonic()
    assert main([str(slow), "--timeout", "300", "--limit", "20"]) == 0
    assert time.monotonic() - start < 90
    out = capsys.readouterr().out
    assert "exceeded the time limit of 20 s" in out
    assert out.strip().splitlines()[-1] == "score: 3/3"  # checked before the limit


def test_foreign_notebooks_are_named_not_graded(tmp_path, capsys):
    """A notebook of another course named like ours is not graded against nb01."""
    foreign = tmp_path / "01_intro_pandas.ipynb"
    foreign.write_text(render(new_notebook(cells=[
        new_markdown_cell("# Intro to pandas"),
        new_code_cell("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})")])))
    assert main([str(foreign)]) == 2
    out = capsys.readouterr().out
    assert "not a vectorkit course notebook" in out and "nb01" not in out


def test_matching_uses_metadata_not_the_file_name(fixture_path, tmp_path, capsys):
    renamed = tmp_path / "05_my_homework.ipynb"
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.metadata["authors"] = [{"name": "Ada Lovelace"}]
    renamed.write_text(render(nb))
    target = tmp_path / "grades.csv"
    assert main([str(renamed), "--csv", str(target)]) == 0
    out = capsys.readouterr().out
    assert "nb05" not in out and out.strip().splitlines()[-1] == "score: 3/3"
    (row,) = csv.DictReader(roster_path(target).open())
    assert row["learner"] == "Ada Lovelace" and (row["score"], row["max"]) == ("3", "3")
    assert [row[f"fixture_exercises.q{i}"] for i in range(1, 5)] == \
        ["correct"] * 3 + ["answered"]


def test_kernel_stderr_keeps_real_problems_only(fixture_path, tmp_path):
    noisy = _with_cells(SOLUTION, "import os\nos.write(2, b'disk quota exceeded\\n')",
                        name="noisy.ipynb", folder=tmp_path)
    run = subprocess.run([sys.executable, "-m", "vectorkit.course.grade", str(noisy)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0
    assert "noisy.ipynb: kernel: disk quota exceeded" in run.stderr
    assert "Kernel is running over TCP" not in run.stderr and "WARNING" not in run.stderr


def test_csv_messages_are_on_one_line(tmp_path):
    report = Report("n.ipynb", [Row("nb01.q1", True, "incorrect", "got\n[[1 2]\n [3 4]]"),
                                Row("nb01.q4", False, "not graded", "", "", "line 1\nline 2")])
    write_csvs([report], tmp_path / "g.csv")
    rows = list(csv.DictReader((tmp_path / "g.csv").open()))
    assert rows[0]["message"] == "got [[1 2] [3 4]]"
    assert rows[1]["answer"] == "line 1\nline 2"  # the learner's own text is kept as written
    (roster,) = csv.DictReader(roster_path(tmp_path / "g.csv").open())
    assert roster["nb01.q1"] == "incorrect" and roster["nb01.q4"] == "answered"


def test_a_csv_in_a_missing_folder_is_refused_before_grading(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(SOLUTION), "--csv", str(tmp_path / "nowhere" / "grades.csv")])
    assert "--csv: the folder" in capsys.readouterr().err


def test_transfer_refuses_pickles_and_bounds_sizes():
    import base64
    import io
    import json

    import numpy as np

    from vectorkit.course import _transfer

    arr = np.empty(2, dtype=object)
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    forged = json.dumps({"t": "ndarray", "npy": base64.b64encode(buf.getvalue()).decode()})
    with pytest.raises(_transfer.TransferError):
        _transfer.loads(forged)
    with pytest.raises(_transfer.TransferError):
        _transfer.loads(json.dumps({"t": "object", "class": "os:system", "state": None}),
                        objects=True)
    assert isinstance(_transfer.decode({"t": "object", "class": "os:system"}), _transfer.Opaque)
    big = _transfer.encode(np.zeros(_transfer.MAX_ARRAY_BYTES // 8 + 1))
    assert big["t"] == "opaque" and "more than the grader accepts" in big["repr"]
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(_transfer.TransferError):
        _transfer.loads(deep)
    value = {"a": (1, 2.5, float("nan")), "s": {"x"}, "v": np.arange(3, dtype=np.int16)}
    back = _transfer.loads(_transfer.dumps(value))
    assert back["a"][:2] == (1, 2.5) and np.isnan(back["a"][2]) and back["s"] == {"x"}
    assert back["v"].dtype == np.int16 and back["v"].tolist() == [0, 1, 2]


def test_a_wrapped_forbidden_function_is_caught_by_the_grader_too(tmp_path, capsys):
    """The learner's function runs in the kernel with vk.cosine_similarity replaced there."""
    nb = nbformat.read(NB01_STUDENT, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "def cosine_similarity(a, b):" in cell.source:
            cell.source = ("def cosine_similarity(a, b):\n"
                           "    return float(vk.cosine_similarity(a, b))\n\n"
                           "ex.q2.check(cosine_similarity)")
    path = tmp_path / "wrapper.ipynb"
    path.write_text(render(nb))
    assert main([str(path), "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    (line,) = [ln for ln in out.splitlines() if ln.strip().startswith("nb01.q2")]
    assert "incorrect" in line and "vk.cosine_similarity" in line, out


def test_estimators_travel_as_class_and_parameters_only():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from vectorkit.course import _transfer

    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=50))
    back = _transfer.loads(_transfer.dumps(pipe))
    assert type(back) is type(pipe) and back.get_params()["logisticregression__C"] == 0.5
    assert back is not pipe and not hasattr(back, "classes_")  # rebuilt unfitted
    outside = _transfer.decode({"t": "estimator", "class": "os:system",
                                "params": {"t": "dict", "items": []}})
    assert isinstance(outside, _transfer.Opaque)
    with pytest.raises(_transfer.TransferError, match="not a scikit-learn estimator"):
        _transfer.decode({"t": "estimator", "class": "vectorkit.course.grade:main",
                          "params": {"t": "dict", "items": []}})
