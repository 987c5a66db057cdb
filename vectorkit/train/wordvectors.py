"""``WordVectors``: a table of word embeddings with nearest words and analogies.

Returned by :func:`vectorkit.train.word2vec` and :func:`vectorkit.train.count_vectors`; you can
also wrap any table yourself (e.g. a pre-trained model's input embeddings).
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import as_vectors, check_k

__all__ = ["WordVectors"]


class WordVectors:
    """Word embeddings: ``vocab[i]`` has the vector ``vectors[i]``.

    Args:
        vocab: the words, unique strings.
        vectors: ``(len(vocab), dim)`` numbers (stored as float32).
        counts: optional training-corpus frequency of each word.
        losses: optional mean training loss of each epoch.

    Example:
        >>> import vectorkit as vk
        >>> wv = vk.train.WordVectors(["king", "queen", "man", "woman"],
        ...                           [[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]])
        >>> wv.analogy("man", "woman", "king", k=1)[0][0]
        'queen'
        >>> [w for w, _ in wv.most_similar("king", k=2)]
        ['man', 'queen']
    """

    def __init__(self, vocab, vectors, counts=None, losses=None):
        vocab = list(vocab)
        if not all(isinstance(w, str) for w in vocab):
            raise TypeError("`vocab` must hold strings")
        if len(set(vocab)) != len(vocab):
            raise ValueError("`vocab` must not repeat a word")
        arr = as_vectors(vectors, "vectors", np.float32, allow_1d=False)
        if arr.shape[0] != len(vocab):
            raise ValueError(f"`vectors` must have one row per word ({len(vocab)}), "
                             f"got {arr.shape[0]} rows")
        self.vocab = vocab
        self.vectors = np.ascontiguousarray(arr)
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self.losses = None if losses is None else [float(x) for x in losses]
        self._index = {w: i for i, w in enumerate(vocab)}
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self._unit = self.vectors / np.where(norms > 0, norms, 1.0)

    @property
    def dim(self) -> int:
        """Length of the vectors."""
        return self.vectors.shape[1]

    def __len__(self) -> int:
        return len(self.vocab)

    def __contains__(self, word) -> bool:
        return word in self._index

    def __repr__(self) -> str:
        return f"<WordVectors words={len(self.vocab):,} dim={self.dim}>"

    def index(self, word: str) -> int:
        """Row of ``word``; an unknown word raises ``KeyError`` naming it."""
        if not isinstance(word, str):
            raise TypeError(f"`word` must be a str, got {type(word).__name__}")
        try:
            return self._index[word]
        except KeyError:
            hint = " (words are lower case)" if word.lower() in self._index else ""
            raise KeyError(f"{word!r} is not in the vocabulary of {len(self.vocab):,} "
                           f"words{hint}: a model cannot give a vector for a word it "
                           "never saw in training") from None

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index(word)]

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words.

        Example:
            >>> import vectorkit as vk
            >>> wv = vk.train.WordVectors(["a", "b"], [[1, 0], [1, 1]])
            >>> round(wv.similarity("a", "b"), 3)
            0.707
        """
        return float(self._unit[self.index(a)] @ self._unit[self.index(b)])

    def _nearest(self, direction: np.ndarray, exclude: set[int], k: int):
        k = check_k(k)
        norm = np.linalg.norm(direction)
        scores = self._unit @ (direction / norm if norm > 0 else direction)
        scores[list(exclude)] = -np.inf
        k = min(k, len(self.vocab) - len(exclude))
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.vocab[i], float(scores[i])) for i in best]

    def most_similar(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` words nearest to ``word`` by cosine, best first, ``word`` left out."""
        i = self.index(word)
        return self._nearest(self._unit[i], {i}, k)

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ...? The words nearest ``b - a + c`` (3CosAdd).

        ``a``, ``b`` and ``c`` themselves are left out of the answers (as in word2vec's own
        evaluation); the scores are cosines to the unit-length ``b - a + c``.
        """
        ia, ib, ic = self.index(a), self.index(b), self.index(c)
        target = self._unit[ib] - self._unit[ia] + self._unit[ic]
        return self._nearest(target, {ia, ib, ic}, k)
