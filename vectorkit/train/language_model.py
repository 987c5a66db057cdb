"""A tiny next-word language model in TensorFlow, to show the embedding inside a language model.

The model reads the previous ``context`` words, looks each one up in an embedding table
(one row per word, like word2vec's), joins the rows, passes them through one ``tanh``
layer to a vector of the table's length, and scores every word of the vocabulary by the dot
product of that vector with the *same* table (tied input and output embeddings, as in GPT-2),
followed by a softmax. Trained with cross-entropy on every next word of every sentence.
Large language models differ in size (billions of weights), in the layer between the table
and the output (dozens of attention layers instead of one ``tanh`` layer) and in their
tokens (sub-words), not in the embedding table at the two ends.

Limits: the corpus limits of :class:`vectorkit.train._corpus.Corpus` (2,000,000 words,
50,000-word vocabulary), at most :data:`MAX_EXAMPLES` training examples, ``dim`` <= 512.
"""

from __future__ import annotations

import time

import numpy as np

from vectorkit._validation import check_k
from vectorkit.train._corpus import Corpus, tokenize
from vectorkit.train.wordvectors import WordVectors

__all__ = ["NextWordModel", "next_word_model", "MAX_EXAMPLES"]

MAX_EXAMPLES = 2_000_000
START, END = "<s>", "</s>"  # padding before a sentence, and the word that ends it


class NextWordModel:
    """A trained next-word model: its vocabulary, embedding table and what it predicts.

    Attributes:
        vocab: the words (``"<s>"`` and ``"</s>"`` included), row order of ``embeddings``.
        embeddings: ``(len(vocab), dim)`` float32, the one table used at input and output.
        context: how many previous words the model reads.
        losses: mean cross-entropy (nats per word) of each training epoch.
        seconds: training time.
    """

    def __init__(self, vocab, embeddings, hidden, bias, context, losses, seconds):
        self.vocab = list(vocab)
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        self._hidden = [np.asarray(a, dtype=np.float32) for a in hidden]
        self._bias = np.asarray(bias, dtype=np.float32)
        self.context = int(context)
        self.losses = [float(x) for x in losses]
        self.seconds = float(seconds)
        self._index = {w: i for i, w in enumerate(self.vocab)}

    def __repr__(self) -> str:
        return (f"<NextWordModel: {len(self.vocab)} words, dim {self.embeddings.shape[1]}, "
                f"context {self.context}>")

    def word_vectors(self) -> WordVectors:
        """The embedding table as :class:`WordVectors` (nearest words, analogies)."""
        keep = [i for i, w in enumerate(self.vocab) if w not in (START, END)]
        return WordVectors([self.vocab[i] for i in keep], self.embeddings[keep])

    def _ids(self, words) -> np.ndarray:
        ids = []
        for w in words:
            if w not in self._index:
                raise KeyError(f"{w!r} is not in the model's vocabulary")
            ids.append(self._index[w])
        ids = [self._index[START]] * max(0, self.context - len(ids)) + ids
        return np.array(ids[-self.context:], dtype=np.int64)

    def probabilities(self, text: str) -> np.ndarray:
        """``(len(vocab),)`` probabilities of the word that follows ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"`text` must be a string, got {type(text).__name__}")
        x = self.embeddings[self._ids(tokenize(text))].reshape(-1)
        h = np.tanh(x @ self._hidden[0] + self._hidden[1])
        logits = (self.embeddings @ h + self._bias).astype(np.float64)
        p = np.exp(logits - logits.max())
        return p / p.sum()

    def predict(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` likeliest next words after ``text``: ``[(word, probability), ...]``.

        Example:
            >>> toy = ["the cat purrs", "the dog barks"] * 30
            >>> lm = next_word_model(toy, dim=8, context=2, epochs=30, progress=False)
            >>> lm.predict("the cat", k=1)[0][0]
            'purrs'
        """
        p = self.probabilities(text)
        top = np.argsort(-p, kind="stable")[:check_k(k)]
        return [(self.vocab[i], float(p[i])) for i in top]

    def generate(self, prompt: str = "", words: int = 10, seed: int = 0,
                 temperature: float = 1.0) -> str:
        """Continue ``prompt`` word by word, sampling each next word (stops at ``</s>``).

        ``temperature`` below 1 makes likely words likelier (1 samples the model as is).
        """
        words = check_k(words, "words")
        if not isinstance(temperature, int | float) or not 0 < temperature <= 10:
            raise ValueError(f"`temperature` must be a number in (0, 10], got {temperature!r}")
        rng = np.random.default_rng(seed)
        out = tokenize(prompt)
        for _ in range(words):
            logp = np.log(np.maximum(self.probabilities(" ".join(out)), 1e-300)) / temperature
            p = np.exp(logp - logp.max())
            word = self.vocab[int(rng.choice(len(p), p=p / p.sum()))]
            if word == END:
                break
            out.append(word)
        return " ".join(out)


def _examples(corpus: Corpus, context: int, start: int, end: int):
    """(previous ``context`` ids, next id) for every word and the end of every sentence."""
    xs, ys = [], []
    for ids in corpus.sentences:
        padded = np.concatenate([np.full(context, start, np.int64), ids, [end]])
        for t in range(context, padded.size):
            xs.append(padded[t - context:t])
            ys.append(padded[t])
        if len(ys) > MAX_EXAMPLES:
            raise ValueError(f"more than {MAX_EXAMPLES:,} training examples: train on fewer "
                             "sentences")
    return np.array(xs, dtype=np.int64), np.array(ys, dtype=np.int64)


def next_word_model(sentences, dim: int = 32, context: int = 3, epochs: int = 10,
                    seed: int = 0, *, batch_size: int = 256, learning_rate: float = 0.01,
                    progress: bool = True) -> NextWordModel:
    """Train a tiny next-word model with tied input/output embeddings (see the module text).

    Args:
        sentences: list of strings, tokenised like ``vk.KeywordIndex``.
        dim: length of the word embeddings (also the hidden layer's size).
        context: previous words read to predict the next one.
        epochs: passes over every next-word example; ``seed`` fixes initial values and order.
        batch_size, learning_rate: Adam optimiser settings.
        progress: show a tqdm bar with the loss.
    """
    dim = check_k(dim, "dim")
    if dim > 512:
        raise ValueError(f"`dim` must be at most 512, got {dim}")
    context, epochs = check_k(context, "context"), check_k(epochs, "epochs")
    batch_size = check_k(batch_size, "batch_size")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"`seed` must be an int, got {type(seed).__name__}")
    corpus = Corpus(sentences)
    vocab = [START, END, *corpus.vocab]
    for ids in corpus.sentences:
        ids += 2  # make room for <s> and </s> at rows 0 and 1
    x, y = _examples(corpus, context, 0, 1)
    rng = np.random.default_rng(int(seed))
    n = len(vocab)
    init = {
        "table": rng.normal(0, 0.1, (n, dim)),
        "w": rng.normal(0, 1 / np.sqrt(context * dim), (context * dim, dim)),
        "b": np.zeros(dim), "bias": np.zeros(n),
    }
    start = time.perf_counter()
    params, losses = _train(x, y, init, epochs, batch_size, float(learning_rate), rng, progress)
    return NextWordModel(vocab, params["table"], (params["w"], params["b"]), params["bias"],
                         context, losses, time.perf_counter() - start)


def _train(x, y, init, epochs, batch_size, learning_rate, rng, progress):
    from tqdm.auto import tqdm

    from vectorkit._tf import tensorflow

    tf = tensorflow()
    v = {k: tf.Variable(a.astype(np.float32), name=k) for k, a in init.items()}
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    variables = list(v.values())

    @tf.function(reduce_retracing=True)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            emb = tf.gather(v["table"], xb)                               # (b, context, dim)
            h = tf.tanh(tf.matmul(tf.reshape(emb, [tf.shape(xb)[0], -1]), v["w"]) + v["b"])
            logits = tf.matmul(h, v["table"], transpose_b=True) + v["bias"]  # tied table
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
        return loss

    losses = []
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    for _ in bar:
        order = rng.permutation(len(y))
        total = 0.0
        for s in range(0, len(y), batch_size):
            idx = order[s:s + batch_size]
            total += float(step(tf.constant(x[idx]), tf.constant(y[idx]))) * len(idx)
        losses.append(total / len(y))
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
    return {k: var.numpy() for k, var in v.items()}, losses
