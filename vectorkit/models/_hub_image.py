"""A wrapper for image SavedModels: TF Hub image models and folders written by export_model.

:func:`from_saved_model` wraps any SavedModel whose call takes a float32 image batch
``[None, H, W, 3]`` with values in [0, 1] -- the TF Hub image convention -- including the
models written by :func:`vectorkit.export_model`.
"""

from __future__ import annotations

import json

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit.models._image import ImageModel, imagenet_labels
from vectorkit.models._signature import input_spec


def _call_output(fn, x, key: str | None):
    out = fn(x)
    if isinstance(out, dict):
        out = out[key] if key and key in out else next(iter(out.values()))
    return np.asarray(out, dtype=np.float32)


class HubImageModel(ImageModel):
    """An image SavedModel (TF Hub or local folder), optionally with a separate classifier."""

    def __init__(self, obj, name: str, source: str, handle: str | None, *, classifier=None,
                 labels=None, version: str = "1", dim: int | None = None):
        tf = tensorflow()

        self._tf = tf
        self._obj, self._classifier = obj, classifier
        self.name, self.source, self.handle, self.version = name, source, handle, version
        info = _read_info(obj)
        self.info = info
        sigs = getattr(obj, "signatures", {}) or {}
        both = "serving_default" in sigs and {"feature_vector", "logits"} <= set(
            sigs["serving_default"].structured_outputs)
        self._fn = sigs["serving_default"] if both or not callable(obj) else obj
        self._both = both
        spec = input_spec(obj)
        if spec is not None and spec.shape.rank == 4 and spec.shape[1] and spec.shape[2]:
            self.image_size = int(spec.shape[1])
        self._uint8_input = spec is not None and spec.dtype == tf.uint8
        if info.get("shorter_side", "unset") != "unset":
            self.shorter_side = info["shorter_side"]
        self.description = info.get("description", "")
        feats, logits = self._run(np.zeros((1, self.image_size, self.image_size, 3), np.uint8))
        self.dim = int(dim or feats.shape[1])
        n = None if logits is None else logits.shape[1]
        if labels is not None:
            self.labels = tuple(labels)
        elif n in (1000, 1001):  # the ImageNet label set of TF Hub classifiers / our export
            self.labels = imagenet_labels(background=n == 1001)
        if self.labels and n != len(self.labels):
            raise ValueError(f"`labels` has {len(self.labels)} names but the model has {n} outputs")

    def _run(self, batch):
        x = self._tf.constant(batch if self._uint8_input else batch.astype(np.float32) / 255.0)
        if self._both:
            out = self._fn(x)
            return (np.asarray(out["feature_vector"], np.float32),
                    np.asarray(out["logits"], np.float32))
        feats = _call_output(self._fn, x, "feature_vector")
        if self._classifier is not None:
            return feats, _call_output(self._classifier, x, "logits")
        # one-output models: a classifier's logits are also its features
        return feats, feats if feats.shape[1] in (1000, 1001) else None


def _read_info(obj) -> dict:
    """The metadata :func:`vectorkit.export_model` stores in the SavedModel (or ``{}``)."""
    var = getattr(obj, "vectorkit_info", None)
    if var is None:
        return {}
    try:
        return json.loads(var.numpy().decode("utf-8"))
    except (ValueError, AttributeError):
        return {}


def _fingerprint(handle: str | None) -> str:
    """A version string that changes when the SavedModel changes (keys the embedding cache)."""
    if not handle:
        return "1"
    try:
        tf = tensorflow()

        from vectorkit.models import _hub

        path = _hub.resolve(handle)
        fp = tf.saved_model.experimental.read_fingerprint(str(path))
        return f"fp{fp.saved_model_checksum:x}"
    except Exception:  # no fingerprint.pb (older SavedModels): fall back to the handle
        return "1"


def from_saved_model(obj, name: str, source: str, handle: str | None):
    """Wrap a loaded image SavedModel (TF Hub image convention) as a vectorkit image model.

    The model must take float32 ``[None, H, W, 3]`` RGB in [0, 1] (or uint8). If its
    ``serving_default`` returns ``feature_vector`` and ``logits`` (as exported by
    :func:`vectorkit.export_model`) ``embed`` uses the first and ``classify`` the second; a
    single output is the embedding, and a 1000/1001-way output is read as ImageNet logits.

    Example:
        >>> import vectorkit as vk                              # doctest: +SKIP
        >>> m = vk.load_model("exported/efficientnet-lite0")    # doctest: +SKIP
        >>> m.source, m.dim                                     # doctest: +SKIP
        ('local', 1280)
    """
    return HubImageModel(obj, name=name, source=source, handle=handle,
                         version=_fingerprint(handle))
