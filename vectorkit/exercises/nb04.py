"""Exercises for notebook 04, "Image embeddings".

    from vectorkit.exercises import ____, nb04 as ex
    ex.q1.check(answer); ex.q1.hint(); ex.q1.solution(); ex.progress()

The value questions are clear-cut on the bundled model by design (a margin of about 0.1
in cosine similarity, checked by the tests), so they do not hinge on tiny numerical
differences. The function questions take the embedding function as an argument: in the
notebook the learner passes ``model.embed``; the checker passes small stand-in embedders
(:class:`ToyEmbedder`) that run instantly and react to mirroring, so the checks need no
network and no TensorFlow.

``TRANSFORMS`` holds the image changes of exercise 3 (name -> function on an RGB uint8 array),
shared by the notebook and its checks.
"""

from __future__ import annotations

import numpy as np

from vectorkit.exercises import (
    Case,
    FunctionQuestion,
    Mistake,
    ThoughtQuestion,
    ValueQuestion,
    bind_questions,
)
from vectorkit.exercises._checker.compare import describe
from vectorkit.exercises._mistakes import cosine, instead_close, says

# --- q1: the nearest image --------------------------------------------------------------------

#: The names of the 16 images of ``vk.datasets.load_images()`` (the answers q1 accepts).
IMAGE_NAMES = ("astronaut", "camera", "chelsea", "coffee", "rocket", "coins", "clock",
               "hubble_deep_field", "immunohistochemistry", "retina", "brick", "grass",
               "gravel", "china", "flower", "grace_hopper")
_NEAREST = "astronaut"


def _not_a_name(x) -> bool:
    return not isinstance(x, str) or x.strip().casefold() not in IMAGE_NAMES


q1 = ValueQuestion(
    "Embed the 16 images of vk.datasets.load_images() and find the image whose embedding is "
    "most similar (cosine) to the embedding of 'grace_hopper', leaving out grace_hopper "
    "itself. Give its name as a string, e.g. 'coffee'.",
    _NEAREST,
    mistakes=[
        Mistake(says("grace_hopper"),
                "every image is most similar to itself (cosine 1): leave grace_hopper out, "
                "e.g. ask the index for k=2 and take the second hit"),
        Mistake(says("grass", "brick", "chelsea"),
                "that image is among the LEAST similar to grace_hopper: take the largest "
                "cosine similarity, not the smallest"),
        Mistake(_not_a_name, "give the name of one of the 16 images as a string, e.g. "
                "'coffee' (see [im.name for im in images])"),
    ],
    choices=IMAGE_NAMES,
    choices_name="the 16 image names",
    hints=[
        "You already have `vectors` (one row per image) and `index` from section 5. "
        "index.search(vectors[i], k=2) returns the image itself first; the second hit is "
        "its nearest neighbour.",
        "i = names.index('grace_hopper'); hits = index.search(vectors[i], k=2); "
        "nearest = hits.ids[1]",
    ],
    explanation="The astronaut is the other portrait of a person in uniform in front of a "
                "plain background; the model places it clearly nearest (cosine about 0.35, "
                "against about 0.23 for the next image).",
)

# --- stand-in embedders for the function questions --------------------------------------------


class ToyEmbedder:
    """A tiny, instant stand-in for ``model.embed``: one image (array or PIL) -> a vector.

    ``kind`` chooses what the vector describes: "columns" (brightness of 4 vertical strips,
    changes under a mirror), "rows" (4 horizontal strips, unchanged by a mirror) or "mixed"
    (strips, colours and a large offset, so the vectors are long and not of length 1).
    """

    def __init__(self, kind: str):
        if kind not in ("columns", "rows", "mixed"):
            raise ValueError(f"`kind` must be 'columns', 'rows' or 'mixed', got {kind!r}")
        self.kind = kind

    def __call__(self, image) -> np.ndarray:
        a = np.asarray(image, dtype=np.float64)
        if a.ndim != 3 or a.shape[2] != 3:
            raise ValueError(f"`image` must be one RGB image (H, W, 3), got shape {a.shape}")
        cols = np.array([s.mean() for s in np.array_split(a, 4, axis=1)])
        rows = np.array([s.mean() for s in np.array_split(a, 4, axis=0)])
        if self.kind == "columns":
            return cols + 1.0
        if self.kind == "rows":
            return rows + 1.0
        weights = np.linspace(1.0, 3.0, 4)
        return np.concatenate([cols * weights, rows, a.mean(axis=(0, 1)), [400.0]])

    def __eq__(self, other) -> bool:
        return isinstance(other, ToyEmbedder) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(("ToyEmbedder", self.kind))

    def __repr__(self) -> str:
        return f"ToyEmbedder({self.kind!r})"


def _gradient(h: int, w: int, seed: int) -> np.ndarray:
    """A small RGB uint8 test image: a left-to-right ramp plus noise."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 200, w)[None, :, None] * np.ones((h, 1, 3))
    ramp[: h // 2, :, 1] *= 0.3  # the top half is less green: up and down differ too
    return np.clip(ramp + rng.uniform(0, 55, (h, w, 3)), 0, 255).astype(np.uint8)


def _cos(a, b) -> float:
    return float(cosine(np.ravel(a), np.ravel(b)))


# --- q2: flip_cosine(embed, image) -------------------------------------------------------------


def _flip_cosine(embed, image):
    image = np.asarray(image)
    return _cos(embed(image), embed(image[:, ::-1]))


def _flip_mistake(kind):
    def when(got, embed, image):
        image = np.asarray(image)
        a, b = np.asarray(embed(image), float), np.asarray(embed(image[:, ::-1]), float)
        if kind == "updown":
            alt = _cos(a, embed(image[::-1]))
        elif kind == "dot":
            alt = float(a @ b)
        elif kind == "distance":
            alt = float(np.linalg.norm(a - b))
        else:  # "self": compared the image with itself
            alt = 1.0
        return instead_close(got, alt, _cos(a, b))
    return when


q2 = FunctionQuestion(
    "Write flip_cosine(embed, image): `embed` is a function that turns one image into a "
    "vector (in the notebook: model.embed), `image` an RGB array (H, W, 3). Return the cosine "
    "similarity (a float) between the embedding of the image and the embedding of its mirror "
    "image (flipped left to right). Do not assume the vectors have length 1.",
    _flip_cosine,
    [
        # the inputs are images: their pixel values would say nothing, so the cases are
        # described by their labels only (hidden=True)
        Case((ToyEmbedder("mixed"), _gradient(8, 12, 2)), hidden=True,
             label="an 8 x 12 image, ToyEmbedder('mixed') with long vectors"),
        Case((ToyEmbedder("columns"), _gradient(4, 6, 0)), hidden=True,
             label="a 4 x 6 image, ToyEmbedder('columns') that sees 4 vertical strips"),
        Case((ToyEmbedder("rows"), _gradient(6, 6, 1)), hidden=True,
             label="a 6 x 6 image, ToyEmbedder('rows') that sees only horizontal strips"),
        Case((ToyEmbedder("columns"), _gradient(5, 9, 3)), hidden=True,
             label="a 5 x 9 image (odd width), ToyEmbedder('columns')"),
    ],
    func_name="flip_cosine",
    rtol=1e-5, atol=1e-7,
    mistakes=[
        Mistake(_flip_mistake("updown"), "your function flips the image upside down {where}; "
                "a mirror image swaps left and right: flip the columns (axis 1), e.g. "
                "image[:, ::-1] or np.fliplr(image)"),
        Mistake(_flip_mistake("self"), "your function returns 1 {where}, as if it compared "
                "the image with itself: embed the flipped copy as the second vector"),
        Mistake(_flip_mistake("dot"), "your function returns the dot product {where}; the "
                "vectors do not have length 1, so divide by both lengths"),
        Mistake(_flip_mistake("distance"), "your function returns a distance {where}; the "
                "question asks for the cosine similarity (1 = same direction)"),
    ],
    hints=[
        "An image array has axes (rows, columns, colours). A mirror image reverses the "
        "columns: image[:, ::-1] (or np.fliplr(image)). Embed both, then compute the cosine.",
        "a, b = embed(image), embed(image[:, ::-1]); "
        "return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))",
    ],
    explanation="Reverse the column axis to mirror the picture, embed both pictures and take "
                "the cosine of the two vectors.",
)

# --- q3: which transformation hurts most ------------------------------------------------------


def _mirror(a):
    return a[:, ::-1]


def _upside_down(a):
    return a[::-1]


def _quarter_turn(a):
    return np.rot90(a).copy()


def _darker(a):
    return (a.astype(np.float32) * 0.4).astype(np.uint8)


def _grayscale(a):
    grey = a.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.repeat(grey[..., None], 3, axis=2).round().astype(np.uint8)


def _blur(a):
    from PIL import Image, ImageFilter

    return np.asarray(Image.fromarray(a).filter(ImageFilter.GaussianBlur(4)))


def _centre_crop(a):
    h, w = a.shape[:2]
    return a[h // 4: h - h // 4, w // 4: w - w // 4]


def _thumbnail(a):
    from PIL import Image

    pil = Image.fromarray(a)
    return np.asarray(pil.resize((24, max(1, round(24 * pil.height / pil.width))),
                                 Image.Resampling.BILINEAR))


#: The image changes of exercise 3: name -> function (RGB uint8 array in, array out).
TRANSFORMS = {
    "mirror": _mirror,
    "upside down": _upside_down,
    "quarter turn": _quarter_turn,
    "darker": _darker,
    "grayscale": _grayscale,
    "blur": _blur,
    "centre crop": _centre_crop,
    "thumbnail": _thumbnail,
}
_WORST = "thumbnail"

q3 = ValueQuestion(
    "For the cat photo (chelsea), apply each transformation of ex.TRANSFORMS, embed the "
    "result and compute its cosine similarity to the embedding of the untouched photo. "
    "Which transformation lowers the similarity the most? Give its name (a key of "
    "ex.TRANSFORMS) as a string.",
    _WORST,
    mistakes=[
        Mistake(says("mirror"),
                "that transformation changes the embedding the LEAST: you want the lowest "
                "cosine similarity (np.argmin / min), not the highest"),
        Mistake(says("centre crop"),
                "that one hurts a lot, but another transformation lowers the similarity even "
                "more: compare the scores of all eight"),
        Mistake(lambda x: x.strip().casefold() not in TRANSFORMS,
                "give one of the names in ex.TRANSFORMS, e.g. 'mirror'"),
    ],
    choices=tuple(TRANSFORMS),
    choices_name="the changes in ex.TRANSFORMS",
    hints=[
        "Loop over ex.TRANSFORMS.items(): embed transform(cat) and compare it with the "
        "embedding of cat itself; keep the scores in a dict.",
        "scores = {name: float(vk.cosine_similarity(model.embed(f(cat)), cat_vector)) for "
        "name, f in ex.TRANSFORMS.items()}; worst = min(scores, key=scores.get)",
    ],
    explanation="The 24-pixel thumbnail: blown back up to 224 x 224 it is a smooth blur, and "
                "the fur, whiskers and eyes the network's features respond to are gone "
                "(cosine about 0.4). The mirror image hardly changes anything (about 0.98): "
                "the network was trained on mirrored photos too.",
)

# --- q4: explain a failure ---------------------------------------------------------------------

q4 = ThoughtQuestion(
    "Searched with a 24-pixel thumbnail of the flower photo, the image search does not find "
    "the flower: several other images score higher. Why does the model fail here, when it "
    "finds the cat after cropping, rotating, mirroring and darkening? How would you make a "
    "search that has to work with thumbnails?",
    hints=["Look at the thumbnail next to the original: what did the downscaling remove, and "
           "what do the network's early features respond to?"],
)

# --- q5 (stretch): a mirror-invariant embedding ------------------------------------------------


def _mirror_invariant_embed(embed, image):
    image = np.asarray(image)
    return (np.asarray(embed(image), dtype=float)
            + np.asarray(embed(image[:, ::-1]), dtype=float)) / 2


def _same_direction(got, expected):
    arr = np.asarray(got, dtype=float) if not isinstance(got, str) else None
    if arr is None or arr.dtype == object:
        return f"it returns {describe(got)}; return one vector (a 1-D array)"
    if arr.shape == (2 * expected.size,):
        return ("it returns a vector twice as long as the embedding: you joined the two "
                "vectors end to end; average them instead so the result has the model's "
                "dimension and can be compared with other embeddings")
    if arr.shape != expected.shape:
        return (f"it returns an array of shape {arr.shape}, not one vector of the "
                "embedding's length")
    if not np.all(np.isfinite(arr)) or np.linalg.norm(arr) == 0:
        return "it returns a vector of zeros, inf or NaN"
    return None if np.allclose(arr, expected, rtol=1e-6, atol=1e-9) else False


def _inv_mistake(kind):
    def when(got, embed, image):
        image = np.asarray(image)
        plain = np.asarray(embed(image), float)
        mean = _mirror_invariant_embed(embed, image)
        if kind == "sum":  # the two embeddings added, not averaged
            return np.allclose(got, 2 * mean, rtol=1e-6)
        if kind == "scaled":  # the mean's direction, another length
            return _cos(got, mean) > 1 - 1e-9 and not np.allclose(got, mean, rtol=1e-6)
        if kind == "plain":  # just the embedding of the image
            return _cos(got, plain) > 1 - 1e-9
        alt = plain + np.asarray(embed(image[::-1]), float)  # averaged with upside down
        return _cos(alt, plain) < 1 - 1e-9 and _cos(got, alt) > 1 - 1e-9
    return when


q5 = FunctionQuestion(
    "Stretch: write mirror_invariant_embed(embed, image) that returns the MEAN of the "
    "embedding of the image and the embedding of its mirror image (flipped left to right): "
    "one vector of the same length as embed(image). The result is exactly the same for an "
    "image and its mirror image.",
    _mirror_invariant_embed,
    [
        Case((ToyEmbedder("mixed"), _gradient(6, 8, 4)), hidden=True,
             label="a 6 x 8 image, ToyEmbedder('mixed') with long vectors"),
        Case((ToyEmbedder("columns"), _gradient(4, 6, 0)), hidden=True,
             label="a 4 x 6 image, ToyEmbedder('columns') that sees 4 vertical strips"),
        Case((ToyEmbedder("columns"), _gradient(7, 11, 5)), hidden=True,
             label="a 7 x 11 image (odd width), ToyEmbedder('columns')"),
        Case((ToyEmbedder("mixed"), _gradient(9, 5, 6)), hidden=True,
             label="a 9 x 5 image (taller than wide), ToyEmbedder('mixed')"),
    ],
    func_name="mirror_invariant_embed",
    compare=_same_direction,
    mistakes=[
        Mistake(_inv_mistake("sum"), "your function returns the SUM of the two embeddings "
                "{where}; the question asks for their mean: divide by 2"),
        Mistake(_inv_mistake("updown"), "your function averages with the image turned upside "
                "down {where}; a mirror image swaps left and right (image[:, ::-1])"),
        Mistake(_inv_mistake("plain"), "your function returns the embedding of the image "
                "alone {where}: add the embedding of the mirror image and average the two"),
        Mistake(_inv_mistake("scaled"), "your function's vector points the right way {where} "
                "but has another length than the mean of the two embeddings: add them and "
                "divide by 2, nothing else"),
    ],
    hints=[
        "Embed the image and image[:, ::-1], then average the two vectors. Mirroring the "
        "mirror gives back the original, so the pair is the same for both pictures.",
        "return (np.asarray(embed(image)) + np.asarray(embed(image[:, ::-1]))) / 2",
    ],
    explanation="Averaging over both orientations (test-time augmentation) makes the vector "
                "identical for an image and its mirror image: mirroring only swaps the two "
                "terms of the sum.",
)

progress = bind_questions(globals())
