"""word2vec: skip-gram with negative sampling (Mikolov et al., 2013), trained in TensorFlow.

For every word of every sentence and every neighbour within ``window`` words (a positive
pair), the model raises ``sigmoid(centre . context)`` and lowers it for ``negatives`` words
drawn at random from the unigram distribution raised to the 3/4 power (the noise words).
A noise word that happens to *be* the positive context word would push the model to both
raise and lower the same score; those draws are redrawn, so a negative never equals the
positive word of its pair (a bug of a widely copied tutorial). The centre-word table
becomes the embedding.

Limits: at most :data:`~vectorkit.train._corpus.MAX_TOKENS` words of text and
:data:`MAX_PAIRS` pairs per epoch (memory grows with pairs x negatives).
"""

from __future__ import annotations

import time

import numpy as np

from vectorkit._validation import check_k
from vectorkit.train._corpus import Corpus
from vectorkit.train.wordvectors import WordVectors

__all__ = ["word2vec", "draw_negatives", "MAX_PAIRS"]

MAX_PAIRS = 5_000_000
MAX_DIM = 1024


def draw_negatives(rng: np.random.Generator, probs: np.ndarray, positives: np.ndarray,
                   negatives: int) -> np.ndarray:
    """``(len(positives), negatives)`` noise word ids drawn from ``probs``, none equal to the
    positive word of its row.

    Example:
        >>> import numpy as np
        >>> from vectorkit.train._word2vec import draw_negatives
        >>> pos = np.array([0, 1, 0, 1])
        >>> neg = draw_negatives(np.random.default_rng(0), np.array([0.5, 0.5]), pos, 3)
        >>> bool((neg != pos[:, None]).all()), neg.shape
        (True, (4, 3))
    """
    if np.count_nonzero(probs) < 2:
        raise ValueError("negative sampling needs at least 2 words with a non-zero probability")
    neg = rng.choice(probs.size, size=(positives.size, negatives), p=probs)
    clash = neg == positives[:, None]
    while clash.any():  # each redraw clashes with probability p(word) < 1: ends quickly
        neg[clash] = rng.choice(probs.size, size=int(clash.sum()), p=probs)
        clash = neg == positives[:, None]
    return neg.astype(np.int32)


def _check(dim, negatives, epochs, batch_size, learning_rate, seed):
    dim = check_k(dim, "dim")
    if dim > MAX_DIM:
        raise ValueError(f"`dim` must be at most {MAX_DIM}, got {dim}")
    negatives = check_k(negatives, "negatives")
    epochs = check_k(epochs, "epochs")
    batch_size = check_k(batch_size, "batch_size")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float) \
            or not 0 < learning_rate < 10:
        raise ValueError(f"`learning_rate` must be a number between 0 and 10, "
                         f"got {learning_rate!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"`seed` must be an int, got {type(seed).__name__}")
    return dim, negatives, epochs, batch_size, float(learning_rate), int(seed)


def word2vec(sentences, dim: int = 50, window: int = 2, negatives: int = 5, epochs: int = 5,
             seed: int = 0, *, min_count: int = 1, batch_size: int = 256,
             learning_rate: float = 0.01, progress: bool = True) -> WordVectors:
    """Train word vectors with skip-gram and negative sampling.

    Args:
        sentences: list of strings, tokenised like ``vk.KeywordIndex`` (lower-case words).
        dim: length of the word vectors.
        window: context words on each side of the centre word.
        negatives: noise words per positive pair.
        epochs: passes over all pairs.
        seed: the same seed gives the same vectors (initial values, shuffling, noise words).
        min_count: drop words seen fewer times.
        batch_size: pairs per gradient step (Adam optimiser, ``learning_rate``).
        progress: show a progress bar with the loss (tqdm).

    Returns:
        :class:`WordVectors` with ``losses`` (mean loss of each epoch).

    Example:
        >>> import vectorkit as vk
        >>> toy = ["the cat purrs", "the dog barks"] * 20
        >>> wv = vk.train.word2vec(toy, dim=8, epochs=2, progress=False)
        >>> wv.vectors.shape, wv.losses[-1] < wv.losses[0]
        ((5, 8), True)
    """
    dim, negatives, epochs, batch_size, learning_rate, seed = _check(
        dim, negatives, epochs, batch_size, learning_rate, seed)
    corpus = Corpus(sentences, min_count=min_count)
    centre, context, _ = corpus.pairs(window)
    if centre.size > MAX_PAIRS:
        raise ValueError(f"{centre.size:,} training pairs is more than the limit of "
                         f"{MAX_PAIRS:,}: use fewer sentences or a smaller `window`")
    noise = corpus.counts.astype(np.float64) ** 0.75
    noise /= noise.sum()
    rng = np.random.default_rng(seed)
    n = len(corpus.vocab)
    init = rng.uniform(-0.5 / dim, 0.5 / dim, size=(n, dim)).astype(np.float32)
    losses = _train(centre, context, noise, init, negatives, epochs, batch_size,
                    learning_rate, rng, progress)
    return WordVectors(corpus.vocab, losses.pop("vectors"), counts=corpus.counts,
                       losses=losses["epochs"])


def _train(centre, context, noise, init, negatives, epochs, batch_size, learning_rate, rng,
           progress):
    from vectorkit._tf import tensorflow

    tf = tensorflow()
    w_in = tf.Variable(init, name="centre_vectors")
    w_out = tf.Variable(tf.zeros_like(init), name="context_vectors")
    optimizer = tf.keras.optimizers.Adam(learning_rate)

    @tf.function
    def run_epoch(c_all, pos_all, neg_all):
        """One pass over the (already shuffled) pairs, batch by batch, inside the graph."""
        n_pairs = tf.shape(c_all)[0]
        total = tf.constant(0.0, tf.float64)
        for s in tf.range(0, n_pairs, batch_size):
            c, pos = c_all[s:s + batch_size], pos_all[s:s + batch_size]
            neg = neg_all[s:s + batch_size]
            with tf.GradientTape() as tape:
                u = tf.gather(w_in, c)                                   # (b, dim)
                v = tf.gather(w_out, tf.concat([pos[:, None], neg], 1))  # (b, 1 + neg, dim)
                logits = tf.einsum("bd,bkd->bk", u, v)
                labels = tf.concat([tf.ones_like(logits[:, :1]),
                                    tf.zeros_like(logits[:, 1:])], 1)
                per_pair = tf.reduce_sum(
                    tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), 1)
                loss = tf.reduce_mean(per_pair)
            grads = tape.gradient(loss, [w_in, w_out])
            optimizer.apply_gradients(zip(grads, [w_in, w_out], strict=True))
            total += tf.cast(loss, tf.float64) * tf.cast(tf.shape(c)[0], tf.float64)
        return total / tf.cast(n_pairs, tf.float64)

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc="word2vec", unit="epoch")
    history, started = [], time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(centre.size)
        neg = draw_negatives(rng, noise, context[order], negatives)
        history.append(float(run_epoch(tf.constant(centre[order]), tf.constant(context[order]),
                                       tf.constant(neg))))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{history[-1]:.3f}",
                            seconds=f"{time.perf_counter() - started:.0f}")
    if bar is not None:
        bar.close()
    return {"vectors": w_in.numpy(), "epochs": history}
