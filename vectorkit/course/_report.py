"""Turn an executed notebook and its check records into a per-question report (the grader's core).

Pure functions over nbformat notebooks and the JSON record of
:mod:`vectorkit.exercises._checker.registry`; no kernel needed, so they are easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_REF = re.compile(r"(?:\b(\w+)\s*\.\s*)?\b(q\d+[a-z]?)\s*\.\s*check\s*\(")
_MODULE_DOTTED = re.compile(r"\bvectorkit\.exercises\.(nb\d\w*)")
_MODULE_FROM = re.compile(r"\bfrom\s+vectorkit\.exercises\s+import\s+\(?([^\n#)]+)")
_MODULE_FILE = re.compile(r"^(\d\d)_")


@dataclass
class Row:
    """One question's line in the report."""

    question: str  # "nb01.q2"
    gradable: bool
    status: str = "not attempted"
    message: str = ""
    help: str = ""


@dataclass
class Report:
    """The grading report of one notebook."""

    notebook: str
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # cells that raised, kernel problems

    @property
    def score(self) -> tuple[int, int]:
        graded = [r for r in self.rows if r.gradable]
        return sum(r.status == "correct" for r in graded), len(graded)


def short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def modules_in_source(nb, filename: str = "") -> set[str]:
    """Exercise modules a notebook mentions (``vectorkit.exercises.nbNN``), plus the one its
    file name suggests (``01_x.ipynb`` -> ``nb01``); existence is checked by the caller."""
    found = set()
    if (match := _MODULE_FILE.match(filename)) is not None:
        found.add(f"vectorkit.exercises.nb{match.group(1)}")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found.update(f"vectorkit.exercises.{m}" for m in _MODULE_DOTTED.findall(cell.source))
        for names in _MODULE_FROM.findall(cell.source):
            for part in names.split(","):
                name = part.strip().split(" ")[0]
                if re.fullmatch(r"nb\d\w*", name):
                    found.add(f"vectorkit.exercises.{name}")
    return found


def _referenced(source: str, modules: dict[str, list[dict]]) -> set[tuple[str, str]]:
    """(module, question) pairs whose ``.check(`` appears in a cell's source."""
    refs = set()
    for qualifier, qname in _REF.findall(source):
        owners = [m for m, qs in modules.items() if any(q["question"] == qname for q in qs)]
        chosen = [m for m in owners if short(m) == qualifier] or owners
        refs.update((m, qname) for m in chosen)
    return refs


def _error_of(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", "Error"), out.get("evalue", "")
    return None


def _describe_error(number: int, ename: str, evalue: str, timeout: float | None) -> str:
    if ename == "KeyboardInterrupt" and timeout:
        return f"cell {number} exceeded the time limit of {timeout:g} s and was interrupted"
    first = evalue.strip().splitlines()[0] if evalue.strip() else ""
    return f"cell {number} raised {ename}" + (f": {first[:160]}" if first else "")


def analyse(nb, record: dict, modules: dict[str, list[dict]], notebook: str,
            timeout: float | None = None) -> Report:
    """Build the report of executed notebook ``nb`` (without the grader's own final cell).

    Args:
        record: the registry snapshot (``records``, ``events``) from the kernel.
        modules: module name -> list of ``{"question", "kind", "gradable"}``.

    The last check of a question decides its status; a check in (or meant for) a cell that
    raised makes the question "not attempted" and the error is reported.
    """
    status: dict[tuple[str, str], tuple[str, str]] = {}
    by_count: dict[int, list[dict]] = {}
    for rec in record.get("records", []):
        if rec.get("module") in modules and rec.get("execution_count") is not None:
            by_count.setdefault(rec["execution_count"], []).append(rec)
    errors = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        recs = by_count.get(cell.get("execution_count"), []) if cell.get("execution_count") \
            else []
        error = _error_of(cell)
        if error is None:
            for rec in recs:
                status[(rec["module"], rec["question"])] = (rec["status"], rec["message"])
            continue
        text = _describe_error(number, *error, timeout)
        hit = _referenced(cell.source, modules) | {(r["module"], r["question"]) for r in recs}
        for key in hit:
            status[key] = ("not attempted", text)
        names = ", ".join(f"{short(m)}.{q}" for m, q in sorted(hit))
        errors.append(text + (f" (questions: {names})" if names else ""))
    helps: dict[tuple[str, str], list[str]] = {}
    for ev in record.get("events", []):
        seen = helps.setdefault((ev.get("module"), ev.get("question")), [])
        if ev.get("event") not in seen:
            seen.append(ev.get("event"))
    report = Report(notebook, errors=errors)
    for module in sorted(modules):
        for q in modules[module]:
            key = (module, q["question"])
            st, msg = status.get(key, ("not attempted", ""))
            if not q["gradable"]:
                st, msg = "not graded", f"{q['kind']} question: read the student's answer"
            report.rows.append(Row(f"{short(module)}.{q['question']}", q["gradable"], st, msg,
                                   ", ".join(helps.get(key, []))))
    return report


def format_report(report: Report) -> str:
    """The per-question table, the errors and the final ``score: X/Y`` line."""
    width = max([len(r.question) for r in report.rows] + [8])
    help_width = max([len(r.help) for r in report.rows] + [4])
    lines = [report.notebook,
             f"  {'question':<{width}}  {'status':<13}  {'help':<{help_width}}  message"]
    for r in report.rows:
        lines.append(f"  {r.question:<{width}}  {r.status:<13}  {r.help:<{help_width}}  "
                     f"{' '.join(r.message.split())}".rstrip())
    if not report.rows:
        lines.append("  (no exercise questions found)")
    if report.errors:
        lines.append("  problems:")
        lines.extend(f"    {e}" for e in report.errors)
    done, total = report.score
    lines.append(f"score: {done}/{total}")
    return "\n".join(lines)
