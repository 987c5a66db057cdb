"""Count-based word vectors: a co-occurrence matrix, PPMI, then a truncated SVD.

GloVe (Pennington et al., 2014) and word2vec both learn from how often words occur near each
other; Levy & Goldberg (2014) showed that skip-gram with negative sampling implicitly
factorises a shifted pointwise-mutual-information (PMI) matrix. This module does that
explicitly, in three steps anyone can inspect:

1. count how often word ``j`` occurs within ``window`` words of word ``i``, each pair weighted
   by ``1 / distance`` (as GloVe does);
2. turn counts into positive PMI, ``max(0, log(p(i, j) / (p(i) p(j))))``, with the context
   distribution smoothed by the 3/4 power (as word2vec's noise distribution);
3. keep the ``dim`` strongest directions of that matrix (scikit-learn's ``TruncatedSVD``),
   each scaled by the square root of its singular value.

Limits: the vocabulary limit of :mod:`vectorkit.train._corpus`; the matrix is sparse, so
memory grows with the number of distinct pairs, not with the vocabulary squared.
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import check_k
from vectorkit.train._corpus import Corpus
from vectorkit.train.wordvectors import WordVectors

__all__ = ["count_vectors", "cooccurrence", "ppmi"]


def cooccurrence(corpus: Corpus, window: int):
    """The ``(n, n)`` sparse matrix of 1/distance-weighted co-occurrence counts (symmetric)."""
    from scipy import sparse

    centre, context, dist = corpus.pairs(window)
    n = len(corpus.vocab)
    return sparse.coo_matrix((1.0 / dist, (centre, context)), shape=(n, n)).tocsr()


def ppmi(counts, alpha: float = 0.75):
    """Positive pointwise mutual information of a sparse count matrix (rows: words).

    Example:
        >>> import numpy as np
        >>> from scipy import sparse
        >>> from vectorkit.train._count import ppmi
        >>> m = ppmi(sparse.csr_matrix(np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]])), alpha=1)
        >>> np.round(m.toarray(), 3).tolist()
        [[0.0, 0.693, 0.0], [0.693, 0.0, 0.693], [0.0, 0.693, 0.0]]
    """
    counts = counts.tocoo()
    total = counts.sum()
    row_p = np.asarray(counts.sum(axis=1)).ravel() / total
    col = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    col_p = col / col.sum()
    pmi = np.log(counts.data / total / (row_p[counts.row] * col_p[counts.col]))
    keep = pmi > 0
    from scipy import sparse

    return sparse.coo_matrix((pmi[keep], (counts.row[keep], counts.col[keep])),
                             shape=counts.shape).tocsr()


def count_vectors(sentences, dim: int = 50, window: int = 2, *, min_count: int = 1,
                  seed: int = 0) -> WordVectors:
    """Word vectors from counts: co-occurrence -> PPMI -> truncated SVD (GloVe-style).

    Args:
        sentences: list of strings, tokenised like ``vk.KeywordIndex``.
        dim: length of the vectors; must be smaller than the vocabulary.
        window: context words on each side.
        min_count: drop words seen fewer times.
        seed: seed of the SVD's start vector (the result is the same up to signs anyway).

    Example:
        >>> import vectorkit as vk
        >>> toy = ["cats purr", "kittens purr", "dogs bark", "puppies bark"]
        >>> wv = vk.train.count_vectors(toy, dim=2, window=1)
        >>> wv.most_similar("cats", k=1)[0][0]
        'kittens'
    """
    dim = check_k(dim, "dim")
    corpus = Corpus(sentences, min_count=min_count)
    n = len(corpus.vocab)
    if dim >= n:
        raise ValueError(f"`dim` must be smaller than the vocabulary ({n} words), got {dim}")
    matrix = ppmi(cooccurrence(corpus, window))
    if matrix.nnz == 0:
        raise ValueError("no pair of words co-occurs more often than chance: give more text")
    from sklearn.decomposition import TruncatedSVD

    svd = TruncatedSVD(n_components=dim, algorithm="arpack", random_state=seed)
    u_s = svd.fit_transform(matrix)                 # U * S
    vectors = u_s / np.sqrt(np.maximum(svd.singular_values_, 1e-12))  # U * sqrt(S)
    return WordVectors(corpus.vocab, vectors.astype(np.float32), counts=corpus.counts)
