"""Building blocks the nbNN exercise modules share to compute answers and recognise mistakes.

A typical mistake is recognised by recomputing the result the mistaken way (ranking by dot
product instead of cosine similarity, taking the argmin instead of the argmax, ...) and
comparing it with the learner's. :func:`instead` reports a mistake only when the mistaken way
gives a different result from the right one on that test case, so a right result is never
blamed. Similarities come from :func:`vectorkit.cosine_similarity` in float64; the learner's
own functions are still run and checked independently.

Example:
    >>> import numpy as np
    >>> m = np.array([[1.0, 0.0], [10.0, 8.0], [0.5, 0.1]])
    >>> best_row([1, 0], m), best_row([1, 0], m, "dot")
    (0, 1)
    >>> instead(1, best_row([1, 0], m, "dot"), best_row([1, 0], m))
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vectorkit.similarity import cosine_similarity, dot_product, euclidean_distance

#: Ways to rank rows: "cosine" is right; "dot", "euclidean" (closest first) and "least"
#: (least similar first) are the typical mistakes.
RULES = ("cosine", "dot", "euclidean", "least")


def cosine(a, b):
    """:func:`vectorkit.cosine_similarity` in float64: the precision the checks compare at."""
    return cosine_similarity(a, b, dtype="float64")


def scores(a, b, rule: str = "cosine"):
    """How strongly ``rule`` prefers each row of ``b`` for each row of ``a`` (higher first)."""
    if rule == "cosine":
        return cosine(a, b)
    if rule == "least":
        return -cosine(a, b)
    if rule == "dot":
        return dot_product(a, b, dtype="float64")
    if rule == "euclidean":
        return -euclidean_distance(a, b, dtype="float64")
    raise ValueError(f"`rule` must be one of {list(RULES)}, got {rule!r}")


def best_row(query, vectors, rule: str = "cosine") -> int:
    """The index of the row of ``vectors`` that ``rule`` ranks first for ``query``."""
    return int(np.argmax(scores(vectors, query, rule)))


def best_pair(vectors, rule: str = "cosine") -> tuple[int, int]:
    """The pair of different rows ``(i, j)``, ``i < j``, that ``rule`` ranks first."""
    s = np.array(scores(vectors, vectors, rule), dtype=float)
    np.fill_diagonal(s, -np.inf)
    i, j = np.unravel_index(int(np.argmax(s)), s.shape)
    return (int(min(i, j)), int(max(i, j)))


def instead(got, mistaken, right) -> bool:
    """True if ``got`` is the ``mistaken`` result and that differs from the ``right`` one."""
    return mistaken != right and got == mistaken


def instead_close(got, mistaken: float, right: float) -> bool:
    """:func:`instead` for numbers: equal up to float rounding."""
    return (not np.isclose(mistaken, right, rtol=1e-6)
            and bool(np.isclose(float(got), mistaken, rtol=1e-5)))


def says(*texts: str) -> Callable[[object], bool]:
    """A predicate: the answer is one of ``texts``, ignoring case and outer spaces."""
    wanted = {t.casefold() for t in texts}
    return lambda x: isinstance(x, str) and x.strip().casefold() in wanted
