"""Data augmentation for text: word-swap variations, and an embedding filter that keeps them
on-class and drops near-duplicates.

:func:`word_swaps` makes variations of each text by replacing words with entries of a swap
table. It knows nothing about meaning: a table that lists an opposite (*great* -> *terrible*)
makes variations whose label is wrong. :func:`filter_augmented` judges each variation by its
embedding against the labelled texts it came from: it drops a variation that moves away from
its source's class (nearest class centroid, cosine) by more than a tolerance, and one that is
a near-duplicate of its source, of another labelled text or of a variation kept before it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from vectorkit._validation import as_vectors, check_k, check_labels, check_nonzero_rows

#: What word_swaps looks up: a letter, then letters, apostrophes or hyphens.
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CHUNK_ROWS = 2048  # variations compared at once with the kept rows in filter_augmented


@dataclass(frozen=True)
class Variations:
    """What :func:`word_swaps` made.

    Attributes:
        texts: the variations.
        sources: ``sources[i]`` is the position (in the input) of the text variation i was
            made from.
        swaps: ``swaps[i]`` lists the ``(word, replacement)`` pairs of variation i, lower case.
    """

    texts: list[str]
    sources: np.ndarray
    swaps: list[list[tuple[str, str]]]

    def __len__(self) -> int:
        return len(self.texts)


def _table(synonyms) -> dict[str, list[str]]:
    if isinstance(synonyms, Mapping):
        items = [(w, r) for w, reps in synonyms.items()
                 for r in ([reps] if isinstance(reps, str) else reps)]
    elif isinstance(synonyms, str) or not hasattr(synonyms, "__iter__"):
        raise TypeError("`synonyms` must be a dict {word: [replacements]} or a list of "
                        f"(word, replacement) pairs, got {type(synonyms).__name__}")
    else:
        items = list(synonyms)
    table: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, str) or len(item) != 2 or not all(isinstance(x, str) for x in item):
            raise TypeError(f"each entry of `synonyms` must be a (word, replacement) pair of "
                            f"strings, got {item!r:.60}")
        word, new = item
        if not WORD.fullmatch(word):
            raise ValueError(f"`synonyms` keys must be single words, got {word!r}")
        if new.strip() and new.lower() != word.lower():
            table.setdefault(word.lower(), []).append(new.strip())
    if not table:
        raise ValueError("`synonyms` is empty; give at least one (word, replacement) pair")
    return table


def word_swaps(texts, synonyms, *, n: int = 3, rate: float = 0.5, seed: int = 0) -> Variations:
    """Up to ``n`` distinct variations of each text, made by swapping words from a table.

    Each word of a text found in ``synonyms`` (case-insensitively) is swapped with
    probability ``rate`` (at least one per variation) for a replacement drawn uniformly from
    its entries; a capitalised word gets a capitalised replacement. A text with no word in
    the table gets no variation; one with few gets fewer than ``n`` (variations equal to the
    text or to each other are not repeated). Time and memory are linear in the total length
    of the texts times ``n``.

    Args:
        texts: list of strings.
        synonyms: ``{word: [replacement, ...]}`` or a list of ``(word, replacement)`` pairs;
            keys are single words, replacements may be several.
        n: most variations per text.
        rate: probability of swapping each swappable word, in (0, 1].
        seed: random seed (same seed, same variations).

    Returns:
        :class:`Variations`.

    Example:
        >>> v = word_swaps(["Great film.", "No words here."], {"great": ["superb"]}, n=2)
        >>> v.texts, v.sources.tolist(), v.swaps
        (['Superb film.'], [0], [[('great', 'superb')]])
    """
    if isinstance(texts, str) or not isinstance(texts, list | tuple):
        raise TypeError(f"`texts` must be a list of strings, got {type(texts).__name__}")
    if not all(isinstance(t, str) for t in texts):
        raise TypeError("`texts` must hold strings only")
    n = check_k(n, "n")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1:
        raise ValueError(f"`rate` must be a probability in (0, 1], got {rate!r}")
    table = _table(synonyms)
    rng = np.random.default_rng(seed)
    out, sources, swaps = [], [], []
    for i, text in enumerate(texts):
        spots = [m for m in WORD.finditer(text) if m.group().lower() in table]
        if not spots:
            continue
        seen, made = {text}, 0
        for _ in range(10 * n):             # bounded: a text may have few distinct variations
            if made == n:
                break
            chosen = rng.random(len(spots)) < rate
            if not chosen.any():
                chosen[rng.integers(len(spots))] = True
            parts, done, last = [], [], 0
            for m in (m for m, c in zip(spots, chosen, strict=True) if c):
                options = table[m.group().lower()]
                new = options[rng.integers(len(options))]
                if m.group()[0].isupper():
                    new = new[0].upper() + new[1:]
                parts += [text[last:m.start()], new]
                done.append((m.group().lower(), new.lower()))
                last = m.end()
            variation = "".join(parts) + text[last:]
            if variation not in seen:
                seen.add(variation)
                out.append(variation)
                sources.append(i)
                swaps.append(done)
                made += 1
    return Variations(out, np.asarray(sources, dtype=np.int64), swaps)


@dataclass(frozen=True)
class FilterResult:
    """What :func:`filter_augmented` decided for each variation.

    Attributes:
        keep: bool array, True for the variations to train on.
        reason: ``"kept"``, ``"off-class"`` (it moved away from its label) or
            ``"near-duplicate"`` (of its source, another labelled text or a kept variation).
        margin: the variation's class margin: cosine to its label's centroid minus the
            highest cosine to another class's centroid (negative: nearer another class).
        source_margin: the same for the text it was made from.
    """

    keep: np.ndarray
    reason: np.ndarray
    margin: np.ndarray
    source_margin: np.ndarray

    def counts(self) -> dict[str, int]:
        """How many variations got each reason."""
        return {r: int(np.sum(self.reason == r)) for r in ("kept", "off-class", "near-duplicate")}


def _unit(x, name: str) -> np.ndarray:
    arr = as_vectors(x, name, dtype=np.float64, allow_1d=False)
    return arr / check_nonzero_rows(arr, name)[:, None]


def _margins(vectors: np.ndarray, label_index: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    sims = vectors @ centroids.T
    rows = np.arange(len(vectors))
    own = sims[rows, label_index]
    sims[rows, label_index] = -np.inf
    return own - sims.max(axis=1)


def filter_augmented(train_vectors, train_labels, variation_vectors, sources, *,
                     tolerance: float = 0.02, duplicate: float = 0.95) -> FilterResult:
    """Keep the variations that stay on their source's class and are not near-duplicates.

    The class centroids are the means of the unit-length ``train_vectors`` of each label
    (made unit length again). A variation inherits the label of its source; its *margin* is
    its cosine to that label's centroid minus its highest cosine to another centroid. It is
    **off-class** when its margin is lower than its source's by more than ``tolerance``: the
    swap moved it towards another class. Otherwise it is a **near-duplicate** when its cosine
    to any training vector or to a variation kept before it (in order) exceeds ``duplicate``.
    Memory is O(kept rows x 2,048); time O(variations x kept rows x dim).

    Args:
        train_vectors: (n, d) embeddings of the labelled texts the variations come from.
        train_labels: n labels (at least two classes).
        variation_vectors: (m, d) embeddings of the variations.
        sources: m row numbers into ``train_vectors`` (``Variations.sources`` when the
            variations were made from the training texts in the same order).
        tolerance: how far (in margin) a variation may move towards another class; ``np.inf``
            turns the class check off.
        duplicate: cosine above which a variation counts as a near-duplicate; a value above 1
            turns the duplicate check off.

    Returns:
        :class:`FilterResult`.

    Example:
        >>> train = [[1.0, 0.0], [0.0, 1.0]]
        >>> variations = [[0.8, 0.4], [0.2, 0.9], [1.0, 0.01]]
        >>> result = filter_augmented(train, ["pos", "neg"], variations, [0, 0, 0],
        ...                           tolerance=0.6)
        >>> result.reason.tolist()
        ['kept', 'off-class', 'near-duplicate']
    """
    x = _unit(train_vectors, "train_vectors")
    labels = np.asarray(check_labels(train_labels, len(x), "train_labels", "training vector"))
    classes = np.unique(labels)
    if len(classes) < 2:
        raise ValueError(f"`train_labels` must hold at least two classes, got {classes.tolist()}")
    v = _unit(variation_vectors, "variation_vectors")
    if v.shape[1] != x.shape[1]:
        raise ValueError(f"`variation_vectors` have {v.shape[1]} dimensions but `train_vectors` "
                         f"have {x.shape[1]}")
    src = np.asarray(sources)
    if src.shape != (len(v),) or src.dtype.kind not in "iu":
        raise ValueError(f"`sources` must be {len(v)} integers (one per variation), got "
                         f"shape {src.shape} of dtype {src.dtype}")
    if len(src) and (src.min() < 0 or src.max() >= len(x)):
        raise ValueError(f"`sources` must be row numbers 0..{len(x) - 1} of `train_vectors`, "
                         f"got {int(src.min())}..{int(src.max())}")
    for name, value in (("tolerance", tolerance), ("duplicate", duplicate)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise ValueError(f"`{name}` must be a number >= 0, got {value!r}")

    centroids = np.stack([x[labels == c].mean(axis=0) for c in classes])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    label_index = np.searchsorted(classes, labels[src])
    margin = _margins(v, label_index, centroids)
    source_margin = _margins(x[src], label_index, centroids)
    on_class = margin >= source_margin - tolerance

    reason = np.where(on_class, "kept", "off-class").astype(object)
    kept_rows = [x]                               # the training vectors, then kept variations
    candidates = np.flatnonzero(on_class)
    for start in range(0, len(candidates), _CHUNK_ROWS):
        block = candidates[start:start + _CHUNK_ROWS]
        best = np.max(np.concatenate([v[block] @ k.T for k in kept_rows], axis=1), axis=1)
        within = v[block] @ v[block].T            # duplicates inside this block, in order
        taken = []
        for j, i in enumerate(block):
            if best[j] > duplicate or (taken and within[j, taken].max() > duplicate):
                reason[i] = "near-duplicate"
            else:
                taken.append(j)
        kept_rows.append(v[block[taken]])
    reason = reason.astype(str)
    return FilterResult(reason == "kept", reason, margin, source_margin)
