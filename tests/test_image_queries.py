"""The course's text -> image queries: every query names a real photo and a real ImageNet class."""

from __future__ import annotations

import vectorkit as vk
from vectorkit.models import imagenet_labels


def test_queries_refer_to_real_photos_and_classes():
    queries = vk.datasets.load_image_queries()
    assert queries["id"].is_unique and queries["query"].is_unique
    assert set(queries["image"]) <= {im.name for im in vk.datasets.load_images()}
    assert set(queries["kind"]) == {"labelled", "unlabelled"}
    labelled = queries[queries["kind"] == "labelled"]
    assert set(labelled["imagenet_class"]) <= set(imagenet_labels())
    assert (queries.loc[queries["kind"] == "unlabelled", "imagenet_class"] == "").all()
