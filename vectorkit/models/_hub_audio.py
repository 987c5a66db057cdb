"""Audio SavedModels (TF Hub or a local folder) behind the vectorkit audio interface.

The wrapper probes the model once with silence to learn what it returns:

* ``"yamnet"`` layout: ``(scores (N, C), embeddings (N, D), log_mel (frames, 64))`` for a
  1-D 16 kHz waveform, one row per 0.96 s window every 0.48 s (YAMNet and models exported
  like it). Long inputs are fed in chunks that line up with that window grid, so the result
  equals one call on the whole clip while memory stays bounded.
* ``"frames"``: one ``(N, D)`` tensor (or a dict holding ``embeddings``) with several rows for
  5 s of audio; windows are taken to be spread evenly over the clip.
* ``"clip"``: one ``(D,)`` / ``(1, D)`` vector per clip.
"""

from __future__ import annotations

import csv
import warnings

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit.audio import TARGET_RATE
from vectorkit.models._audio import AudioModel, Clip
from vectorkit.models._signature import input_spec

# YAMNet's framing (yamnet/params.py): 0.96 s patches every 0.48 s of 25 ms / 10 ms frames.
PATCH_HOP = 7680  # 0.48 s
MIN_SAMPLES = 15600  # 0.96 s + 0.025 s - 0.010 s: the shortest input giving one patch
CHUNK_PATCHES = 125  # windows per model call for long inputs (60 s)


def read_class_map(path) -> list[str]:
    """Class names from a YAMNet-style CSV (``index,mid,display_name``), in index order."""
    tf = tensorflow()

    with tf.io.gfile.GFile(path, "r") as f:
        rows = list(csv.DictReader(f))
    if not rows or "display_name" not in rows[0]:
        raise ValueError(f"class map {path} must be a CSV with a display_name column")
    return [r["display_name"] for r in rows]


class HubAudioModel(AudioModel):
    """An audio SavedModel: 16 kHz mono float32 waveform in, embeddings (and scores) out."""

    def __init__(self, obj, name: str, source: str, handle: str | None, version: str = "1",
                 description: str = ""):
        tf = tensorflow()

        self._tf, self._obj = tf, obj
        self.name, self.source, self.handle = name, source, handle
        self.version, self.description = version, description
        self._fn = obj if callable(obj) else obj.signatures["serving_default"]
        spec = input_spec(obj)
        self._batched = spec is not None and spec.shape.rank == 2
        # 5 s of silence: long enough that a per-window model returns several rows
        out = self._call(np.zeros(5 * TARGET_RATE, np.float32))
        self.layout = self._detect_layout(out)
        self.dim = int(self._embeddings(out).shape[-1])
        self.labels = ()
        if hasattr(obj, "class_map_path") and self.layout == "yamnet":
            path = obj.class_map_path()
            path = path.numpy().decode() if hasattr(path, "numpy") else str(path)
            labels = read_class_map(path)
            if len(labels) != out[0].shape[-1]:
                raise ValueError(f"model {name!r}: class map lists {len(labels)} classes but "
                                 f"the model returns {out[0].shape[-1]} scores")
            self.labels = tuple(labels)
        self.window_seconds = MIN_SAMPLES / TARGET_RATE if self.layout == "yamnet" else 0.0

    # ---- talking to the SavedModel -----------------------------------------------------
    def _call(self, wave: np.ndarray):
        x = self._tf.constant(wave[None, :] if self._batched else wave, dtype=self._tf.float32)
        out = self._fn(x)
        if isinstance(out, dict):
            out = {k: np.asarray(v) for k, v in out.items()}
        elif isinstance(out, list | tuple):
            out = tuple(np.asarray(v) for v in out)
        else:
            out = np.asarray(out)
        return out

    @staticmethod
    def _detect_layout(out) -> str:
        if isinstance(out, tuple) and len(out) == 3 and all(o.ndim == 2 for o in out):
            return "yamnet"
        if isinstance(out, dict):
            if not any(k in out for k in ("embeddings", "embedding")):
                raise ValueError(f"audio SavedModel returns a dict {sorted(out)} without an "
                                 "'embeddings' entry")
            out = out.get("embeddings", out.get("embedding"))
        if isinstance(out, tuple):
            raise ValueError(f"audio SavedModel returns {len(out)} outputs; expected one "
                             "embedding tensor or YAMNet's (scores, embeddings, log_mel)")
        if out.ndim == 1 or (out.ndim == 2 and out.shape[0] == 1):
            return "clip"
        if out.ndim == 2:
            return "frames"
        raise ValueError(f"audio SavedModel returns an array of shape {out.shape}; expected "
                         "(dim,), (1, dim) or (frames, dim)")

    def _embeddings(self, out) -> np.ndarray:
        if self.layout == "yamnet":
            return out[1]
        if isinstance(out, dict):
            out = out.get("embeddings", out.get("embedding"))
        return np.atleast_2d(out).astype(np.float32)

    # ---- windows -------------------------------------------------------------------------
    def _chunks(self, clip: Clip, which: str):
        """Yield (first_window_index, samples) pieces that line up with YAMNet's 0.48 s grid."""
        if self.layout != "yamnet":
            yield 0, np.concatenate(list(clip.blocks()))
            return
        span = (CHUNK_PATCHES - 1) * PATCH_HOP + MIN_SAMPLES
        buf, done, n_seen = np.zeros(0, np.float32), 0, 0
        for block in clip.blocks():
            buf = np.concatenate([buf, block])
            n_seen += len(block)
            while len(buf) >= span:
                yield done, buf[:span]
                buf, done = buf[CHUNK_PATCHES * PATCH_HOP:], done + CHUNK_PATCHES
        if done == 0 and len(buf) < MIN_SAMPLES:
            warnings.warn(f"{which} is {n_seen / TARGET_RATE:.2f} s long, shorter than "
                          f"{self.name}'s {MIN_SAMPLES / TARGET_RATE:.3f} s window: it was "
                          "padded with silence to fill one window", UserWarning, stacklevel=5)
            buf = np.concatenate([buf, np.zeros(MIN_SAMPLES - len(buf), np.float32)])
        if done == 0 or len(buf) > MIN_SAMPLES - PATCH_HOP:
            yield done, buf

    def _run(self, clips, scores=False):
        for ci, clip in enumerate(clips):
            which = "audio" if len(clips) == 1 else f"audio[{ci}]"
            for first, wave in self._chunks(clip, which):
                out = self._call(wave)
                emb = self._embeddings(out)
                n = len(emb)
                if self.layout == "yamnet":
                    times = (first + np.arange(n)) * PATCH_HOP / TARGET_RATE
                else:
                    times = np.arange(n) * (len(wave) / TARGET_RATE / n)
                sc = out[0] if self.layout == "yamnet" else None
                if scores and sc is None:
                    raise NotImplementedError(f"model {self.name!r} returns no class scores")
                yield ci, emb, times, sc

    def log_mel(self, audio, sample_rate=None) -> np.ndarray:
        """The model's own log-mel spectrogram ``(frames, bands)`` of one clip (for plots)."""
        if self.layout != "yamnet":
            raise NotImplementedError(f"model {self.name!r} does not return a spectrogram")
        single, clips = self._prepare(audio, sample_rate=sample_rate)
        if not single:
            raise ValueError("`audio` must be one clip for log_mel(), got a list")
        return self._call(np.concatenate(list(clips[0].blocks())))[2]


def from_saved_model(obj, name: str, source: str, handle: str | None) -> HubAudioModel:
    """Wrap a loaded audio SavedModel (used by ``vk.load_model(url_or_folder)``)."""
    return HubAudioModel(obj, name=name, source=source, handle=handle)
