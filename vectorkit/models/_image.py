"""Image models: the shared interface and the ImageNet class names.

Every image model takes the inputs described in :mod:`vectorkit.images`, turns each one into
the 224x224 RGB picture the network sees (:meth:`ImageModel.preprocess`), and offers
``embed`` (pooled features) and ``classify`` (ImageNet labels with probabilities).
"""

from __future__ import annotations

import functools

import numpy as np

from vectorkit._validation import check_k, check_top_k
from vectorkit.models._base import EmbeddingModel, top_k_pairs

IMAGENET_FILE = ("images", "imagenet_classes.tsv")


@functools.lru_cache(maxsize=2)
def imagenet_labels(background: bool = False) -> tuple[str, ...]:
    """The 1000 ImageNet class names in index order (``background=True``: 1001, "background" first).

    Example:
        >>> from vectorkit.models import imagenet_labels
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
