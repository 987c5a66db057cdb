"""The grader: fixture notebooks run in a real kernel, plus the report logic on its own."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from vectorkit.course._report import analyse, format_report, modules_in_source
from vectorkit.course.generate import render
from vectorkit.course.grade import grade_notebook, main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SOLUTION = FIXTURES / "notebooks" / "solutions" / "fixture_course.ipynb"
STUDENT = FIXTURES / "notebooks" / "fixture_course.ipynb"


@pytest.fixture
def fixture_path(monkeypatch):
    """The kernel finds tests/fixtures/fixture_exercises.py through PYTHONPATH, as a
    course notebook finds vectorkit.exercises.nbNN in the installed package."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(FIXTURES), str(ROOT)]))
    monkeypatch.syspath_prepend(str(FIXTURES))


def _table(out: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0].startswith("fixture_exercises.q"):
            status = " ".join(parts[1:3]) if parts[1] == "not" else parts[1]
            rows[parts[0].split(".")[1]] = (status, line)
    return rows


def test_solution_notebook_grades_full_marks(fixture_path, capsys, tmp_path):
    target = tmp_path / "grades.csv"
    assert main([str(SOLUTION), "--timeout", "60", "--csv", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == "score: 3/3"
    table = _table(out)
    assert [table[q][0] for q in ("q1", "q2", "q3", "q4")] == ["correct"] * 3 + ["not graded"]
    assert "not graded" in table["q4"][1]
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["notebook", "learner", "question", "status", "help", "message", "answer"]
    assert [r[3] for r in rows[1:]] == ["correct"] * 3 + ["not graded", "3/3"]
    assert rows[4][6] == "Because 0 = 2 \u00d7 0."  # the thought answer, in the CSV
    assert "answer to fixture_exercises.q4:\n    Because 0 = 2 \u00d7 0." in out
    assert nbformat.read(SOLUTION, as_version=4).cells[-1].source == "ex.progress()"


def test_untouched_student_notebook_grades_zero_as_a_module(fixture_path):
    run = subprocess.run([sys.executable, "-m", "vectorkit.course.grade", str(STUDENT)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == "score: 0/3"
    assert [_table(run.stdout)[q][0] for q in ("q1", "q2", "q3")] == ["not attempted"] * 3
    assert "problems:" not in run.stdout  # the blanks do not raise


def test_errors_wrong_answers_hints_and_time_limit(fixture_path, tmp_path, capsys):
    nb = nbformat.read(SOLUTION, as_version=4)
    cells = {c.get("id"): c for c in nb.cells}
    cells["q1-code"].source = "answer = 6  # a wrong answer\nex.q1.hint(2)\nex.q1.check(answer)"
    cells["q1-assert"].source = "pass"
    cells["q2-code"].source += "\nraise RuntimeError('oops after the check')"
    cells["q3-demo"].source = "import time\ntime.sleep(60)"
    # an exercise module imported indirectly (the notebook never names it) does not count
    cells["setup"].source += "\nimport importlib\nimportlib.import_module('vectorkit.exercises.' + 'nb' + '01')"
    path = tmp_path / "submission.ipynb"
    path.write_text(render(nb))
    assert main([str(path), "--timeout", "4"]) == 0
    out = capsys.readouterr().out
    table = _table(out)
    assert table["q1"][0] == "incorrect" and "hint 2" in table["q1"][1]
    assert "2 \u00d7 3: add instead" in table["q1"][1]
    assert table["q2"][0] == "not attempted"
    assert "raised RuntimeError: oops after the check" in table["q2"][1]
    assert table["q3"][0] == "correct"
    assert "RuntimeError: oops after the check (questions: fixture_exercises.q2)" in out
    assert "exceeded the time limit of 4 s and was interrupted" in out
    assert out.strip().splitlines()[-1] == "score: 1/3" and "nb01" not in out


def test_questions_count_even_if_the_import_cell_is_deleted(fixture_path, tmp_path, capsys):
    nb = new_notebook(cells=[new_code_cell("print('I deleted everything')")])
    path = tmp_path / "empty.ipynb"
    path.write_text(render(nb))
    assert main([str(path), "--module", "fixture_exercises"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == "score: 0/3"
    assert main([str(path), "--module", "no_such_exercises"]) == 0
    assert "no exercise module named no_such_exercises" in capsys.readouterr().out


def test_unreadable_inputs_are_reported_not_fatal(tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert main([str(tmp_path / "missing.ipynb"), str(broken)]) == 2
    err = capsys.readouterr().err
    assert "missing.ipynb: no such notebook file" in err and "broken.ipynb: cannot grade" in err
    with pytest.raises(SystemExit):
        main([str(broken), "--timeout", "0"])


# --- the report logic, without a kernel ---------------------------------------------------------

MODULES = {"vectorkit.exercises.nb01": [
    {"question": "q1", "kind": "value", "gradable": True},
    {"question": "q2", "kind": "function", "gradable": True},
    {"question": "q3", "kind": "function", "gradable": True},
    {"question": "q4", "kind": "thought", "gradable": False}]}


def _rec(q, status, cell, message=""):
    return {"module": "vectorkit.exercises.nb01", "question": q, "status": status,
            "message": message, "cell": cell}


def test_analyse_last_check_wins_and_errors_void_their_questions():
    error = new_output("error", ename="NameError", evalue="name 'x' is not defined",
                       traceback=[])
    nb = new_notebook(cells=[
        new_code_cell("ex.q1.check(1)", execution_count=1),
        new_code_cell("ex.q1.check(2)\nex.q2.check(f)", execution_count=2),
        new_code_cell("nb01.q3.check(x)", execution_count=3, outputs=[error]),
        new_code_cell("ex.q2.check(g)", execution_count=4, outputs=[error]),
    ])
    record = {"records": [_rec("q1", "incorrect", 0, "no"), _rec("q1", "correct", 1),
                          _rec("q2", "correct", 1), _rec("q2", "correct", 3),
                          {**_rec("q1", "incorrect", 9), "module": "other"}],
              "events": [{"module": "vectorkit.exercises.nb01", "question": "q1",
                          "event": e} for e in ("hint 1", "hint 1", "solution")]}
    report = analyse(nb, record, MODULES, "sub.ipynb")
    rows = {r.question: r for r in report.rows}
    assert rows["nb01.q1"].status == "correct" and rows["nb01.q1"].help == "hint 1, solution"
    assert rows["nb01.q2"].status == "not attempted"
    assert rows["nb01.q3"].status == "not attempted"
    assert rows["nb01.q3"].message == "cell 3 raised NameError: name 'x' is not defined"
    assert rows["nb01.q4"].status == "not graded" and not rows["nb01.q4"].gradable
    assert report.score == (1, 3)
    assert report.errors == [
        "cell 3 raised NameError: name 'x' is not defined (questions: nb01.q3)",
        "cell 4 raised NameError: name 'x' is not defined (questions: nb01.q2)"]
    text = format_report(report)
    assert text.splitlines()[0] == "sub.ipynb" and text.splitlines()[-1] == "score: 1/3"


def test_analyse_without_any_checks_or_modules():
    nb = new_notebook(cells=[new_code_cell("1 + 1", execution_count=1)])
    assert analyse(nb, {}, MODULES, "x").score == (0, 3)
    empty = analyse(nb, {}, {}, "x")
    assert empty.score == (0, 0) and "no exercise questions" in format_report(empty)


def test_modules_in_source_finds_every_import_style():
    nb = new_notebook(cells=[
        new_code_cell("from vectorkit.exercises import ____, nb02 as ex, nb03"),
        new_code_cell("import vectorkit.exercises.nb04\nfrom vectorkit.exercises.nb05 import q1"),
        new_code_cell("from vectorkit.exercises import (\n    nb06,\n)"),
    ])
    found = modules_in_source(nb)
    assert found == {f"vectorkit.exercises.nb0{i}" for i in range(2, 7)}
    assert modules_in_source(new_notebook()) == set()


# --- the course notebooks themselves -------------------------------------------------------------

COURSE = sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.slow
@pytest.mark.shared_cache
@pytest.mark.parametrize("solution", COURSE, ids=[p.name for p in COURSE])
def test_course_notebooks_grade_full_marks_and_zero_when_untouched(solution):
    """Solution notebook -> Y/Y; its generated student notebook, untouched -> 0/Y.

    This is also the run of the student notebooks (nbval runs the solutions): no cell of
    either may raise, so a student notebook that breaks before its exercises fails here.
    The two are our own notebooks, not submissions, so they are graded side by side (one
    kernel per core); the grader itself runs submissions one at a time.

    The kernels use the per-user embedding cache, as a learner's notebooks do: on a fresh
    machine this is the cold run of every notebook, and nbval's later run of the solutions
    reads the vectors computed here (on an idle 2-core machine, the 13 solution notebooks
    other than 07 took 352 s with a cold cache and 223 s with a warm one).
    """
    student = ROOT / "notebooks" / solution.name
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda p: grade_notebook(p, timeout=600), [solution, student]))
    outs = [format_report(r) for r in reports]
    total = reports[0].score[1]
    assert total > 0 and [r.score for r in reports] == [(total, total), (0, total)], outs
    for out in outs:
        assert " raised " not in out, out
