"""Run one submission in its own kernel and grade it (a child process of ``vectorkit grade``).

    python -m vectorkit.course._runner JOB.json FD

The notebook is a private copy in its own temporary folder (the kernel's working directory).
The kernel talks to this process over Unix sockets in that folder, in a process group of its
own; a watchdog kills that group when a cell ignores the interrupt sent at its time limit, or
when the notebook's wall-clock limit is reached. Verdicts are decided here (see
:mod:`vectorkit.course._recheck`) and the report goes to the parent as one JSON line on
file descriptor FD, which the kernel does not inherit.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from vectorkit.course import _capture, _recheck, _report

#: Seconds a cell may run past its time limit (after the interrupt) before the kernel is killed.
GRACE = 10.0
_NOISE = ("Kernel is running over TCP", "Debugger warning", "frozen modules",
          "PYDEVD_DISABLE_FILE_VALIDATION", "to disable this validation", "Note: Debugging will")


class _Watchdog(threading.Thread):
    """Kill the kernel's process group when a cell or the whole notebook runs too long."""

    def __init__(self, cell_limit: float, deadline: float):
        super().__init__(daemon=True)
        self.cell_limit, self.deadline = cell_limit, deadline
        self.pid: int | None = None
        self.started: float | None = None
        self.reason = ""
        self.stop = threading.Event()

    def kill(self, reason: str) -> None:
        self.reason = self.reason or reason
        if self.pid:
            for target in (lambda: os.killpg(self.pid, signal.SIGKILL),
                           lambda: os.kill(self.pid, signal.SIGKILL)):
                try:
                    target()
                except OSError:
                    pass

    def run(self) -> None:
        while not self.stop.wait(0.5):
            now = time.monotonic()
            if now > self.deadline:
                self.kill("notebook")
            elif self.started is not None and now - self.started > self.cell_limit + GRACE:
                self.kill("cell")


def _code_cell(source: str):
    import nbformat

    return nbformat.v4.new_code_cell(source)


class _Session:
    def __init__(self, client, watchdog: _Watchdog, timeout: float):
        self.client, self.watchdog, self.timeout = client, watchdog, timeout
        self.dead = False

    def run(self, cell, index: int | None = None, store_history: bool = True) -> None:
        """Execute ``cell`` (``index`` in the notebook; None: a grader cell, kept out of the
        notebook and of the kernel's history)."""
        from nbclient.exceptions import DeadKernelError

        cells = self.client.nb.cells
        if index is None:  # nbclient writes the executed cell back at its index
            cells.append(cell)
        self.watchdog.started = time.monotonic()
        try:
            self.client.execute_cell(cell, len(cells) - 1 if index is None else index,
                                     store_history=store_history and index is not None)
        except DeadKernelError:
            self.dead = True
            raise
        finally:
            self.watchdog.started = None
            if index is None:
                cells.pop()

    def call(self, handle, request: str, forbidden=()):
        """Run a learner function in the kernel (for :func:`_recheck.recheck`)."""
        if self.dead:
            raise _recheck.CallFailed("the kernel had already stopped")
        cell = _code_cell("import vectorkit.course._capture as _vectorkit_capture\n"
                          f"_vectorkit_capture.call({int(handle)}, {request!r}, "
                          f"{[str(d) for d in forbidden]!r})")
        try:
            self.run(cell)
        except Exception as exc:
            raise _recheck.CallFailed(f"the kernel stopped while running it ({exc})") from None
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(_capture.CALL_MIMETYPE)
            if data is not None:
                if not data.get("ok") and (data.get("exception") or {}).get("name") \
                        == "KeyboardInterrupt":
                    raise _recheck.CallFailed(
                        f"it did not return within the time limit of {self.timeout:g} s")
                return data
        raise _recheck.CallFailed("the kernel sent no result")


def _captures(cell) -> list[dict]:
    """Remove the check captures from a cell's outputs and return them."""
    found, kept = [], []
    for out in cell.get("outputs", []):
        data = out.get("data", {}) if out.get("output_type") == "display_data" else {}
        if _capture.CHECK_MIMETYPE in data:
            found.append(data[_capture.CHECK_MIMETYPE])
        else:
            kept.append(out)
    cell["outputs"] = kept
    return found


def _question(module: str, name: str):
    from vectorkit.exercises._checker.module import questions

    return questions(module).get(name)


def grade(job: dict, send) -> dict:
    """Execute the notebook of ``job`` and return the report as data."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    work = Path(job["workdir"])
    nb = nbformat.read(work / job["filename"], as_version=4)
    modules = {m: _report.module_questions(m) for m in job["modules"]}
    modules = {m: qs for m, qs in modules.items() if qs is not None}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    sockets = Path(job["socketdir"])
    km = AsyncKernelManager(kernel_name=job["kernel"], transport="ipc", ip=str(sockets / "kernel"))
    client = NotebookClient(nb, km=km, timeout=job["timeout"], allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            resources={"metadata": {"path": str(work)}})
    client.log.setLevel(logging.CRITICAL)
    watchdog = _Watchdog(job["timeout"], time.monotonic() + job["limit"])
    session = _Session(client, watchdog, job["timeout"])
    records, events, problems = [], [], []
    stderr_path = sockets / "kernel-stderr.txt"
    watchdog.start()
    try:
        with open(stderr_path, "wb") as err, client.setup_kernel(stderr=err, cwd=str(work)):
            watchdog.pid = km.provisioner.pid if km.provisioner else None
            send({"kernel_pid": watchdog.pid})
            session.run(_code_cell("import vectorkit.course._capture as _vectorkit_capture\n"
                                   f"_vectorkit_capture.install({sorted(modules)!r})"))
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    session.run(cell, index)
                finally:
                    for cap in _captures(cell):
                        records.extend(_recheck_one(cap, index, modules, session))
            dump = _code_cell("from vectorkit.exercises._checker import registry as _r\n"
                              "_r.emit()")
            session.run(dump)
            for out in dump.get("outputs", []):
                snap = out.get("data", {}).get(_report.MIMETYPE)
                if isinstance(snap, dict) and isinstance(snap.get("events"), list):
                    events = [e for e in snap["events"] if isinstance(e, dict)][:10_000]
    except Exception as exc:
        from nbclient.exceptions import DeadKernelError

        if watchdog.reason == "notebook":
            problems.append(f"the notebook exceeded the time limit of {job['limit']:g} s; "
                            "its kernel was stopped and later cells did not run")
        elif watchdog.reason == "cell":
            problems.append(f"a cell exceeded the time limit of {job['timeout']:g} s and did "
                            "not stop when interrupted; its kernel was stopped and later "
                            "cells did not run")
        elif isinstance(exc, DeadKernelError):
            problems.append("the kernel died; later cells did not run")
        else:
            problems.append(f"could not run the notebook: {type(exc).__name__}: {exc}")
    finally:
        watchdog.stop.set()
    report = _report.analyse(nb, {"records": records, "events": events}, modules,
                             job["display_name"], timeout=job["timeout"])
    report.errors.extend(job.get("notes", []) + problems)
    report.stderr = _stderr(stderr_path)
    report.learner = job.get("learner", "")
    return report.to_dict()


def _recheck_one(cap, index: int, modules: dict, session: _Session) -> list[dict]:
    if not isinstance(cap, dict):
        return []
    module, name = cap.get("module"), cap.get("question")
    if module not in modules or not any(q["question"] == name for q in modules[module]):
        return []
    question = _question(module, name)
    if question is None or not question.gradable:
        return []
    try:
        result = _recheck.recheck(question, cap.get("answer"), session.call)
    except Exception as exc:  # a checker bug must not lose the other questions
        return [{"module": module, "question": name, "cell": index, "status": "incorrect",
                 "message": f"the grader could not check this answer ({type(exc).__name__}: "
                            f"{exc})"}]
    return [{"module": module, "question": name, "cell": index, "status": result.status,
             "message": result.message}]


def _stderr(path: Path) -> list[str]:
    try:
        text = path.read_text(errors="replace")[-20_000:]
    except OSError:
        return []
    return [line for line in text.splitlines()
            if line.strip() and not any(n in line for n in _NOISE)][-40:]


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text())
    fd = int(argv[1])
    os.set_inheritable(fd, False)
    out = os.fdopen(fd, "w", encoding="utf-8")

    def send(message: dict) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    try:
        report = grade(job, send)
    except Exception as exc:
        report = {"notebook": job.get("display_name", "?"), "rows": [], "stderr": [],
                  "errors": [f"the grader failed: {type(exc).__name__}: {exc}"]}
    send({"report": report})
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
