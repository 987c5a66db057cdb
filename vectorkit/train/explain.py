"""Explanations by removal: which image regions and which words move a similarity most.

Both functions cover or drop one piece of the input at a time, embed every copy in one batch
and report how much the similarity fell. They show what the *model* reacts to for this one
input; they do not show why, they miss effects that need two pieces removed together, and a
grey patch or a missing word is itself an unusual input the model may react to.
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import as_vectors, check_k, check_model, check_nonzero_rows

#: Occluded copies embedded by one :func:`occlusion_map` call at most (time and memory).
MAX_COPIES = 400
#: Words in one :func:`word_importance` sentence at most (one embedding per word).
MAX_WORDS = 200
_FILLS = ("mean", "black", "white", "gray")


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _reference_vector(model, reference, dim: int, name: str = "reference") -> np.ndarray:
    """A unit vector for ``reference``: a 1-D vector as is, anything else embedded."""
    if isinstance(reference, np.ndarray | list | tuple) and not isinstance(reference, str) \
            and np.asarray(reference, dtype=object).ndim == 1 \
            and not (len(reference) and isinstance(reference[0], str)):
        vec = as_vectors(reference, name, dtype=np.float64)
        if vec.shape[0] != dim:
            raise ValueError(f"`{name}` is a vector of length {vec.shape[0]}, but the model's "
                             f"vectors have length {dim}")
    else:
        vec = np.asarray(model.embed(reference), dtype=np.float64)
        if vec.ndim != 1:
            raise ValueError(f"`{name}` must be one item or one vector, got {vec.shape[0]}")
    check_nonzero_rows(vec, name)
    return _unit(vec)


def _embed_grid(model, copies: list[np.ndarray]) -> np.ndarray:
    """Embed pictures already at the model's input size, without resizing them again."""
    prepared = getattr(model, "_embed_prepared", None)
    if prepared is not None:  # a vectorkit image model: skip its resize + crop
        return prepared(copies, cache=False)
    return model.embed(copies)


def occlusion_map(model, image, reference, patch: int = 32, stride: int = 16,
                  fill="mean") -> np.ndarray:
    """How much covering each square of ``image`` lowers its cosine similarity to ``reference``.

    The image is first turned into what the network sees (``model.preprocess``: 224x224 for
    the course models); a ``patch`` x ``patch`` square is covered at every ``stride`` pixels
    and all covered copies are embedded in one batch.

    Args:
        model: an image model (e.g. ``vk.load_model("image")``).
        image: the image to explain (path, PIL image or array).
        reference: another image, or a vector of the model's dimension.
        patch: side of the covering square in input pixels (<= the input size).
        stride: step between squares in input pixels.
        fill: ``"mean"`` (the image's mean colour), ``"black"``, ``"white"``, ``"gray"`` or
            a grey level in [0, 1].

    Returns:
        float64 array ``(H', W')``: entry ``[i, j]`` is similarity(full) minus
        similarity(covered) for the square at rows ``i*stride : i*stride+patch``, columns
        ``j*stride : j*stride+patch`` of the input grid (positive: that region made the two
        similar, negative: covering it made them more similar). At most ``MAX_COPIES``
        squares (the full image is embedded once more): a finer grid is refused.

    Example:
        >>> import vectorkit as vk, skimage
        >>> model = vk.load_model("image")
        >>> drops = vk.train.occlusion_map(model, skimage.data.chelsea(), skimage.data.cat(),
        ...                                patch=112, stride=112)
        >>> drops.shape
        (2, 2)
    """
    check_model(model, "image")
    if not hasattr(model, "preprocess"):
        raise TypeError(f"`model` must have a preprocess() method giving the picture the "
                        f"network sees, got {type(model).__name__}")
    grid = np.asarray(model.preprocess(image), dtype=np.float64)
    if grid.ndim != 3 or grid.shape[2] != 3:
        raise ValueError(f"`image` must be one image, got {grid.shape[0]} images")
    side_h, side_w = grid.shape[:2]
    patch, stride = check_k(patch, "patch"), check_k(stride, "stride")
    if patch > min(side_h, side_w):
        raise ValueError(f"`patch` must be at most the input size {min(side_h, side_w)}, "
                         f"got {patch}")
    rows = list(range(0, side_h - patch + 1, stride))
    cols = list(range(0, side_w - patch + 1, stride))
    if len(rows) * len(cols) > MAX_COPIES:
        raise ValueError(f"patch={patch}, stride={stride} give {len(rows)} x {len(cols)} = "
                         f"{len(rows) * len(cols)} occluded copies; at most {MAX_COPIES} are "
                         "allowed: use a larger `stride` or `patch`")
    if isinstance(fill, str):
        if fill not in _FILLS:
            raise ValueError(f"`fill` must be one of {list(_FILLS)} or a number in [0, 1], "
                             f"got {fill!r}")
        colour = {"mean": grid.mean(axis=(0, 1)), "black": 0.0, "white": 1.0,
                  "gray": 0.5}[fill]
    elif isinstance(fill, int | float | np.number) and not isinstance(fill, bool):
        if not 0.0 <= float(fill) <= 1.0:
            raise ValueError(f"`fill` must be a number in [0, 1], got {fill!r}")
        colour = float(fill)
    else:
        raise TypeError(f"`fill` must be one of {list(_FILLS)} or a number in [0, 1], "
                        f"got {type(fill).__name__}")
    base = np.clip(np.rint(grid * 255.0), 0, 255).astype(np.uint8)
    shade = np.clip(np.rint(np.broadcast_to(colour, (3,)) * 255.0), 0, 255).astype(np.uint8)
    copies = [base]
    for r in rows:
        for c in cols:
            covered = base.copy()
            covered[r:r + patch, c:c + patch] = shade
            copies.append(covered)
    vectors = np.asarray(_embed_grid(model, copies), dtype=np.float64)
    check_nonzero_rows(vectors, "model.embed(...) of the occluded copies")
    ref = _reference_vector(model, reference, vectors.shape[1])
    sims = _unit(vectors) @ ref
    return (sims[0] - sims[1:]).reshape(len(rows), len(cols))


def word_importance(model, text: str, reference=None) -> list[tuple[str, float]]:
    """Leave-one-word-out: how much dropping each word changes the sentence's vector.

    Words are split on whitespace (punctuation stays attached to its word). Without a
    ``reference`` the drop of a word is ``1 - cos(sentence without it, sentence)``; with one
    (a text or a vector) it is ``cos(sentence, reference) - cos(sentence without it,
    reference)``, so a positive drop means the word made the sentence closer to it.

    Args:
        model: a text model (e.g. ``vk.load_model("text")``).
        text: the sentence, 2 to ``MAX_WORDS`` words.
        reference: optional text or vector to measure the similarity against.

    Returns:
        ``[(word, drop), ...]`` in sentence order.

    Example:
        >>> import vectorkit as vk
        >>> pairs = vk.train.word_importance(vk.load_model("text"), "a cat sleeps",
        ...                                  reference="kittens")
        >>> max(pairs, key=lambda p: p[1])[0]
        'cat'
    """
    check_model(model, "text")
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string, got {type(text).__name__}")
    words = text.split()
    if not 2 <= len(words) <= MAX_WORDS:
        raise ValueError(f"`text` must have 2 to {MAX_WORDS} words (split on spaces), "
                         f"got {len(words)}")
    variants = [text] + [" ".join(words[:i] + words[i + 1:]) for i in range(len(words))]
    vectors = np.asarray(model.embed(variants), dtype=np.float64)
    check_nonzero_rows(vectors, "model.embed(...) of the sentence variants")
    vectors = _unit(vectors)
    if reference is None:
        drops = 1.0 - vectors[1:] @ vectors[0]
    else:
        if isinstance(reference, str) and not reference.strip():
            raise ValueError("`reference` is an empty text; give a text, a vector or None")
        ref = _reference_vector(model, reference, vectors.shape[1])
        sims = vectors @ ref
        drops = sims[0] - sims[1:]
    return [(w, float(d)) for w, d in zip(words, drops, strict=True)]
