"""Text models: the shared interface and the check of text input."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

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
