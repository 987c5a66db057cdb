"""Exercises for notebook 07, "Creating embeddings".

    from vectorkit.exercises import ____, nb07 as ex
    ex.q1.check(answer); ex.q2.check(cooccurrence); ex.q3.check(ppmi); ex.q5.check(top_feature)

The function questions run on small inputs written here (no model, no training), so they
check instantly. The answer of q1 comes from ``vk.train.count_vectors`` on the kitchen corpus,
which is deterministic; ``tests/test_nb07_exercises.py`` recomputes it.
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
from vectorkit.exercises._mistakes import says

# --- q1: an analogy -----------------------------------------------------------------------------

q1 = ValueQuestion(
    "With the count vectors of the kitchen corpus (vk.train.count_vectors(kitchen.sentences, "
    "dim=50, window=2)), complete the analogy grape : wine :: apple : ? -- give the first "
    "answer of counts.analogy('grape', 'wine', 'apple') as a string.",
    "cider",
    mistakes=[
        Mistake(says("grape", "wine", "apple"), "analogy() never returns one of the three "
                "words you give it: give the first word it returns"),
        Mistake(says("beer", "whisky"), "that is a later answer of the list: give the FIRST "
                "word of counts.analogy('grape', 'wine', 'apple')"),
        Mistake(says("lemonade", "juice"), "that is a drink, but not the first word the "
                "analogy returns: call counts.analogy(a, b, c) with a='grape', b='wine', "
                "c='apple' (a : b :: c : ?) and give its first word"),
    ],
    hints=["counts.analogy(a, b, c, k=3) returns [(word, score), ...] for a : b :: c : ?",
           "counts.analogy('grape', 'wine', 'apple', k=1)[0][0]"],
    explanation="wine - grape + apple lands on cider: cider shares 'the orchard' with apple as "
                "wine shares 'the vineyard' with grape, and both are alcoholic drinks.",
)

# --- q2: co-occurrence counts -------------------------------------------------------------------


def _cooccurrence(sentences, window):
    counts = {}
    for sentence in sentences:
        words = sentence.split()
        for i, word in enumerate(words):
            for j in range(max(0, i - window), min(len(words), i + window + 1)):
                if j != i:
                    counts[word, words[j]] = counts.get((word, words[j]), 0) + 1
    return counts


def _as_counts(got):
    if not isinstance(got, dict):
        return None
    try:
        return {tuple(k): int(v) for k, v in got.items() if v}
    except (TypeError, ValueError):
        return None


def _compare_counts(got, expected):
    counts = _as_counts(got)
    if counts is None:
        return "return a dict {(word, other): count}"
    return None if counts == {k: v for k, v in expected.items() if v} else False


def _cooc_mistake(kind):
    def when(got, sentences, window):
        counts = _as_counts(got)
        right = _cooccurrence(sentences, window)
        if counts is None:
            return False
        if kind == "wider":
            alt = _cooccurrence(sentences, window + 1)
        elif kind == "narrower":
            alt = _cooccurrence(sentences, window - 1) if window > 1 else {}
        elif kind == "forward":
            alt = {}
            for s in sentences:
                w = s.split()
                for i in range(len(w)):
                    for j in range(i + 1, min(len(w), i + window + 1)):
                        alt[w[i], w[j]] = alt.get((w[i], w[j]), 0) + 1
        else:  # "self": the word counted as its own neighbour
            alt = dict(right)
            for s in sentences:
                for w in s.split():
                    alt[w, w] = alt.get((w, w), 0) + 1
        return alt != right and counts == alt
    return when


q2 = FunctionQuestion(
    "Write cooccurrence(sentences, window): a dict {(word, other): count} that counts, over "
    "all sentences (split with str.split()), how often `other` occurs within `window` words "
    "before or after `word` in the same sentence. Both orders count: in 'a b', ('a', 'b') and "
    "('b', 'a') each get 1. A word is not its own neighbour.",
    _cooccurrence,
    [
        Case((["a b c"], 1), label="one sentence 'a b c', window 1"),
        Case((["a b c", "c a"], 2), label="two sentences, window 2"),
        Case((["the cat sat on the mat", "the dog sat"], 2), hidden=True,
             label="a repeated word ('the') in one sentence"),
        Case((["lemon", "tea with lemon"], 1), hidden=True,
             label="a one-word sentence (no pairs)"),
        Case((["x y x y x"], 3), hidden=True, label="a window wider than half the sentence"),
    ],
    func_name="cooccurrence",
    compare=_compare_counts,
    mistakes=[
        Mistake(_cooc_mistake("wider"), "your function counts words up to window + 1 away "
                "{where}: a range(i - window, i + window) needs a + 1 at the end"),
        Mistake(_cooc_mistake("narrower"), "your function counts only up to window - 1 words "
                "away {where}: the window includes the word `window` places away"),
        Mistake(_cooc_mistake("forward"), "your function counts only the words AFTER each word "
                "{where}; count the words before it too"),
        Mistake(_cooc_mistake("self"), "your function counts each word as its own neighbour "
                "{where}: skip j == i"),
    ],
    hints=[
        "For each sentence, for each position i, look at positions j from i - window to "
        "i + window (inside the sentence), skipping j == i.",
        "for j in range(max(0, i - window), min(len(words), i + window + 1)): if j != i: "
        "counts[word, words[j]] = counts.get((word, words[j]), 0) + 1",
    ],
    explanation="This table (weighted by 1/distance) is the first step of vk.train."
                "count_vectors; word2vec samples the same pairs one at a time.",
)

# --- q3: positive PMI ----------------------------------------------------------------------------


def _ppmi(C):
    C = np.asarray(C, dtype=float)
    total = C.sum()
    expected = np.outer(C.sum(axis=1), C.sum(axis=0)) / total**2
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C / total / expected)
    return np.where(C > 0, np.maximum(pmi, 0), 0.0)


def _pmi_mistake(kind):
    def when(got, C):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return False
        C = np.asarray(C, dtype=float)
        right = _ppmi(C)
        total = C.sum()
        expected = np.outer(C.sum(axis=1), C.sum(axis=0)) / total**2
        with np.errstate(divide="ignore", invalid="ignore"):
            pmi = np.log(C / total / expected)
        if kind == "negative":
            alt = np.where(C > 0, pmi, 0.0)
        elif kind == "log2":
            alt = right / np.log(2)
        else:  # "counts": p(i, j) compared with the raw counts' product
            with np.errstate(divide="ignore", invalid="ignore"):
                raw = np.log(C / np.outer(C.sum(axis=1), C.sum(axis=0)))
            alt = np.where(C > 0, np.maximum(raw, 0), 0.0)
        return (got.shape == right.shape and not np.allclose(alt, right)
                and np.allclose(got, alt, rtol=1e-6, atol=1e-9))
    return when


def _compare_matrix(got, expected):
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return "return a numpy array of numbers"
    if arr.shape != expected.shape:
        return f"return an array of the shape of C {expected.shape}, got shape {arr.shape}"
    return None if np.allclose(arr, expected, rtol=1e-6, atol=1e-9) else False


q3 = FunctionQuestion(
    "Write ppmi(C): C is a square numpy array of co-occurrence counts. Return "
    "max(0, log(p(i, j) / (p(i) p(j)))) for every cell, with p(i, j) = C[i, j] / C.sum(), "
    "p(i) = row sum / C.sum(), p(j) = column sum / C.sum(), natural log; cells whose count is "
    "0 are 0.",
    _ppmi,
    [
        Case((np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]]),), label="3 words, symmetric counts"),
        Case((np.array([[4, 1], [1, 4]]),), label="2 words that mostly occur with themselves"),
        Case((np.array([[1, 5, 0, 2], [5, 0, 3, 1], [0, 3, 2, 6], [2, 1, 6, 0]]),), hidden=True,
             label="4 words, mixed counts"),
        Case((np.array([[0, 3, 1], [1, 0, 0], [2, 4, 0]]),), hidden=True,
             label="counts that are not symmetric (rows and columns differ)"),
    ],
    func_name="ppmi",
    compare=_compare_matrix,
    mistakes=[
        Mistake(_pmi_mistake("negative"), "your result has negative values {where}: positive "
                "PMI replaces them with 0 (np.maximum(pmi, 0))"),
        Mistake(_pmi_mistake("log2"), "your result is in bits {where} (log2); the question "
                "asks for the natural log (np.log)"),
        Mistake(_pmi_mistake("counts"), "you divided the counts by the product of raw row and "
                "column sums {where}: turn all three into probabilities (divide by C.sum())"),
    ],
    hints=[
        "p_ij = C / C.sum(); p_i = C.sum(axis=1) / C.sum(); p_j = C.sum(axis=0) / C.sum(); "
        "np.outer(p_i, p_j) is the table of products.",
        "pmi = np.log(p_ij / np.outer(p_i, p_j)) (silence the log(0) warning with "
        "np.errstate); return np.where(C > 0, np.maximum(pmi, 0), 0.0)",
    ],
    explanation="PMI says how many times more often two words meet than chance would make "
                "them; keeping only the positive part drops the noisy 'less than chance' cells.",
)

# --- q4: frozen or fine-tuned ---------------------------------------------------------------------

q4 = ThoughtQuestion(
    "A clinic wants to sort 400 labelled skin photos into 3 conditions, starting from an "
    "ImageNet model. Would you freeze the embedding and train a head, or fine-tune? What would "
    "make you change your mind, and how would you decide honestly?",
    hints=["Compare the number of weights each option must learn with the number of labels."],
)

# --- q5: the feature that matters most ------------------------------------------------------------


def _top_feature(a, b, names):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    terms = (a / np.linalg.norm(a)) * (b / np.linalg.norm(b))
    return names[int(np.argmax(terms))]


def _feature_mistake(kind):
    def when(got, a, b, names):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        right = _top_feature(a, b, names)
        if kind == "a only":
            alt = names[int(np.argmax(a))]
        elif kind == "abs":
            alt = names[int(np.argmax(np.abs(a * b)))]
        else:  # "smallest"
            alt = names[int(np.argmin(a * b))]
        return alt != right and got == alt
    return when


q5 = FunctionQuestion(
    "Stretch: write top_feature(a, b, names): the name (from the list `names`) of the feature "
    "that contributes most to the cosine similarity of vectors a and b: the largest "
    "a[i] * b[i] after both are scaled to length 1 (ties: the first one).",
    _top_feature,
    [
        Case(([1.0, 2.0, 0.0], [3.0, 1.0, 5.0], ["red", "green", "blue"]),
             label="three colour features"),
        Case(([0.0, 1.0, 4.0, 1.0], [2.0, 3.0, 0.5, 0.0], ["a", "b", "c", "d"]), hidden=True,
             label="the largest value of a is not the top feature"),
        Case(([-3.0, 1.0, 1.0], [-3.0, 2.0, 0.1], ["x", "y", "z"]), hidden=True,
             label="negative values that agree (a positive term)"),
        Case(([-4.0, 1.0, 1.0], [4.0, 1.0, 0.5], ["p", "q", "r"]), hidden=True,
             label="a large negative term"),
    ],
    func_name="top_feature",
    compare=lambda got, expected: None if got == expected else (
        False if isinstance(got, str) else "return the feature's name (a string from `names`)"),
    mistakes=[
        Mistake(_feature_mistake("a only"), "your function picks the largest value of `a` "
                "{where}; a feature contributes a[i] * b[i]: it must be large in both"),
        Mistake(_feature_mistake("abs"), "your function ranks by the size of a[i] * b[i] "
                "ignoring its sign {where}; a negative term LOWERS the similarity"),
        Mistake(_feature_mistake("smallest"), "your function returns the feature with the "
                "smallest term {where}: use argmax, not argmin"),
    ],
    hints=["The cosine is sum(a_unit * b_unit): each feature adds one term. Which term is "
           "largest?",
           "terms = (a / np.linalg.norm(a)) * (b / np.linalg.norm(b)); "
           "return names[int(np.argmax(terms))]"],
    explanation="That is what vk.features.explain lists, for every feature, largest first.",
)

progress = bind_questions(globals())
