"""One copy of each solution: the solution notebooks' marked cells, read back by ``solution()``.

The worked solution of question ``qN`` is written once, in its solution notebook
(``notebooks/solutions/NN_slug.ipynb``):

* a code question's solution is the code cell with solution marks (``# SOLUTION`` lines,
  ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` regions, or the ``solution`` tag) that calls
  ``ex.qN.check(...)``. ``solution()`` shows that cell as the solution notebook has it, without
  the marks and without the check call;
* a thought question's model answer is the markdown cell tagged ``solution`` after the cell
  that names ``ex.qN``.

``python -m vectorkit.course.generate notebooks/solutions notebooks`` collects them into
``vectorkit/exercises/solutions.json`` (shipped with the package, so ``solution()`` works
without the notebooks), and ``--check`` fails when that file is stale.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

#: Where the collected solutions live inside the package.
SOLUTIONS_FILE = Path(__file__).resolve().parent.parent / "solutions.json"

_CHECK = re.compile(r"^\s*(?:assert\s+)?ex\.(q\d+[a-z]?)\.check\(")
_NAMED = re.compile(r"\bex\.(q\d+[a-z]?)\b")
_MARKS = re.compile(r"^\s*#\s*(BEGIN|END) SOLUTION\s*$")
_LINE_MARK = re.compile(r"\s*#\s*SOLUTION\s*$")
_NOTEBOOK = re.compile(r"^(\d\d)_")


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _marked(cell) -> bool:
    if "solution" in _tags(cell):
        return True
    return any(_MARKS.match(line) or _LINE_MARK.search(line)
               for line in cell.source.split("\n"))


def _shown(source: str, question: str) -> str:
    """The cell as a worked solution: marks and the question's own check call removed."""
    lines = []
    for line in source.split("\n"):
        if _MARKS.match(line):
            continue
        match = _CHECK.match(line)
        if match and match.group(1) == question:
            continue
        lines.append(_LINE_MARK.sub("", line))
    return "\n".join(lines).strip("\n")


def notebook_solutions(nb, module: str) -> dict[str, str]:
    """``{"nb01.q2": solution text, ...}`` of one solution notebook (module short name ``nb01``).

    Example:
        >>> import nbformat
        >>> cell = nbformat.v4.new_code_cell("x = 4 / 9  # SOLUTION\\nex.q1.check(x)")
        >>> notebook_solutions(nbformat.v4.new_notebook(cells=[cell]), "nb01")
        {'nb01.q1': 'x = 4 / 9'}
    """
    found: dict[str, str] = {}
    last_named = None
    for cell in nb.cells:
        tags = _tags(cell)
        if cell.cell_type == "code" and "solution-only" not in tags and _marked(cell):
            checked = {m.group(1) for line in cell.source.split("\n")
                       if (m := _CHECK.match(line))}
            if len(checked) == 1:
                (name,) = checked
                if f"{module}.{name}" in found:
                    raise ValueError(f"{module}: two solution cells check {name}")
                found[f"{module}.{name}"] = _shown(cell.source, name)
        elif cell.cell_type == "markdown" and "solution" in tags and last_named:
            key = f"{module}.{last_named}"
            if key not in found:
                found[key] = cell.source.strip()
        if cell.cell_type == "code" or "solution" not in tags:
            names = _NAMED.findall(cell.source)
            if names:
                last_named = names[-1]
    return found


def collect(src_dir) -> dict[str, str]:
    """The solutions of every ``NN_slug.ipynb`` in ``src_dir``, keyed ``"nbNN.qN"``."""
    import nbformat

    out: dict[str, str] = {}
    for path in sorted(Path(src_dir).glob("*.ipynb")):
        match = _NOTEBOOK.match(path.name)
        if match:
            out.update(notebook_solutions(nbformat.read(path, as_version=4),
                                          f"nb{match.group(1)}"))
    return dict(sorted(out.items()))


def render(solutions: dict[str, str]) -> str:
    """The text ``solutions.json`` is stored as."""
    return json.dumps(solutions, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def sync(src_dir, target=SOLUTIONS_FILE, check: bool = False) -> list[str]:
    """Write (or with ``check=True`` only compare) ``target``; return the problems found."""
    from vectorkit._atomic import write_text_atomic

    target = Path(target)
    text = render(collect(src_dir))
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == text:
        return []
    if check:
        return [f"{target} is stale (differs from the solutions in {src_dir}): run "
                "`make notebooks`"]
    write_text_atomic(target, text)
    _stored.cache_clear()
    print(f"wrote {target}")
    return []


@functools.cache
def _stored() -> dict[str, str]:
    try:
        return json.loads(SOLUTIONS_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def lookup(question_id: str) -> str | None:
    """The notebook's solution of ``"nb01.q2"``, or ``None`` if its notebook has none."""
    return _stored().get(question_id) if question_id else None
