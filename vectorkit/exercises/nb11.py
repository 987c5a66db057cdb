"""Exercises for notebook 11, "The challenges".

    from vectorkit.exercises import ____, nb11 as ex
    ex.q1.check(association); ex.q2.check(most_harmful); ex.q4.check(knn_distance)

Questions 1 and 4 are checked on small made-up vectors; question 2 on the notebook's
robustness table (the answer was measured with MiniLM); question 3 is a thought question.
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


def _association(w, X, Y):
    w, X, Y = (np.asarray(a, dtype=float) for a in (w, X, Y))

    def cos(m):
        return (m @ w) / (np.linalg.norm(m, axis=1) * np.linalg.norm(w))

    return float(cos(X).mean() - cos(Y).mean())


def _dot(got, w, X, Y):
    w, X, Y = (np.asarray(a, dtype=float) for a in (w, X, Y))
    value = float((X @ w).mean() - (Y @ w).mean())
    return np.isclose(got, value) and not np.isclose(value, _association(w, X, Y))


q1 = FunctionQuestion(
    "Write a function association(w, X, Y) that returns, as a float, the mean cosine "
    "similarity of the vector w to the rows of X minus its mean cosine similarity to the "
    "rows of Y.",
    _association,
    [
        Case(([1.0, 0.0], [[1.0, 0.0], [1.0, 1.0]], [[0.0, 1.0]]), label="2-D vectors"),
        Case(([2.0, 1.0, 0.0], [[3.0, 0.0, 0.0]], [[0.0, 0.0, 5.0], [0.0, 4.0, 0.0]]),
             label="vectors of different lengths"),
        Case(([0.5, 0.5], [[2.0, 0.0]], [[0.0, 3.0], [1.0, 1.0]]), label="hidden", hidden=True),
    ],
    func_name="association",
    mistakes=[Mistake(_dot, "{where} your function returned {got}, which uses dot products; "
                            "divide by the lengths of the vectors to get cosines")],
    hints=["The cosine of w and a row x is (x . w) / (|x| |w|); compute it for every row of X.",
           "`(X @ w) / (np.linalg.norm(X, axis=1) * np.linalg.norm(w))` gives all cosines of "
           "X; take the mean, and do the same for Y."],
)

q2 = ValueQuestion(
    "In the table of section 4, which kind of change lowers MiniLM's mean similarity the "
    "most (not counting the unrelated pairs)? Give its name as a string.",
    "typo",
    choices=["paraphrase", "typo", "negation", "number", "word order", "unrelated"],
    choices_name="the rows of the table",
    mistakes=[Mistake(lambda got: str(got).strip().lower() == "unrelated",
                      "the unrelated pairs are the other end of the scale, not a change of "
                      "the sentence: leave them out")],
    hints=["`robust['MiniLM']` is the column of the table; drop the row 'unrelated'.",
           "`.idxmin()` gives the row with the smallest value."],
)

q3 = ThoughtQuestion(
    "A colleague runs the WEAT of section 1.2 on the model that ranks job applications, finds "
    "an effect size of 1.6 with p < 0.01 and concludes that the ranking discriminates against "
    "women. What does the probe support, what does it not, and what would you measure?",
    hints=["Think of the difference between the geometry of a few chosen words and the "
           "decisions of a whole application."],
)

# --- q4: the anomaly score ------------------------------------------------------------------------


def _cosines(reference, queries):
    R, Q = np.asarray(reference, dtype=float), np.asarray(queries, dtype=float)
    R = R / np.linalg.norm(R, axis=1, keepdims=True)
    Q = Q / np.linalg.norm(Q, axis=1, keepdims=True)
    return Q @ R.T


def _knn_distance(reference, queries, k):
    top = -np.sort(-_cosines(reference, queries), axis=1)[:, :k]
    return 1.0 - top.mean(axis=1)


def _knn_alternative(kind):
    """Recognise one wrong reading of the score (true only where it differs from the right one)."""
    def when(got, reference, queries, k):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return False
        sims = _cosines(reference, queries)
        right = _knn_distance(reference, queries, k)
        if kind == "farthest":
            alt = 1.0 - np.sort(sims, axis=1)[:, :k].mean(axis=1)
        elif kind == "all rows":
            alt = 1.0 - sims.mean(axis=1)
        elif kind == "similarity":
            alt = 1.0 - right
        else:  # "euclidean": mean distance to the k nearest rows, not normalised
            R, Q = np.asarray(reference, dtype=float), np.asarray(queries, dtype=float)
            d = np.linalg.norm(Q[:, None, :] - R[None, :, :], axis=2)
            alt = np.sort(d, axis=1)[:, :k].mean(axis=1)
        return (got.shape == right.shape and not np.allclose(alt, right)
                and np.allclose(got, alt, rtol=1e-6, atol=1e-9))
    return when


def _compare_scores(got, expected):
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return "return a numpy array of numbers, one score per query"
    if arr.shape != expected.shape:
        return (f"return one score per query: an array of shape {expected.shape}, got shape "
                f"{arr.shape}")
    return None if np.allclose(arr, expected, rtol=1e-6, atol=1e-9) else False


q4 = FunctionQuestion(
    "Stretch: write knn_distance(reference, queries, k), the anomaly score of section 5: for "
    "each row of `queries`, one minus the mean cosine similarity of its k MOST similar rows of "
    "`reference`. Return a numpy array with one score per query.",
    _knn_distance,
    [
        Case((np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]]), np.array([[0.0, 1.0], [1.0, 0.0]]),
              1), label="3 reference rows in 2-D, k=1"),
        Case((np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
              np.array([[1.0, 0.2, 0.0], [0.0, 0.0, 4.0], [1.0, 1.0, 1.0]]), 2),
             label="rows of different lengths, k=2"),
        Case((np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, 0.5], [0.3, -2.0], [1.0, 1.0]]),
              np.array([[1.0, 1.5], [-2.0, -1.0]]), 3), hidden=True,
             label="5 reference rows, some opposite, k=3"),
    ],
    func_name="knn_distance",
    compare=_compare_scores,
    mistakes=[
        Mistake(_knn_alternative("farthest"), "your function averages the k LEAST similar "
                "reference rows {where}; the score uses the k nearest (most similar) ones"),
        Mistake(_knn_alternative("all rows"), "your function averages over every reference "
                "row {where}; keep only the k most similar ones"),
        Mistake(_knn_alternative("similarity"), "your function returns the mean similarity "
                "{where}; the score is a distance: one minus that mean"),
        Mistake(_knn_alternative("euclidean"), "your function uses straight-line (Euclidean) "
                "distances {where}; the score is built from cosine similarities"),
    ],
    hints=["Scale every row of both arrays to length 1; then `queries @ reference.T` is the "
           "table of cosines, one row per query.",
           "Sort each row of that table from large to small (`-np.sort(-sims, axis=1)`), keep "
           "the first k columns, and return `1 - top.mean(axis=1)`."],
    explanation="That is vk.train.knn_scores(reference, queries, k=k), which searches a "
                "vk.Index instead of building the whole table, so memory stays bounded.",
)

progress = bind_questions(globals())
