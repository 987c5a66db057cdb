"""Keyword search baselines (BM25 and TF-IDF) with the same results as ``vk.Index``.

A keyword index scores documents by the words they share with the query, so it finds
exact names and codes that embeddings blur, and misses paraphrases that embeddings catch.
Built on scikit-learn's ``CountVectorizer`` / ``TfidfVectorizer`` and scipy sparse
matrices; results are :class:`vectorkit.SearchResult` objects, so keyword and semantic
search can be evaluated side by side with :func:`vectorkit.evaluate`.

BM25 (Robertson & Zaragoza, as in Lucene) scores a document ``D`` for a query ``Q`` as

    sum over query words t of  idf(t) * tf(t, D) * (k1 + 1)
                                 / (tf(t, D) + k1 * (1 - b + b * |D| / avgdl))
    idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

where ``tf`` counts ``t`` in ``D``, ``|D|`` is the number of words of ``D``, ``avgdl`` the
mean document length, ``N`` the number of documents and ``df(t)`` how many contain ``t``.
A word repeated in the query counts once per repetition. TF-IDF scores are the cosine
similarity of scikit-learn's TF-IDF vectors (smoothed idf, l2 norm).

Only documents sharing at least one word with the query are returned; the remaining
places of a result hold id ``None`` and score ``nan``.

Example:
    >>> import vectorkit as vk
    >>> kw = vk.KeywordIndex(["red apples", "green apples and pears", "a red car"])
    >>> kw.search("red apples", k=3).ids.tolist()
    [0, 2, 1]
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import check_k
from vectorkit.search import _topk
from vectorkit.search._ids import IdMap
from vectorkit.search._result import SearchResult

__all__ = ["KeywordIndex"]

METHODS = ("bm25", "tfidf")
#: Words: runs of letters or digits, single characters included ("C", "3").
TOKEN_PATTERN = r"(?u)\b\w+\b"
_QUERY_CHUNK_ELEMENTS = 4 * 1024**2


def _texts(texts, name: str) -> tuple[bool, list, list | None]:
    """Return ``(is_single, list_of_str, keys_or_None)``; a dict gives its keys as ids."""
    keys = None
    if isinstance(texts, str):
        return True, [texts], None
    if isinstance(texts, dict):
        keys, texts = list(texts.keys()), list(texts.values())
    elif isinstance(texts, np.ndarray):
        texts = texts.tolist()
    if not isinstance(texts, list | tuple):
        raise ValueError(f"`{name}` must be a string, a list of strings or a dict id -> string, "
                         f"got {type(texts).__name__}")
    if not texts:
        raise ValueError(f"`{name}` is empty; expected at least one text")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            where = f"for id {keys[i]!r}" if keys is not None else f"at position {i}"
            raise ValueError(f"`{name}` must hold strings, got {type(t).__name__} {where}")
    return False, list(texts), keys


class KeywordIndex:
    """Rank texts by shared words: BM25 (default) or TF-IDF cosine.

    Args:
        texts: list of documents, or a dict id -> document (its keys become the ids).
        ids: one unique str or int per document (default ``0..n-1``, or the dict's keys).
        method: "bm25" or "tfidf".
        k1: BM25 term-frequency saturation (>= 0; 0 ignores repetitions).
        b: BM25 length normalisation, 0 (none) to 1 (full).
        stop_words: passed to scikit-learn (e.g. "english"); default keeps every word.
        token_pattern: regular expression of a word (default: letters/digits, any length).

    Example:
        >>> import vectorkit as vk
        >>> docs = {"d1": "error E404 page not found", "d2": "the page loads slowly"}
        >>> kw = vk.KeywordIndex(docs, method="tfidf")
        >>> kw.search(["E404", "slow loading"], k=2).ids.tolist()
        [['d1', None], [None, None]]
    """

    def __init__(self, texts, ids=None, method: str = "bm25", k1: float = 1.5,
                 b: float = 0.75, *, stop_words=None, token_pattern: str = TOKEN_PATTERN):
        if method not in METHODS:
            raise ValueError(f"`method` must be one of {list(METHODS)}, got {method!r}")
        for name, value, low, high in (("k1", k1, 0.0, np.inf), ("b", b, 0.0, 1.0)):
            if (isinstance(value, bool) or not isinstance(value, int | float | np.number)
                    or not np.isfinite(value) or not low <= value <= high):
                allowed = "a number >= 0" if name == "k1" else "a number between 0 and 1"
                raise ValueError(f"`{name}` must be {allowed}, got {value!r}")
        single, docs, keys = _texts(texts, "texts")
        if single:
            raise ValueError("`texts` must be a list of documents or a dict id -> document, "
                             "got a single string")
        if ids is not None and keys is not None:
            raise ValueError("pass either a dict of texts or `ids`, not both")
        self.method, self.k1, self.b = method, float(k1), float(b)
        self._ids = IdMap()
        self._ids.extend(keys if keys is not None else ids, len(docs))
        self._n = len(docs)
        self._vectorizer = self._make_vectorizer(stop_words, token_pattern)
        try:
            matrix = self._vectorizer.fit_transform(docs)
        except ValueError as exc:  # "empty vocabulary"
            raise ValueError(f"`texts` contain no words to index ({exc})") from None
        self._doc_weights = (self._bm25_weights(matrix) if method == "bm25" else matrix).T.tocsr()

    def _make_vectorizer(self, stop_words, token_pattern):
        import re

        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

        if not isinstance(token_pattern, str):
            raise TypeError(f"`token_pattern` must be a regular expression (str), got "
                            f"{type(token_pattern).__name__}")
        try:
            groups = re.compile(token_pattern).groups
        except re.error as exc:
            raise ValueError(f"`token_pattern` must be a valid regular expression, got "
                             f"{token_pattern!r} ({exc})") from None
        if groups > 1:
            raise ValueError(f"`token_pattern` may hold at most one capturing group (the "
                             f"word), got {groups} in {token_pattern!r}")
        if isinstance(stop_words, str) and stop_words != "english":
            raise ValueError(f"`stop_words` must be 'english', a list of words or None, got "
                             f"{stop_words!r}")
        if stop_words is not None and not isinstance(stop_words, str):
            try:
                stop_words = [str(w) for w in stop_words]
            except TypeError:
                raise TypeError(f"`stop_words` must be 'english', a list of words or None, got "
                                f"{type(stop_words).__name__}") from None

        common = dict(lowercase=True, stop_words=stop_words, token_pattern=token_pattern,
                      dtype=np.float64)
        if self.method == "bm25":
            return CountVectorizer(**common)
        return TfidfVectorizer(norm="l2", smooth_idf=True, **common)

    def _bm25_weights(self, counts):
        """Per (document, word) BM25 weight: the score each occurrence set contributes."""
        counts = counts.tocsr()
        n_docs = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf_ = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        avgdl = lengths.mean()
        norm = self.k1 * (1.0 - self.b + self.b * lengths / avgdl)
        row_of = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
        tf = counts.data
        weights = counts.copy()
        weights.data = self.idf_[counts.indices] * tf * (self.k1 + 1.0) / (tf + norm[row_of])
        return weights

    @property
    def vocabulary(self) -> list[str]:
        """The indexed words, in column order."""
        return self._vectorizer.get_feature_names_out().tolist()

    @property
    def ids(self) -> np.ndarray:
        """The ids of the documents, in order."""
        return self._ids.take(np.arange(self._n))

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return (f"<KeywordIndex method={self.method!r} documents={self._n:,} "
                f"words={self._doc_weights.shape[0]:,}>")

    def scores(self, query_texts) -> np.ndarray:
        """The ``(q, n)`` score of every document for each query (``(n,)`` for one)."""
        single, queries, _ = _texts(query_texts, "query_texts")
        q = self._vectorizer.transform(queries)
        if self.method == "bm25":
            q = q.tocsr()  # word counts: a repeated query word counts twice
        out = (q @ self._doc_weights).toarray()
        return out[0] if single else out

    def search(self, query_texts, k: int = 10, query_ids=None) -> SearchResult:
        """Return the ``k`` best documents per query (only those sharing a word).

        Args:
            query_texts: one string, a list of strings, or a dict query id -> string
                (its keys become the result's ``query_ids``).
            k: results per query.
            query_ids: names of the queries when ``query_texts`` is a list.
        """
        k = check_k(k)
        single, queries, keys = _texts(query_texts, "query_texts")
        if keys is not None:
            if query_ids is not None:
                raise ValueError("pass either a dict of query texts or `query_ids`, not both")
            query_ids = keys
        k_eff = min(k, self._n)
        step = max(1, _QUERY_CHUNK_ELEMENTS // self._n)
        pos = np.empty((len(queries), k_eff), dtype=np.int64)
        vals = np.empty((len(queries), k_eff), dtype=np.float64)
        for s in range(0, len(queries), step):
            dense = self.scores(queries[s:s + step])
            pos[s:s + step], vals[s:s + step] = _topk.top_k_dense(dense, k_eff)
        matched = vals > 0
        ids = self._ids.take(pos)
        if not matched.all():
            ids = ids.astype(object)
            ids[~matched] = None
            vals[~matched] = np.nan
        if single:
            ids, vals = ids[0], vals[0]
        return SearchResult(ids, vals, self.method, query_ids)
