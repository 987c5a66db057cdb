"""The course's prose keeps its promises: cross-references point at things that exist, and
jargon is explained where it is first used (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "solutions"
NOTEBOOKS = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")) + sorted(
    (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# "notebook 03", "notebooks 06 and 07", "notebooks 06-13", "Notebook 05's", "**01 · Vectors"
_NOTEBOOK_REF = re.compile(
    r"\b[Nn]otebooks?\s+(\d{2}(?:\s*(?:,|and|or|to|-|–)\s*\d{2})*)|\*\*(\d{2}) ·")
_SECTION_REF = re.compile(r"\b[Ss]ections?\s+(\d+(?:\.\d+)?(?:\s*(?:,|and|or)\s*\d+(?:\.\d+)?)*)")


def _existing() -> set[str]:
    return {p.name[:2] for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb")}


def notebook_refs(text: str) -> set[str]:
    """The two-digit notebook numbers that ``text`` refers to (ranges expanded)."""
    found = set()
    for listed, bold in _NOTEBOOK_REF.findall(text):
        if bold:
            found.add(bold)
            continue
        numbers = re.findall(r"\d{2}", listed)
        if re.search(r"\d{2}\s*(?:-|–|to)\s*\d{2}", listed) and len(numbers) == 2:
            numbers = [f"{n:02d}" for n in range(int(numbers[0]), int(numbers[1]) + 1)]
        found.update(numbers)
    return found


def _cells_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells)


def _prose_files() -> list[Path]:
    return [*NOTEBOOKS, ROOT / "README.md", ROOT / "notebooks" / "README.md"]


def test_notebook_refs_are_parsed():
    text = ("as notebook 01 showed; notebooks 06 and 07; notebooks 08-10; Notebook 05's "
            "widget; Next: **02 · Text**; 3 notebooks 2 weeks")
    assert notebook_refs(text) == {"01", "02", "05", "06", "07", "08", "09", "10"}


@pytest.mark.parametrize("path", _prose_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_mentioned_notebook_exists(path):
    """"notebook NN" may only name a notebook that is in this copy of the course; planned
    ones are named by topic ("a later notebook") until they land."""
    text = path.read_text(encoding="utf-8") if path.suffix == ".md" else _cells_text(path)
    missing = sorted(notebook_refs(text) - _existing())
    assert not missing, f"{path.name} refers to notebook(s) {missing}, which do not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_mentioned_section_exists(path):
    nb = nbformat.read(path, as_version=4)
    headings = set()
    for c in nb.cells:
        if c.cell_type == "markdown":
            headings.update(re.findall(r"^#{2,4}\s+(\d+(?:\.\d+)?)[.\s]", c.source, flags=re.M))
    wanted = set()
    for c in nb.cells:
        for listed in _SECTION_REF.findall(c.source):
            wanted.update(re.findall(r"\d+(?:\.\d+)?", listed))
    assert not wanted - headings, f"{path.name}: sections {sorted(wanted - headings)} missing"


# term -> words that explain it; where a notebook or its questions first use the term, the
# explanation must be within EXPLAIN_WITHIN characters
JARGON = {
    "n-gram": "words in a row",
    "chroma": "12 pitch classes",
    "precision@5": "fraction",
    "Spearman": "orders",
}
EXPLAIN_WITHIN = 400


def _course_texts():
    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")):
        module = ROOT / "vectorkit" / "exercises" / f"nb{path.name[:2]}.py"
        texts = [("notebook", _cells_text(path))]
        if module.exists():
            texts.append(("questions", module.read_text(encoding="utf-8")))
        yield path.name, texts


@pytest.mark.parametrize("term, explanation", sorted(JARGON.items()))
def test_jargon_is_explained_where_it_is_first_used(term, explanation):
    used = 0
    for name, texts in _course_texts():
        for kind, text in texts:
            at = text.find(term)
            if at < 0:
                continue
            used += 1
            near = " ".join(text[max(0, at - EXPLAIN_WITHIN):at + EXPLAIN_WITHIN].split())
            near = re.sub(r'\s*"\s*"\s*', " ", near)  # join "..." "..." string pieces
            assert explanation in near, (
                f"{name} ({kind}) uses {term!r} without explaining it nearby")
    # "n-gram" is no longer used (nb02 q5's solution is now the notebook's own text); it
    # stays listed so that it is explained if it comes back
    assert used or term == "n-gram", f"{term!r} is used nowhere: drop it from JARGON"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_summary_and_exercises_each_open_their_own_cell(path):
    """nb05 once ran the YAMNet text, the summary and the exercises header into one cell."""
    nb = nbformat.read(path, as_version=4)
    for heading in ("## Summary", "## Exercises"):
        cells = [c.source for c in nb.cells if c.cell_type == "markdown"
                 and re.search(rf"^{heading}\b", c.source, flags=re.M)]
        assert len(cells) == 1 and cells[0].startswith(heading), (path.name, heading)
        assert cells[0].count("\n## ") == 0, (path.name, heading)


# Statements that were once false about their own notebook (issue 12): they must not return.
RETIRED = [
    ("03", "check the first two statements"),             # there are three, all checked
    ("04", "... while the number of channels grows\""),    # 32 -> 16 at stage 1
    ("04", "other close-up textures (grass,\nbrick)"),     # the runner-ups are grass, coins
    ("01", "distance and cosine disagree\""),              # the panel shows a clear trend
    ("05", "440 cycles per second: that is what"),         # the cell counts 439
    ("02", "notebook 06 explains"),                        # not in the course yet
]


@pytest.mark.parametrize("number, phrase", RETIRED)
def test_corrected_statements_stay_corrected(number, phrase):
    (path,) = SOLUTIONS.glob(f"{number}_*.ipynb")
    assert phrase not in _cells_text(path)


def test_nb05_exercise_3_explanation_names_the_classifier_its_solution_uses():
    from vectorkit.exercises import nb05

    assert "linear" not in nb05.q3.explanation and "nearest neighbour" in nb05.q3.explanation
