"""Grade notebooks: run each in a fresh kernel, collect every check, print ``score: X/Y``.

    vectorkit grade submissions/*.ipynb
    python -m vectorkit.course.grade NOTEBOOK.ipynb [...] [--timeout 120] [--csv out.csv]

Each notebook runs top to bottom in a new kernel (working directory: the notebook's folder)
with a time limit per cell. A cell that raises is reported and the run goes on; its questions
count as not attempted. Y is the number of gradable questions in the notebook's exercise
modules: those it imports, the one its file name suggests (``01_x.ipynb`` -> ``nb01``) and
any given with ``--module``. The notebook file itself is not modified.

Warning: grading runs the submitted code with your permissions. Grade untrusted submissions
in a container or a throwaway account.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import re
import sys
from pathlib import Path

from vectorkit._atomic import atomic_open
from vectorkit.course._report import (
    Report,
    analyse,
    format_report,
    modules_in_source,
    short,
)
from vectorkit.exercises._checker.registry import MIMETYPE

DUMP_SOURCE = ("from vectorkit.exercises._checker import registry as _vectorkit_grade_registry\n"
               "_vectorkit_grade_registry.emit()")


def _module_questions(name: str) -> list[dict] | None:
    """The question list of an importable exercise module, or None if there is no such module."""
    from vectorkit.exercises._checker.module import questions

    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return [{"question": n, "kind": q.kind, "gradable": q.gradable}
            for n, q in questions(name).items()]


def _execute(nb, folder: Path, timeout: float, kernel: str) -> tuple[dict, list[str]]:
    """Run ``nb`` in place with the dump cell appended; return (record, problems)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.append(nbformat.v4.new_code_cell(DUMP_SOURCE))
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            resources={"metadata": {"path": str(folder)}})
    problems = []
    try:
        client.execute()
    except DeadKernelError as exc:
        problems.append(f"the kernel died ({exc}); later cells did not run")
    except CellTimeoutError as exc:
        problems.append(f"a cell could not be stopped after the time limit ({exc})")
    except Exception as exc:  # kernel could not start, etc.: report, do not crash the batch
        problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")
    dump = nb.cells.pop()
    for out in dump.get("outputs", []):
        if MIMETYPE in out.get("data", {}):
            record = dict(out["data"][MIMETYPE])
            seen, reply = record.get("execution_count"), dump.get("execution_count")
            offset = seen - reply if seen is not None and reply is not None else 0
            record["records"] = [{**r, "execution_count": r["execution_count"] - offset}
                                 for r in record.get("records", [])
                                 if r.get("execution_count") is not None]
            return record, problems
        if out.get("output_type") == "error":
            problems.append(f"could not collect the check results: {out.get('ename')}: "
                            f"{out.get('evalue')}")
    if not problems:
        problems.append("could not collect the check results (no record from the kernel)")
    return {}, problems


def grade_notebook(path, timeout: float = 120, kernel: str = "python3",
                   modules: list[str] | None = None) -> Report:
    """Execute one notebook and return its :class:`~vectorkit.course._report.Report`.

    Example:
        >>> report = grade_notebook("notebooks/solutions/01_vectors.ipynb")  # doctest: +SKIP
        >>> report.score                                                     # doctest: +SKIP
        (3, 3)
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    wanted = list(modules) if modules else sorted(modules_in_source(nb, path.name))
    record, problems = _execute(nb, path.parent.resolve(), timeout, kernel)
    # Modules bound in the kernel count if the notebook names them or checked their
    # questions; one imported only by another exercise module does not.
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    checked = {r.get("module") for r in record.get("records", [])}
    found = {m: qs for m, qs in record.get("modules", {}).items()
             if (m in modules if modules else
                 m in checked or re.search(rf"\b{re.escape(short(m))}\b", text))}
    for name in wanted:
        if name in found:
            continue
        try:
            listed = _module_questions(name)
        except Exception as exc:
            problems.append(f"could not import exercise module {name}: {exc}")
            continue
        if listed is not None:
            found[name] = listed
        elif modules:
            problems.append(f"no exercise module named {name}")
    report = analyse(nb, record, found, str(path), timeout=timeout)
    report.errors.extend(problems)
    return report


def _write_csv(reports: list[Report], target: str) -> None:
    with atomic_open(Path(target).resolve(), "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["notebook", "question", "status", "help", "message"])
        for rep in reports:
            for row in rep.rows:
                writer.writerow([rep.notebook, row.question, row.status, row.help, row.message])
            done, total = rep.score
            writer.writerow([rep.notebook, "score", f"{done}/{total}", "", "; ".join(rep.errors)])


def main(argv: list[str] | None = None) -> int:
    """``vectorkit grade``: returns 0, or 2 if a notebook could not be read."""
    parser = argparse.ArgumentParser(
        prog="vectorkit grade",
        description="Run notebooks in a fresh kernel and report every exercise check.")
    parser.add_argument("notebooks", nargs="+", help="notebook files (.ipynb) to grade")
    parser.add_argument("--timeout", type=float, default=120,
                        help="time limit per cell in seconds (default 120)")
    parser.add_argument("--kernel", default="python3", help="kernel name (default python3)")
    parser.add_argument("--module", action="append", dest="modules", metavar="MODULE",
                        help="exercise module that defines the questions (repeatable), e.g. "
                             "vectorkit.exercises.nb01; default: detected from the notebook")
    parser.add_argument("--csv", metavar="FILE", help="also write one row per question to FILE")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout}")
    reports, status = [], 0
    for i, name in enumerate(args.notebooks):
        path = Path(name)
        if i:
            print()
        if not path.is_file():
            print(f"{name}: no such notebook file", file=sys.stderr)
            status = 2
            continue
        try:
            report = grade_notebook(path, args.timeout, args.kernel, args.modules)
        except Exception as exc:  # unreadable JSON, wrong nbformat...
            print(f"{name}: cannot grade: {type(exc).__name__}: {exc}", file=sys.stderr)
            status = 2
            continue
        reports.append(report)
        print(format_report(report), flush=True)
    if args.csv:
        _write_csv(reports, args.csv)
    return status


if __name__ == "__main__":
    sys.exit(main())
