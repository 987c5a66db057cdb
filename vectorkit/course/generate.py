"""Generate student notebooks from solution notebooks (``make notebooks``).

    python -m vectorkit.course.generate notebooks/solutions notebooks          # write
    python -m vectorkit.course.generate notebooks/solutions notebooks --check  # verify

Marking scheme (documented for authors in notebooks/README.md):

* a cell tagged ``solution``: a code cell becomes ``# Write your code here``, a markdown
  cell becomes ``*Write your answer here.*``;
* a cell tagged ``solution-only`` is left out of the student notebook;
* lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become ``# Write your code here``
  (plus ``return ____`` when the region ends with a ``return``, or ``____`` when it is indented,
  so the code stays valid Python);
* one line ``answer = expression  # SOLUTION`` becomes ``answer = ____`` (also for
  ``return expression  # SOLUTION``).

The student notebook's metadata gets ``vectorkit: {"exercises": [...]}`` (the exercise
modules the solution imports, unless the solution already says), which is what
``vectorkit grade`` matches submissions by. Everything else is copied unchanged; outputs and execution counts are removed. Problems are
printed as warnings when writing; ``--check`` writes nothing and exits with status 1 if a student notebook is missing, stale or orphaned, or if any notebook
is stored with outputs.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

from vectorkit._atomic import write_text_atomic
from vectorkit.course._report import modules_in_source
from vectorkit.errors import MarkupError
from vectorkit.exercises._checker import solutions as _solutions

CODE_STUB = "# Write your code here"
MARKDOWN_STUB = "*Write your answer here.*"
TAG_SOLUTION, TAG_SOLUTION_ONLY = "solution", "solution-only"
_BEGIN = re.compile(r"^(?P<indent>\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
_LINE = re.compile(r"^(?P<indent>\s*)(?P<code>\S.*?)\s*#\s*SOLUTION\s*$")


def _blank_line(indent: str, code: str, where: str) -> str:
    try:
        body = ast.parse(code).body
    except SyntaxError:
        body = []
    node = body[0] if len(body) == 1 else None
    if isinstance(node, ast.Return):
        return f"{indent}return ____"
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        target = code.encode()[:node.value.col_offset].decode().rstrip()
        return f"{indent}{target} ____"
    raise MarkupError(f"{where}: a `# SOLUTION` line must hold one assignment or return "
                      f"statement on one line, got {code!r}")


def _region_stub(indent: str, region: list[str]) -> list[str]:
    stub = [f"{indent}{CODE_STUB}"]
    code = [ln.strip() for ln in region if ln.strip() and not ln.strip().startswith("#")]
    if code and (code[-1] == "return" or code[-1].startswith(("return ", "return("))):
        stub.append(f"{indent}return ____")
    elif indent:
        stub.append(f"{indent}____")
    return stub


def student_source(source: str, where: str = "cell") -> str:
    """Blank the marked solution regions and lines of one code cell's source.

    Example:
        >>> student_source("x = 1 + 1  # SOLUTION\\nprint(x)")
        'x = ____\\nprint(x)'
    """
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.split("\n"), start=1):
        here = f"{where}, line {number}"
        begin, end = _BEGIN.match(line), _END.match(line)
        if region is not None:
            if begin:
                raise MarkupError(f"{here}: `# BEGIN SOLUTION` inside another solution region")
            if end:
                out.extend(_region_stub(indent, region))
                region = None
            else:
                region.append(line)
        elif begin:
            region, indent = [], begin.group("indent")
        elif end:
            raise MarkupError(f"{here}: `# END SOLUTION` without a `# BEGIN SOLUTION` before it")
        elif (match := _LINE.match(line)) is not None:
            out.append(_blank_line(match.group("indent"), match.group("code"), here))
        else:
            out.append(line)
    if region is not None:
        raise MarkupError(f"{where}: `# BEGIN SOLUTION` is never closed by `# END SOLUTION`")
    return "\n".join(out)


def _check_python(source: str, where: str) -> None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError as exc:
        raise MarkupError(f"{where}: the student version is not valid Python ({exc.msg}, "
                          f"line {exc.lineno}):\n{source}") from None


def student_notebook(nb, name: str = "notebook"):
    """Return the student version of solution notebook ``nb`` (a new object)."""
    out = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if TAG_SOLUTION_ONLY in tags:
            continue
        new = copy.deepcopy(cell)
        where = f"{name}, cell {index + 1}" + (f" (id {cell.id})" if "id" in cell else "")
        if cell.cell_type == "code":
            if TAG_SOLUTION in tags:
                new.source = CODE_STUB
            else:
                new.source = student_source(cell.source, where)
                if new.source != cell.source:
                    _check_python(new.source, where)
            new.outputs, new.execution_count = [], None
        elif cell.cell_type == "markdown" and TAG_SOLUTION in tags:
            new.source = MARKDOWN_STUB
        cells.append(new)
    out.cells = cells
    meta = out.metadata.setdefault("vectorkit", {})
    if not meta.get("exercises"):
        # what `vectorkit grade` matches submissions by (never by their file name)
        meta["exercises"] = sorted(modules_in_source(nb))
    if not meta["exercises"]:
        del out.metadata["vectorkit"]
    return out


def render(nb) -> str:
    """The exact text a notebook is stored as (nbformat's layout, trailing newline)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def has_outputs(nb) -> bool:
    """True if any code cell of ``nb`` has outputs or an execution count."""
    return any(c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))
               for c in nb.cells)


def generate(src_dir, out_dir, check: bool = False, solutions=None) -> list[str]:
    """Write (or with ``check=True`` only compare) the student notebooks; return problems.

    ``solutions``: a file to collect the marked solutions into (the package's
    ``vectorkit/exercises/solutions.json`` for the course, which ``solution()`` reads).
    """
    src_dir, out_dir = Path(src_dir), Path(out_dir)
    if not src_dir.is_dir():
        raise FileNotFoundError(f"`src_dir` must be a folder of solution notebooks, got {src_dir}")
    problems: list[str] = []
    sources = sorted(src_dir.glob("*.ipynb"))
    for src in sources:
        nb = nbformat.read(src, as_version=4)
        if has_outputs(nb):
            problems.append(f"{src} is stored with outputs: clear them "
                            f"(jupyter nbconvert --clear-output --inplace {src})")
        text = render(student_notebook(nb, src.name))
        dest = out_dir / src.name
        current = dest.read_text(encoding="utf-8") if dest.exists() else None
        if check:
            if current is None:
                problems.append(f"{dest} is missing: run `make notebooks`")
            elif current != text:
                problems.append(f"{dest} is stale (differs from what {src} generates): "
                                "run `make notebooks`")
        elif current != text:
            out_dir.mkdir(parents=True, exist_ok=True)
            write_text_atomic(dest, text)
            print(f"wrote {dest}")
    names = {s.name for s in sources}
    for student in sorted(out_dir.glob("*.ipynb")) if out_dir.is_dir() else []:
        if student.name not in names:
            problems.append(f"{student} has no solution notebook {src_dir / student.name}")
        elif check and has_outputs(nbformat.read(student, as_version=4)):
            problems.append(f"{student} is stored with outputs")
    if solutions is not None:
        problems.extend(_solutions.sync(src_dir, solutions, check=check))
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m vectorkit.course.generate",
        description="Generate student notebooks from solution notebooks.")
    parser.add_argument("src_dir", help="folder of solution notebooks (e.g. notebooks/solutions)")
    parser.add_argument("out_dir", help="folder for the student notebooks (e.g. notebooks)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if student notebooks are stale or missing")
    args = parser.parse_args(argv)
    # the course's own notebooks also refresh the solutions that ex.qN.solution() shows
    course = Path(__file__).resolve().parents[2] / "notebooks" / "solutions"
    solutions = _solutions.SOLUTIONS_FILE if Path(args.src_dir).resolve() == course else None
    try:
        problems = generate(args.src_dir, args.out_dir, check=args.check, solutions=solutions)
    except (FileNotFoundError, MarkupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem if args.check else f"warning: {problem}", file=sys.stderr)
    if args.check and not problems:
        print(f"student notebooks in {args.out_dir} are up to date")
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
