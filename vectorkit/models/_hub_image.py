"""Image models: the shared interface, ImageNet labels, and a wrapper for image SavedModels.

Every image model takes the inputs described in :mod:`vectorkit.images`, turns each one into
the 224x224 RGB picture the network sees (:meth:`ImageModel.preprocess`), and offers
``embed`` (pooled features) and ``classify`` (ImageNet labels with probabilities).

:func:`from_saved_model` wraps any SavedModel whose call takes a float32 image batch
``[None, H, W, 3]`` with values in [0, 1] -- the TF Hub image convention -- including the
models written by :func:`vectorkit.export_model`.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from vectorkit._tf import tensorflow
from vectorkit._validation import check_k
from vectorkit.models._base import EmbeddingModel, check_top_k, top_k_pairs
from vectorkit.models._savedmodel import input_spec

IMAGENET_FILE = ("images", "imagenet_classes.tsv")


@functools.lru_cache(maxsize=2)
def imagenet_labels(background: bool = False) -> tuple[str, ...]:
    """The 1000 ImageNet class names in index order (``background=True``: 1001, "background" first).

    Example:
        >>> from vectorkit.models._hub_image import imagenet_labels
        >>> imagenet_labels()[967], len(imagenet_labels(background=True))
        ('espresso', 1001)
    """
    from vectorkit._data import data_file

    lines = data_file(*IMAGENET_FILE).read_text(encoding="utf-8").splitlines()
    names = tuple(line.split("\t")[2] for line in lines[1:] if line.strip())
    if len(names) != 1000:
        raise RuntimeError(f"{data_file(*IMAGENET_FILE)} must list 1000 classes, has {len(names)}")
    return (("background",) + names) if background else names


class ImageModel(EmbeddingModel):
    """Base of the image models: input checking, resize + centre crop, embed, classify.

    Subclasses implement :meth:`_run` (uint8 batch ``(n, S, S, 3)`` -> features, logits).
    """

    modality = "image"
    image_size = 224
    shorter_side: int | None = 256  # resize shorter side to this, then centre-crop image_size
    labels: tuple[str, ...] = ()
    batch_size = 32

    def _prepare(self, items, **kwargs):
        if kwargs:
            raise TypeError(f"image models take no options, got {sorted(kwargs)}")
        from vectorkit import images

        size, side = self.image_size, self.shorter_side
        return images.as_images(items, transform=lambda im: images.resize_and_crop(im, size, side))

    def preprocess(self, image, **kwargs) -> np.ndarray:
        """What the network sees: float32 ``(224, 224, 3)`` RGB in [0, 1] (a list -> a stack).

        Example:
            >>> import vectorkit as vk, skimage
            >>> vk.load_model("image").preprocess(skimage.data.coffee()).shape
            (224, 224, 3)
        """
        single, prepared = self._prepare(image, **kwargs)
        out = np.stack(prepared).astype(np.float32) / 255.0 if prepared else np.zeros(
            (0, self.image_size, self.image_size, 3), np.float32)
        return out[0] if single else out

    def _run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        raise NotImplementedError

    def _embed_batch(self, batch):
        return self._run(np.stack(batch))[0]

    def classify(self, items, top_k: int = 5, *, batch_size: int | None = None):
        """The ``top_k`` most probable classes for each image: ``[(label, probability), ...]``.

        Args:
            items: one image or a list of images (paths, PIL images or arrays).
            top_k: how many classes to return per image, best first.
            batch_size: images per forward pass (default: the model's own).

        Example:
            >>> import vectorkit as vk, skimage
            >>> vk.load_model("image").classify(skimage.data.coffee(), top_k=1)[0][0]
            'espresso'
        """
        self._check_classifier()
        k = check_top_k(top_k, len(self.labels))
        single, logits = self._logits(items, batch_size)
        if not len(logits):
            return []
        from scipy.special import softmax

        pairs = top_k_pairs(softmax(logits.astype(np.float64), axis=1), self.labels, k)
        return pairs[0] if single else pairs

    def logits(self, items, *, batch_size: int | None = None) -> np.ndarray:
        """Raw classifier outputs ``(n, n_classes)`` (or ``(n_classes,)`` for one image)."""
        single, result = self._logits(items, batch_size)
        return result[0] if single else result

    def _check_classifier(self) -> None:
        if not self.labels:
            raise NotImplementedError(f"model {self.name!r} has no classifier head")

    def _logits(self, items, batch_size) -> tuple[bool, np.ndarray]:
        """``(is_single, logits (n, n_classes))``, ``batch_size`` images per forward pass."""
        self._check_classifier()
        if batch_size is not None:
            check_k(batch_size, "batch_size")  # the rule of embed()
        single, prepared = self._prepare(items)
        bs = int(batch_size or self.batch_size)
        out = [self._run(np.stack(prepared[s:s + bs]))[1] for s in range(0, len(prepared), bs)]
        return single, (np.concatenate(out) if out
                        else np.zeros((0, len(self.labels)), np.float32))


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
