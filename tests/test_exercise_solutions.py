"""One copy of each solution: solution() shows the solution notebook's own marked cell (issue 11)."""

from __future__ import annotations

import importlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from vectorkit.course.generate import generate
from vectorkit.exercises import FunctionQuestion, ThoughtQuestion, questions
from vectorkit.exercises._checker import solutions

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "solutions"
# every notebook's exercise module (issue 11's "one copy of each solution" for all of them)
COURSE = sorted(f"vectorkit.exercises.{p.stem}"
                for p in (ROOT / "vectorkit" / "exercises").glob("nb[0-9][0-9].py"))


def test_the_shipped_solutions_are_the_notebooks_own():
    assert solutions.SOLUTIONS_FILE.read_text(encoding="utf-8") == \
        solutions.render(solutions.collect(SOLUTIONS)), \
        "vectorkit/exercises/solutions.json is stale: run `make notebooks`"


@pytest.mark.parametrize("name", COURSE)
def test_every_course_question_has_one_solution_written_once(name):
    module = importlib.import_module(name)
    for view in questions(module).values():
        q = view.question
        from_notebook = solutions.lookup(q.id)
        assert from_notebook, f"{q.id} has no marked solution cell in its solution notebook"
        assert not q.solution_code, f"{q.id}: remove solution_code, the notebook has the solution"
        if isinstance(q, ThoughtQuestion):
            assert not q._answer, f"{q.id}: remove solution=, the notebook has the model answer"
            assert q.reference == from_notebook and from_notebook in repr(view.solution())
        else:
            assert view.solution().code == from_notebook
        if isinstance(q, FunctionQuestion):
            assert f"def {q.func_name}(" in from_notebook, q.id


@pytest.mark.parametrize("name", COURSE)
def test_each_shown_solution_passes_its_check_in_the_solution_notebook(name):
    """The notebook runs `assert ex.qN.check(...)` right after each solution (nbval runs it)."""
    module = importlib.import_module(name)
    number = name[-2:]
    (path,) = SOLUTIONS.glob(f"{number}_*.ipynb")
    nb = nbformat.read(path, as_version=4)
    asserted = "\n".join(c.source for c in nb.cells
                         if "solution-only" in c.get("metadata", {}).get("tags", []))
    for qname, view in questions(module).items():
        if view.gradable:
            assert f"assert ex.{qname}.check(" in asserted, f"{path.name}: no check of {qname}"


def test_a_solution_cell_is_shown_without_marks_or_its_check():
    nb = new_notebook(cells=[
        new_code_cell("x = 2  # not a mark\ny = x + 1  # SOLUTION\nex.q1.check(y)"),
        new_code_cell("assert ex.q1.check(y)", metadata={"tags": ["solution-only"]}),
        new_code_cell("def f(a):\n    # BEGIN SOLUTION\n    return a * 2\n    # END SOLUTION\n\n\n"
                      "ex.q2.check(f)"),
        new_code_cell("print('no marks')\nex.q3.check(3)"),
        new_code_cell("ex.q4"),
        new_markdown_cell("Because it is so.", metadata={"tags": ["solution"]}),
    ])
    found = solutions.notebook_solutions(nb, "nb42")
    assert found == {"nb42.q1": "x = 2  # not a mark\ny = x + 1",
                     "nb42.q2": "def f(a):\n    return a * 2", "nb42.q4": "Because it is so."}
    nb.cells.append(new_code_cell("z = 1  # SOLUTION\nex.q1.check(z)"))
    with pytest.raises(ValueError, match="two solution cells check q1"):
        solutions.notebook_solutions(nb, "nb42")


def test_the_generator_refreshes_and_checks_the_collected_solutions(tmp_path):
    src, out, target = tmp_path / "solutions", tmp_path / "student", tmp_path / "sol.json"
    src.mkdir()
    nb = new_notebook(cells=[new_code_cell("y = 3  # SOLUTION\nex.q1.check(y)")])
    nbformat.write(nb, src / "42_demo.ipynb")
    assert generate(src, out, solutions=target) == []
    assert solutions.render({"nb42.q1": "y = 3"}) == target.read_text(encoding="utf-8")
    assert generate(src, out, check=True, solutions=target) == []
    nb.cells[0].source = "y = 4  # SOLUTION\nex.q1.check(y)"
    nbformat.write(nb, src / "42_demo.ipynb")
    problems = generate(src, out, check=True, solutions=target)
    assert any("sol.json is stale" in p for p in problems)
    assert generate(src, tmp_path / "other") == []  # without `solutions`, no file is written
