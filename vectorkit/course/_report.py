"""Turn an executed notebook and its verdicts into a per-question report (the grader's core).

Pure functions over nbformat notebooks and plain data (the verdicts the grader decided, one per
captured check, tagged with the index of the cell that made it); no kernel needed, so they are
easy to test.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from dataclasses import dataclass, field

from vectorkit.exercises._checker.registry import MIMETYPE  # noqa: F401  (re-exported)

_REF = re.compile(r"(?:\b(\w+)\s*\.\s*)?\b(q\d+[a-z]?)\s*\.\s*check\s*\(")
_MODULE_DOTTED = re.compile(r"\bvectorkit\.exercises\.(nb\d\w*)")
_MODULE_FROM = re.compile(r"\bfrom\s+vectorkit\.exercises\s+import\s+(\([^)]*\)|[^\n#]+)")
_ANSWER_STUB = "*Write your answer here.*"


@dataclass
class Row:
    """One question's line in the report."""

    question: str  # "nb01.q2"
    gradable: bool
    status: str = "not attempted"
    message: str = ""
    help: str = ""
    answer: str = ""  # a thought question's written answer


def one_line(text: str, limit: int = 500) -> str:
    """``text`` on one line (runs of whitespace become one space), at most ``limit`` chars."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


@dataclass
class Report:
    """The grading report of one notebook."""

    notebook: str
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # cells that raised, kernel problems
    learner: str = ""
    course: bool = True  # False: not a notebook of this course (nothing was run)
    stderr: list[str] = field(default_factory=list)  # the kernel's real complaints

    @property
    def score(self) -> tuple[int, int]:
        graded = [r for r in self.rows if r.gradable]
        return sum(r.status == "correct" for r in graded), len(graded)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        rows = [Row(**{k: str(v) if k != "gradable" else bool(v) for k, v in r.items()
                       if k in Row.__dataclass_fields__}) for r in data.get("rows", [])]
        return cls(str(data.get("notebook", "")), rows,
                   [str(e) for e in data.get("errors", [])], str(data.get("learner", "")),
                   bool(data.get("course", True)), [str(e) for e in data.get("stderr", [])])


def module_questions(name: str) -> list[dict] | None:
    """The question list of an importable exercise module, or None if there is no such module."""
    from vectorkit.exercises._checker.module import questions

    try:
        if importlib.util.find_spec(name) is None:
            return None
    except (ModuleNotFoundError, ValueError):
        return None
    return [{"question": n, "kind": q.kind, "gradable": q.gradable}
            for n, q in questions(name).items()]


def course_metadata(nb) -> dict:
    """The ``vectorkit`` entry of a notebook's metadata (written by the generator), or ``{}``."""
    meta = nb.get("metadata", {}).get("vectorkit")
    return dict(meta) if isinstance(meta, dict) else {}


def learner_name(nb) -> str:
    """The learner's name if the notebook records one (``metadata.vectorkit.learner`` or the
    first of ``metadata.authors``), else ``""``."""
    name = course_metadata(nb).get("learner")
    authors = nb.get("metadata", {}).get("authors")
    if not name and isinstance(authors, list) and authors and isinstance(authors[0], dict):
        name = authors[0].get("name")
    return one_line(name, 100) if isinstance(name, str) else ""


def match_modules(nb) -> tuple[list[str], list[str]]:
    """(exercise modules this notebook belongs to, notes): by its course metadata, else by the
    exercise modules its code imports (with a note); never by its file name."""
    listed = course_metadata(nb).get("exercises")
    if isinstance(listed, list) and listed and all(isinstance(m, str) for m in listed):
        return sorted(set(listed)), []
    found = sorted(modules_in_source(nb))
    if found:
        return found, ["the notebook has no vectorkit course metadata; matched by the "
                       f"exercise module it imports ({', '.join(short(m) for m in found)})"]
    return [], []


def short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def modules_in_source(nb) -> set[str]:
    """Exercise modules a notebook's code mentions (``vectorkit.exercises.nbNN``); existence
    is checked by the caller."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found.update(f"vectorkit.exercises.{m}" for m in _MODULE_DOTTED.findall(cell.source))
        for names in _MODULE_FROM.findall(cell.source):
            for part in names.strip("()").split(","):
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


def thought_answers(nb, modules: dict[str, list[dict]]) -> dict[tuple[str, str], str]:
    """The learner's written answer to each thought question: the markdown cell tagged
    ``solution`` after the cell that last mentions the question (``q4``, "Question 4")."""
    wanted = [(m, q["question"]) for m, qs in sorted(modules.items()) for q in qs
              if q.get("kind") == "thought"]
    found: dict[tuple[str, str], str] = {}
    current = None
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown" and "solution" in tags and current is not None:
            text = cell.source.strip()
            if current not in found:
                found[current] = "" if text in ("", _ANSWER_STUB) else text
            current = None
            continue
        best = -1
        for key in wanted:
            number = re.sub(r"\D", "", key[1])
            pattern = rf"\b{re.escape(key[1])}\b|\bQuestion {number}\b"
            for match in re.finditer(pattern, cell.source):
                if match.start() > best:
                    best, current = match.start(), key
    return found


def analyse(nb, record: dict, modules: dict[str, list[dict]], notebook: str,
            timeout: float | None = None) -> Report:
    """Build the report of executed notebook ``nb``.

    Args:
        record: ``records``: the verdicts the grader decided, one per captured check
            (``module``, ``question``, ``status``, ``message``, ``cell``: index in
            ``nb.cells``); ``events``: hints and solutions the kernel says were shown.
        modules: module name -> list of ``{"question", "kind", "gradable"}``.

    The last check of a question decides its status; a check in (or meant for) a cell that
    raised makes the question "not attempted" and the error is reported.
    """
    status: dict[tuple[str, str], tuple[str, str]] = {}
    by_cell: dict[int, list[dict]] = {}
    for rec in record.get("records", []):
        if rec.get("module") in modules and isinstance(rec.get("cell"), int):
            by_cell.setdefault(rec["cell"], []).append(rec)
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        number = index + 1
        recs = by_cell.get(index, [])
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
        if isinstance(ev.get("event"), str) and ev["event"] not in seen and len(seen) < 20:
            seen.append(ev["event"])
    answers = thought_answers(nb, modules)
    report = Report(notebook, errors=errors)
    for module in sorted(modules):
        for q in modules[module]:
            key = (module, q["question"])
            st, msg = status.get(key, ("not attempted", ""))
            answer = ""
            if not q["gradable"]:
                answer = answers.get(key, "")
                st = "not graded"
                msg = (f"{q['kind']} question: the answer is below" if answer else
                       f"{q['kind']} question: no answer written")
            report.rows.append(Row(f"{short(module)}.{q['question']}", q["gradable"], st,
                                   one_line(msg), one_line(", ".join(helps.get(key, []))),
                                   answer))
    return report


def format_report(report: Report) -> str:
    """The per-question table, written answers, problems and the final ``score: X/Y`` line."""
    lines = [report.notebook + (f"  (learner: {report.learner})" if report.learner else "")]
    if not report.course:
        lines.extend(f"  {e}" for e in report.errors)
        lines.append("score: -")
        return "\n".join(lines)
    width = max([len(r.question) for r in report.rows] + [8])
    help_width = max([len(r.help) for r in report.rows] + [4])
    lines.append(f"  {'question':<{width}}  {'status':<13}  {'help':<{help_width}}  message")
    for r in report.rows:
        lines.append(f"  {r.question:<{width}}  {r.status:<13}  {r.help:<{help_width}}  "
                     f"{one_line(r.message)}".rstrip())
    if not report.rows:
        lines.append("  (no exercise questions found)")
    for r in report.rows:
        if r.answer:
            lines.append(f"  answer to {r.question}:")
            lines.extend(f"    {line}" for line in r.answer.splitlines()[:40])
    if report.errors:
        lines.append("  problems:")
        lines.extend(f"    {one_line(e)}" for e in report.errors)
    done, total = report.score
    lines.append(f"score: {done}/{total}")
    return "\n".join(lines)
