"""MobileNet V2 (100, 224) from TF Hub: feature vectors for ``embed``, ImageNet for ``classify``.

Two hub models are used: ``feature_vector/5`` (float32 ``[None, 224, 224, 3]`` RGB in [0, 1]
-> ``(None, 1280)``) and ``classification/5`` (same input -> ``(None, 1001)`` logits whose
index 0 is "background"). Both are downloaded once into the persistent TF Hub cache.

Example:
    Loading needs tfhub.dev, or the two models already in the TF Hub cache:

    >>> import vectorkit as vk                     # doctest: +SKIP
    >>> m = vk.load_model("mobilenet-v2")          # doctest: +SKIP
    >>> m.embed("photo.jpg").shape                 # doctest: +SKIP
    (1280,)
"""

from __future__ import annotations

from vectorkit.models import _hub
from vectorkit.models._hub_image import HubImageModel, _fingerprint
from vectorkit.models._image import imagenet_labels

FEATURE_HANDLE = "https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5"
CLASSIFIER_HANDLE = "https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/classification/5"


def load(spec=None, handle: str | None = None, classifier_handle: str | None = None):
    """Load MobileNet V2 from TF Hub (registry loader for ``"mobilenet-v2"``).

    Args:
        spec: the registry's ModelSpec (gives the default handles).
        handle: URL or local folder of the feature-vector model (a mirror, a test server).
        classifier_handle: URL or local folder of the matching classification model.
    """
    handle = handle or (spec.handle if spec else FEATURE_HANDLE)
    extra = spec.extra_handles if spec and spec.extra_handles else (CLASSIFIER_HANDLE,)
    classifier_handle = classifier_handle or extra[0]
    bundled = spec.bundled_alternative if spec else "efficientnet-lite0"
    features = _hub.load(handle, bundled=bundled)
    classifier = _hub.load(classifier_handle, bundled=bundled)
    model = HubImageModel(features, name=spec.name if spec else "mobilenet-v2",
                          source="tfhub" if _hub.is_url(handle) else "local", handle=handle,
                          classifier=classifier, labels=imagenet_labels(background=True),
                          version=f"5-{_fingerprint(handle)}")
    model.description = spec.description if spec else "MobileNet V2 100_224 from TF Hub"
    if model.dim != 1280 or model.image_size != 224:
        raise ValueError(f"`handle` {handle!r} is not a MobileNet V2 224 feature-vector model "
                         f"(input {model.image_size}px, output {model.dim}-d)")
    return model
