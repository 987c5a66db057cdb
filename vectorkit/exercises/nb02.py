"""Exercises for notebook 02, "Text embeddings".

    from vectorkit.exercises import ____, nb02 as ex
    ex.q1.check(answer); ex.q1.hint(); ex.q1.solution(); ex.progress()

The sentences the questions use live here (``ODD_ONE_OUT``, ``GERMAN_QUERY``,
``ENGLISH_CANDIDATES``, ``NEGATION``) so the notebook and its checks share one copy. The value
questions are clear-cut by design (the answer is the sentence that differs in meaning, or the
true translation), so they do not depend on the exact numbers a model produces; the function
questions are checked on synthetic vectors.
"""

from __future__ import annotations

import functools

import numpy as np

from vectorkit.exercises import (
    Case,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)
from vectorkit.exercises._mistakes import best_pair, cosine, instead, instead_close, scores

_RNG = np.random.default_rng(2)

# --- q1: the odd one out ----------------------------------------------------------------------

#: Four football sentences and one about music that borrows a football word ("goal").
ODD_ONE_OUT = [
    "The striker scored twice in the last ten minutes.",
    "Our goalkeeper saved a penalty and the crowd went wild.",
    "The orchestra's goal this season is to play all nine Beethoven symphonies.",
    "The referee sent off two players after a fight on the pitch.",
    "After the final whistle the fans ran onto the field to celebrate.",
]
_ODD = 2



@functools.cache
def _model():
    import vectorkit as vk

    return vk.load_model("text")


@functools.cache
def odd_one_out_means() -> tuple[float, ...]:
    """Each ODD_ONE_OUT sentence's mean cosine similarity to the other four (bundled model).

    The checks explain a wrong index from these numbers (the answer really is the sentence
    with the highest mean...), never from its distance to the right index.
    """
    vectors = _model().embed(ODD_ONE_OUT, progress=False)
    sims = cosine(vectors, vectors)
    return tuple(((sims.sum(axis=1) - 1) / (len(sims) - 1)).tolist())


def _index_of(x) -> int:
    i = int(x)
    if i != x or isinstance(x, bool):
        raise ValueError("not an index")
    return i


def _is_highest(x) -> bool:
    return _index_of(x) == int(np.argmax(odd_one_out_means()))


def _in_between(x) -> bool:
    means = odd_one_out_means()
    i = _index_of(x)
    return 0 <= i < len(means) and min(means) < means[i] < max(means)


def _outside(count: int):
    return lambda x: not -count <= _index_of(x) < count


q1 = ValueQuestion(
    "Embed the five sentences of ex.ODD_ONE_OUT, compute their 5 x 5 cosine similarity "
    "matrix, and for each sentence its mean similarity to the OTHER four. The odd one out is "
    "the sentence with the lowest mean. Give its index (0-4) as an int.",
    _ODD,
    mistakes=[
        Mistake(_outside(len(ODD_ONE_OUT)), "there are five sentences, so the index is a whole "
                "number from 0 to 4 (Python counts from 0)"),
        Mistake(_is_highest, "that sentence has the HIGHEST mean similarity to the others, so "
                "it fits in best: use np.argmin, not np.argmax"),
        Mistake(_in_between, "that sentence's mean similarity to the others is neither the "
                "lowest nor the highest of the five: check that you took the lowest mean "
                "(np.argmin) of each sentence's similarity to the OTHER four"),
    ],
    hints=[
        "sims = vectors @ vectors.T gives every pairwise cosine (USE vectors have length 1). "
        "Each row's similarity to itself is 1: leave it out, e.g. "
        "(sims.sum(axis=1) - 1) / 4.",
        "odd = int(np.argmin((sims.sum(axis=1) - 1) / 4))",
    ],
    explanation="The orchestra sentence shares the word 'goal' with football but not its "
                "meaning; the model places it furthest from the other four.",
)

# --- q2: most_similar_pair(vectors) ------------------------------------------------------------


def _most_similar_pair(vectors):
    return best_pair(vectors)


def _same_pair(got, expected):
    if isinstance(got, np.ndarray):
        got = got.tolist()
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return (f"it returns {type(got).__name__} {got!r:.60}; return a tuple of two ints "
                "(i, j), the row indices of the pair")
    if not all(isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
               for x in got):
        return ("it returns a pair that is not two ints; return row indices such as (1, 4), "
                "not similarities")
    if int(got[0]) == int(got[1]):
        return ("it returns the same row twice: every vector is most similar to itself, so "
                "ignore the diagonal of the similarity matrix (e.g. np.fill_diagonal(sims, -np.inf))")
    return None if sorted(map(int, got)) == list(expected) else False


def _pair_mistake(rule: str):
    def when(got, vectors):
        pair = tuple(sorted(map(int, got)))
        return instead(pair, best_pair(vectors, rule), best_pair(vectors))
    return when


_LONG = _RNG.normal(size=(6, 8))
_LONG[4] = _LONG[1] + 0.05 * _RNG.normal(size=8)  # rows 1 and 4 point the same way
_LONG[3] = _LONG[0] * 0.6 + _LONG[2] * 0.6        # long-ish, between rows 0 and 2
_LONG[5] *= 9.0                                   # a very long vector
_PAIRS = _RNG.normal(size=(40, 32)) * _RNG.uniform(0.3, 4.0, size=(40, 1))
_PAIRS[27] = 0.2 * _PAIRS[8] + 0.02 * _RNG.normal(size=32)

q2 = FunctionQuestion(
    "Write a function most_similar_pair(vectors) that takes a 2-D array (one vector per row, "
    "at least two rows, none of them zero) and returns a tuple (i, j) of two DIFFERENT row "
    "indices whose cosine similarity is the highest of all pairs. The order inside the tuple "
    "does not matter. Do not assume the rows have length 1.",
    _most_similar_pair,
    [
        Case((np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]]),), label="three 2-D vectors"),
        Case((np.array([[1.0, 0.0], [0.9, 0.1], [10.0, 8.0], [0.0, 1.0]]),),
             label="a long vector among short ones"),
        Case((np.array([[3.0, 4.0], [-3.0, -4.0]]),), label="only two rows", hidden=True),
        Case((_LONG,), label="six 8-dimensional vectors of different lengths", hidden=True),
        Case((_PAIRS,), label="40 random vectors in 32 dimensions", hidden=True),
    ],
    func_name="most_similar_pair",
    compare=_same_pair,
    mistakes=[
        Mistake(_pair_mistake("dot"), "your function picks the pair with the largest dot "
                "product {where}; divide by the lengths (or normalise the rows first) so long "
                "vectors do not win just by being long"),
        Mistake(_pair_mistake("least"), "your function returns the LEAST similar pair {where}: "
                "use argmax, and mask the diagonal with -inf rather than with 0 or +inf"),
        Mistake(_pair_mistake("euclidean"), "your function returns the closest pair by Euclidean "
                "distance {where}; the question asks for the highest cosine similarity"),
    ],
    hints=[
        "Normalise the rows to length 1, then sims = unit @ unit.T holds every pairwise "
        "cosine. The diagonal is always 1 (each vector with itself): overwrite it with "
        "np.fill_diagonal(sims, -np.inf) before looking for the maximum.",
        "np.argmax(sims) gives a position in the flattened matrix; "
        "np.unravel_index(np.argmax(sims), sims.shape) turns it into (row, column).",
    ],
    explanation="Normalise, compute all pairwise cosines, hide the diagonal, take the argmax.",
)

# --- q3: a cross-lingual match ------------------------------------------------------------------

#: A German sentence; exactly one of ENGLISH_CANDIDATES means the same.
GERMAN_QUERY = "Ich habe meine Schl\u00fcssel im Restaurant liegen lassen."
ENGLISH_CANDIDATES = [
    "Can you recommend a good restaurant nearby?",
    "I lost my wallet on the train.",
    "The restaurant opens its doors at seven.",
    "I left my keys in the restaurant.",
    "We forgot to book a table at the restaurant.",
]
_MATCH = 3



@functools.cache
def candidate_scores() -> tuple[float, ...]:
    """The cosine similarity of each ENGLISH_CANDIDATES sentence to GERMAN_QUERY (bundled model)."""
    model = _model()
    return tuple(cosine(model.embed(ENGLISH_CANDIDATES, progress=False),
                        model.embed(GERMAN_QUERY)).tolist())


def _is_least(x) -> bool:
    return _index_of(x) == int(np.argmin(candidate_scores()))


def _shares_the_setting(x) -> bool:
    i = _index_of(x)
    scores = candidate_scores()
    return (0 <= i < len(scores) and scores[i] < max(scores) and i in _SETTING_ONLY)


#: Candidates that share only the setting with the German sentence (a restaurant, or losing
#: or forgetting something), not its meaning.
_SETTING_ONLY = (1, 2, 4)

q3 = ValueQuestion(
    "Embed ex.GERMAN_QUERY and the five sentences of ex.ENGLISH_CANDIDATES with the same "
    "model, and find the English sentence whose embedding is most similar to the German one. "
    "Give its index in ex.ENGLISH_CANDIDATES (0-4) as an int.",
    _MATCH,
    mistakes=[
        Mistake(_outside(len(ENGLISH_CANDIDATES)), "there are five candidates, so the index is "
                "a whole number from 0 to 4 (Python counts from 0)"),
        Mistake(_is_least, "that is the LEAST similar candidate: use np.argmax, not np.argmin"),
        Mistake(_shares_the_setting, "that candidate shares only the setting (a restaurant, "
                "or losing or forgetting something) with the German sentence, and another "
                "candidate scores higher: check that you took the largest similarity"),
    ],
    hints=[
        "The multilingual model puts sentences of every language in one space: embed the "
        "German sentence (one vector) and the candidates (a 5 x 512 matrix), and compare them "
        "with a matrix-vector product.",
        "sims = model.embed(ex.ENGLISH_CANDIDATES) @ model.embed(ex.GERMAN_QUERY); "
        "match = int(np.argmax(sims))",
    ],
    explanation="'Ich habe meine Schl\u00fcssel im Restaurant liegen lassen' means 'I left my "
                "keys in the restaurant'; the model scores that translation far above the "
                "sentences that only share the setting.",
)

# --- q4: translation_accuracy(source, target) --------------------------------------------------


def _translation_accuracy(source, target):
    s, t = np.asarray(source, dtype=float), np.asarray(target, dtype=float)
    if s.ndim != 2 or t.ndim != 2 or s.shape != t.shape:
        raise ValueError(f"source and target must be 2-D arrays of the same shape, got "
                         f"{s.shape} and {t.shape}")
    return _accuracy_of(cosine(s, t).argmax(axis=1))


def _accuracy_of(best) -> float:
    return float(np.mean(np.asarray(best) == np.arange(len(best))))


def _acc_mistake(kind):
    def when(got, source, target):
        right = _translation_accuracy(source, target)
        if kind == "dot":
            alt = _accuracy_of(scores(source, target, "dot").argmax(axis=1))
        elif kind == "axis":
            alt = _accuracy_of(cosine(source, target).argmax(axis=0))
        elif kind == "count":
            alt = right * len(source)
        else:  # percent
            alt = right * 100
        return instead_close(got, alt, right)
    return when


def _aligned(n, d, noise, scale=False, seed=0):
    rng = np.random.default_rng(seed)
    src = rng.normal(size=(n, d))
    tgt = src + noise * rng.normal(size=(n, d))
    if scale:
        src *= rng.uniform(0.2, 5.0, size=(n, 1))
        tgt *= rng.uniform(0.2, 5.0, size=(n, 1))
    return src, tgt


_SMALL_S = np.array([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]])
_SMALL_T = np.array([[0.9, 0.45], [0.0, 1.0], [0.6, 0.8]])
_LENGTHS = _aligned(30, 16, 0.9, scale=True, seed=4)

q4 = FunctionQuestion(
    "Write a function translation_accuracy(source, target) for two aligned 2-D arrays of "
    "the same shape: row i of `source` embeds a sentence, row i of `target` embeds its "
    "translation. For every source row find the target row with the highest cosine "
    "similarity, and return the FRACTION of source rows (a float from 0 to 1) whose best "
    "match is their own translation. Do not assume the rows have length 1. Raise ValueError "
    "if the two arrays do not have the same shape.",
    _translation_accuracy,
    [
        Case((np.eye(3), np.eye(3)), label="three perfect translations"),
        Case((_SMALL_S, _SMALL_T), label="three 2-D sentence vectors"),
        Case(_aligned(20, 8, 0.2, seed=1), label="20 close translations", hidden=True),
        Case(_LENGTHS, label="30 noisy translations, vectors of different lengths",
             hidden=True),
        Case(_aligned(12, 6, 1.5, seed=3), label="12 very noisy translations", hidden=True),
        Case((np.ones((4, 3)), np.ones((5, 3))), label="arrays with different numbers of rows",
             hidden=True, raises=ValueError,
             message="{where} your function returned {got}; the rows are not aligned, so "
                     "raise ValueError"),
    ],
    func_name="translation_accuracy",
    rtol=1e-6, atol=1e-9,
    mistakes=[
        Mistake(_acc_mistake("dot"), "your function matches rows by dot product {where}; "
                "without normalising, a long target vector wins many matches just by being "
                "long: use cosine similarity"),
        Mistake(_acc_mistake("axis"), "your function takes the best match along the wrong "
                "axis {where}: in sims = source @ target.T the rows are source sentences, so "
                "use argmax(axis=1)"),
        Mistake(_acc_mistake("count"), "your function returns the NUMBER of correct matches "
                "{where}; divide by the number of rows to get a fraction"),
        Mistake(_acc_mistake("percent"), "your function returns a percentage {where}; return "
                "a fraction from 0 to 1"),
    ],
    hints=[
        "Normalise both arrays row by row, then sims = source_unit @ target_unit.T is an "
        "n x n matrix: row i holds source sentence i against every target sentence.",
        "best = sims.argmax(axis=1) is each source row's best target; the match is right "
        "when best[i] == i, so compare with np.arange(n) and take the mean.",
        "Check the shapes first: if source.shape != target.shape: raise ValueError(...)",
    ],
    explanation="Normalise, score every source row against every target row, and count how "
                "often the diagonal wins its row.",
)

# --- q5: negation --------------------------------------------------------------------------

#: A sentence, its negation, its opposite and a paraphrase (used by the notebook's q5 cell).
NEGATION = [
    "I loved this film.",
    "I did not love this film.",
    "I hated this film.",
    "What a wonderful movie.",
]

q5 = ThoughtQuestion(
    "The model scores 'I loved this film.' closer to its negation 'I did not love this "
    "film.' than to the paraphrase 'What a wonderful movie.'. Why might a sentence encoder do "
    "that, and for which task would it hurt you (and for which would it not matter)?",
    hints=["Compare how many words the two pairs share, and think about what the model was "
           "trained to put close together."],
)

progress = bind_questions(globals())
