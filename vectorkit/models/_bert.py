"""The BERT encoder written in TensorFlow: word-piece ids in, one vector per token out.

This is the network of Devlin et al. (2019) as Hugging Face's ``BertModel`` stores it: token
+ position + segment embeddings and a LayerNorm, then ``num_hidden_layers`` post-norm
transformer layers (multi-head self-attention, a GELU feed-forward layer, each added to its
input and LayerNorm-ed). Weights are the ``BertModel`` names of a ``model.safetensors`` file
(``embeddings.*``, ``encoder.layer.N.*``; a ``bert.`` prefix is accepted), checked by name
and shape before anything runs. The pooler and any task head are not used.

The forward pass is one ``tf.function`` traced once for every batch size and length, so
padding only to the longest text of each batch costs nothing extra in tracing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from vectorkit._tf import tensorflow

#: The activations BERT folders name in ``hidden_act`` that this encoder computes.
ACTIVATIONS = {"gelu": False, "gelu_new": True, "gelu_pytorch_tanh": True}  # -> tanh approx.


@dataclass(frozen=True)
class BertConfig:
    """The shape of a BERT network, read from a Hugging Face ``config.json``."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_act: str = "gelu"
    pad_token_id: int = 0

    @classmethod
    def from_dict(cls, cfg: dict) -> BertConfig:
        """Build from ``config.json`` contents; a missing or odd field raises ``ValueError``."""
        required = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                    "intermediate_size", "max_position_embeddings"]
        missing = [k for k in required if not isinstance(cfg.get(k), int) or cfg[k] <= 0]
        if missing:
            raise ValueError(f"config.json must give positive integers for {missing}")
        if cfg["hidden_size"] % cfg["num_attention_heads"]:
            raise ValueError(f"config.json: hidden_size {cfg['hidden_size']} is not a multiple "
                             f"of num_attention_heads {cfg['num_attention_heads']}")
        act = cfg.get("hidden_act", "gelu")
        if act not in ACTIVATIONS:
            raise ValueError(f"config.json `hidden_act` must be one of {sorted(ACTIVATIONS)}, "
                             f"got {act!r}")
        kind = cfg.get("position_embedding_type", "absolute")
        if kind != "absolute":
            raise ValueError("config.json `position_embedding_type` must be 'absolute', "
                             f"got {kind!r}")
        return cls(**{k: cfg[k] for k in required}, hidden_act=act,
                   type_vocab_size=int(cfg.get("type_vocab_size", 2)),
                   layer_norm_eps=float(cfg.get("layer_norm_eps", 1e-12)),
                   pad_token_id=int(cfg.get("pad_token_id") or 0))

    def flops_per_token(self, length: int) -> int:
        """Multiply-adds x 2 of one token in a text of ``length`` tokens (matmuls only)."""
        h, f = self.hidden_size, self.intermediate_size
        dense = 2 * (4 * h * h + 2 * h * f)
        attention = 2 * 2 * length * h  # scores and weighted sum
        return self.num_hidden_layers * (dense + attention)


def expected_shapes(cfg: BertConfig) -> dict[str, tuple[int, ...]]:
    """Every weight the encoder needs, under its ``BertModel`` name, with its torch shape."""
    h, f = cfg.hidden_size, cfg.intermediate_size
    shapes = {"embeddings.word_embeddings.weight": (cfg.vocab_size, h),
              "embeddings.position_embeddings.weight": (cfg.max_position_embeddings, h),
              "embeddings.token_type_embeddings.weight": (cfg.type_vocab_size, h),
              "embeddings.LayerNorm.weight": (h,), "embeddings.LayerNorm.bias": (h,)}
    for i in range(cfg.num_hidden_layers):
        p = f"encoder.layer.{i}."
        for name, shape in [("attention.self.query", (h, h)), ("attention.self.key", (h, h)),
                            ("attention.self.value", (h, h)), ("attention.output.dense", (h, h)),
                            ("intermediate.dense", (f, h)), ("output.dense", (h, f))]:
            shapes[p + name + ".weight"], shapes[p + name + ".bias"] = shape, (shape[0],)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            shapes[p + norm + ".weight"], shapes[p + norm + ".bias"] = (h,), (h,)
    return shapes


def check_weights(weights: dict[str, np.ndarray], cfg: BertConfig, where: str) -> dict:
    """Return the encoder's weights as float32, or raise ``ValueError`` naming the first bad one.

    Names may carry the ``bert.`` prefix of ``BertForMaskedLM``-style checkpoints; other
    tensors (pooler, heads, ``position_ids``) are ignored.
    """
    plain = {k.removeprefix("bert."): v for k, v in weights.items()}
    out = {}
    for name, shape in expected_shapes(cfg).items():
        if name not in plain:
            raise ValueError(f"{where} has no tensor {name!r}: not the weights of a BERT "
                             f"encoder with {cfg.num_hidden_layers} layers")
        arr = plain[name]
        if tuple(arr.shape) != shape:
            raise ValueError(f"{where}: tensor {name!r} has shape {tuple(arr.shape)}, "
                             f"config.json implies {shape}")
        if arr.dtype.kind != "f":
            raise ValueError(f"{where}: tensor {name!r} has dtype {arr.dtype}, expected floats")
        out[name] = np.asarray(arr, dtype=np.float32)
    return out


class BertEncoder:
    """The network: ``encoder(ids, mask)`` -> last-layer hidden states ``(batch, length, dim)``.

    ``ids`` and ``mask`` are int32 arrays of shape ``(batch, length)``; ``mask`` is 1 for a
    real token and 0 for padding (padding never influences a real token's vector).
    """

    def __init__(self, cfg: BertConfig, weights: dict[str, np.ndarray]):
        tf = tensorflow()
        self.config = cfg
        w = weights

        def const(a):
            return tf.constant(np.ascontiguousarray(a, dtype=np.float32))

        self.word_table = w["embeddings.word_embeddings.weight"]  # numpy, for input_embeddings
        self._word = const(self.word_table)
        # segment 0 only (one text per input): fold its row into the position table
        self._pos = const(w["embeddings.position_embeddings.weight"]
                          + w["embeddings.token_type_embeddings.weight"][0])
        self._ln0 = (const(w["embeddings.LayerNorm.weight"]), const(w["embeddings.LayerNorm.bias"]))
        self._layers = []
        for i in range(cfg.num_hidden_layers):
            p = f"encoder.layer.{i}."
            qkv = [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
            qkv_b = [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            self._layers.append(tuple(const(a) for a in (
                np.concatenate(qkv, axis=0).T, np.concatenate(qkv_b),  # one fused (h, 3h) matmul
                w[p + "attention.output.dense.weight"].T, w[p + "attention.output.dense.bias"],
                w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                w[p + "intermediate.dense.weight"].T, w[p + "intermediate.dense.bias"],
                w[p + "output.dense.weight"].T, w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])))
        self.trainable_variables: list = []
        self._trace()

    def _trace(self) -> None:
        tf = tensorflow()
        spec = tf.TensorSpec((None, None), tf.int32)
        self._fn = tf.function(self._forward, input_signature=[spec, spec])

    def copy(self, trainable_layers: int = 0) -> BertEncoder:
        """A new encoder whose last ``trainable_layers`` transformer layers are ``tf.Variable`` s.

        The variables (listed in ``trainable_variables``) start as copies of this encoder's
        weights, so training them never changes this encoder; every other weight (the
        embedding tables, the lower layers) is a constant, shared when this encoder's copy is
        constant too. ``copy(0)`` is a frozen snapshot: the current values of any variables
        become constants.
        """
        tf = tensorflow()
        n = len(self._layers)
        if isinstance(trainable_layers, bool) or not isinstance(trainable_layers, int):
            raise TypeError(f"`trainable_layers` must be an int, got "
                            f"{type(trainable_layers).__name__}")
        if not 0 <= trainable_layers <= n:
            raise ValueError(f"`trainable_layers` must be an int from 0 to {n}, got "
                             f"{trainable_layers!r}")
        new = copy.copy(self)
        new._layers = []
        for i, layer in enumerate(self._layers):
            if i >= n - trainable_layers:
                layer = tuple(tf.Variable(t, name=f"layer{i}_{j}") for j, t in enumerate(layer))
            elif any(isinstance(t, tf.Variable) for t in layer):
                layer = tuple(tf.constant(t.numpy()) for t in layer)
            new._layers.append(layer)
        new.trainable_variables = [v for layer in new._layers for v in layer
                                   if isinstance(v, tf.Variable)]
        new._trace()
        return new

    def _norm(self, x, gamma, beta):
        tf = tensorflow()
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return (x - mean) * tf.math.rsqrt(var + self.config.layer_norm_eps) * gamma + beta

    def _forward(self, ids, mask):
        tf = tensorflow()
        cfg = self.config
        heads = cfg.num_attention_heads
        h = cfg.hidden_size
        dh = h // heads
        batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
        x = tf.gather(self._word, ids) + self._pos[:length]
        x = tf.reshape(self._norm(x, *self._ln0), (-1, h))  # (batch*length, h) for 2-D matmuls
        # additive mask: padding keys get a large negative score, so softmax gives them 0
        bias = (1.0 - tf.cast(mask, tf.float32))[:, None, None, :] * -1e9
        approx = ACTIVATIONS[cfg.hidden_act]
        scale = 1.0 / float(np.sqrt(dh))
        for (wqkv, bqkv, wo, bo, g1, b1, wi, bi, wf, bf, g2, b2) in self._layers:
            qkv = tf.reshape(tf.matmul(x, wqkv) + bqkv, (batch, length, 3, heads, dh))
            qkv = tf.transpose(qkv, (2, 0, 3, 1, 4))  # (3, batch, heads, length, dh)
            scores = tf.matmul(qkv[0] * scale, qkv[1], transpose_b=True) + bias
            ctx = tf.matmul(tf.nn.softmax(scores, axis=-1), qkv[2])
            ctx = tf.reshape(tf.transpose(ctx, (0, 2, 1, 3)), (-1, h))
            x = self._norm(x + tf.matmul(ctx, wo) + bo, g1, b1)
            inner = tf.nn.gelu(tf.matmul(x, wi) + bi, approximate=approx)
            x = self._norm(x + tf.matmul(inner, wf) + bf, g2, b2)
        return tf.reshape(x, (batch, length, h))

    def __call__(self, ids: np.ndarray, mask: np.ndarray):
        """Run the network; returns a ``tf.Tensor`` ``(batch, length, hidden_size)``."""
        return self._fn(np.asarray(ids, dtype=np.int32), np.asarray(mask, dtype=np.int32))
