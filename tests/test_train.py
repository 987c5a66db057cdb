"""vk.train: tokeniser, co-occurrence windows, WordVectors, word2vec and count vectors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import vectorkit as vk
from vectorkit.train._corpus import Corpus
from vectorkit.train._count import cooccurrence, ppmi
from vectorkit.train._word2vec import draw_negatives

FRUIT = ["apple", "pear", "plum", "peach", "cherry", "mango"]
TOOLS = ["hammer", "wrench", "drill", "saw", "pliers", "chisel"]


def two_topics(n=120, seed=0):
    """Sentences of five words, each from one topic only: fruit or tools."""
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(FRUIT if i % 2 else TOOLS, 5)) for i in range(n)]


# --- tokenising and windows -----------------------------------------------------------------


def test_tokenize_matches_keyword_index():
    texts = ["Slice the LEMON, then squeeze 2 halves!", "C-3PO's tea: e-mail me", "naïve café"]
    ours = {w for t in texts for w in vk.train.tokenize(t)}
    assert ours == set(vk.KeywordIndex(texts).vocabulary)


def test_corpus_pairs_equal_brute_force():
    sentences = ["a b c d", "b a", "e", "c c a"]
    corpus = Corpus(sentences)
    for window in (1, 2, 3):
        centre, context, dist = corpus.pairs(window)
        got = sorted(zip(centre.tolist(), context.tolist(), dist.tolist(), strict=True))
        want = []
        for s in sentences:
            ids = [corpus.index[w] for w in s.split()]
            for i, j in itertools.permutations(range(len(ids)), 2):
                if abs(i - j) <= window:
                    want.append((ids[i], ids[j], abs(i - j)))
        assert got == sorted(want)


def test_corpus_vocab_is_sorted_by_frequency_and_min_count_drops_words():
    corpus = Corpus(["b a b", "c b a"], min_count=2)
    assert corpus.vocab == ["b", "a"] and corpus.counts.tolist() == [3, 2]
    assert [s.tolist() for s in corpus.sentences] == [[0, 1, 0], [0, 1]]


@pytest.mark.parametrize("bad, error, words", [
    ("one sentence", TypeError, "single str"),
    ([1, 2], TypeError, "position 0"),
    (["same same same"], ValueError, "at least 2 different words"),
    ({"a": "b"}, TypeError, "list of strings"),
])
def test_corpus_refuses_bad_sentences(bad, error, words):
    with pytest.raises(error, match=words):
        Corpus(bad)


def test_pairs_need_two_words_in_a_sentence():
    with pytest.raises(ValueError, match="within `window`"):
        Corpus(["a", "b"]).pairs(2)


# --- WordVectors ------------------------------------------------------------------------------


def test_most_similar_and_analogy_equal_brute_force():
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(40)]
    vectors = rng.normal(size=(40, 8))
    wv = vk.train.WordVectors(vocab, vectors)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = unit @ unit.T
    for i in (0, 17, 39):
        got = wv.most_similar(vocab[i], k=5)
        order = [j for j in np.argsort(-cos[i]) if j != i][:5]
        assert [w for w, _ in got] == [vocab[j] for j in order]
        np.testing.assert_allclose([s for _, s in got], cos[i, order], rtol=1e-5)
    target = unit[2] - unit[1] + unit[3]
    scores = unit @ (target / np.linalg.norm(target))
    order = [j for j in np.argsort(-scores) if j not in (1, 2, 3)][:4]
    assert [w for w, _ in wv.analogy("w1", "w2", "w3", k=4)] == [vocab[j] for j in order]
    assert wv.similarity("w0", "w5") == pytest.approx(cos[0, 5], rel=1e-5)
    assert len(wv.most_similar("w0", k=100)) == 39          # everything but the word itself


def test_unknown_word_raises_key_error_naming_it():
    wv = vk.train.WordVectors(["apple", "pear"], [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(KeyError, match="'durian' is not in the vocabulary"):
        wv.most_similar("durian")
    with pytest.raises(KeyError, match="lower case"):
        wv["Apple"]
    with pytest.raises(KeyError, match="'kiwi'"):
        wv.analogy("apple", "kiwi", "pear")
    assert "apple" in wv and "kiwi" not in wv and wv.dim == 2 and len(wv) == 2


@pytest.mark.parametrize("vocab, vectors, error", [
    (["a", "a"], [[1.0], [2.0]], ValueError),
    (["a", 3], [[1.0], [2.0]], TypeError),
    (["a", "b"], [[1.0]], ValueError),
])
def test_word_vectors_check_their_input(vocab, vectors, error):
    with pytest.raises(error):
        vk.train.WordVectors(vocab, vectors)


# --- word2vec ---------------------------------------------------------------------------------


def test_negatives_never_equal_the_positive_and_follow_the_noise_distribution():
    rng = np.random.default_rng(0)
    probs = np.array([0.7, 0.2, 0.1])
    positives = rng.integers(0, 3, 30000)
    neg = draw_negatives(rng, probs, positives, 4)
    assert neg.shape == (30000, 4) and not (neg == positives[:, None]).any()
    # given the positive word 0, the noise words follow probs restricted to {1, 2}
    freq = np.bincount(neg[positives == 0].ravel(), minlength=3) / neg[positives == 0].size
    np.testing.assert_allclose(freq, [0.0, 2 / 3, 1 / 3], atol=0.02)
    with pytest.raises(ValueError, match="at least 2 words"):
        draw_negatives(rng, np.array([1.0, 0.0]), positives, 2)


@pytest.fixture(scope="module")
def w2v():
    return vk.train.word2vec(two_topics(), dim=16, window=2, negatives=3, epochs=8,
                             progress=False)


def test_word2vec_loss_falls_and_learns_the_two_topics(w2v):
    assert w2v.vectors.shape == (12, 16) and w2v.vectors.dtype == np.float32
    assert sorted(w2v.vocab) == sorted(FRUIT + TOOLS)
    assert len(w2v.losses) == 8 and w2v.losses[-1] < 0.8 * w2v.losses[0]
    for word in FRUIT + TOOLS:
        topic = FRUIT if word in FRUIT else TOOLS
        nearest = [w for w, _ in w2v.most_similar(word, k=3)]
        assert set(nearest) <= set(topic), (word, nearest)
        assert word not in nearest


def test_word2vec_is_seeded(w2v):
    again = vk.train.word2vec(two_topics(), dim=16, window=2, negatives=3, epochs=8,
                              progress=False)
    np.testing.assert_array_equal(again.vectors, w2v.vectors)
    other = vk.train.word2vec(two_topics(), dim=16, window=2, negatives=3, epochs=8, seed=1,
                              progress=False)
    assert not np.allclose(other.vectors, w2v.vectors)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"dim": 0}, ValueError, "`dim`"),
    ({"dim": 5000}, ValueError, "at most"),
    ({"negatives": -1}, ValueError, "`negatives`"),
    ({"epochs": 1.5}, TypeError, "`epochs`"),
    ({"window": 0}, ValueError, "`window`"),
    ({"learning_rate": 0}, ValueError, "`learning_rate`"),
    ({"seed": "0"}, TypeError, "`seed`"),
])
def test_word2vec_checks_its_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        vk.train.word2vec(["a b c"], progress=False, **kwargs)


# --- count vectors ----------------------------------------------------------------------------


def test_cooccurrence_and_ppmi_equal_dense_formulas():
    sentences = ["a b c a", "b c", "c a d"]
    corpus = Corpus(sentences)
    n = len(corpus.vocab)
    dense = np.zeros((n, n))
    for s in sentences:
        ids = [corpus.index[w] for w in s.split()]
        for i, j in itertools.permutations(range(len(ids)), 2):
            if abs(i - j) <= 2:
                dense[ids[i], ids[j]] += 1 / abs(i - j)
    counts = cooccurrence(corpus, 2)
    np.testing.assert_allclose(counts.toarray(), dense)
    p = dense / dense.sum()
    ctx = dense.sum(0) ** 0.75
    with np.errstate(divide="ignore"):
        want = np.maximum(np.log(p / (p.sum(1, keepdims=True) * (ctx / ctx.sum()))), 0)
    np.testing.assert_allclose(ppmi(counts).toarray(), want, atol=1e-12)


def test_count_vectors_learn_the_two_topics():
    wv = vk.train.count_vectors(two_topics(), dim=4, window=2)
    assert wv.vectors.shape == (12, 4) and wv.vectors.dtype == np.float32
    for word in FRUIT + TOOLS:
        topic = FRUIT if word in FRUIT else TOOLS
        assert {w for w, _ in wv.most_similar(word, k=3)} <= set(topic)
    with pytest.raises(ValueError, match="smaller than the vocabulary"):
        vk.train.count_vectors(two_topics(), dim=12)
