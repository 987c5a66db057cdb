"""Exercises for notebook 11, "The challenges".

    from vectorkit.exercises import ____, nb11 as ex
    ex.q1.check(association); ex.q2.check(most_harmful)

Question 1 is checked on small made-up vectors; question 2 on the notebook's robustness table
(the answer was measured with MiniLM); question 3 is a thought question.
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

progress = bind_questions(globals())
