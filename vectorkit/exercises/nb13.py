"""Exercises for notebook 13, "Embeddings inside generative AI".

    from vectorkit.exercises import ____, nb13 as ex
    ex.q1.check(hit_rate); ex.q2.check(n_right); ex.q3.check(nearest_word)
    ex.q5.check(margin)

Question 2 rebuilds the notebook's retriever (the Python help topics of at most
:data:`MAX_TOPIC_CHARS` characters, chunked with ``vk.chunk_text``, embedded by the bundled
text model) on its first check; the embeddings come from the on-disk cache when the notebook
has made them.
"""

from __future__ import annotations

import functools

import numpy as np

from vectorkit.exercises import (
    Case,
    FunctionQuestion,
    LazyValueQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)

#: The notebook's corpus: the help topics up to this length (67 of 79 on Python 3.11).
MAX_TOPIC_CHARS = 10_000

# --- q1: hit rate@k ---------------------------------------------------------------------------


def _hit_rate(ranked_sources, topics, k):
    if len(ranked_sources) != len(topics):
        raise ValueError("one list of sources per question")
    if not topics:
        raise ValueError("no questions")
    return sum(t in list(r)[:k] for r, t in zip(ranked_sources, topics, strict=True)) / len(topics)


_RANKED = [["break", "continue", "for"], ["pass", "del", "if", "assert"], ["for", "while", "break"],
           ["lists", "slicings", "lists"]]
_TOPICS = ["continue", "assert", "while", "slicings"]

q1 = FunctionQuestion(
    "Write a function hit_rate(ranked_sources, topics, k) that returns, as a float, the "
    "fraction of questions whose right topic is among the first k retrieved sources. "
    "`ranked_sources[i]` is the list of sources retrieved for question i (best first) and "
    "`topics[i]` the topic that answers it. Raise ValueError if `topics` is empty.",
    _hit_rate,
    [
        Case((_RANKED, _TOPICS, 1), label="k = 1"),
        Case((_RANKED, _TOPICS, 3), label="k = 3"),
        Case(([["a", "a", "b"]], ["a"], 2), label="the same source twice", hidden=True),
        Case(([["x"], ["y", "z"]], ["z", "y"], 5), label="k longer than the lists", hidden=True),
        Case(([], [], 3), label="no questions", hidden=True, raises=ValueError,
             message="{where} your function returned {got}; with no questions the rate is "
                     "undefined: raise ValueError"),
    ],
    func_name="hit_rate",
    mistakes=[
        Mistake(lambda got, r, t, k: t and got == sum(x in list(y)[:k] for y, x in
                                                      zip(r, t, strict=True)),
                "{where} your function returned {got}, the number of hits; return the "
                "fraction of questions (divide by the number of questions)"),
        Mistake(lambda got, r, t, k: t and got == sum(x in y for y, x in zip(r, t, strict=True))
                / len(t) and got != _hit_rate(r, t, k),
                "{where} your function returned {got}, which counts a hit anywhere in the "
                "list; only the first k sources count"),
    ],
    hints=["For each question, take the first k sources: `sources[:k]`, and ask whether the "
           "topic is `in` them.",
           "`sum(topic in sources[:k] for sources, topic in zip(ranked_sources, topics)) / "
           "len(topics)`, after checking that `topics` is not empty."],
)

# --- q2: how many extracted answers are right -------------------------------------------------


@functools.lru_cache(maxsize=1)
def _answers_right() -> int:
    import vectorkit as vk

    docs = vk.datasets.load_python_docs()
    docs = docs[docs.text.str.len() <= MAX_TOPIC_CHARS]
    chunks, sources = [], []
    for topic, text in zip(docs.topic, docs.text, strict=True):
        for chunk in vk.chunk_text(text):
            chunks.append(chunk)
            sources.append(topic)
    rag = vk.rag.Retriever(vk.load_model("text"), chunks, sources)
    questions = vk.datasets.load_doc_questions()
    questions = questions[questions.topic.isin(set(docs.topic))]
    return sum(row.fact in " ".join(rag.answer(row.question, k=3).text.split())
               for row in questions.itertuples())


q2 = LazyValueQuestion(
    "Of the 22 questions whose topic is in the corpus, for how many does `rag.answer(question, "
    "k=3)` quote a sentence that contains the question's fact? Give the count (an int).",
    _answers_right,
    mistakes=[Mistake(lambda got: isinstance(got, float) and 0 < got < 1,
                      "that is a fraction; the question asks for the count of questions")],
    hints=["Loop over the answerable questions; for each, `text = ' '.join(rag.answer(q, "
           "k=3).text.split())` and test `fact in text`.",
           "Add up the True values: `sum(fact in text for ...)`. Use only the 22 questions "
           "whose topic is in `corpus_topics`."],
)

# --- q3: a neighbour in the language model's table ------------------------------------------

q3 = ValueQuestion(
    "Which of the words 'nutmeg', 'lemon', 'knife' and 'coffee' has the row most similar "
    "(cosine) to the row of 'cinnamon' in your language model's embedding table? Give the "
    "word as a string.",
    "nutmeg",
    choices=["nutmeg", "lemon", "knife", "coffee"],
    choices_name="the four words 'nutmeg', 'lemon', 'knife', 'coffee'",
    hints=["`wv = lm.word_vectors()` turns the table into word vectors; "
           "`wv.similarity('cinnamon', 'nutmeg')` gives the cosine of two rows.",
           "Compare the four candidates only, and take the one with the highest cosine."],
)

# --- q4: what a generative model adds -------------------------------------------------------

q4 = ThoughtQuestion(
    "Replace the extractive step by a language model that writes the answer from the three "
    "retrieved passages. Name one thing it would do better than quoting a sentence, and one "
    "new risk it brings. How would you measure that risk on the 26 questions?",
    hints=["Think of questions whose answer is spread over two sentences, and of what the "
           "model may write when the passages do not contain the answer."],
)

# --- q5: the margin behind the augmentation filter ----------------------------------------------


def _cosines(v, centroids):
    v, C = np.asarray(v, dtype=float), np.asarray(centroids, dtype=float)
    return (C @ v) / (np.linalg.norm(C, axis=1) * np.linalg.norm(v))


def _margin(v, centroids, own):
    sims = _cosines(v, centroids)
    return float(sims[own] - np.delete(sims, own).max())


def _margin_mistake(kind):
    """Recognise one wrong reading of the margin (only where it differs from the right one)."""
    def when(got, v, centroids, own):
        if isinstance(got, bool) or not isinstance(got, int | float | np.floating):
            return False
        v, C = np.asarray(v, dtype=float), np.asarray(centroids, dtype=float)
        sims = _cosines(v, C)
        if kind == "dot":
            dots = C @ v
            alt = dots[own] - np.delete(dots, own).max()
        elif kind == "all":
            alt = sims[own] - sims.max()
        elif kind == "mean":
            alt = sims[own] - np.delete(sims, own).mean()
        else:  # "reversed"
            alt = np.delete(sims, own).max() - sims[own]
        right = _margin(v, C, own)
        return not np.isclose(alt, right) and np.isclose(float(got), alt)
    return when


q5 = FunctionQuestion(
    "Stretch: write margin(v, centroids, own), the quantity vk.train.filter_augmented "
    "compares: the cosine similarity of the vector v to row `own` of `centroids` (its class's "
    "centroid) minus its highest cosine similarity to any OTHER row. Return a float.",
    _margin,
    [
        Case(([1.0, 0.0], np.array([[2.0, 0.0], [1.0, 1.0]]), 0),
             label="2 classes in 2-D, v on its own centroid"),
        Case(([0.2, 1.0, 0.1], np.array([[3.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 4.0]]), 0),
             label="3 classes, v closer to another class (a negative margin)"),
        Case(([1.0, 1.0, 0.0], np.array([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0], [3.0, 3.0, 1.0],
                                          [0.0, 0.0, 1.0]]), 2),
             label="4 classes of different lengths", hidden=True),
    ],
    func_name="margin",
    mistakes=[
        Mistake(_margin_mistake("dot"), "your function uses dot products {where}; the centroids "
                "have different lengths, so divide by the lengths to get cosines"),
        Mistake(_margin_mistake("all"), "your function subtracts the highest cosine over ALL "
                "centroids {where}, its own included; leave row `own` out of that maximum"),
        Mistake(_margin_mistake("mean"), "your function subtracts the MEAN cosine to the other "
                "centroids {where}; the margin uses the closest other one (the maximum)"),
        Mistake(_margin_mistake("reversed"), "your function subtracts the other way round "
                "{where}: own class minus the closest other class, so that a positive margin "
                "means 'on its own side'"),
    ],
    hints=["Compute the cosine of v with every row of `centroids` first: "
           "`(centroids @ v) / (np.linalg.norm(centroids, axis=1) * np.linalg.norm(v))`.",
           "Take the entry `own` of those cosines and subtract the largest of the others: "
           "`np.delete(sims, own).max()`."],
    explanation="A variation whose margin falls well below its source's has moved towards "
                "another class: the filter calls it off-class.",
)

progress = bind_questions(globals())
