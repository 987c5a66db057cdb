"""Sentences to word ids: the tokeniser, the vocabulary and the (centre, context) windows.

Words are found exactly as :class:`vectorkit.KeywordIndex` finds them (lower-cased runs of
letters or digits, scikit-learn's pattern), so a word means the same thing in both.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from vectorkit._validation import check_k
from vectorkit.search.keyword import TOKEN_PATTERN

__all__ = ["tokenize", "Corpus", "MAX_TOKENS", "MAX_VOCAB"]

_WORD = re.compile(TOKEN_PATTERN)
#: Limits that keep memory and time bounded: tokens in a corpus, words in a vocabulary.
MAX_TOKENS = 2_000_000
MAX_VOCAB = 50_000


def tokenize(text: str) -> list[str]:
    """Split a text into lower-case words, the way ``vk.KeywordIndex`` does.

    Example:
        >>> from vectorkit.train import tokenize
        >>> tokenize("Slice the LEMON, then squeeze 2 halves!")
        ['slice', 'the', 'lemon', 'then', 'squeeze', '2', 'halves']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


def check_window(window) -> int:
    """Return ``window`` (context words on each side) as a positive int."""
    return check_k(window, "window")


class Corpus:
    """Tokenised sentences as arrays of word ids, with the vocabulary sorted by frequency.

    Args:
        sentences: a list of strings (one sentence or short document each).
        min_count: words seen fewer times are dropped (as if they were not there).

    Attributes:
        vocab: the words, most frequent first (ties alphabetical).
        counts: ``(n_words,)`` int64, how often each word occurs.
        sentences: list of int32 arrays of word ids (sentences left empty are dropped).
    """

    def __init__(self, sentences, min_count: int = 1):
        if isinstance(sentences, str):
            raise TypeError("`sentences` must be a list of strings, got a single str; "
                            "wrap it in a list or split it into sentences")
        if not isinstance(sentences, list | tuple):
            raise TypeError(f"`sentences` must be a list of strings, got "
                            f"{type(sentences).__name__}")
        min_count = check_k(min_count, "min_count")
        tokens = []
        total = 0
        for i, s in enumerate(sentences):
            if not isinstance(s, str):
                raise TypeError(f"`sentences` must hold strings, got {type(s).__name__} at "
                                f"position {i}")
            words = tokenize(s)
            total += len(words)
            if total > MAX_TOKENS:
                raise ValueError(f"`sentences` hold more than {MAX_TOKENS:,} words, the limit "
                                 "of this teaching implementation; train on a sample")
            tokens.append(words)
        freq = Counter(w for words in tokens for w in words)
        kept = sorted((w for w, c in freq.items() if c >= min_count),
                      key=lambda w: (-freq[w], w))
        if len(kept) < 2:
            raise ValueError(f"`sentences` must contain at least 2 different words seen "
                             f"{min_count} time(s) or more, got {len(kept)}")
        if len(kept) > MAX_VOCAB:
            raise ValueError(f"the vocabulary has {len(kept):,} words, more than the limit of "
                             f"{MAX_VOCAB:,}; raise `min_count`")
        self.vocab = kept
        self.index = {w: i for i, w in enumerate(kept)}
        self.counts = np.array([freq[w] for w in kept], dtype=np.int64)
        self.sentences = []
        for words in tokens:
            ids = np.array([self.index[w] for w in words if w in self.index], dtype=np.int32)
            if ids.size:
                self.sentences.append(ids)

    def pairs(self, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (centre, context, distance) within ``window`` words, inside each sentence.

        Example:
            >>> from vectorkit.train._corpus import Corpus
            >>> c = Corpus(["a b c"])
            >>> centre, context, dist = c.pairs(1)
            >>> [(c.vocab[i], c.vocab[j]) for i, j in zip(centre, context)]
            [('a', 'b'), ('b', 'c'), ('b', 'a'), ('c', 'b')]
        """
        window = check_window(window)
        centres, contexts, dists = [], [], []
        for d in range(1, window + 1):
            for ids in self.sentences:
                if ids.size > d:
                    # forward pairs (i, i+d) and backward pairs (i+d, i)
                    centres += [ids[:-d], ids[d:]]
                    contexts += [ids[d:], ids[:-d]]
                    dists.append(np.full(2 * (ids.size - d), d, dtype=np.int32))
        if not centres:
            raise ValueError("no two words of `sentences` are within `window` of each other: "
                             "give sentences with at least two words")
        out = (np.concatenate(centres), np.concatenate(contexts), np.concatenate(dists))
        return out
