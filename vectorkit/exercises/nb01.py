"""Exercises for notebook 01, "Vectors and similarity".

    from vectorkit.exercises import ____, nb01 as ex
    ex.q1.check(answer); ex.q1.hint(); ex.q1.solution(); ex.progress()

This module is also the worked example for authors of later ``nbNN`` modules: questions
``q1, q2, ...`` at module level, typical mistakes recognised with :class:`Mistake`, and
``progress = bind_questions(globals())`` at the end.
"""

from __future__ import annotations

import numpy as np

from vectorkit.exercises import (
    Case,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)
from vectorkit.exercises._checker.compare import describe
from vectorkit.exercises._mistakes import best_row, cosine, instead

# --- q1: cosine similarity by hand ---------------------------------------------------------

_A, _B = np.array([1.0, 2.0, 2.0]), np.array([2.0, -1.0, 2.0])


def _near(x, target, tol=5e-3) -> bool:
    return abs(float(x) - target) <= tol


q1 = ValueQuestion(
    "Compute by hand the cosine similarity of a = [1, 2, 2] and b = [2, -1, 2]. Use Python "
    "only as a calculator (no similarity function). Give at least two decimals, or write the "
    "exact fraction as a Python expression such as 3 / 7.",
    float(_A @ _B / (np.linalg.norm(_A) * np.linalg.norm(_B))),
    atol=5e-3,
    mistakes=[
        Mistake(lambda x: _near(x, 4.0), "that is the dot product a \u00b7 b; cosine similarity "
                "then divides it by the lengths of both vectors"),
        Mistake(lambda x: _near(x, 4 / 3), "it looks like you divided by the length of only one "
                "vector: divide by |a| \u00d7 |b|"),
        Mistake(lambda x: _near(x, 4 / 81), "it looks like you divided by the squared lengths: "
                "the length of a vector is the square root of the sum of its squared entries"),
        Mistake(lambda x: _near(x, 8 / 9), "check the middle term of the dot product: "
                "2 \u00d7 (-1) is negative"),
        Mistake(lambda x: float(x) > 1, "cosine similarity is never above 1: did you divide the "
                "dot product by the lengths of both vectors?"),
        Mistake(lambda x: float(x) < 0, "the sign is wrong: these vectors point in broadly the "
                "same direction"),
    ],
    hints=[
        "cosine similarity = (a \u00b7 b) / (|a| \u00d7 |b|). Start with the dot product: "
        "multiply matching entries and add the products up.",
        "|a| = sqrt(1\u00b2 + 2\u00b2 + 2\u00b2) = 3. Compute |b| the same way, then divide "
        "a \u00b7 b by |a| \u00d7 |b|.",
    ],
    explanation="Dot product 4, both lengths 3, so the cosine is 4 / 9.",
)

# --- q2: cosine_similarity(a, b) -------------------------------------------------------------


def _cosine(a, b):
    return float(cosine(a, b))  # raises ValueError for a zero vector, as the question asks


def _squared_norms_mistake(got, a, b) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.isclose(float(got), a @ b / ((a @ a) * (b @ b)), rtol=1e-4)


_ZERO_MESSAGE = ("{where} your function returned {got}; cosine similarity is undefined for a "
                 "zero vector, and the question asks you to raise ValueError in that case")
_RNG = np.random.default_rng(1)

q2 = FunctionQuestion(
    "Write a function cosine_similarity(a, b) that returns the cosine similarity of two "
    "vectors (lists or 1-D numpy arrays of the same length) as a float. Write it yourself "
    "with numpy (np.sum or np.dot, np.sqrt or np.linalg.norm), not with a library's cosine "
    "function. If either vector is the zero vector, raise ValueError: the cosine is undefined.",
    _cosine,
    [
        Case(([1, 0], [0, 1]), label="two perpendicular vectors"),
        Case(([3, 4], [3, 4]), label="two identical vectors"),
        Case(([1, 2, 2], [2, -1, 2]), label="the vectors of question 1"),
        Case(([1, 2], [-2, -4]), label="vectors pointing in opposite directions", hidden=True),
        Case(([1, 1], [10, 10]), label="same direction, different lengths", hidden=True),
        Case((_RNG.normal(size=50).astype(np.float32), _RNG.normal(size=50).astype(np.float32)),
             label="two 50-dimensional float32 arrays", hidden=True),
        Case(([0, 0, 0], [1, 2, 3]), label="a zero vector as a", hidden=True, raises=ValueError,
             message=_ZERO_MESSAGE),
        Case((np.array([1.0, 2.0, 3.0]), np.zeros(3)), label="a zero vector as b", hidden=True,
             raises=ValueError, message=_ZERO_MESSAGE),
    ],
    func_name="cosine_similarity",
    rtol=1e-5, atol=1e-6,
    forbidden=["vectorkit.similarity.cosine_similarity",
               "sklearn.metrics.pairwise.cosine_similarity"],
    mistakes=[
        Mistake(lambda got, a, b: float(got) > 1 + 1e-6,
                "your function returns a value above 1 {where}: cosine similarity is at most 1, "
                "so divide the dot product by the lengths of both vectors"),
        Mistake(lambda got, a, b: float(got) < -1 - 1e-6,
                "your function returns a value below -1 {where}: cosine similarity is at least "
                "-1, so divide the dot product by the lengths of both vectors"),
        Mistake(_squared_norms_mistake,
                "your function gives a wrong result {where}: it looks like you divided by the "
                "squared lengths; a vector's length is the square root of a \u00b7 a"),
        Mistake(lambda got, a, b: float(got) > 0 > _cosine(a, b),
                "your function returns a positive value {where}, but vectors pointing in "
                "opposite directions have a negative cosine: do not take absolute values"),
    ],
    hints=[
        "cosine_similarity(a, b) = (a \u00b7 b) / (|a| \u00d7 |b|). Convert the inputs with "
        "np.asarray(a, dtype=float) so lists work too.",
        "The length |a| is np.sqrt(np.sum(a * a)) (or np.linalg.norm(a)). Check both lengths "
        "before dividing: `if norm_a == 0 or norm_b == 0: raise ValueError(...)`.",
        "Return float(np.dot(a, b) / (norm_a * norm_b)).",
    ],
    explanation="Divide the dot product by both lengths, after refusing zero vectors.",
)

# --- q3: nearest_neighbour(query, vectors) ------------------------------------------------


def _nearest(query, vectors):
    return best_row(query, vectors)


def _same_index(got, expected):
    if isinstance(got, np.ndarray) and got.ndim > 0:
        return (f"it returns an array of shape {got.shape}; return a single int, the index of "
                "the most similar row")
    if isinstance(got, (float, np.floating)):
        return ("it returns a float; return the index (an int) of the most similar row, "
                "for example with int(np.argmax(...)), not its similarity")
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        return f"it returns {describe(got)}; return an int, the index of the row"
    return None if int(got) == expected else False


def _picked_by(rule: str):
    return lambda got, q, m: instead(int(got), best_row(q, m, rule), best_row(q, m))


_M = _RNG.normal(size=(100, 16))

q3 = FunctionQuestion(
    "Write a function nearest_neighbour(query, vectors) that returns the index (an int) of "
    "the row of `vectors` (a 2-D array or a list of lists, one vector per row) with the "
    "highest cosine similarity to `query`. You may assume no vector is the zero vector and "
    "there are no ties. You can use your cosine_similarity from question 2.",
    _nearest,
    [
        Case(([1, 0], [[0, 1], [10, 8], [0.5, 0.1]]), label="a long vector and a short one"),
        Case(([1, 0], [[0.9, 0.5], [5, 0.1], [-1, 0]]), label="a near vector that points away"),
        Case(([1, 2], [[3, 1]]), label="a single row", hidden=True),
        Case(([1, 1], [[-1, -2], [-3, -1], [-1, -1.1]]), label="all similarities negative",
             hidden=True),
        Case((np.array([1.0, -1.0, 0.0]),
              np.array([[-1, 1, 0], [2, -1.5, 0.5], [0, 0, 1], [3, -2, 2.5]], dtype=float)),
             label="a 3-D numpy array", hidden=True),
        Case((_M[0] + 0.1 * _RNG.normal(size=16), _M * _RNG.uniform(0.2, 5.0, size=(100, 1))),
             label="100 random vectors of different lengths in 16 dimensions", hidden=True),
    ],
    func_name="nearest_neighbour",
    compare=_same_index,
    mistakes=[
        Mistake(_picked_by("dot"),
                "your function picks the row with the largest dot product {where}; cosine "
                "similarity divides by the lengths, so a long vector must not win just by "
                "being long"),
        Mistake(_picked_by("euclidean"),
                "your function picks the closest row by Euclidean distance {where}; the question "
                "asks for the highest cosine similarity (the smallest angle)"),
        Mistake(_picked_by("least"),
                "your function returns the least similar row {where}: use argmax, not argmin"),
        Mistake(lambda got, q, m: int(got) == _nearest(q, m) + 1,
                "your index is one too high {where}: Python counts rows from 0"),
    ],
    hints=[
        "Compute the cosine similarity of the query with every row, then find the position "
        "of the largest one: np.argmax gives the index of the largest value.",
        "sims = [cosine_similarity(query, row) for row in vectors], then return "
        "int(np.argmax(sims)).",
    ],
    explanation="Score every row with cosine similarity and return the position of the best.",
)

# --- q4: why normalising makes dot product and cosine agree --------------------------------

q4 = ThoughtQuestion(
    "Many embedding tools normalise every vector to length 1 and then rank by dot product "
    "instead of cosine similarity. Why do the two give the same numbers after normalising? "
    "What goes wrong if you rank by dot product without normalising?",
    hints=["Write out the cosine formula and set both lengths to 1."],
)

progress = bind_questions(globals())
