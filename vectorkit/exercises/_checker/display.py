"""What checks, hints and solutions look like: a coloured line in Jupyter, plain text elsewhere."""

from __future__ import annotations

import html
from dataclasses import dataclass

STATUSES = ("correct", "incorrect", "not attempted")

_STYLE = {  # status -> (symbol, label, text colour, background)
    "correct": ("\u2714", "Correct", "#14532d", "#dcfce7"),
    "incorrect": ("\u2718", "Incorrect", "#7f1d1d", "#fee2e2"),
    "not attempted": ("\u2026", "Not attempted", "#713f12", "#fef9c3"),
}


def _box(colour: str, background: str, inner: str) -> str:
    return (f'<div style="color:{colour};background:{background};padding:6px 10px;'
            f'border-left:4px solid {colour};border-radius:3px;margin:2px 0">{inner}</div>')


@dataclass(frozen=True)
class CheckResult:
    """The outcome of ``question.check(answer)``.

    Attributes:
        status: ``"correct"``, ``"incorrect"`` or ``"not attempted"``.
        message: a sentence for the student (never contains the expected answer).
        question: the question's name such as ``"nb01.q2"`` (empty if unbound).
        kind: what the checker found, as data (never read from the message): ``"correct"``,
            ``"not attempted"``, ``"thought"``; for an incorrect answer ``"mistake"`` (a
            typical mistake recognised), ``"value"`` (the right kind of answer, a wrong value),
            a wrong kind of answer (``"type"``, ``"shape"``, ``"length"``, ``"choice"``,
            ``"iterator"``, ...), ``"forbidden"`` (a library function the exercise asks you
            to write yourself), ``"timeout"``, ``"error"`` (the answer could not be checked)
            or ``"explained"`` (a custom check's explanation).

    ``bool(result)`` is True only when the answer is correct.

    Example:
        >>> CheckResult("correct", "Well done.").correct
        True
    """

    status: str
    message: str = ""
    question: str = ""
    kind: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"`status` must be one of {list(STATUSES)}, got {self.status!r}")

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    def _label(self) -> str:
        return f"{_STYLE[self.status][1]}" + (f" ({self.question})" if self.question else "")

    def __repr__(self) -> str:
        symbol = _STYLE[self.status][0]
        return f"{symbol} {self._label()}: {self.message}" if self.message else \
            f"{symbol} {self._label()}"

    def _repr_html_(self) -> str:
        symbol, _, colour, background = _STYLE[self.status]
        text = f" {html.escape(self.message)}" if self.message else ""
        return _box(colour, background, f"{symbol} <b>{html.escape(self._label())}</b>:{text}")


@dataclass(frozen=True)
class Note:
    """A hint or a solution: a title, some prose and optionally a code block."""

    title: str
    text: str = ""
    code: str = ""

    def __repr__(self) -> str:
        parts = [self.title]
        if self.text:
            parts.append(self.text)
        if self.code:
            parts.append(self.code.rstrip())
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        inner = f"<b>{html.escape(self.title)}</b>"
        if self.text:
            inner += f" {html.escape(self.text)}"
        if self.code:
            inner += ('<pre style="margin:4px 0 0 0;background:transparent">'
                      f"{html.escape(self.code.rstrip())}</pre>")
        return _box("#1e3a8a", "#dbeafe", inner)


@dataclass(frozen=True)
class Progress:
    """A notebook's questions and their latest status in this session (``ex.progress()``).

    ``rows`` holds ``(name, kind, status, help)``; thought questions have status ``"-"``.
    """

    module: str
    rows: tuple

    @property
    def score(self) -> tuple[int, int]:
        graded = [r for r in self.rows if r[2] != "-"]
        return sum(r[2] == "correct" for r in graded), len(graded)

    def __repr__(self) -> str:
        done, total = self.score
        lines = [f"{self.module}: {done}/{total} checked questions correct"]
        for name, kind, status, help_ in self.rows:
            shown = "thought question (see its solution)" if status == "-" else status
            extra = f"  [{help_}]" if help_ else ""
            lines.append(f"  {name:<6} {kind:<10} {shown}{extra}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        done, total = self.score
        cells = []
        for name, kind, status, help_ in self.rows:
            if status == "-":
                symbol, label, colour = "\u270e", "thought question", "#1e3a8a"
            else:
                symbol, label, colour, _ = _STYLE[status]
            cells.append(f'<tr><td>{html.escape(name)}</td><td>{html.escape(kind)}</td>'
                         f'<td style="color:{colour}">{symbol} {html.escape(label.lower())}</td>'
                         f"<td>{html.escape(help_)}</td></tr>")
        return (f"<div><b>{html.escape(self.module)}</b>: {done}/{total} checked questions "
                "correct<table><tr><th>question</th><th>kind</th><th>status</th>"
                f"<th>help used</th></tr>{''.join(cells)}</table></div>")
