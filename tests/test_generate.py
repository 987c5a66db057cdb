"""The student-notebook generator: marking scheme, stale/outputs checks, committed notebooks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from vectorkit.course.generate import (
    CODE_STUB,
    MARKDOWN_STUB,
    MarkupError,
    generate,
    has_outputs,
    main,
    render,
    student_notebook,
    student_source,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.mark.parametrize("source, expected", [
    ("answer = 2 + 3  # SOLUTION", "answer = ____"),
    ("x: float = np.dot(a, b)   #SOLUTION", "x: float = ____"),
    ("total += 4  # SOLUTION", "total += ____"),
    ("d['k'], e = f(1), 2  # SOLUTION", "d['k'], e = ____"),
    ("    return a / b  # SOLUTION", "    return ____"),
    ("print(1)  # not a SOLUTION marker", "print(1)  # not a SOLUTION marker"),
    ("def f(a):\n    # BEGIN SOLUTION\n    y = a + 1\n    return y\n    # END SOLUTION\n",
     f"def f(a):\n    {CODE_STUB}\n    return ____\n"),
    ("for i in range(3):\n    # BEGIN SOLUTION\n    print(i)\n    # END SOLUTION",
     f"for i in range(3):\n    {CODE_STUB}\n    ____"),
    ("# BEGIN SOLUTION\nsims = m @ q\n# END SOLUTION\nbest = 1  # SOLUTION\nq1.check(best)",
     f"{CODE_STUB}\nbest = ____\nq1.check(best)"),
])
def test_student_source_blanks_marked_code(source, expected):
    assert student_source(source) == expected


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ("x = 1\n# END SOLUTION", "line 2: `# END SOLUTION` without"),
    ("print(x)  # SOLUTION", "one assignment or return"),
    ("x = (1 +  # SOLUTION\n 2)", "one assignment or return"),
])
def test_malformed_markers_are_reported_with_their_place(source, message):
    with pytest.raises(MarkupError, match=message.replace("(", r"\(")):
        student_source(source, where="demo.ipynb, cell 3")


def _solution_notebook():
    cells = [
        new_markdown_cell("# Title", id="title"),
        new_code_cell("import numpy as np", id="setup", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="hi\n")]),
        new_code_cell("answer = 6 * 7  # SOLUTION\nq1.check(answer)", id="q1",
                      metadata={"tags": ["exercise"]}),
        new_code_cell("secret()", id="whole", metadata={"tags": ["solution"]}),
        new_code_cell("assert q1.check(answer)", id="only", metadata={"tags": ["solution-only"]}),
        new_markdown_cell("Because...", id="essay", metadata={"tags": ["solution"]}),
        new_code_cell("%time x = 1\nq2.check(x)", id="magic"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                              "display_name": "Python 3",
                                                              "language": "python"}})


def test_student_notebook_applies_tags_and_strips_outputs():
    nb = _solution_notebook()
    student = student_notebook(nb, "demo.ipynb")
    assert [c.id for c in student.cells] == ["title", "setup", "q1", "whole", "essay", "magic"]
    by_id = {c.id: c for c in student.cells}
    assert by_id["setup"].source == "import numpy as np"
    assert by_id["setup"].outputs == [] and by_id["setup"].execution_count is None
    assert by_id["q1"].source == "answer = ____\nq1.check(answer)"
    assert by_id["q1"].metadata == {"tags": ["exercise"]}
    assert by_id["whole"].source == CODE_STUB and by_id["essay"].source == MARKDOWN_STUB
    assert by_id["title"] == nb.cells[0] and by_id["magic"] == nb.cells[6]
    assert student.metadata == nb.metadata
    assert has_outputs(nb) and not has_outputs(student)
    assert nb.cells[2].source.startswith("answer = 6 * 7")  # the input is not modified
    nbformat.validate(student)


def test_student_notebook_refuses_markers_that_break_python():
    nb = new_notebook(cells=[new_code_cell("if True:\n# BEGIN SOLUTION\n    x = 1\n# END SOLUTION")])
    with pytest.raises(MarkupError, match="not valid Python"):
        student_notebook(nb, "bad.ipynb")


def _write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(nb), encoding="utf-8")


def test_generate_writes_then_check_detects_stale_missing_orphans_and_outputs(tmp_path):
    src, out = tmp_path / "solutions", tmp_path
    nb = _solution_notebook()
    nb.cells[1].outputs, nb.cells[1].execution_count = [], None
    _write(nb, src / "01_demo.ipynb")
    assert generate(src, out, check=True) == [f"{out / '01_demo.ipynb'} is missing: run "
                                              "`make notebooks`"]
    assert generate(src, out) == []
    written = out / "01_demo.ipynb"
    assert written.read_text() == render(student_notebook(nb, "01_demo.ipynb"))
    assert generate(src, out, check=True) == []
    mtime = written.stat().st_mtime_ns
    generate(src, out)
    assert written.stat().st_mtime_ns == mtime  # unchanged files are not rewritten

    nb.cells[0].source = "# New title"
    _write(nb, src / "01_demo.ipynb")
    assert any("is stale" in p for p in generate(src, out, check=True))
    generate(src, out)

    (out / "99_orphan.ipynb").write_text(render(new_notebook()))
    nb.cells[1].outputs = [new_output("stream", name="stdout", text="hi\n")]
    _write(nb, src / "01_demo.ipynb")
    problems = generate(src, out, check=True)
    assert any("01_demo.ipynb is stored with outputs" in p for p in problems)
    assert any("99_orphan.ipynb has no solution notebook" in p for p in problems)


def test_main_exit_codes(tmp_path, capsys):
    src = tmp_path / "solutions"
    _write(new_notebook(cells=[new_code_cell("x = 1  # SOLUTION")]), src / "01_a.ipynb")
    assert main([str(src), str(tmp_path), "--check"]) == 1
    assert main([str(src), str(tmp_path)]) == 0
    assert main([str(src), str(tmp_path), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main([str(tmp_path / "nowhere"), str(tmp_path)]) == 2
    _write(new_notebook(cells=[new_code_cell("x = 1\n# END SOLUTION")]), src / "02_b.ipynb")
    assert main([str(src), str(tmp_path)]) == 2
    assert "02_b.ipynb, cell 1" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path):
    src = tmp_path / "solutions"
    _write(new_notebook(cells=[new_code_cell("y = 2  # SOLUTION")]), src / "01_a.ipynb")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "vectorkit.course.generate", str(src),
                          str(tmp_path)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert nbformat.read(tmp_path / "01_a.ipynb", as_version=4).cells[0].source == "y = ____"


def test_fixture_student_notebook_is_up_to_date():
    assert generate(FIXTURES / "solutions", FIXTURES, check=True) == []


def test_committed_course_notebooks_are_generated_and_without_outputs():
    """Fails when a student notebook is stale or any notebook was saved with outputs."""
    assert generate(ROOT / "notebooks" / "solutions", ROOT / "notebooks", check=True) == []
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in path.parts:
            assert not has_outputs(nbformat.read(path, as_version=4)), f"{path} has outputs"
