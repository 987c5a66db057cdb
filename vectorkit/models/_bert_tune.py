"""A BERT sentence encoder to fine-tune: its top layers as TensorFlow variables, its sentence
vectors as a differentiable tensor, and a new frozen text model made from the trained weights.

The model it starts from is never changed: the variables are copies of its weights
(:meth:`vectorkit.models._bert.BertEncoder.copy`).
"""

from __future__ import annotations

import copy
import hashlib

from vectorkit._tf import tensorflow
from vectorkit.models._bert_text import BertTextModel

#: ``source`` of a model made by :meth:`TunableBert.to_model`.
SOURCE = "fine-tuned"


class TunableBert:
    """``tunable(texts)`` -> unit sentence vectors ``(n, dim)`` as a ``tf.Tensor``.

    Pooling is the model's own (mean over real tokens, or ``[CLS]``), followed by L2
    normalisation, so a dot product of two rows is their cosine. Gradients flow into
    ``trainable_variables``: the weights of the last ``train_layers`` transformer layers
    (all-MiniLM-L6-v2 has 6, about 1.8 million weights each); the word-piece table and the
    lower layers stay fixed.
    """

    def __init__(self, model: BertTextModel, train_layers: int):
        if not isinstance(model, BertTextModel):
            raise TypeError("`model` must be a BERT text model such as vk.load_model('minilm') "
                            f"or a local BERT folder, got {type(model).__name__}")
        if isinstance(train_layers, bool) or not isinstance(train_layers, int):
            raise TypeError(f"`train_layers` must be an int, got {type(train_layers).__name__}")
        layers = model._encoder.config.num_hidden_layers
        if not 1 <= train_layers <= layers:
            raise ValueError(f"`train_layers` must be from 1 to {layers} (the layers of "
                             f"{model.name}), got {train_layers}")
        self.base = model
        self._encoder = model._encoder.copy(train_layers)
        self.trainable_variables = self._encoder.trainable_variables

    def __call__(self, texts: list[str]):
        tf = tensorflow()
        _, ids, mask, _ = self.base._encode(list(texts))
        hidden = self._encoder(ids, mask)
        if self.base.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            m = tf.cast(mask, tf.float32)[:, :, None]
            pooled = tf.reduce_sum(hidden * m, axis=1) / tf.maximum(tf.reduce_sum(m, axis=1),
                                                                    1e-9)
        return tf.math.l2_normalize(pooled, axis=1)

    def to_model(self, description: str = "") -> BertTextModel:
        """A new text model with the current weights frozen (later training does not change it).

        Its ``name`` is the base model's with ``-fine-tuned`` appended, ``source`` is
        ``"fine-tuned"`` and ``version`` ends in a digest of the trained weights, so the
        embedding cache never mixes its vectors with the base model's.
        """
        digest = hashlib.sha256()
        for v in self.trainable_variables:
            digest.update(v.numpy().tobytes())
        model = copy.copy(self.base)
        model._encoder = self._encoder.copy(0)
        model.name = f"{self.base.name}-fine-tuned"
        model.source = SOURCE
        model.version = f"{self.base.version}-{digest.hexdigest()[:12]}"
        model.description = description or f"{self.base.name} fine-tuned"
        return model
