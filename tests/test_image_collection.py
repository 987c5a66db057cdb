"""vk.datasets.load_image_collection: 18 categories, queries that never share pixels with it."""

from __future__ import annotations

import re

import numpy as np
import pytest

import vectorkit as vk


@pytest.fixture(scope="module")
def both():
    return (vk.datasets.load_image_collection(),
            vk.datasets.load_image_collection("queries"))


def test_sizes_categories_and_fields(both):
    collection, queries = both
    assert len(collection) == 108 and len(queries) == 54
    for c, per in ((collection, 6), (queries, 3)):
        cats, counts = np.unique(c.categories, return_counts=True)
        assert len(cats) == 18 and set(counts) == {per}
        assert len(set(c.names)) == len(c) == len(c.sources) == len(c.groups)
        for im in c.images:
            assert im.dtype == np.uint8 and im.ndim == 3 and im.shape[2] == 3
    assert not set(collection.names) & set(queries.names)
    assert set(collection.groups) == {"digits", "faces", "textures", "scene"}
    assert repr(collection) == "ImageCollection(108 images, 18 categories)"


def _rows(c, group):
    return {int(re.search(r"(?:sample|image) (\d+)", s).group(1))
            for s, g in zip(c.sources, c.groups, strict=True) if g == group}


def test_digits_and_faces_of_the_queries_are_other_samples(both):
    collection, queries = both
    for group in ("digits", "faces"):
        assert _rows(collection, group).isdisjoint(_rows(queries, group))
    from sklearn.datasets import load_digits

    digits = load_digits()
    for src, cat in zip(collection.sources, collection.categories, strict=True):
        if src.startswith("scikit-learn"):
            row = int(src.rsplit(" ", 1)[1])
            assert cat == f"digit {digits.target[row]}"


def test_crops_of_queries_and_collection_do_not_overlap(both):
    """Textures: queries from the left half, stored crops from the right; the motorcycle:
    stored crops from the left camera, queries from the right camera."""
    collection, queries = both
    for c, side in ((collection, "right"), (queries, "left")):
        for src, im, g in zip(c.sources, c.images, c.groups, strict=True):
            if g != "textures":
                continue
            assert f", {side} half," in src
            col = int(src.rsplit("column ", 1)[1])
            width = {"hubble_deep_field": 1000}.get(src.split()[1].rstrip(","), 512)
            if side == "left":
                assert col + im.shape[1] <= width // 2
            else:
                assert col >= width // 2
    assert all("left camera" in s for s, g in zip(collection.sources, collection.groups, strict=True)
               if g == "scene")
    assert all("right camera" in s for s, g in zip(queries.sources, queries.groups, strict=True)
               if g == "scene")
    # and no query is pixel-identical to a stored image
    stored = {im.tobytes() for im in collection.images}
    assert not any(im.tobytes() in stored for im in queries.images)


def test_bad_split_is_named():
    with pytest.raises(ValueError, match=r"`split` must be one of \['collection', 'queries'\], "
                                         r"got 'test'"):
        vk.datasets.load_image_collection("test")
