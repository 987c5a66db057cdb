"""vk.train.next_word_model: a tiny next-word model whose one embedding table is tied."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk

TOY = ["the cat purrs softly", "the dog barks loudly", "a cat purrs", "a dog barks"] * 25


@pytest.fixture(scope="module")
def lm():
    return vk.train.next_word_model(TOY, dim=8, context=2, epochs=25, seed=0, progress=False)


def test_loss_falls_and_the_next_words_are_learned(lm):
    assert lm.losses[-1] < 0.5 * lm.losses[0]
    assert lm.predict("the cat", k=1)[0][0] == "purrs"
    assert lm.predict("a dog", k=1)[0][0] == "barks"
    assert lm.predict("cat purrs softly", k=1)[0][0] == "</s>"


def test_probabilities_use_the_tied_table(lm):
    # recompute by hand: the same table scores the output words
    ids = [lm.vocab.index(w) for w in ("the", "dog")]
    x = lm.embeddings[ids].reshape(-1)
    h = np.tanh(x @ lm._hidden[0] + lm._hidden[1])
    logits = lm.embeddings @ h + lm._bias
    expected = np.exp(logits - logits.max())
    np.testing.assert_allclose(lm.probabilities("the dog"), expected / expected.sum(),
                               rtol=1e-5)
    assert lm.probabilities("the dog").sum() == pytest.approx(1.0)


def test_short_prompts_are_padded_and_generation_stops_at_the_end(lm):
    assert lm.predict("", k=1)[0][0] in {"the", "a"}
    text = lm.generate("the cat", words=20, seed=1, temperature=0.5)
    assert text.startswith("the cat purrs") and len(text.split()) < 20


def test_same_seed_same_model():
    a = vk.train.next_word_model(TOY[:20], dim=4, context=1, epochs=2, seed=3, progress=False)
    b = vk.train.next_word_model(TOY[:20], dim=4, context=1, epochs=2, seed=3, progress=False)
    np.testing.assert_allclose(a.embeddings, b.embeddings, atol=1e-6)


def test_word_vectors_leave_out_the_markers(lm):
    wv = lm.word_vectors()
    assert "<s>" not in wv.vocab and "</s>" not in wv.vocab
    assert wv.vectors.shape == (len(lm.vocab) - 2, 8)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(dim=0), ValueError, "`dim` must be a positive integer"),
    (dict(dim=1000), ValueError, "`dim` must be at most 512"),
    (dict(context=1.5), TypeError, "`context` must be a positive integer"),
    (dict(seed="0"), TypeError, "`seed` must be an int"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        vk.train.next_word_model(TOY, progress=False, **kwargs)


def test_unknown_words_and_bad_calls(lm):
    with pytest.raises(KeyError, match="'zebra' is not in the model's vocabulary"):
        lm.predict("the zebra")
    with pytest.raises(TypeError, match="`text` must be a string"):
        lm.predict(["the"])
    with pytest.raises(ValueError, match="`temperature`"):
        lm.generate("the", temperature=0)
