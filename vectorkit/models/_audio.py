"""What every audio model shares: input checking, clips streamed from files, embed/frames/classify.

A prepared input is a :class:`Clip`: either 16 kHz mono samples in memory or a file that is
read block by block when the model runs, so a long recording never sits in memory whole.
Subclasses implement :meth:`AudioModel._run`, which yields per-window outputs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence

import numpy as np

from vectorkit import audio as _audio
from vectorkit._validation import check_top_k
from vectorkit.models._base import EmbeddingModel, top_k_pairs


class Clip:
    """One prepared audio input: 16 kHz float32 samples, or a file streamed on demand."""

    __slots__ = ("samples", "path", "_duration")

    def __init__(self, samples: np.ndarray | None = None, path: str | None = None,
                 duration: float | None = None):
        self.samples, self.path = samples, path
        self._duration = duration

    @property
    def duration(self) -> float:
        """Length in seconds (at 16 kHz)."""
        if self.samples is not None:
            return len(self.samples) / _audio.TARGET_RATE
        return float(self._duration)

    def blocks(self, block: int = _audio.BLOCK_FRAMES) -> Iterator[np.ndarray]:
        """16 kHz float32 mono samples in consecutive blocks."""
        if self.samples is not None:
            for start in range(0, len(self.samples), block):
                yield self.samples[start:start + block]
        else:
            yield from _audio.stream_file(self.path, name=self.path)

    def key_bytes(self) -> bytes:
        """Content fingerprint for the embedding cache (a file is hashed in blocks)."""
        if self.samples is not None:
            return b"pcm16k:" + np.ascontiguousarray(self.samples).tobytes()
        digest = hashlib.sha256()
        with open(self.path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return b"file:" + digest.digest()

    def __repr__(self) -> str:
        where = f"file {self.path!r}" if self.path else f"{len(self.samples)} samples"
        return f"<Clip {where}, {self.duration:.2f} s at 16 kHz>"


def _is_number(x) -> bool:
    return isinstance(x, int | float | np.number) and not isinstance(x, bool)


def prepare_clip(item, sample_rate=None, name: str = "audio") -> Clip:
    """Check one input (path, array + rate, or an object with ``.audio``/``.sample_rate``)."""
    if isinstance(item, Clip):
        return item
    if isinstance(item, str | os.PathLike):
        frames, rate, _ = _audio.audio_info(item, name=name)
        return Clip(path=os.fspath(item), duration=frames / rate)
    if hasattr(item, "audio") and hasattr(item, "sample_rate"):  # e.g. a dataset Sound
        return Clip(_audio.to_mono(item.audio, item.sample_rate, name=name))
    if isinstance(item, np.ndarray) or (isinstance(item, list | tuple) and item
                                        and _is_number(item[0])):
        return Clip(_audio.to_mono(item, sample_rate, name=name))
    raise TypeError(f"`{name}` must be a file path, an array of samples (with `sample_rate`) "
                    f"or a list of those, got {type(item).__name__}")


def prepare_audio(items, sample_rate=None) -> tuple[bool, list[Clip]]:
    """Return ``(is_single, clips)`` for one input or a list of inputs."""
    if items is None:
        raise TypeError("`audio` must be a file path, an array of samples or a list of those, "
                        "got None")
    if isinstance(items, list | tuple) and not (items and _is_number(items[0])):
        if not items:
            raise ValueError("`audio` is an empty list: nothing to embed")
        return False, [prepare_clip(x, sample_rate, name=f"audio[{i}]")
                       for i, x in enumerate(items)]
    return True, [prepare_clip(items, sample_rate)]


class AudioModel(EmbeddingModel):
    """Base of the audio models: ``embed``, ``frames`` and ``classify`` over :class:`Clip` s."""

    modality = "audio"
    batch_size = 8
    #: shortest input the network handles without padding (seconds)
    window_seconds: float = 1.0
    #: class names for classify(), in score order (empty: no classifier)
    labels: Sequence[str] = ()

    def _run(self, clips: list[Clip], scores: bool = False
             ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray | None]]:
        """Yield ``(clip_index, embeddings (k, dim), start_times (k,), scores (k, C) or None)``."""
        raise NotImplementedError

    def _prepare(self, items, sample_rate=None, **kwargs):
        if kwargs:
            raise TypeError(f"unexpected options {sorted(kwargs)} for audio model {self.name!r}; "
                            "audio models take `sample_rate`")
        return prepare_audio(items, sample_rate)

    def _item_bytes(self, item: Clip) -> bytes:
        return item.key_bytes()

    def _reduce(self, clips: list[Clip], scores: bool) -> list[np.ndarray]:
        """Mean embedding (or mean scores) per clip, accumulated window batch by batch."""
        sums: list = [None] * len(clips)
        counts = np.zeros(len(clips))
        for i, emb, _, sc in self._run(clips, scores=scores):
            part = (sc if scores else emb).sum(axis=0, dtype=np.float64)
            sums[i] = part if sums[i] is None else sums[i] + part
            counts[i] += len(emb)
        return [(s / c).astype(np.float32) for s, c in zip(sums, counts, strict=True)]

    def _embed_batch(self, batch: list[Clip]) -> np.ndarray:
        return np.stack(self._reduce(batch, scores=False))

    def frames(self, audio, sample_rate=None):
        """Per-window embeddings of one clip and the start time (seconds) of each window.

        Returns:
            ``(embeddings (n, dim) float32, start_times (n,) float64)``.

        Example:
            >>> import numpy as np, vectorkit as vk
            >>> m = vk.load_model("audio")
            >>> emb, t = m.frames(np.zeros(16000 * 6, np.float32), sample_rate=16000)
            >>> emb.shape, t.round(2).tolist()
            ((2, 200), [0.0, 2.99])
        """
        single, clips = self._prepare(audio, sample_rate=sample_rate)
        if not single:
            raise ValueError("`audio` must be one clip for frames(), got a list of "
                             f"{len(clips)}; call frames() once per clip")
        embs, times = [], []
        for _, emb, t, _ in self._run(clips):
            embs.append(emb)
            times.append(t)
        return (np.concatenate(embs).astype(np.float32),
                np.concatenate(times).astype(np.float64))

    def classify(self, audio, top_k: int = 5, sample_rate=None):
        """The ``top_k`` ``(label, score)`` pairs per clip, scores averaged over windows.

        One clip gives a list of pairs, a list of clips a list of such lists.
        """
        if not self.labels:
            return super().classify(audio, top_k=top_k)
        k = check_top_k(top_k, len(self.labels))  # before the (slow) forward pass
        single, clips = self._prepare(audio, sample_rate=sample_rate)
        scores = np.stack(self._reduce(clips, scores=True))
        pairs = top_k_pairs(scores, self.labels, k)
        return pairs[0] if single else pairs

    def preprocess(self, item, sample_rate=None):
        """The 16 kHz mono float32 samples the model receives for one input."""
        single, clips = self._prepare(item, sample_rate=sample_rate)
        out = [c.samples if c.samples is not None else np.concatenate(list(c.blocks()))
               for c in clips]
        return out[0] if single else out
