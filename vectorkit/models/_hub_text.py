"""Text models from TF Hub or a SavedModel: USE v4 and any string-in, vectors-out model."""

from __future__ import annotations

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit.models import _hub
from vectorkit.models._text import TextModel


class HubTextModel(TextModel):
    """A TF Hub / SavedModel text encoder that maps a batch of strings to vectors."""

    batch_size = 64

    def __init__(self, obj, name: str, source: str, handle: str | None, dim: int | None = None,
                 version: str = "1"):
        tf = tensorflow()

        self._tf = tf
        self._obj = obj
        self.name = name
        self.source = source
        self.handle = handle
        self.version = version
        self._fn = obj if callable(obj) else obj.signatures["serving_default"]
        self.dim = int(dim) if dim else int(self._call(["probe"]).shape[1])

    def _call(self, texts):
        out = self._fn(self._tf.constant(list(texts), dtype=self._tf.string))
        if isinstance(out, dict):
            out = next(iter(out.values()))
        return np.asarray(out, dtype=np.float32)

    def _embed_batch(self, batch):
        return self._call(batch)


def load_use_hub(spec=None, handle: str | None = None):
    """USE v4 from TF Hub (``"use"``); ``handle`` overrides the hub URL (tests, mirrors)."""
    handle = handle or spec.handle
    obj = _hub.load(handle, bundled=spec.bundled_alternative if spec else None)
    model = HubTextModel(obj, name=spec.name if spec else "use", source="tfhub",
                         handle=handle, dim=spec.dim if spec else None, version="4")
    model.description = spec.description if spec else ""
    return model
