"""vk.KeywordIndex: BM25 against a hand computation, TF-IDF, ids, padding, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import vectorkit as vk
import vectorkit.search.keyword

DOCS = ["the cat sat", "the cat and the dog", "a dog barked"]


def hand_bm25(query_words, docs, k1=1.5, b=0.75):
    """BM25 written out term by term, straight from the formula."""
    tokenised = [d.split() for d in docs]
    n = len(docs)
    avgdl = sum(len(t) for t in tokenised) / n
    scores = []
    for words in tokenised:
        total = 0.0
        for term in query_words:
            df = sum(term in t for t in tokenised)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = words.count(term)
            if tf == 0:  # contributes nothing (and 0/0 when k1 = 0)
                continue
            total += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(words) / avgdl))
        scores.append(total)
    return scores


def test_bm25_matches_hand_computation():
    kw = vk.KeywordIndex(DOCS)
    res = kw.search("cat dog", k=3)
    # idf(cat) = idf(dog) = ln(1.6); avgdl = 11/3; d1 is longer but has both words
    assert res.ids.tolist() == [1, 0, 2]  # d0 and d2 tie: the earlier document first
    np.testing.assert_allclose(res.scores, [0.807819, 0.511886, 0.511886], atol=1e-6)
    np.testing.assert_allclose(kw.scores("cat dog"), hand_bm25(["cat", "dog"], DOCS), rtol=1e-12)


@pytest.mark.parametrize("k1, b", [(1.5, 0.75), (1.2, 0.0), (0.0, 0.75), (2.0, 1.0)])
def test_bm25_parameters(k1, b):
    kw = vk.KeywordIndex(DOCS, k1=k1, b=b)
    for query in (["the"], ["the", "dog"], ["cat", "cat"], ["barked", "sat", "a"]):
        np.testing.assert_allclose(kw.scores(" ".join(query)), hand_bm25(query, DOCS, k1, b),
                                   rtol=1e-12)


def test_bm25_term_frequency_saturates():
    kw = vk.KeywordIndex(["apple", "apple apple", "apple apple apple apple apple apple"], b=0.0)
    s = kw.scores("apple")
    assert s[0] < s[1] < s[2] < s[0] * 2.5  # (k1 + 1) bounds the gain of repetition
    np.testing.assert_allclose(s, hand_bm25(["apple"], ["apple", "apple apple", "apple " * 6],
                                            b=0.0))


def test_tfidf_is_cosine_of_sklearn_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    kw = vk.KeywordIndex(DOCS, method="tfidf")
    vec = TfidfVectorizer(token_pattern=vectorkit.search.keyword.TOKEN_PATTERN).fit(DOCS)
    expected = (vec.transform(["dog sat"]) @ vec.transform(DOCS).T).toarray()[0]
    np.testing.assert_allclose(kw.scores("dog sat"), expected)
    res = kw.search("dog sat", k=3)
    assert res.metric == "tfidf"
    assert res.ids.tolist() == list(np.argsort(-expected, kind="stable"))


def test_unmatched_places_are_none_and_nan():
    kw = vk.KeywordIndex({"a": "red apples", "b": "blue sky", "c": "red sky"})
    res = kw.search({"q1": "apples", "q2": "sky", "q3": "nothing here"}, k=3)
    assert res.query_ids == ["q1", "q2", "q3"]
    assert res.ids.tolist() == [["a", None, None], ["b", "c", None], [None, None, None]]
    assert np.isnan(res.scores[0, 1:]).all() and np.isnan(res.scores[2]).all()
    assert res.ranked() == {"q1": ["a"], "q2": ["b", "c"], "q3": []}
    assert res.to_frame()["id"].tolist() == ["a", "b", "c"]
    assert "(no match)" in repr(res)
    full = kw.search("red sky", k=2)
    assert full.ids.tolist() == ["c", "a"]  # a and b tie on one word: a was added first


def test_single_and_batch_shapes_and_k():
    kw = vk.KeywordIndex(DOCS, ids=["x", "y", "z"])
    single = kw.search("dog", k=1)
    assert single.single and single.ids.tolist() == ["z"]
    batch = kw.search(["dog", "cat"], k=10, query_ids=["d", "c"])
    assert batch.ids.shape == (2, 3)  # k larger than the collection: every document
    assert batch[1].ids.tolist() == ["x", "y", None]
    assert len(kw) == 3 and kw.ids.tolist() == ["x", "y", "z"]
    assert "barked" in kw.vocabulary and "a" in kw.vocabulary  # one-letter words kept


def test_case_and_codes_and_stop_words():
    kw = vk.KeywordIndex(["Error E-1042 on BW-R5", "error E-1024 on BW-R3", "The cat"])
    assert kw.search("e-1042", k=1).ids.tolist() == [0]
    assert kw.search("bw-r3", k=1).ids.tolist() == [1]
    stop = vk.KeywordIndex(["the cat", "the dog"], stop_words="english")
    assert stop.search("the", k=2).ids.tolist() == [None, None]


def test_identical_documents_tie_in_insertion_order():
    kw = vk.KeywordIndex(["blue car"] * 5 + ["car"], ids=list("abcdef"))
    assert kw.search("blue car", k=6).ids.tolist() == ["a", "b", "c", "d", "e", "f"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(method="bm42"), "`method` must be one of \\['bm25', 'tfidf'\\], got 'bm42'"),
    (dict(k1=-1), "`k1` must be a number >= 0"),
    (dict(k1=float("nan")), "`k1` must be"),
    (dict(b=1.5), "`b` must be a number between 0 and 1, got 1.5"),
    (dict(b="0.5"), "`b` must be"),
    (dict(ids=["a", "a", "b"]), "unique"),
    (dict(ids=["a"]), "1 entries but there are 3"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vk.KeywordIndex(DOCS, **kwargs)


def test_bad_texts_and_queries():
    with pytest.raises(ValueError, match="got a single string"):
        vk.KeywordIndex("just one string")
    with pytest.raises(ValueError, match="must hold strings, got int at position 1"):
        vk.KeywordIndex(["a", 3])
    with pytest.raises(ValueError, match="for id 'y'"):
        vk.KeywordIndex({"x": "ok", "y": None})
    with pytest.raises(ValueError, match="`texts` is empty"):
        vk.KeywordIndex([])
    with pytest.raises(ValueError, match="no words to index"):
        vk.KeywordIndex(["", "  ", "!!"])
    with pytest.raises(ValueError, match="not both"):
        vk.KeywordIndex({"a": "x y"}, ids=["b"])
    kw = vk.KeywordIndex(DOCS)
    with pytest.raises(ValueError, match="`query_texts` must be a string"):
        kw.search(42)
    with pytest.raises(ValueError, match="`k` must be a positive integer, got 0"):
        kw.search("cat", k=0)
    with pytest.raises(ValueError, match="not both"):
        kw.search({"q": "cat"}, query_ids=["x"])


def test_side_by_side_with_evaluate_on_the_course_benchmark():
    docs, queries, qrels = vk.datasets.load_search_benchmark()
    tables = [vk.evaluate(vk.KeywordIndex(docs, method=m).search(queries, k=10), qrels, name=m)
              for m in ("bm25", "tfidf")]
    for table in tables:
        assert table["queries"].iloc[0] == len(qrels)
        values = table[["recall@10", "precision@10", "mrr@10", "ndcg@10"]].to_numpy()
        assert ((values > 0) & (values <= 1)).all()
