"""Exercises for notebook 00, "Start here".

    from vectorkit.exercises import ____, nb00 as ex
    ex.demo.check(2)            # the practice question of section 2 (not graded)
    ex.q1.check(answer); ex.q1.hint(); ex.q1.solution(); ex.progress()

The questions use the made-up kitchen map of the notebook (:data:`KITCHEN`, :data:`SHELVES`):
which shelf a new item goes on, which pair of items is farthest apart, and one line of the
``vectorkit doctor`` report.
"""

from __future__ import annotations

import numpy as np

from vectorkit.exercises import (
    FreeCheckQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)
from vectorkit.exercises._mistakes import says
from vectorkit.models import ALIASES, SPECS

#: The kitchen map of notebook 00: item -> (x, y) with x = sweet (left) to savoury (right)
#: and y = dry (bottom) to liquid (top). Made up for the picture, not measured.
KITCHEN = {
    "sugar": (-3.2, -2.3), "flour": (-2.3, -2.8), "cocoa powder": (-2.8, -1.6),
    "oats": (-1.9, -2.1),
    "orange juice": (-3.0, 2.6), "milk": (-2.1, 3.0), "tea": (-1.5, 2.2), "coffee": (-1.0, 2.9),
    "salt": (3.2, -2.6), "black pepper": (2.5, -2.1), "paprika": (2.9, -1.5),
    "cumin": (2.0, -2.8),
    "olive oil": (2.0, 2.5), "vinegar": (2.9, 3.0), "soy sauce": (3.3, 2.2),
    "ketchup": (1.3, 1.8),
}
#: Which items stand on which shelf.
SHELVES = {
    "baking": ["sugar", "flour", "cocoa powder", "oats"],
    "drinks": ["orange juice", "milk", "tea", "coffee"],
    "spices": ["salt", "black pepper", "paprika", "cumin"],
    "sauces": ["olive oil", "vinegar", "soy sauce", "ketchup"],
}
#: Where question 1 puts a jar of honey on the map.
HONEY = (-2.4, 0.1)
#: The three pairs of question 2.
PAIRS = [("sugar", "salt"), ("flour", "soy sauce"), ("orange juice", "cumin")]


def _centres() -> dict[str, np.ndarray]:
    return {s: np.mean([KITCHEN[i] for i in items], axis=0) for s, items in SHELVES.items()}


def _shelf_ranking(point) -> list[str]:
    centres = _centres()
    return sorted(centres, key=lambda s: float(np.linalg.norm(centres[s] - np.asarray(point))))


def _distance(pair) -> float:
    return float(np.linalg.norm(np.subtract(KITCHEN[pair[0]], KITCHEN[pair[1]])))


# --- demo: the practice question of section 2 (not graded: its name is not q1, q2, ...) ---

demo = ValueQuestion(
    "Practice question: how many numbers describe one item on the kitchen map?",
    2,
    mistakes=[
        Mistake(lambda x: float(x) == len(SHELVES), "that is the number of shelves; count "
                "the numbers in one item's position, such as the one for sugar"),
        Mistake(lambda x: float(x) == len(KITCHEN), "that is the number of items on the map; "
                "count the numbers that describe a single item"),
    ],
    hints=["Look at one entry of `kitchen`, for example kitchen['sugar']."],
    explanation="Each item is a point (x, y): two numbers. Real embeddings use hundreds.",
)

# --- q1: which shelf does honey go on? ------------------------------------------------------

_RANKED = _shelf_ranking(HONEY)


q1 = ValueQuestion(
    f"A jar of honey sits at {HONEY} on the kitchen map. Which shelf does it go on? The "
    "rule: the shelf whose centre (the average position of its items) is nearest. Answer "
    f"with the shelf's name as a string, one of {sorted(SHELVES)}.",
    _RANKED[0],
    mistakes=[
        Mistake(says(_RANKED[1]), "close, but that shelf's centre is a little farther "
                "away than another one: compute the distance to each centre"),
        *[Mistake(says(s), "that shelf is far from the honey: look again at the picture, "
                  "then compute the distances to the centres") for s in _RANKED[2:]],
        Mistake(lambda x: isinstance(x, str) and any(s in x.casefold() for s in SHELVES),
                f"write only the shelf's name, one of {sorted(SHELVES)}"),
    ],
    hints=[
        "Compute each shelf's centre with np.mean over the positions of its items, then the "
        "distance from the honey to each centre with np.linalg.norm.",
        "Two shelves are in the running: the one below the honey and the one above it. "
        "Compare np.linalg.norm(np.subtract(centres['baking'], honey)) with the same for "
        "'drinks'.",
    ],
    explanation=("The baking centre is about 2.3 away and the drinks centre about 2.6: honey "
                 "lands between the two shelves, a little nearer the baking one."),
)

# --- q2: which pair is farthest apart? ----------------------------------------------------

_FARTHEST = max(PAIRS, key=_distance)


def _as_pair(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return None
    items = list(answer)
    if len(items) != 2 or not all(isinstance(x, str) for x in items):
        return None
    return frozenset(x.strip().casefold() for x in items)


def _check_pair(answer):
    got = _as_pair(answer)
    if got is None:
        return (f"give the pair as two item names, for example {PAIRS[0]!r}; got "
                f"{type(answer).__name__} {answer!r}")
    if got == frozenset(_FARTHEST):
        return True
    if got in {frozenset(p) for p in PAIRS}:
        return ("that pair is not the farthest apart: some of these distances are close, so "
                "compute all three with np.linalg.norm instead of judging by eye")
    return f"that is not one of the three pairs of the question: {PAIRS}"


q2 = FreeCheckQuestion(
    f"Which of these pairs of items is farthest apart on the kitchen map: {PAIRS}? Answer "
    "with the pair as a tuple of two names, in any order.",
    _check_pair,
    reference=_FARTHEST,
    hints=[
        "The distance between two items is the length of the arrow from one to the other: "
        "np.linalg.norm(np.subtract(kitchen[a], kitchen[b])).",
        "Compute that distance for each of the three pairs (a loop or max(..., key=...)) and "
        "keep the largest.",
    ],
    explanation=("Sugar-salt is about 6.4 apart, orange juice-cumin about 7.4 and flour-soy "
                 "sauce about 7.5: two pairs on opposite corners, but one a bit farther."),
)

# --- q3: read the doctor report ----------------------------------------------------------

_IMAGE_MODEL = ALIASES["image"]
_HUB_IMAGE = [n for n, s in SPECS.items() if s.modality == "image" and s.source == "tfhub"]


q3 = ValueQuestion(
    "Read the models part of the `vectorkit doctor` report. Which model does "
    "vk.load_model('image') load? Answer with the model's name as printed, as a string.",
    _IMAGE_MODEL,
    mistakes=[
        *[Mistake(says(n), "that is the TF Hub image model, which needs the internet "
                  "the first time; the modality name loads the model marked [image]")
          for n in _HUB_IMAGE],
        Mistake(says("image"), "'image' is the modality name you pass to load_model; "
                "the question asks for the name of the model it loads"),
        *[Mistake(says(*[n for n, s in SPECS.items() if s.modality == modality]),
                  f"that is the name of {article} {modality} model; the question asks which "
                  "model the modality name 'image' loads (the line tagged [image])")
          for modality, article in (("text", "a"), ("audio", "an"))],
        Mistake(lambda x: isinstance(x, str) and x.strip() != "" and
                x.strip().casefold() in _IMAGE_MODEL and x.strip().casefold() != _IMAGE_MODEL,
                "almost: give the model's full name exactly as the report prints it"),
    ],
    choices=list(SPECS),
    choices_name="the model names the report lists",
    hints=[
        "In the report, the line of each bundled model has a tag in brackets such as [text].",
        "Find the line tagged [image] and copy the model name in front of the tag.",
    ],
    explanation=("The line tagged [image] names the bundled image model; it works offline, "
                 "so every notebook gets the same image vectors on every machine."),
)

# --- q4: where the kitchen picture stops working -------------------------------------------

q4 = ThoughtQuestion(
    "A real kitchen puts each item on exactly one shelf. Think of an item that belongs on "
    "two shelves at once. Where would an embedding put it, and why is that an advantage of "
    "an embedding over shelves?",
    hints=["Look where the honey landed in question 1."],
)


progress = bind_questions(globals())
