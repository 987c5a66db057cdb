"""The checks behind notebook 04 (image embeddings): contract, typical mistakes, model facts."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from exercise_contract import Wrong, assert_exercise_contract

from vectorkit.exercises import nb04
from vectorkit.exercises._checker import registry as _registry


@pytest.fixture(autouse=True)
def _fresh_registry():
    _registry.clear()
    yield
    _registry.clear()


def _cos(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- plausible wrong answers ---------------------------------------------------------------


def _flip_updown(embed, image):
    return _cos(embed(image), embed(np.flipud(image)))


def _flip_none(embed, image):
    return _cos(embed(image), embed(image))


def _flip_dot(embed, image):
    return float(np.dot(embed(image), embed(np.fliplr(image))))


def _flip_distance(embed, image):
    return float(np.linalg.norm(embed(image) - embed(np.fliplr(image))))


def _flip_channels(embed, image):  # reverses the colour axis instead of the columns
    return _cos(embed(image), embed(image[:, :, ::-1]))


def _flip_in_place(embed, image):
    a = embed(image)
    image[:] = image[:, ::-1].copy()
    return _cos(a, embed(image))


def _inv_concat(embed, image):
    return np.concatenate([embed(image), embed(image[:, ::-1])])


def _inv_updown(embed, image):
    return (embed(image) + embed(image[::-1])) / 2


def _inv_plain(embed, image):
    return embed(image)


def _inv_scalar(embed, image):
    return _cos(embed(image), embed(image[:, ::-1]))


def _inv_sum(embed, image):
    return embed(image) + embed(image[:, ::-1])


def _inv_seven_sums(embed, image):
    return 7 * (embed(image) + embed(image[:, ::-1]))


@functools.cache
def _model_data():
    """Cosines to grace_hopper and of the changed cats, computed here without the checker."""
    import vectorkit as vk

    model = vk.load_model("image")
    images = vk.datasets.load_images()
    names = [im.name for im in images]
    vectors = np.asarray(model.embed([im.image for im in images]), dtype=float)
    to_grace = {n: _cos(v, vectors[names.index("grace_hopper")]) for n, v in zip(names, vectors, strict=True)}
    cat = images[names.index("chelsea")].image
    changed = {n: _cos(model.embed(f(cat)), vectors[names.index("chelsea")])
               for n, f in nb04.TRANSFORMS.items()}
    return to_grace, changed


def _least_similar_to_grace(name):
    to_grace = _model_data()[0]
    return name.strip().casefold() in sorted(to_grace, key=to_grace.get)[:3]


def _changes_least(name):
    changed = _model_data()[1]
    return name == max(changed, key=changed.get)


def _second_worst(name):
    changed = _model_data()[1]
    return sorted(changed, key=changed.get)[1] == name


WRONG = {
    "q1": [Wrong("grace_hopper", "most similar to itself", lambda n: n == "grace_hopper"),
           Wrong("grass", "LEAST similar", _least_similar_to_grace),
           Wrong("Chelsea", "LEAST similar", _least_similar_to_grace),
           Wrong("camera", "is one of the 16 image names, but not the right one"), 14,
           Wrong("the astronaut photo", "name of one of the 16 images",
                 lambda n: n not in nb04.IMAGE_NAMES)],
    "q2": [Wrong(_flip_updown, "upside down"), Wrong(_flip_none, "with itself"),
           Wrong(_flip_dot, "dot product"), Wrong(_flip_distance, "distance"),
           Wrong(_flip_channels, "as if it compared the image with itself"),
           _flip_in_place],
    "q3": [Wrong("mirror", "LEAST", _changes_least),
           Wrong("centre crop", "even more", _second_worst),
           Wrong("blur", "is one of the changes in ex.TRANSFORMS, but not the right one"),
           Wrong("upside-down", "names in ex.TRANSFORMS", lambda n: n not in nb04.TRANSFORMS),
           Wrong("tiny", "names in ex.TRANSFORMS", lambda n: n not in nb04.TRANSFORMS)],
    "q5": [Wrong(_inv_concat, "twice as long"), Wrong(_inv_updown, "upside down"),
           Wrong(_inv_plain, "alone"), _inv_scalar, Wrong(_inv_sum, "SUM"),
           Wrong(_inv_seven_sums, "another length")],
}


def test_nb04_contract():
    assert_exercise_contract(nb04, WRONG)


@pytest.mark.parametrize("question, answer, words", [
    ("q1", "grace_hopper", "most similar to itself"),
    ("q1", "grass", "LEAST similar"),
    ("q1", "the astronaut photo", "name of one of the 16 images"),
    ("q3", "mirror", "LEAST"),
    ("q3", "centre crop", "even more"),
    ("q3", "tiny", "names in ex.TRANSFORMS"),
])
def test_value_mistakes_are_explained(question, answer, words):
    result = getattr(nb04, question).check(answer)
    assert result.status == "incorrect"
    assert words in result.message


def test_value_answers_ignore_case_and_spaces():
    assert nb04.q1.check("  Astronaut ").correct
    assert nb04.q3.check("THUMBNAIL").correct


@pytest.mark.parametrize("func, words", [
    (_flip_updown, "upside down"),
    (_flip_none, "with itself"),
    (_flip_dot, "dot product"),
    (_flip_distance, "distance"),
    (_flip_in_place, "changed its input"),
])
def test_flip_mistakes_are_explained(func, words):
    result = nb04.q2.check(func)
    assert result.status == "incorrect"
    assert words in result.message


def test_flip_cosine_accepts_other_correct_styles():
    def with_numpy(embed, image):
        a, b = embed(image), embed(np.fliplr(image))
        return np.float32(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    def with_pil(embed, image):
        from PIL import Image, ImageOps

        a, b = embed(image), embed(ImageOps.mirror(Image.fromarray(image)))
        return _cos(a, b)

    assert nb04.q2.check(with_numpy).correct
    assert nb04.q2.check(with_pil).correct


@pytest.mark.parametrize("func, words", [
    (_inv_concat, "twice as long"),
    (_inv_updown, "upside down"),
    (_inv_plain, "alone"),
    (_inv_scalar, "one vector"),
])
def test_invariant_mistakes_are_explained(func, words):
    result = nb04.q5.check(func)
    assert result.status == "incorrect"
    assert words in result.message


def test_invariant_embed_wants_the_mean_and_is_mirror_invariant():
    """Issue 12: the sum and 7 x the sum used to pass (only the direction was compared)."""
    for wrong in (_inv_sum, _inv_seven_sums):
        assert nb04.q5.check(wrong).status == "incorrect"
    assert nb04.q5.check(lambda e, im: (np.asarray(e(im)) + e(im[:, ::-1])) * 0.5).correct
    embed, image = nb04.ToyEmbedder("mixed"), nb04._gradient(6, 9, 7)
    np.testing.assert_allclose(nb04._mirror_invariant_embed(embed, image),
                               nb04._mirror_invariant_embed(embed, image[:, ::-1]))


def test_toy_embedder_sees_mirroring_and_rejects_bad_input():
    image = nb04._gradient(6, 8, 0)
    cols, rows = nb04.ToyEmbedder("columns"), nb04.ToyEmbedder("rows")
    assert _cos(cols(image), cols(image[:, ::-1])) < 0.9
    assert _cos(rows(image), rows(image[:, ::-1])) == pytest.approx(1.0)
    assert _cos(rows(image), rows(image[::-1])) < 0.999
    assert nb04.ToyEmbedder("mixed") == nb04.ToyEmbedder("mixed") != cols
    with pytest.raises(ValueError, match="kind"):
        nb04.ToyEmbedder("diagonal")
    with pytest.raises(ValueError, match="RGB"):
        cols(np.zeros((4, 4)))


def test_transforms_keep_images_valid():
    image = nb04._gradient(40, 60, 0)
    before = image.copy()
    for name, transform in nb04.TRANSFORMS.items():
        out = np.asarray(transform(image))
        assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3, name
        np.testing.assert_array_equal(image, before, err_msg=f"{name} changed its input")
    assert nb04.TRANSFORMS["thumbnail"](image).shape == (16, 24, 3)
    assert nb04.TRANSFORMS["centre crop"](image).shape == (20, 30, 3)
    np.testing.assert_array_equal(nb04.TRANSFORMS["mirror"](image), image[:, ::-1])


def test_image_names_match_the_dataset():
    import vectorkit as vk

    assert tuple(im.name for im in vk.datasets.load_images()) == nb04.IMAGE_NAMES


def test_bundled_model_agrees_with_the_clear_cut_answers():
    """The value questions' answers are the ones the bundled model finds, with a margin."""
    import vectorkit as vk

    model = vk.load_model("image")
    images = vk.datasets.load_images(["grace_hopper", "astronaut", "camera",
                                      "immunohistochemistry", "coins", "chelsea"])
    vectors = model.embed([im.image for im in images])
    sims = vk.cosine_similarity(vectors[1:], vectors[0])
    order = np.argsort(sims)[::-1]
    assert images[1 + order[0]].name == nb04._NEAREST
    assert sims[order[0]] - sims[order[1]] > 0.08

    cat = images[-1].image
    scores = {name: _cos(model.embed(f(cat)), vectors[-1])
              for name, f in nb04.TRANSFORMS.items()}
    ranked = sorted(scores, key=scores.get)
    assert ranked[0] == nb04._WORST and ranked[1] == "centre crop" and ranked[-1] == "mirror"
    assert scores[ranked[1]] - scores[ranked[0]] > 0.08
