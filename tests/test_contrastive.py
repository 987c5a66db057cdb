"""vk.train.fine_tune_text and vk.train.in_batch_loss on tiny random BERT folders."""

from __future__ import annotations

import numpy as np
import pytest
from bert_folders import make_bert_folder
from scipy.special import logsumexp

import vectorkit as vk

# a toy set of pairs over the tiny vocabulary: two topics, animals and banks
PAIRS = [("the cat sat", "a cat ran"), ("the dog sat", "a dog ran"),
         ("river bank", "the river"), ("bank account", "a account"),
         ("cat on the mat", "the cat"), ("dog on the mat", "the dog")]
TEXTS = ["the cat sat on the mat", "a river bank", "dog", "unknownwords"]


def numpy_loss(a, p, scale, exclude=None):
    """Mean cross-entropy of the rows of scale * cos(a, p), diagonal = right answer (float64)."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    p = p / np.linalg.norm(p, axis=1, keepdims=True)
    logits = scale * (a.astype(np.float64) @ p.astype(np.float64).T)
    if exclude is not None:
        logits = np.where(exclude, -np.inf, logits)
    return float(np.mean(logsumexp(logits, axis=1) - np.diag(logits)))


def tiny(tmp_path, name="tiny-bert", **kwargs):
    return vk.load_model(str(make_bert_folder(tmp_path / name, **kwargs)))


# ---- the loss ------------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1.0, 20.0])
def test_in_batch_loss_equals_numpy(scale):
    rng = np.random.default_rng(0)
    a, p = rng.standard_normal((7, 5)), rng.standard_normal((7, 5)) * 3  # any row length
    np.testing.assert_allclose(vk.train.in_batch_loss(a, p, scale=scale),
                               numpy_loss(a, p, scale), rtol=1e-10)
    exclude = np.zeros((7, 7), dtype=bool)
    exclude[0, 3] = exclude[4, 1] = exclude[4, 2] = True
    got = vk.train.in_batch_loss(a, p, scale=scale, exclude=exclude)
    np.testing.assert_allclose(got, numpy_loss(a, p, scale, exclude), rtol=1e-10)
    assert got != pytest.approx(numpy_loss(a, p, scale))  # excluding changes the loss


def test_in_batch_loss_extremes():
    eye = np.eye(4)
    assert vk.train.in_batch_loss(eye, eye, scale=50.0) < 1e-15  # every row sure and right
    np.testing.assert_allclose(vk.train.in_batch_loss(np.ones((4, 3)), np.ones((4, 3))),
                               np.log(4))  # all cosines equal: a uniform guess


def test_in_batch_loss_refusals():
    a = np.eye(3)
    with pytest.raises(ValueError, match="same number of rows"):
        vk.train.in_batch_loss(a, a[:2])
    with pytest.raises(ValueError, match="at least 2"):
        vk.train.in_batch_loss(a[:1], a[:1])
    with pytest.raises(ValueError, match="`exclude` must be a boolean array of shape"):
        vk.train.in_batch_loss(a, a, exclude=np.zeros((2, 2), dtype=bool))
    with pytest.raises(ValueError, match="diagonal"):
        vk.train.in_batch_loss(a, a, exclude=np.eye(3, dtype=bool))
    with pytest.raises(ValueError, match=r"`scale` must be in \(0, 1000\]"):
        vk.train.in_batch_loss(a, a, scale=0)
    with pytest.raises(TypeError, match="`scale` must be a number"):
        vk.train.in_batch_loss(a, a, scale="20")


# ---- fine-tuning ---------------------------------------------------------------------

@pytest.mark.parametrize("pooling", ["mean", "cls"])
def test_first_step_loss_equals_numpy_on_the_models_vectors(tmp_path, pooling):
    # one batch holds every pair, so step 1's loss is measured on the model's own vectors;
    # a query with two positives shows that known pairs are not counted as negatives
    model = tiny(tmp_path, pooling=pooling)
    pairs = [*PAIRS, ("the cat sat", "the cat")]
    _, losses = vk.train.fine_tune_text(model, pairs, batch_size=len(pairs), progress=False)
    a = model.embed([x for x, _ in pairs], cache=False).astype(np.float64)
    p = model.embed([y for _, y in pairs], cache=False).astype(np.float64)
    exclude = np.array([[i != j and (x, q) in set(pairs) for j, (_, q) in enumerate(pairs)]
                        for i, (x, _) in enumerate(pairs)])
    assert exclude.sum() == 5  # "the cat sat" has two positives; "the cat" is in two pairs
    np.testing.assert_allclose(losses[0], numpy_loss(a, p, 20.0, exclude), rtol=1e-4)
    assert losses[0] != pytest.approx(numpy_loss(a, p, 20.0), rel=1e-3)


def test_loss_falls_and_the_pairs_come_closer(tmp_path):
    model = tiny(tmp_path, layers=2)
    tuned, losses = vk.train.fine_tune_text(model, PAIRS, epochs=30, batch_size=6,
                                            learning_rate=1e-3, train_layers=2, progress=False)
    assert losses.shape == (30,) and losses.dtype == np.float64
    assert losses[-5:].mean() < 0.5 * losses[:5].mean()

    def rank_of_positive(m):  # mean rank of each anchor's positive among all positives
        a = m.embed([x for x, _ in PAIRS], cache=False)
        p = m.embed([y for _, y in PAIRS], cache=False)
        sims = a @ p.T
        return np.mean([(row > row[i]).sum() for i, row in enumerate(sims)])

    assert rank_of_positive(tuned) < rank_of_positive(model)


def test_frozen_layers_do_not_change(tmp_path):
    model = tiny(tmp_path, layers=3)
    tuned, _ = vk.train.fine_tune_text(model, PAIRS, epochs=2, learning_rate=1e-2,
                                       train_layers=1, progress=False)
    before, after = model._encoder._layers, tuned._encoder._layers
    for layer in (0, 1):
        for w0, w1 in zip(before[layer], after[layer], strict=True):
            np.testing.assert_array_equal(np.asarray(w0), np.asarray(w1))
    changed = [not np.array_equal(np.asarray(w0), np.asarray(w1))
               for w0, w1 in zip(before[2], after[2], strict=True)]
    assert sum(changed) >= len(changed) - 1  # the top layer learned (nearly every tensor)
    np.testing.assert_array_equal(model.input_embeddings()[1], tuned.input_embeddings()[1])


def test_the_original_model_is_untouched_and_the_new_one_works(tmp_path):
    model = tiny(tmp_path)
    ident = (model.name, model.source, model.version, model.cache_namespace)
    reference = model.embed(TEXTS)  # cached under the original's namespace
    tuned, _ = vk.train.fine_tune_text(model, PAIRS, epochs=3, learning_rate=1e-2,
                                       train_layers=2, progress=False)
    assert (model.name, model.source, model.version, model.cache_namespace) == ident
    np.testing.assert_array_equal(model.embed(TEXTS, cache=False), reference)
    assert (tuned.name, tuned.source, tuned.dim) == ("tiny-bert-fine-tuned", "fine-tuned", 32)
    assert tuned.cache_namespace != model.cache_namespace
    vectors = tuned.embed(TEXTS)  # the cache must not hand back the original's vectors
    assert not np.allclose(vectors, reference, atol=1e-3)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(tuned.embed(TEXTS, cache=False), vectors)
    result = vk.Index(vectors, ids=["a", "b", "c", "d"]).search(tuned.embed(TEXTS[2]), k=1)
    assert result.ranked() == ["c"]  # a text finds itself
    # training the new model again leaves it unchanged too
    vk.train.fine_tune_text(tuned, PAIRS, learning_rate=1e-2, progress=False)
    np.testing.assert_array_equal(tuned.embed(TEXTS, cache=False), vectors)


def test_same_seed_same_model(tmp_path):
    model = tiny(tmp_path)
    runs = [vk.train.fine_tune_text(model, PAIRS, epochs=2, batch_size=3, learning_rate=1e-2,
                                    seed=seed, progress=False) for seed in (4, 4, 5)]
    np.testing.assert_allclose(runs[0].losses, runs[1].losses, rtol=1e-6)
    np.testing.assert_allclose(runs[0].model.embed(TEXTS, cache=False),
                               runs[1].model.embed(TEXTS, cache=False), atol=1e-6)
    assert not np.allclose(runs[0].losses, runs[2].losses)  # another order of the pairs


def test_batches_never_hold_one_pair(tmp_path):
    model = tiny(tmp_path)
    _, losses = vk.train.fine_tune_text(model, PAIRS[:5], batch_size=4, progress=False)
    assert len(losses) == 2 and (losses > 0).all()  # 3 + 2 pairs, not 4 + 1 (a loss of 0)


def test_refusals(tmp_path):
    model = tiny(tmp_path, layers=2)
    with pytest.raises(TypeError, match="`model` must be a BERT text model"):
        vk.train.fine_tune_text("minilm", PAIRS)
    with pytest.raises(TypeError, match=r"`pairs\[1\]` must be a pair of two strings"):
        vk.train.fine_tune_text(model, [("a", "b"), ("c",)])
    with pytest.raises(TypeError, match="`pairs` must be a list"):
        vk.train.fine_tune_text(model, "the cat")
    with pytest.raises(ValueError, match="`pairs` must hold 2 to"):
        vk.train.fine_tune_text(model, PAIRS[:1])
    with pytest.raises(ValueError, match="`batch_size` must be at least 2"):
        vk.train.fine_tune_text(model, PAIRS, batch_size=1)
    with pytest.raises(ValueError, match=r"`train_layers` must be from 1 to 2 .*got 3"):
        vk.train.fine_tune_text(model, PAIRS, train_layers=3)
    with pytest.raises(ValueError, match="`train_layers` must be from 1 to 2"):
        vk.train.fine_tune_text(model, PAIRS, train_layers=0)
    with pytest.raises(TypeError, match="`train_layers` must be an int"):
        vk.train.fine_tune_text(model, PAIRS, train_layers=1.5)
    with pytest.raises(ValueError, match="`learning_rate` must be a number between 0 and 1"):
        vk.train.fine_tune_text(model, PAIRS, learning_rate=0)
    with pytest.raises(TypeError, match="`seed` must be an int"):
        vk.train.fine_tune_text(model, PAIRS, seed="0")
    with pytest.raises(ValueError, match="`epochs`"):
        vk.train.fine_tune_text(model, PAIRS, epochs=0)


def test_encoder_copy_refusals(tmp_path):
    encoder = tiny(tmp_path, layers=2)._encoder
    with pytest.raises(ValueError, match="`trainable_layers` must be an int from 0 to 2"):
        encoder.copy(3)
    with pytest.raises(TypeError, match="`trainable_layers` must be an int"):
        encoder.copy(True)
    frozen = encoder.copy(0)
    assert frozen.trainable_variables == [] and frozen._layers[0][0] is encoder._layers[0][0]
