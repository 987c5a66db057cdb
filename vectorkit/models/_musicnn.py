"""musicnn (MagnaTagATune): the bundled audio model, written in TensorFlow 2 by vectorkit.

The network follows the layer structure of the ``musicnn`` package (Pons & Serra, ISC
license): a musically motivated front end (timbral convolutions 7x38 and 7x67 over the
log-mel spectrogram, temporal convolutions 128/64/32 frames long, each max-pooled over
frequency), three residual 1-D convolutions in the middle, then max- and mean-pooling over
time, a 200-unit dense layer (the embedding) and 50 tag logits. Only the trained weights are
taken from the package: its checkpoint ``musicnn/MTT_musicnn/`` is read with
``tf.train.load_checkpoint`` and every variable is checked by name and shape.

Input: 16 kHz mono, log-mel spectrogram (n_fft 512, hop 256, 96 Slaney mel bands,
``log10(1 + 10000 * mel)`` in float32), non-overlapping patches of 187 frames (2.99 s).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from vectorkit import audio as _audio
from vectorkit._tf import tensorflow
from vectorkit.errors import CheckpointError
from vectorkit.models._audio import AudioModel, Clip

HOP = 256
N_FFT = 512
N_MELS = 96
PATCH_FRAMES = 187  # librosa.time_to_frames(3 s) + 1, what musicnn was trained on
MIN_TAIL_FRAMES = 62  # a leftover of at least ~1 s gets its own (end-aligned) patch
BN_EPS = 1e-3  # tf.compat.v1.layers.batch_normalization's default
_F74, _F77, _TIMBRAL, _TEMPORAL, _MID, _UNITS, _CLASSES = 38, 67, 204, 51, 64, 200, 50
_FRONT = 2 * _TIMBRAL + 3 * _TEMPORAL  # 561 front-end channels
_POOLED = 2 * (_FRONT + 3 * _MID)  # 1506: max and mean of 753 channels


def _expected_shapes() -> dict[str, tuple[int, ...]]:
    """Every weight the network needs, with its shape, under the checkpoint's names."""
    convs = [(7, _F74, 1, _TIMBRAL), (7, _F77, 1, _TIMBRAL), (128, 1, 1, _TEMPORAL),
             (64, 1, 1, _TEMPORAL), (32, 1, 1, _TEMPORAL), (7, _FRONT, 1, _MID),
             (7, _MID, 1, _MID), (7, _MID, 1, _MID)]
    shapes: dict[str, tuple[int, ...]] = {}
    for i, k in enumerate(convs):
        prefix = "conv2d" if i == 0 else f"conv2d_{i}"
        shapes[f"{prefix}/kernel"], shapes[f"{prefix}/bias"] = k, (k[-1],)
    bn_sizes = [1, _TIMBRAL, _TIMBRAL, _TEMPORAL, _TEMPORAL, _TEMPORAL, _MID, _MID, _MID,
                _POOLED, _UNITS]
    for i, n in enumerate(bn_sizes):
        prefix = "batch_normalization" if i == 0 else f"batch_normalization_{i}"
        for part in ("beta", "gamma", "moving_mean", "moving_variance"):
            shapes[f"{prefix}/{part}"] = (n,)
    shapes.update({"dense/kernel": (_POOLED, _UNITS), "dense/bias": (_UNITS,),
                   "dense_1/kernel": (_UNITS, _CLASSES), "dense_1/bias": (_CLASSES,)})
    return shapes


def default_checkpoint_dir() -> Path:
    """The MTT checkpoint folder inside the installed ``musicnn`` package."""
    import importlib.util

    spec = importlib.util.find_spec("musicnn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the bundled audio model needs the musicnn package's weights: "
                                  "python -m pip install --no-deps musicnn==0.1.0")
    return Path(next(iter(spec.submodule_search_locations))) / "MTT_musicnn"


def read_checkpoint(checkpoint_dir) -> dict[str, np.ndarray]:
    """Read and check every weight; raise :class:`CheckpointError` naming the first bad one."""
    tf = tensorflow()

    folder = Path(checkpoint_dir)
    indexes = sorted(folder.glob("*.index")) if folder.is_dir() else []
    if len(indexes) != 1:
        raise CheckpointError(f"`checkpoint_dir` {str(folder)!r} must be a folder holding one "
                              f"TensorFlow checkpoint (one *.index file), found {len(indexes)}")
    with tempfile.TemporaryDirectory(prefix="vk-musicnn-") as tmp:
        # musicnn's files are named '.index'/'.data-*' (an empty prefix): TensorFlow cannot
        # address that prefix by path, so link or copy them under a proper name first.
        stem = indexes[0].name[:-len(".index")]
        prefix = Path(tmp) / "musicnn"
        for f in folder.iterdir():
            if f.name == stem + ".index" or f.name.startswith(stem + ".data-"):
                dest = Path(str(prefix) + f.name[len(stem):])
                try:
                    os.symlink(f.resolve(), dest)
                except OSError:  # no symlinks (e.g. Windows without developer mode)
                    shutil.copyfile(f, dest)
        try:
            reader = tf.train.load_checkpoint(str(prefix))
        except Exception as exc:
            raise CheckpointError(f"could not read the musicnn checkpoint in {folder}: "
                                  f"{type(exc).__name__}: {exc}") from exc
        found = reader.get_variable_to_shape_map()
        weights = {}
        for name, shape in _expected_shapes().items():
            if name not in found:
                raise CheckpointError(f"musicnn checkpoint {folder} is missing variable "
                                      f"{name!r} (expected shape {list(shape)}); the model "
                                      "cannot run without it")
            if tuple(found[name]) != shape:
                raise CheckpointError(f"musicnn checkpoint {folder}: variable {name!r} has "
                                      f"shape {list(found[name])}, expected {list(shape)}")
            value = np.asarray(reader.get_tensor(name), dtype=np.float32)
            if not np.isfinite(value).all():
                raise CheckpointError(f"musicnn checkpoint {folder}: variable {name!r} "
                                      "contains NaN or infinity")
            weights[name] = value
    return weights


def _network(weights: dict[str, np.ndarray]):
    """Build the forward pass as a ``tf.function``: log-mel patches -> (embedding, logits)."""
    tf = tensorflow()

    def bn(i):
        p = "batch_normalization" if i == 0 else f"batch_normalization_{i}"
        scale = weights[f"{p}/gamma"] / np.sqrt(weights[f"{p}/moving_variance"] + BN_EPS)
        shift = weights[f"{p}/beta"] - weights[f"{p}/moving_mean"] * scale
        return tf.constant(scale), tf.constant(shift)

    def conv(i):
        p = "conv2d" if i == 0 else f"conv2d_{i}"
        return tf.constant(weights[f"{p}/kernel"]), tf.constant(weights[f"{p}/bias"])

    norms = [bn(i) for i in range(11)]
    convs = [conv(i) for i in range(8)]
    mid_kernels = [(tf.squeeze(k, 2), b) for k, b in convs[5:]]  # 1-D convolutions over time
    dense = [(tf.constant(weights[f"{p}/kernel"]), tf.constant(weights[f"{p}/bias"]))
             for p in ("dense", "dense_1")]

    def relu_bn(x, i):
        scale, shift = norms[i]
        return tf.nn.relu(x) * scale + shift

    @tf.function(input_signature=[tf.TensorSpec([None, PATCH_FRAMES, N_MELS], tf.float32)],
                 reduce_retracing=True)
    def forward(spec):
        x = spec[..., None] * norms[0][0] + norms[0][1]
        padded = tf.pad(x, [[0, 0], [3, 3], [0, 0], [0, 0]])
        front = []
        for i in range(5):
            k, b = convs[i]
            src, pad = (padded, "VALID") if i < 2 else (x, "SAME")
            y = relu_bn(tf.nn.conv2d(src, k, 1, pad) + b, i + 1)
            front.append(tf.reduce_max(y, axis=2))  # max over frequency
        h = tf.concat(front, axis=2)  # (batch, time, 561)
        layers = [h]
        for j, (k, b) in enumerate(mid_kernels):
            y = relu_bn(tf.nn.conv1d(layers[-1], k, 1, "SAME") + b, 6 + j)
            layers.append(y if j == 0 else y + layers[-1])
        feats = tf.concat(layers, axis=2)  # (batch, time, 753)
        pooled = tf.stack([tf.reduce_max(feats, 1), tf.reduce_mean(feats, 1)], axis=2)
        pooled = tf.reshape(pooled, [-1, _POOLED]) * norms[9][0] + norms[9][1]
        emb = relu_bn(tf.matmul(pooled, dense[0][0]) + dense[0][1], 10)
        return emb, tf.matmul(emb, dense[1][0]) + dense[1][1]

    return forward


class _Patcher:
    """Cut a stream of spectrogram frames into 187-frame patches (bounded buffer)."""

    def __init__(self):
        self.pending = np.zeros((0, N_MELS), np.float32)
        self.last: np.ndarray | None = None
        self.emitted = 0  # frames already inside emitted full patches
        self.padded = False

    def feed(self, frames: np.ndarray) -> list[tuple[np.ndarray, int]]:
        self.pending = np.concatenate([self.pending, frames])
        out = []
        while len(self.pending) >= PATCH_FRAMES:
            self.last, self.pending = self.pending[:PATCH_FRAMES], self.pending[PATCH_FRAMES:]
            out.append((self.last, self.emitted))
            self.emitted += PATCH_FRAMES
        return out

    def finish(self) -> list[tuple[np.ndarray, int]]:
        left = len(self.pending)
        if self.last is None:  # shorter than one patch: loop it (musicnn's "repeat-pad")
            self.padded = True
            reps = math.ceil(PATCH_FRAMES / max(left, 1))
            return [(np.tile(self.pending, (reps, 1))[:PATCH_FRAMES], 0)]
        if left >= MIN_TAIL_FRAMES:  # one more patch, aligned with the end of the clip
            patch = np.concatenate([self.last[left:], self.pending])
            return [(patch, self.emitted + left - PATCH_FRAMES)]
        return []


class Musicnn(AudioModel):
    """The MTT musicnn tagger: 200-d embeddings, 50 MagnaTagATune tags, 3-second windows.

    A clip is cut into non-overlapping windows of 187 spectrogram frames (2.99 s) from its
    start; when at least ~1 s is left over, one more window aligned with the end of the clip
    covers it. A clip shorter than one window is looped to fill it (with a warning).
    ``embed`` is the mean of the windows' 200-d penultimate-layer vectors, ``classify``
    averages the windows' tag probabilities (independent sigmoids).
    """

    name = "musicnn"
    dim = _UNITS
    source = "bundled"
    version = "mtt-0.1.0"
    window_seconds = PATCH_FRAMES * HOP / _audio.TARGET_RATE
    #: patches per forward pass
    patch_batch = 8

    def __init__(self, spec=None, checkpoint_dir=None):
        from musicnn import configuration

        self.checkpoint_dir = Path(checkpoint_dir or default_checkpoint_dir())
        self.labels = tuple(configuration.MTT_LABELS)
        self.description = spec.description if spec else ""
        self._forward = _network(read_checkpoint(self.checkpoint_dir))

    def _patches(self, clips: list[Clip]):
        for ci, clip in enumerate(clips):
            stream, patcher = _audio.LogMelStream(n_fft=N_FFT, hop_length=HOP,
                                                  n_mels=N_MELS), _Patcher()
            for block in clip.blocks():
                for patch, start in patcher.feed(stream.feed(block)):
                    yield ci, patch, start
            tail = patcher.feed(stream.finish()) + patcher.finish()
            if patcher.padded:
                which = "audio" if len(clips) == 1 else f"audio[{ci}]"
                warnings.warn(f"{which} is {clip.duration:.2f} s long, shorter than "
                              f"musicnn's {self.window_seconds:.2f} s window: it was repeated "
                              "(looped) to fill one window", UserWarning, stacklevel=5)
            for patch, start in tail:
                yield ci, patch, start

    def _run(self, clips, scores=False):
        tf = tensorflow()

        def flush(items):
            emb, logits = self._forward(tf.constant(np.stack([p for _, p, _ in items])))
            emb, probs = emb.numpy(), tf.sigmoid(logits).numpy()
            owners = np.array([ci for ci, _, _ in items])
            starts = np.array([s for _, _, s in items], dtype=np.float64) * HOP / _audio.TARGET_RATE
            for ci in dict.fromkeys(owners.tolist()):
                rows = owners == ci
                yield ci, emb[rows], starts[rows], probs[rows]

        batch = []
        for item in self._patches(clips):
            batch.append(item)
            if len(batch) == self.patch_batch:
                yield from flush(batch)
                batch = []
        if batch:
            yield from flush(batch)

    def log_mel(self, audio, sample_rate=None) -> np.ndarray:
        """The log-mel spectrogram (frames, 96) this model sees, e.g. for plotting."""
        return _audio.log_mel(audio, sample_rate, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)

    def preprocess(self, item, sample_rate=None):
        """The log-mel patches ``(n_patches, 187, 96)`` the network receives for one input."""
        single, clips = self._prepare(item, sample_rate=sample_rate)
        out = []
        for clip in clips:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(np.stack([p for _, p, _ in self._patches([clip])]))
        return out[0] if single else out


def load(spec=None, checkpoint_dir=None) -> Musicnn:
    """The bundled audio model (``"audio"``/``"musicnn"``); ``checkpoint_dir`` overrides the
    package's checkpoint folder (tests use a damaged copy)."""
    return Musicnn(spec, checkpoint_dir=checkpoint_dir)
