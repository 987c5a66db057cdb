"""Fine-tuning a sentence encoder on pairs of texts that mean the same, with an in-batch
contrastive loss (the "multiple negatives ranking" loss of sentence-transformers, InfoNCE).

A batch holds ``b`` pairs ``(anchor_i, positive_i)``. Every anchor is compared by cosine with
every positive of the batch; the ``b x b`` matrix, times ``scale``, is read as ``b`` softmax
classification problems: anchor ``i`` should pick positive ``i`` and the other ``b - 1``
positives are its negatives, for free. The loss is the mean cross-entropy of those rows.

One trap: if a batch holds two pairs with the same anchor (a query with two relevant
documents) or the same positive, the other pair's positive is not a negative. Such known
pairs are left out of the row's softmax instead of being pushed apart.

Example:
    >>> import numpy as np, vectorkit as vk
    >>> same = np.eye(3)
    >>> round(vk.train.in_batch_loss(same, same, scale=20.0), 6)  # right answers, far apart
    0.0
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from vectorkit._validation import as_vectors, check_k, check_same_dim

#: Most pairs ``fine_tune_text`` accepts (one epoch of all-MiniLM-L6-v2 on 2 cores took
#: about 0.05-0.2 s per pair of a short query and a paragraph: 20,000 pairs are 15-60 minutes).
MAX_PAIRS = 20_000


class FineTuned(NamedTuple):
    """What :func:`fine_tune_text` returns: ``model, losses = vk.train.fine_tune_text(...)``."""

    model: object
    """A new text model (``.embed``, works with ``vk.Index``); the original is unchanged."""
    losses: np.ndarray
    """The loss of every step (float64, in training order; measured before the step's update)."""


def _loss(tf, a, p, scale, exclude):
    """Mean in-batch cross-entropy of unit-normalised ``a`` against ``p`` (tensors)."""
    a = tf.math.l2_normalize(a, axis=1)
    p = tf.math.l2_normalize(p, axis=1)
    logits = scale * tf.matmul(a, p, transpose_b=True)
    logits = tf.where(exclude, tf.constant(-np.inf, logits.dtype), logits)
    labels = tf.range(tf.shape(a)[0])
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))


def _check_scale(scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.floating):
        raise TypeError(f"`scale` must be a number, got {type(scale).__name__}")
    if not 0 < scale <= 1000:
        raise ValueError(f"`scale` must be in (0, 1000], got {scale!r}")
    return float(scale)


def in_batch_loss(anchors, positives, *, scale: float = 20.0, exclude=None) -> float:
    """The in-batch contrastive loss of ``n`` pairs of vectors (row ``i`` of each is a pair).

    ``-mean_i log softmax_j(scale * cos(anchors[i], positives[j]))[i]``; entries where
    ``exclude[i, j]`` is True (never the diagonal) are left out of row ``i``'s softmax.

    Args:
        anchors, positives: ``(n, dim)`` arrays, ``n >= 2`` (any length: rows are normalised).
        scale: multiplies the cosines (20 in sentence-transformers; a temperature of 0.05).
        exclude: optional ``(n, n)`` boolean array of pairs that are not negatives.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> a = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> round(vk.train.in_batch_loss(a, a[::-1], scale=1.0), 4)  # both pick the wrong one
        1.3133
    """
    from vectorkit._tf import tensorflow

    tf = tensorflow()
    a = as_vectors(anchors, "anchors", dtype=np.float64, allow_1d=False)
    p = as_vectors(positives, "positives", dtype=np.float64, allow_1d=False)
    check_same_dim(a, p, "anchors", "positives")
    if a.shape[0] != p.shape[0] or a.shape[0] < 2:
        raise ValueError(f"`anchors` and `positives` must have the same number of rows, at "
                         f"least 2, got {a.shape[0]} and {p.shape[0]}")
    exclude = _check_exclude(exclude, a.shape[0])
    return float(_loss(tf, tf.constant(a), tf.constant(p), _check_scale(scale),
                       tf.constant(exclude)))


def _check_exclude(exclude, n: int) -> np.ndarray:
    if exclude is None:
        return np.zeros((n, n), dtype=bool)
    arr = np.asarray(exclude)
    if arr.dtype != bool or arr.shape != (n, n):
        raise ValueError(f"`exclude` must be a boolean array of shape {(n, n)}, got "
                         f"{arr.dtype} of shape {arr.shape}")
    if arr.diagonal().any():
        raise ValueError("`exclude` must be False on its diagonal (a pair is its own positive)")
    return arr


def _check_pairs(pairs) -> list[tuple[str, str]]:
    if isinstance(pairs, str | bytes) or not hasattr(pairs, "__iter__"):
        raise TypeError(f"`pairs` must be a list of (text, text) pairs, got "
                        f"{type(pairs).__name__}")
    out = []
    for i, pair in enumerate(pairs):
        if (isinstance(pair, str) or not isinstance(pair, list | tuple) or len(pair) != 2
                or not all(isinstance(t, str) for t in pair)):
            raise TypeError(f"`pairs[{i}]` must be a pair of two strings, got {pair!r:.60}")
        out.append((pair[0], pair[1]))
    if not 2 <= len(out) <= MAX_PAIRS:
        raise ValueError(f"`pairs` must hold 2 to {MAX_PAIRS:,} pairs, got {len(out)}")
    return out


def _batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """A shuffled split of ``range(n)`` into nearly equal batches of at most ``batch_size``
    (never a batch of one, which has no negatives)."""
    return np.array_split(rng.permutation(n), -(-n // batch_size))


def fine_tune_text(model, pairs, *, epochs: int = 1, batch_size: int = 16,
                   learning_rate: float = 2e-5, scale: float = 20.0, train_layers: int = 2,
                   seed: int = 0, progress: bool = True) -> FineTuned:
    """Fine-tune a BERT sentence encoder on ``(anchor, positive)`` text pairs.

    Each step embeds one batch of anchors and its positives with the model's own pooling,
    computes :func:`in_batch_loss` (known pairs of the whole list excluded as negatives) and
    takes one Adam step on the weights of the last ``train_layers`` transformer layers. There
    is no dropout, so the same seed gives the same model.

    Time and memory: a step runs the network forward and backward on ``2 * batch_size``
    texts of at most ``model.max_tokens`` word pieces (memory grows with ``batch_size`` times
    the square of that length). On 2 cores, all-MiniLM-L6-v2 took about 1 s per step of 16
    pairs of short texts (a query and a help-centre paragraph) on an idle machine and about
    3 s on a busy one, with two trainable layers or all six alike.

    Args:
        model: a BERT text model (``vk.load_model("minilm")`` or a local BERT folder); it is
            not changed.
        pairs: list of ``(anchor, positive)`` string pairs, 2 to ``MAX_PAIRS``.
        epochs: passes over all pairs, each in a new random order.
        batch_size: pairs per step (at least 2); more pairs give more negatives per anchor.
        learning_rate: Adam's step size (2e-5 is the usual size for BERT fine-tuning).
        scale: multiplies the cosines before the softmax.
        train_layers: how many of the top transformer layers learn (1 to all).
        seed: fixes the order of the pairs.
        progress: show a tqdm bar with the loss.

    Returns:
        :class:`FineTuned` ``(model, losses)``: the new model (``name`` ends in
        ``-fine-tuned``, ``source`` is ``"fine-tuned"``) and the loss of every step.

    Example:
        >>> import vectorkit as vk
        >>> pairs = [("cheap flights", "low-cost airline tickets"),
        ...          ("fix a flat tyre", "repair a punctured bicycle wheel")]
        >>> tuned, losses = vk.train.fine_tune_text(vk.load_model("minilm"), pairs, epochs=2,
        ...                                         progress=False)
        >>> tuned.name, tuned.dim, len(losses)
        ('all-minilm-l6-v2-fine-tuned', 384, 2)
    """
    from vectorkit._tf import tensorflow
    from vectorkit.models._bert_tune import TunableBert

    pairs = _check_pairs(pairs)
    epochs, batch_size = check_k(epochs, "epochs"), check_k(batch_size, "batch_size")
    if batch_size < 2:
        raise ValueError(f"`batch_size` must be at least 2 (a pair needs negatives), "
                         f"got {batch_size}")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float) \
            or not 0 < learning_rate < 1:
        raise ValueError(f"`learning_rate` must be a number between 0 and 1, "
                         f"got {learning_rate!r}")
    scale = _check_scale(scale)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"`seed` must be an int, got {type(seed).__name__}")
    tunable = TunableBert(model, train_layers)  # checks `model` and `train_layers`

    tf = tensorflow()
    known = set(pairs)
    optimizer = tf.keras.optimizers.Adam(float(learning_rate))
    variables = tunable.trainable_variables
    rng = np.random.default_rng(int(seed))
    steps = [batch for _ in range(epochs) for batch in _batches(len(pairs), batch_size, rng)]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="fine-tuning", unit="step")
    losses, started = [], time.perf_counter()
    for batch in steps:
        anchors = [pairs[i][0] for i in batch]
        positives = [pairs[i][1] for i in batch]
        exclude = np.array([[i != j and (a, p) in known for j, p in enumerate(positives)]
                            for i, a in enumerate(anchors)])
        with tf.GradientTape() as tape:
            loss = _loss(tf, tunable(anchors), tunable(positives), scale, tf.constant(exclude))
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables, strict=True))
        losses.append(float(loss))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{losses[-1]:.3f}",
                            seconds=f"{time.perf_counter() - started:.0f}")
    if bar is not None:
        bar.close()
    return FineTuned(tunable.to_model(f"{model.name} fine-tuned on {len(pairs)} text pairs "
                                      f"({epochs} epoch(s), top {train_layers} layer(s))"),
                     np.array(losses, dtype=np.float64))
