"""Text models: the shared interface and the check of text input."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from vectorkit.models._base import EmbeddingModel

#: Longest text embedded, in characters; longer texts are cut with a warning. The models read
#: far less (MiniLM its first 256 word pieces, about 1,000 characters) but the cost of a text
#: grows with its length (about 6 KB of memory per character in the multilingual encoder:
#: 1 MB of text took 5.9 GiB).
MAX_TEXT_CHARS = 10_000


def _clean(text: str, where: str) -> str:
    """``text`` cut to :data:`MAX_TEXT_CHARS` (with a warning) and with lone surrogates
    (``"\\ud800"``, which no tokenizer can encode) replaced by U+FFFD."""
    if len(text) > MAX_TEXT_CHARS:
        import warnings

        warnings.warn(f"`{where}` has {len(text):,} characters; only the first "
                      f"{MAX_TEXT_CHARS:,} are embedded (MAX_TEXT_CHARS)", UserWarning,
                      stacklevel=5)
        text = text[:MAX_TEXT_CHARS]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # surrogate pairs become their character, lone ones U+FFFD
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def prepare_texts(items, name: str = "items") -> tuple[bool, list[str]]:
    """Check text input: one ``str`` or a sequence of ``str``; errors name the bad position.

    Texts longer than :data:`MAX_TEXT_CHARS` are cut (with a warning); lone surrogates are
    replaced by U+FFFD.
    """
    if isinstance(items, str):
        return True, [_clean(items, name)]
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
    return False, [_clean(str(t), f"{name}[{i}]") for i, t in enumerate(texts)]


class TextModel(EmbeddingModel):
    """A sentence encoder: ``embed(str) -> (dim,)``, ``embed(list) -> (n, dim)``."""

    modality = "text"

    def _prepare(self, items, **kwargs):
        if kwargs:
            raise TypeError(f"text models take no options {sorted(kwargs)}")
        return prepare_texts(items)
