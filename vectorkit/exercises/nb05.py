"""Exercises for notebook 05, "Audio embeddings".

    from vectorkit.exercises import ____, nb05 as ex
    ex.q1.check(ranking); ex.q2.check(nearest_sound); ex.q3.check(predicted); ex.progress()

Question 2 embeds its query sounds with the bundled audio model (musicnn) and compares them
with the course's 45 synthesised sounds; question 3 compares predicted tempo labels with the
true ones of :func:`tempo_data`'s test clips. Sounds are synthesised with numpy from fixed
seeds (no download); the model is loaded on the first check, not at import.
"""

from __future__ import annotations

import functools

import numpy as np

from vectorkit.exercises import (
    Case,
    FreeCheckQuestion,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    bind_questions,
)
from vectorkit.exercises._checker.compare import describe
from vectorkit.exercises._mistakes import best_row, cosine, instead

RATE = 16000
_SECONDS = 3.0

# --- q1: predict, then measure --------------------------------------------------------------

#: The four pairs of question 1: letter -> (sound, sound, what differs).
PAIRS = {
    "A": ("square A4", "square A3", "same timbre (a square wave), one octave lower"),
    "B": ("plucked A4", "bowed A4", "same pitch (A4, 440 Hz), another timbre"),
    "C": ("melody scale up", "melody scale down", "the same eight notes in the opposite order"),
    "D": ("chord C major", "chord C major (high)", "the same chord, one octave higher"),
}
_RANKING = ["C", "A", "D", "B"]  # tests/test_nb05_exercises.py checks this against the model


def _letters(x) -> list[str]:
    return [str(v).strip().upper() for v in x]


def _ranking_check(answer):
    if isinstance(answer, str) or not isinstance(answer, (list, tuple, np.ndarray)):
        return (f"your answer is {describe(answer)}; give a list of the four letters, "
                "such as ['A', 'B', 'C', 'D']")
    order = _letters(answer)
    if sorted(order) != sorted(PAIRS):
        return ("give each of the four letters A, B, C and D exactly once, most similar pair "
                f"first; got {order}")
    if order == _RANKING:
        return True
    if order == _RANKING[::-1]:
        return ("that is the order from the least similar to the most similar: put the most "
                "similar pair first")
    if order[-1] == "C":
        return ("not quite: you put the two scales (C) last, as if the order of the notes "
                "mattered a lot to the model. Measure it: compute the cosine similarity of "
                "every pair")
    if order.index("B") < order.index("A"):
        return ("not quite: you ranked the pair with the same pitch (B) above the pair with "
                "the same timbre (A). Measure it: compute the cosine similarity of every pair")
    right = sum(a == b for a, b in zip(order, _RANKING, strict=True))
    return (f"{right} of the 4 places are right. Measure it: compute the cosine similarity of "
            "every pair and sort")


q1 = FreeCheckQuestion(
    "Order the four pairs of ex.PAIRS from the most similar to the least similar in musicnn's "
    "embedding space (cosine similarity of their 200-d embeddings). Write your prediction "
    "down first, then measure it. Answer with a list of the letters, such as "
    "['A', 'B', 'C', 'D'].",
    _ranking_check,
    reference=list(_RANKING),
    hints=[
        "For each letter, embed both sounds (vectors[names.index(name)] gives a sound's "
        "embedding) and compute their cosine similarity with vk.cosine_similarity.",
        "Put the four similarities in a dict {letter: cosine}, then "
        "sorted(pair_sims, key=pair_sims.get, reverse=True) lists the letters from most to "
        "least similar.",
    ],
    explanation="The two scales are almost the same vector: the model pools over time, so the "
                "order of the notes hardly matters. An octave moves a sound a little (less "
                "for a single tone than for a chord), another timbre moves it most: musicnn "
                "listens to timbre first.",
)

# --- synthesis helpers (numpy only, fixed seeds) --------------------------------------------


def _time() -> np.ndarray:
    return np.arange(int(_SECONDS * RATE)) / RATE


def _fade(x: np.ndarray, ms: float = 10.0) -> np.ndarray:
    n = int(RATE * ms / 1000)
    ramp = np.linspace(0.0, 1.0, n)
    x = np.array(x, dtype=float)
    x[:n] *= ramp
    x[len(x) - n:] *= ramp[::-1]
    return x


def _peak(x: np.ndarray, peak: float = 0.5) -> np.ndarray:
    return (np.asarray(x) * (peak / np.abs(x).max())).astype(np.float32)


def _tone(freq: float, peak: float = 0.5, vibrato: float = 0.0) -> np.ndarray:
    t = _time()
    return _peak(_fade(np.sin(2 * np.pi * freq * t + vibrato * np.sin(2 * np.pi * 5 * t))), peak)


def _hit(kind: str, rng: np.random.Generator) -> np.ndarray:
    """One percussive hit of about 0.12-0.2 s."""
    t = np.arange(int(0.2 * RATE)) / RATE
    if kind == "click":
        return rng.standard_normal(len(t)) * np.exp(-t * 400)
    if kind == "wood block":
        return np.sin(2 * np.pi * rng.uniform(700, 1800) * t) * np.exp(-t * 60)
    if kind == "kick":
        return np.sin(2 * np.pi * np.cumsum(50 + 100 * np.exp(-t * 30)) / RATE) * np.exp(-t * 15)
    if kind == "hi-hat":
        return 0.6 * rng.standard_normal(len(t)) * np.exp(-t * 150)
    raise ValueError(f"`kind` must be 'click', 'wood block', 'kick' or 'hi-hat', got {kind!r}")


def _beat(bpm: float, kinds, seed: int, offset: float | None = None) -> np.ndarray:
    """Hits at ``bpm`` (cycling through ``kinds``), starting at ``offset`` seconds."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(_SECONDS * RATE))
    period = 60.0 / bpm
    start = rng.uniform(0, period) if offset is None else offset
    for i, t0 in enumerate(np.arange(start, _SECONDS, period)):
        hit = _hit(kinds[i % len(kinds)], rng) * rng.uniform(0.7, 1.0)
        a = int(t0 * RATE)
        b = min(len(out), a + len(hit))
        out[a:b] += hit[:b - a]
    return _peak(out, 0.8)


def _sound(name: str, audio: np.ndarray, group: str, **params):
    from vectorkit.datasets._sounds import Sound

    return Sound(name, group, params, audio, RATE)


# --- q2: a tiny sound search ----------------------------------------------------------------


@functools.cache
def _model():
    import vectorkit as vk

    return vk.load_model("audio")


@functools.cache
def _library():
    """Names and musicnn embeddings of the 45 synthesised sounds."""
    import vectorkit as vk

    sounds = vk.datasets.load_sounds()
    return sounds.names, _model().embed(list(sounds), progress=False).astype(np.float64)


def _query_vector(query) -> np.ndarray:
    return _model().embed(query, progress=False).astype(np.float64)


def _cosines(query) -> np.ndarray:
    return cosine(_library()[1], _query_vector(query))


def _nearest_sound(query):
    names, vectors = _library()
    return names[best_row(_query_vector(query), vectors)]


class _Name(str):
    """The expected name, carrying the query's cosine to every sound (to accept exact ties)."""

    cosines: dict


def _reference(query):
    names, _ = _library()
    cosines = _cosines(query)  # one embedding of the query for the name and the tie check
    out = _Name(names[int(np.argmax(cosines))])
    out.cosines = dict(zip(names, cosines.tolist(), strict=True))
    return out


_reference.__name__ = "nearest_sound"


def _same_name(got, expected) -> str | None:
    if isinstance(got, (bool, np.bool_)) or isinstance(got, (int, np.integer)):
        return ("it returns a position (an int); return the sound's name instead, for example "
                "names[i]")
    if isinstance(got, (list, tuple, np.ndarray)):
        return "it returns several things; return one name (a str), the nearest sound's"
    if not isinstance(got, str):
        return f"it returns {describe(got)}; return the nearest sound's name (a str)"
    cosines = getattr(expected, "cosines", {})
    if got not in cosines:
        return (f"it returns {got!r}, which is not the name of one of the 45 sounds "
                "(names look like 'sine A4' or 'clicks 90 bpm')")
    if got == expected or abs(cosines[got] - cosines[str(expected)]) < 1e-4:
        return None  # the same sound, or one with an (almost) equal cosine
    return False


def _picked_by(rule: str):
    def when(got, query):
        names, vectors = _library()
        q = _query_vector(query)
        return instead(got, names[best_row(q, vectors, rule)], names[best_row(q, vectors)])
    return when


@functools.cache
def _queries() -> dict[str, object]:
    """The query sounds of question 2 (synthesised on first use)."""
    bright = np.sign(np.sin(2 * np.pi * 220 * _time()))
    two = np.sin(2 * np.pi * 440 * _time()) + np.sin(2 * np.pi * 660 * _time())
    return {
        "a click track at 100 bpm": _beat(100, ["click"], seed=51, offset=0.0),
        "a square wave at 220 Hz": _peak(_fade(bright)),
        "a 300 Hz sine": _tone(300),
        "a 600 Hz sine with vibrato": _tone(600, vibrato=3.0),
        "two sines together (440 + 660 Hz)": _peak(_fade(two)),
        "a quiet 880 Hz sine": _tone(880, peak=0.05),
        "a 110 Hz sine": _tone(110),
        "kick and hi-hat at 110 bpm": _beat(220, ["kick", "hi-hat"], seed=52, offset=0.0),
    }


class _Query:
    """A query sound made on first use, so importing this module synthesises nothing."""

    def __init__(self, name: str):
        self.name = name
        self.sample_rate = RATE

    @property
    def audio(self) -> np.ndarray:
        return _queries()[self.name].copy()

    def __eq__(self, other) -> bool:
        return isinstance(other, _Query) and other.name == self.name

    __hash__ = None

    def __repr__(self) -> str:
        return f"<query sound: {self.name}>"

    def _repr_html_(self) -> str:
        from IPython.display import Audio

        return f"<b>{self.name}</b> " + Audio(self.audio, rate=RATE,
                                             normalize=False)._repr_html_()


def query_sounds() -> list:
    """The visible query sounds of question 2 (objects with ``audio``, ``sample_rate``)."""
    return [c.args[0] for c in q2.cases if not c.hidden]


q2 = FunctionQuestion(
    "Write a function nearest_sound(query) that returns the name (a str) of the sound among "
    "the 45 synthesised sounds (`sounds`, embedded as `vectors`) whose musicnn embedding has "
    "the highest cosine similarity to the query's. `query` is a sound the model can embed "
    "directly: model.embed(query). The embeddings do not have length 1.",
    _reference,
    [
        Case((_Query("a click track at 100 bpm"),), label="a click track at 100 bpm"),
        Case((_Query("a square wave at 220 Hz"),), label="a square wave at 220 Hz"),
        Case((_Query("a 300 Hz sine"),), label="a 300 Hz sine", hidden=True),
        Case((_Query("a 600 Hz sine with vibrato"),), label="a sine with vibrato", hidden=True),
        Case((_Query("two sines together (440 + 660 Hz)"),), label="two sines together",
             hidden=True),
        Case((_Query("a quiet 880 Hz sine"),), label="a quiet sine", hidden=True),
        Case((_Query("a 110 Hz sine"),), label="a low sine", hidden=True),
        Case((_Query("kick and hi-hat at 110 bpm"),), label="a drum loop", hidden=True),
    ],
    func_name="nearest_sound",
    compare=_same_name,
    mistakes=[
        Mistake(_picked_by("euclidean"), "your function picks the closest sound by Euclidean distance "
                "{where}; the embeddings have different lengths, so rank by cosine similarity "
                "(divide by the lengths, or normalise first)"),
        Mistake(_picked_by("dot"), "your function picks the largest dot product {where}; the embeddings "
                "have different lengths, so a long vector wins just by being long: use cosine "
                "similarity"),
        Mistake(_picked_by("least"), "your function returns the least similar sound {where}: use argmax, "
                "not argmin"),
    ],
    hints=[
        "Three steps: embed the query with model.embed(query); compute its cosine similarity "
        "with every row of `vectors` (vk.cosine_similarity(vectors, query_vector) gives one "
        "number per sound); return the name at the position of the largest.",
        "scores = vk.cosine_similarity(vectors, model.embed(query)); "
        "return names[int(np.argmax(scores))]. Or use the index of section 6: "
        "index.search(model.embed(query), k=1).ids[0].",
    ],
    explanation="Embed the query, score every sound by cosine similarity, return the best "
                "one's name.",
)

# --- q3: tempo from embeddings --------------------------------------------------------------

_KINDS = ["click", "wood block", "kick", "hi-hat"]
_TRAIN_BPM = [60, 75, 90, 140, 160, 180]
_TEST_BPM = [66, 84, 150, 170]
_SLOW_BELOW = 110


def _label(bpm: float) -> str:
    return "slow" if bpm < _SLOW_BELOW else "fast"


def _test_plan() -> list[tuple[str, int, int]]:
    """(drum, bpm, seed) of every test clip, in a fixed mixed order."""
    plan = [(kind, bpm, 5000 + 100 * k + bpm) for k, kind in enumerate(_KINDS)
            for bpm in _TEST_BPM]
    return [plan[i] for i in np.random.default_rng(7).permutation(len(plan))]


_TEST_LABELS = [_label(bpm) for _, bpm, _ in _test_plan()]


def tempo_data():
    """Clips for question 3: ``(train_clips, train_labels, test_clips)``.

    24 training clips (click, wood block, kick and hi-hat beats at 60-90 bpm, labelled
    ``"slow"``, and at 140-180 bpm, labelled ``"fast"``) and 16 test clips of the same drums
    at other tempi, without labels. Each clip is 3 s at 16 kHz with ``name``, ``audio``,
    ``sample_rate`` and ``params`` (the training clips' ``params`` hold ``bpm`` and ``tempo``).
    """
    train = [_sound(f"{kind} {bpm} bpm", _beat(bpm, [kind], 1000 + 100 * k + bpm), "tempo",
                    drum=kind, bpm=bpm, tempo=_label(bpm))
             for k, kind in enumerate(_KINDS) for bpm in _TRAIN_BPM]
    test = [_sound(f"test {i:02d} ({kind})", _beat(bpm, [kind], seed), "tempo", drum=kind)
            for i, (kind, bpm, seed) in enumerate(_test_plan())]
    return train, [t.params["tempo"] for t in train], test


def _tempo_check(predicted):
    truth = _TEST_LABELS
    if isinstance(predicted, str) or not isinstance(predicted, (list, tuple, np.ndarray)):
        return (f"your answer is {describe(predicted)}; give one label per test clip, "
                "as a list such as ['slow', 'fast', ...]")
    labels = [str(p).strip().lower() for p in np.asarray(predicted, dtype=object).tolist()]
    if len(labels) != len(truth):
        return (f"your answer has {len(labels)} labels, but there are {len(truth)} test clips: "
                "give one label per clip, in the order of test_clips")
    odd = sorted(set(labels) - {"slow", "fast"})
    if odd:
        return f"every label must be 'slow' or 'fast', got {odd[0]!r}"
    right = sum(a == b for a, b in zip(labels, truth, strict=True))
    needed = int(np.ceil(0.85 * len(truth)))
    if right >= needed:
        return True
    if right <= len(truth) - needed:
        return (f"only {right} of {len(truth)} test clips are right, worse than guessing: are "
                "the labels swapped, or the predictions out of order?")
    return (f"{right} of {len(truth)} test clips are right ({right / len(truth):.0%}); get at "
            f"least {needed} right")


q3 = FreeCheckQuestion(
    "Teach a classifier the tempo. ex.tempo_data() gives 24 labelled training clips (beats "
    "at 60-90 bpm are 'slow', at 140-180 bpm 'fast') and 16 unlabelled test clips at other "
    "tempi. Embed them with musicnn, train a classifier on the training embeddings (a nearest "
    "neighbour or scikit-learn's LogisticRegression), and predict a label for every test "
    "clip. Check the list of predicted labels: at least 85% must be right.",
    _tempo_check,
    reference=list(_TEST_LABELS),
    hints=[
        "Embed both sets: train_vectors = model.embed(train_clips), test_vectors = "
        "model.embed(test_clips). The tempo label of the most similar training clip is already "
        "a classifier (1-nearest neighbour).",
        "1-nearest neighbour: scores = vk.cosine_similarity(test_vectors, train_vectors) has one "
        "row per test clip; best = scores.argmax(axis=1); predicted = [train_labels[i] for i "
        "in best]. Or scikit-learn: LogisticRegression(max_iter=1000).fit(train_vectors, "
        "train_labels).predict(test_vectors).",
    ],
    explanation="Tempo is in the embedding, even though the drum sound dominates it: trained "
                "on labelled clips, even the simplest classifier, 1-nearest neighbour, reads it "
                "out (the nearest training clip mostly has the same drum, and among those the "
                "tempo decides the label).",
)

# --- q4: why timbre wins ----------------------------------------------------------------------

q4 = ThoughtQuestion(
    "The same tune on another instrument lands far away in musicnn's space, while the tune "
    "moved up a fifth on the same instrument stays close. Why does musicnn behave like this? "
    "If you wanted a search that finds the same tune whatever instrument plays it (say, cover "
    "versions of a song), what would you change?",
    hints=["Look at the tags musicnn predicts: what are most of them about?"],
)

progress = bind_questions(globals())
