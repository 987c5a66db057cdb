"""Exercises for notebook 10, "Across languages and modalities".

    from vectorkit.exercises import ____, nb10 as ex
    ex.q1.check(unlabelled_accuracy); ex.q2.check(accuracy_at_1); ex.q3.check(error_rates)

Question 1 runs ``vk.images_as_text`` over the 16 course photos with the bundled models (on
the first check, not at import); questions 2 and 3 are checked on small made-up inputs.
"""

from __future__ import annotations

import functools
import inspect
import re

import numpy as np

from vectorkit.exercises import (
    Case,
    FreeCheckQuestion,
    FunctionQuestion,
    LazyValueQuestion,
    Mistake,
    ThoughtQuestion,
    bind_questions,
)
from vectorkit.exercises._checker.compare import describe
from vectorkit.exercises._checker.function import signature_problem
from vectorkit.exercises._checker.placeholder import uses_placeholder

# --- q1: zero-shot image search on concepts ImageNet has no label for -------------------------


@functools.cache
def _image_search() -> dict:
    """Accuracy@1 of the notebook's zero-shot search per query kind, and the counts."""
    import vectorkit as vk

    photos = vk.datasets.load_images()
    names = [p.name for p in photos]
    vectors = vk.images_as_text([p.image for p in photos], top_k=5)
    queries = vk.datasets.load_image_queries()
    q = vk.load_model("text").embed(queries["query"].tolist())
    hit = np.array([names[i] for i in np.argmax(q @ vectors.T, axis=1)]) == queries["image"]
    kinds = queries["kind"].to_numpy()
    return {"unlabelled": float(hit[kinds == "unlabelled"].mean()),
            "labelled": float(hit[kinds == "labelled"].mean()), "all": float(hit.mean()),
            "count": int(hit[kinds == "unlabelled"].sum())}


def _is(key):
    def when(x):
        r = _image_search()
        return abs(float(x) - r[key]) < 1e-3 and abs(r[key] - r["unlabelled"]) > 1e-3
    return when


q1 = LazyValueQuestion(
    "Using the zero-shot search of section 3 (image_vectors and the queries of "
    "vk.datasets.load_image_queries()), what fraction of the 12 'unlabelled' queries put "
    "their photo first? Give a number between 0 and 1.",
    lambda: _image_search()["unlabelled"],
    atol=1e-3,
    mistakes=[
        Mistake(_is("labelled"), "that is the accuracy on the labelled queries; keep only the "
                "rows whose kind is 'unlabelled'"),
        Mistake(_is("all"), "that is the accuracy over all 24 queries; keep only the rows "
                "whose kind is 'unlabelled'"),
        Mistake(lambda x: float(x) == _image_search()["count"] and float(x) >= 1,
                "that is a count of queries; divide by the number of unlabelled queries"),
        Mistake(lambda x: float(x) > 1, "a fraction is between 0 and 1"),
    ],
    hints=[
        "The table of section 3 has a column saying whether each query's photo came first, "
        "and a column with the kind of query.",
        "results.loc[results['kind'] == 'unlabelled', 'correct'].mean()",
    ],
    explanation="Select the unlabelled queries, then the mean of a True/False column is the "
                "fraction of True.",
)

# --- q2: accuracy@1 of cross-lingual retrieval -------------------------------------------------


def _acc1(query_vectors, target_vectors):
    q = np.asarray(query_vectors, dtype=np.float64)
    t = np.asarray(target_vectors, dtype=np.float64)
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    t = t / np.linalg.norm(t, axis=1, keepdims=True)
    return float(np.mean(np.argmax(q @ t.T, axis=1) == np.arange(len(q))))


def _argmin_instead(got, q, t):
    qq = np.asarray(q, float)
    tt = np.asarray(t, float)
    s = (qq / np.linalg.norm(qq, axis=1, keepdims=True)) @ (
        tt / np.linalg.norm(tt, axis=1, keepdims=True)).T
    mistaken = float(np.mean(np.argmin(s, axis=1) == np.arange(len(qq))))
    return mistaken != _acc1(q, t) and np.isclose(float(got), mistaken)


def _dot_instead(got, q, t):
    s = np.asarray(q, float) @ np.asarray(t, float).T
    mistaken = float(np.mean(np.argmax(s, axis=1) == np.arange(len(s))))
    return mistaken != _acc1(q, t) and np.isclose(float(got), mistaken)


def _number_reason(got, expected):
    if isinstance(got, bool) or not isinstance(got, int | float | np.floating | np.integer):
        return f"it returns {describe(got)}; return one number between 0 and 1"
    return None if np.isclose(float(got), expected, atol=1e-9) else False


q2 = FunctionQuestion(
    "Write a function accuracy_at_1(query_vectors, target_vectors): row i of query_vectors "
    "(a sentence in one language) should find row i of target_vectors (its translation). "
    "Return the fraction of rows whose most cosine-similar target row is the right one.",
    _acc1,
    [
        Case(([[1.0, 0.0], [0.0, 1.0]], [[0.9, 0.1], [0.2, 0.8]]), label="both found"),
        Case(([[1.0, 0.0], [0.7, 0.7], [0.0, 1.0]], [[1.0, 0.1], [0.0, 1.0], [0.6, 0.8]]),
             label="one of three found"),
        Case(([[3.0, 0.0], [0.0, 1.0]], [[1.0, 0.2], [10.0, 9.0]]),
             label="vectors of very different lengths", hidden=True),
        Case((np.eye(4), np.eye(4)[[1, 0, 2, 3]]), label="two swapped", hidden=True),
    ],
    func_name="accuracy_at_1",
    compare=_number_reason,
    mistakes=[
        Mistake(_argmin_instead, "your function picks the LEAST similar target {where}: take "
                "the argmax of the cosine similarities"),
        Mistake(_dot_instead, "your function ranks by the dot product {where}; long vectors "
                "then win. Divide by the lengths (cosine similarity)"),
    ],
    hints=[
        "Scale every row to length 1; then S = queries @ targets.T holds all cosine "
        "similarities, one row per query.",
        "np.mean(np.argmax(S, axis=1) == np.arange(len(S)))",
    ],
    explanation="The right target of row i is row i, so compare each row's argmax with its "
                "own index.",
)

# --- q3: false accepts and false rejects at a threshold ---------------------------------------


def _rates(scores, genuine, threshold):
    s = np.asarray(scores, dtype=np.float64)
    g = np.asarray(genuine, dtype=bool)
    accept = s >= threshold
    return (float(np.mean(accept[~g])), float(np.mean(~accept[g])))


def _swapped(got, scores, genuine, threshold):
    far, frr = _rates(scores, genuine, threshold)
    return far != frr and np.allclose(got, (frr, far))


def _strict(got, scores, genuine, threshold):
    s, g = np.asarray(scores, float), np.asarray(genuine, bool)
    mistaken = (float(np.mean(s[~g] > threshold)), float(np.mean(s[g] <= threshold)))
    return mistaken != _rates(scores, genuine, threshold) and np.allclose(got, mistaken)


def _counts(got, scores, genuine, threshold):
    s, g = np.asarray(scores, float), np.asarray(genuine, bool)
    counts = (float(np.sum(s[~g] >= threshold)), float(np.sum(s[g] < threshold)))
    return counts != _rates(scores, genuine, threshold) and np.allclose(got, counts)


def _pair_reason(got, expected):
    if not isinstance(got, tuple | list) or len(got) != 2:
        return (f"it returns {describe(got)}; return a tuple of two numbers: "
                "(false_accept_rate, false_reject_rate)")
    return None if np.allclose([float(x) for x in got], expected, atol=1e-9) else \
        False


q3 = FunctionQuestion(
    "Write a function error_rates(scores, genuine, threshold) returning a tuple "
    "(false_accept_rate, false_reject_rate). A pair is accepted when its score >= threshold. "
    "The false-accept rate is the fraction of impostor pairs (genuine False) accepted; the "
    "false-reject rate the fraction of genuine pairs (genuine True) rejected.",
    _rates,
    [
        Case(([0.9, 0.8, 0.4, 0.7, 0.3, 0.2], [True, True, True, False, False, False], 0.5),
             label="one error of each kind"),
        Case(([0.95, 0.9, 0.6, 0.5], [True, True, False, False], 0.8), label="no errors"),
        Case(([0.5, 0.7, 0.5, 0.2], [True, True, False, False], 0.5),
             label="scores equal to the threshold", hidden=True),
        Case(([0.9, 0.6, 0.65, 0.7, 0.1], [True, True, False, False, False], 0.62),
             label="more impostors than genuine pairs", hidden=True),
    ],
    func_name="error_rates",
    compare=_pair_reason,
    mistakes=[
        Mistake(_swapped, "your two numbers are the right way round only if you swap them "
                "{where}: false accepts are impostor pairs let in, false rejects genuine pairs "
                "kept out"),
        Mistake(_strict, "your function treats a score equal to the threshold as rejected "
                "{where}; the question accepts a pair when score >= threshold"),
        Mistake(_counts, "your function returns counts {where}; divide by the number of "
                "impostor (or genuine) pairs"),
    ],
    hints=[
        "accept = scores >= threshold gives one True/False per pair. Which of those should be "
        "False for an impostor pair?",
        "With s = np.asarray(scores) and g = np.asarray(genuine, dtype=bool): false accepts are "
        "accept[~g], false rejects are ~accept[g]; take the mean of each.",
    ],
    explanation="Accept by threshold, then look at impostors accepted and genuine pairs "
                "rejected, each as a fraction of its own kind.",
)

# --- q4: why an ImageNet embedding is the wrong tool for identity -----------------------------

q4 = ThoughtQuestion(
    "Section 5 found that two different people's faces score higher (about 0.75) than a face "
    "and a strongly varied copy of itself. Why is an embedding trained on ImageNet the wrong "
    "tool for telling people apart, and how are face-recognition models trained differently?",
    hints=["What are the classes of ImageNet, and is 'this particular person' one of them?"],
)

# --- q5: make numbers exact before embedding --------------------------------------------------

#: The number words 1..20 of section 3 (German "eins" for 1).
NUMBER_WORDS_EN = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                   "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
NUMBER_WORDS_DE = ("eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn "
                   "vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig").split()

# (English template, German template): the notebook's, then two the learner has not seen
_TEMPLATES = [("Please take bus number {}.", "Bitte nehmen Sie den Bus Nummer {}."),
              ("The answer is {}.", "Die Antwort ist {}."),
              ("Our table is number {}.", "Unser Tisch ist Nummer {}.")]

_DIGITS = {w: str(i) for words in (NUMBER_WORDS_EN, NUMBER_WORDS_DE)
           for i, w in enumerate(words, 1)}


def _normalise(text):
    return re.sub(r"\w+", lambda m: _DIGITS.get(m.group(0).lower(), m.group(0)), text)


def _top1(model, en, de) -> float:
    q, t = model.embed(en, progress=False), model.embed(de, progress=False)
    return float(np.mean(np.argmax(q @ t.T, axis=1) == np.arange(len(q))))


def _numbers_exact(fn):
    import vectorkit as vk

    if not callable(fn):
        return "pass your function itself, e.g. ex.q5.check(normalise) without parentheses"
    problem = signature_problem(fn, "normalise", inspect.signature(_normalise), [(("a",), {})])
    if problem:
        return problem
    model = vk.load_model("text")

    def apply(texts):
        out = [fn(t) for t in texts]
        for o in out:
            if not isinstance(o, str):
                raise TypeError(f"normalise must return a str, it returned {describe(o)}")
        return out

    try:
        for en, de in _TEMPLATES:
            score = _top1(model, apply([en.format(w) for w in NUMBER_WORDS_EN]),
                          apply([de.format(w) for w in NUMBER_WORDS_DE]))
            if score < 1.0:
                return (f"with your normalise, the sentences like {en.format('n')!r} find "
                        f"their translation {score:.0%} of the time; every number must match")
        parallel = vk.datasets.load_parallel(["en", "de"])
        score = _top1(model, apply(parallel["en"].tolist()), apply(parallel["de"].tolist()))
    except Exception as exc:
        return f"calling your normalise raised {type(exc).__name__}: {exc}"
    if score < 0.95:
        return (f"your normalise damages ordinary sentences: the 64 parallel sentences now find "
                f"their translation only {score:.0%} of the time")
    return True


class _FunctionAnswer(FreeCheckQuestion):
    def is_untouched(self, answer) -> bool:
        return super().is_untouched(answer) or uses_placeholder(answer)


q5 = _FunctionAnswer(
    "Write normalise(text): return the text with every number word from one to twenty, in "
    "English or German (words_en, words_de of section 3), replaced by its digits, so that "
    "'bus number eleven' and 'Bus Nummer elf' both say 11 before they are embedded. The check "
    "embeds the number probes of section 3 and two more templates after your normalise: every "
    "sentence must find its translation, and the 64 parallel sentences must still find theirs.",
    _numbers_exact,
    reference=_normalise,
    hints=[
        "Build one dict from word to digits for both languages: "
        "{w: str(i) for i, w in enumerate(words_en, 1)}, and the same for words_de.",
        "re.sub(r'\\w+', lambda m: digits.get(m.group(0).lower(), m.group(0)), text) replaces "
        "each word that is in the dict and keeps the others.",
    ],
    explanation="Digits are the same string in every language, so after normalising the "
                "numbers match exactly; the embedding no longer has to guess which number "
                "word means which.",
)

progress = bind_questions(globals())
