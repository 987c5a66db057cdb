"""Grade notebooks: run each in a fresh, isolated kernel and decide every check's verdict here.

    vectorkit grade submissions/*.ipynb [--csv grades.csv]
    python -m vectorkit.course.grade NOTEBOOK.ipynb [...] [--timeout 120] [--limit 1800]

Each submission is matched to its exercise modules by the course metadata the generator
writes into every student notebook (``metadata.vectorkit.exercises``; a notebook without it
is matched by the exercise module it imports, and one with neither is reported as not a
course notebook and not run). Its private copy runs in its own temporary folder, in a
kernel in its own process group, under a time limit per cell and a hard wall-clock limit per
notebook. The learner's answers reach the grader as data and are re-checked in the grader's
own process, so records or checks changed by the notebook's code do not count. With
``--csv FILE`` every finished notebook is added at once (the file is replaced atomically),
together with a roster ``FILE_roster.csv`` (one row per submission). The threat model is
in ``notebooks/README.md``: grading untrusted code still belongs in a container.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vectorkit._atomic import atomic_open
from vectorkit.course._report import (
    Report,
    format_report,
    learner_name,
    match_modules,
    module_questions,
    one_line,
)

#: Seconds the grader waits for a runner beyond the notebook limit (re-checking, shutdown).
EXTRA = 120.0


def _kill_group(pid: int | None) -> None:
    if not pid:
        return
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def _run_isolated(job: dict, limit: float) -> dict | None:
    """Start a runner for ``job`` in its own session; return its report data, or None."""
    read_fd, write_fd = os.pipe()
    job_file = Path(job["socketdir"]) / "job.json"
    job_file.write_text(json.dumps(job))
    with open(Path(job["socketdir"]) / "runner-stderr.txt", "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vectorkit.course._runner", str(job_file), str(write_fd)],
            pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=err, start_new_session=True, cwd=job["socketdir"])
    os.close(write_fd)
    kernel_pid, report, buffer = None, None, b""
    deadline = time.monotonic() + limit + EXTRA
    try:
        while report is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and isinstance(message.get("kernel_pid"), int):
                    kernel_pid = message["kernel_pid"]
                elif isinstance(message, dict) and isinstance(message.get("report"), dict):
                    report = message["report"]
    finally:
        os.close(read_fd)
        _kill_group(kernel_pid)
        if proc.poll() is None:
            try:
                proc.wait(timeout=10 if report is not None else 0.1)
            except subprocess.TimeoutExpired:
                pass
        _kill_group(proc.pid)
        proc.wait()
    return report


def grade_notebook(path, timeout: float = 120, kernel: str = "python3",
                   modules: list[str] | None = None, limit: float = 1800,
                   content: bytes | None = None) -> Report:
    """Grade one notebook in isolation and return its :class:`~vectorkit.course._report.Report`.

    Example:
        >>> report = grade_notebook("notebooks/solutions/01_vectors_and_similarity.ipynb")  # doctest: +SKIP
        >>> report.score                                                     # doctest: +SKIP
        (3, 3)
    """
    import nbformat

    path = Path(path)
    content = path.read_bytes() if content is None else content
    nb = nbformat.reads(content.decode("utf-8"), as_version=4)
    notes: list[str] = []
    if modules:
        wanted = list(modules)
    else:
        wanted, notes = match_modules(nb)
    if not wanted:
        return Report(str(path), course=False, learner=learner_name(nb), errors=[
            "not a vectorkit course notebook (no vectorkit metadata and no "
            "vectorkit.exercises import): not run; use --module to grade it anyway"])
    found = []
    for name in wanted:
        try:
            listed = module_questions(name)
        except Exception as exc:
            notes.append(f"could not import exercise module {name}: {one_line(exc)}")
            continue
        if listed is None:
            notes.append(f"no exercise module named {name}")
        else:
            found.append(name)
    tmp = Path(tempfile.mkdtemp(prefix="vectorkit-grade-"))
    try:
        work, sockets = tmp / "work", tmp / "grader"
        work.mkdir()
        sockets.mkdir(mode=0o700)
        (work / path.name).write_bytes(content)
        job = {"workdir": str(work), "socketdir": str(sockets), "filename": path.name,
               "display_name": str(path), "modules": found, "timeout": float(timeout),
               "limit": float(limit), "kernel": kernel, "notes": notes,
               "learner": learner_name(nb)}
        data = _run_isolated(job, limit)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if data is None:
        report = Report(str(path), learner=learner_name(nb))
        for name in found:
            for q in module_questions(name) or []:
                from vectorkit.course._report import Row, short

                report.rows.append(Row(f"{short(name)}.{q['question']}", q["gradable"],
                                       "not attempted" if q["gradable"] else "not graded"))
        report.errors = notes + ["the grading process was killed or stopped answering (the "
                                 "notebook's code may have killed it): nothing was graded"]
        return report
    return Report.from_dict(data)


def roster_path(target: str | Path) -> Path:
    """``grades.csv`` -> ``grades_roster.csv`` (beside it)."""
    target = Path(target)
    return target.with_name(f"{target.stem}_roster{target.suffix or '.csv'}")


def write_csvs(reports: list[Report], target: str | Path) -> None:
    """The long CSV (one row per question) and the roster (one row per submission)."""
    target = Path(target).resolve()
    with atomic_open(target, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["notebook", "learner", "question", "status", "help", "message",
                         "answer"])
        for rep in reports:
            for row in rep.rows:
                writer.writerow([rep.notebook, rep.learner, row.question, row.status,
                                 row.help, one_line(row.message), row.answer])
            done, total = rep.score
            writer.writerow([rep.notebook, rep.learner, "score",
                             f"{done}/{total}" if rep.course else "not a course notebook",
                             "", one_line("; ".join(rep.errors), 2000), ""])
    questions: list[str] = []
    for rep in reports:
        questions.extend(r.question for r in rep.rows if r.question not in questions)
    with atomic_open(roster_path(target), "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "learner", "score", "max", *questions, "problems"])
        for rep in reports:
            done, total = rep.score
            status = {r.question: r.status if r.gradable else
                      ("answered" if r.answer else "no answer") for r in rep.rows}
            writer.writerow([rep.notebook, rep.learner, done if rep.course else "",
                             total if rep.course else "", *(status.get(q, "") for q in questions),
                             one_line("; ".join(rep.errors), 2000)])


def main(argv: list[str] | None = None) -> int:
    """``vectorkit grade``: returns 0, or 2 if a file could not be read or is not a course
    notebook (the others are still graded)."""
    parser = argparse.ArgumentParser(
        prog="vectorkit grade",
        description="Run notebooks in isolated kernels and report every exercise check.")
    parser.add_argument("notebooks", nargs="+", help="notebook files (.ipynb) to grade")
    parser.add_argument("--timeout", type=float, default=120,
                        help="time limit per cell in seconds (default 120)")
    parser.add_argument("--limit", type=float, default=1800,
                        help="hard wall-clock limit per notebook in seconds (default 1800)")
    parser.add_argument("--kernel", default="python3", help="kernel name (default python3)")
    parser.add_argument("--module", action="append", dest="modules", metavar="MODULE",
                        help="exercise module that defines the questions (repeatable), e.g. "
                             "vectorkit.exercises.nb01; default: from the notebook's metadata")
    parser.add_argument("--csv", metavar="FILE",
                        help="write one row per question to FILE and one row per submission "
                             "to FILE_roster.csv, updated after every notebook")
    args = parser.parse_args(argv)
    for name in ("timeout", "limit"):
        if not getattr(args, name) > 0:
            parser.error(f"--{name} must be a positive number of seconds, "
                         f"got {getattr(args, name)}")
    if args.csv:
        folder = Path(args.csv).expanduser().resolve().parent
        if not folder.is_dir():
            parser.error(f"--csv: the folder {folder} does not exist (create it first)")
        args.csv = str(Path(args.csv).expanduser())
    reports, status = [], 0
    # Read every submission before running any: a notebook that deletes files cannot
    # remove the others from the batch.
    contents: dict[int, bytes] = {}
    for i, name in enumerate(args.notebooks):
        try:
            if Path(name).is_file():
                contents[i] = Path(name).read_bytes()
        except OSError:
            pass
    for i, name in enumerate(args.notebooks):
        path = Path(name)
        if i:
            print()
        if i not in contents:
            print(f"{name}: no such notebook file", file=sys.stderr)
            status = 2
            continue
        try:
            report = grade_notebook(path, args.timeout, args.kernel, args.modules, args.limit,
                                    content=contents[i])
        except Exception as exc:  # unreadable JSON, wrong nbformat...
            print(f"{name}: cannot grade: {type(exc).__name__}: {one_line(exc)}",
                  file=sys.stderr)
            status = 2
            continue
        if not report.course:
            status = 2
        reports.append(report)
        print(format_report(report), flush=True)
        for line in report.stderr:
            print(f"{name}: kernel: {line}", file=sys.stderr)
        if args.csv:
            write_csvs(reports, args.csv)
    return status


if __name__ == "__main__":
    sys.exit(main())
