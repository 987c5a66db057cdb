"""``images_as_text``: put images into a text model's space through their ImageNet labels.

This is not a joint text-image model (such as CLIP, which no offline package ships): an image
becomes the probability-weighted average of the text embeddings of the names of its top
ImageNet classes. Text queries can then be compared with it, but only through what those 1000
class names can say: a concept with no ImageNet label ("a portrait", "space", "a microscope
slide") is invisible to it.
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import check_top_k
from vectorkit.models._base import EmbeddingModel


def _model(model, modality: str, name: str) -> EmbeddingModel:
    if isinstance(model, str):
        from vectorkit.models._registry import load_model

        model = load_model(model)
    if not isinstance(model, EmbeddingModel):
        raise TypeError(f"`{name}` must be a model name such as {modality!r} or a model from "
                        f"vk.load_model(...), got {type(model).__name__}")
    if model.modality != modality:
        raise ValueError(f"`{name}` must be a model of modality {modality!r}, got "
                         f"{model.name!r} ({model.modality})")
    return model


def images_as_text(images, image_model="image", text_model="text", top_k: int = 5, *,
                   template: str = "{}", batch_size: int | None = None) -> np.ndarray:
    """Embed images as the probability-weighted text embedding of their top ImageNet labels.

    For each image, the image model's classifier gives a probability for each of the 1000
    ImageNet classes; the ``top_k`` class names (each put into ``template``) are embedded with
    the text model, averaged with the probabilities as weights, and scaled to length 1. The
    vectors live in the text model's space, so ``text_model.embed("a cup of coffee")`` can be
    compared with them by cosine similarity: zero-shot text -> image search without a joint
    text-image model, limited to what ImageNet's class names can describe.

    Args:
        images: one image or a list of images (paths, PIL images or arrays).
        image_model: an image model with a classifier (name or loaded model).
        text_model: a text model (name or loaded model); the output has its dimension.
        top_k: how many of the most probable classes make up each vector (1..1000).
        template: a format string around each class name, e.g. ``"a photo of a {}"``.
        batch_size: images per forward pass of the image model.

    Returns:
        ``(n, text_model.dim)`` float32, rows of length 1 (``(dim,)`` for one image).

    Example:
        >>> import vectorkit as vk, skimage
        >>> vectors = vk.images_as_text([skimage.data.coffee(), skimage.data.rocket()])
        >>> vectors.shape
        (2, 512)
        >>> text = vk.load_model("text")
        >>> int((vectors @ text.embed("a cup of coffee")).argmax())   # the coffee photo
        0
    """
    image_model = _model(image_model, "image", "image_model")
    text_model = _model(text_model, "text", "text_model")
    labels = tuple(getattr(image_model, "labels", ()) or ())
    if not labels:
        raise ValueError(f"`image_model` {image_model.name!r} has no classifier (no labels); "
                         "images_as_text needs class probabilities")
    k = check_top_k(top_k, len(labels))
    if not isinstance(template, str) or "{}" not in template:
        raise ValueError(f"`template` must be a str containing {{}} (where the class name "
                         f"goes), got {template!r}")
    logits = image_model.logits(images, batch_size=batch_size)
    single = logits.ndim == 1
    logits = np.atleast_2d(logits)
    if not len(logits):
        return np.zeros((0, text_model.dim), np.float32)
    from scipy.special import softmax

    probs = softmax(logits.astype(np.float64), axis=1)
    top = np.argsort(-probs, axis=1, kind="stable")[:, :k]            # (n, k) class indices
    classes = sorted(set(top.ravel().tolist()))
    names = [template.format(labels[c].replace("_", " ")) for c in classes]
    table = dict(zip(classes, text_model.embed(names, progress=False).astype(np.float64),
                     strict=True))
    out = np.zeros((len(top), text_model.dim))
    for i, row in enumerate(top):
        out[i] = sum(probs[i, c] * table[c] for c in row)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    out = out.astype(np.float32)
    return out[0] if single else out
