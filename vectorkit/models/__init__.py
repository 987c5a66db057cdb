"""Models: one interface for text, image and audio embedding models.

``load_model`` and ``list_models`` are also ``vk.load_model`` / ``vk.list_models``;
``imagenet_labels`` gives the 1000 ImageNet class names the image models classify into,
``hub_reachable``, ``hub_download``, ``hub_clear``, ``hub_cache_dir`` and ``is_hub_url``
manage the persistent TF Hub cache (``vectorkit models ...`` uses them).
"""

from vectorkit.models._base import EmbeddingModel
from vectorkit.models._export import export_model
from vectorkit.models._hub import clear as hub_clear
from vectorkit.models._hub import hub_cache_dir
from vectorkit.models._hub import is_url as is_hub_url
from vectorkit.models._hub import reachable as hub_reachable
from vectorkit.models._hub import resolve as hub_download
from vectorkit.models._image import imagenet_labels
from vectorkit.models._registry import (
    ALIASES,
    SHORT_NAMES,
    SPECS,
    ModelStatus,
    list_models,
    load_model,
    resolve_name,
)

__all__ = ["EmbeddingModel", "ModelStatus", "load_model", "list_models", "export_model",
           "imagenet_labels", "resolve_name", "SPECS", "ALIASES",
           "SHORT_NAMES",           "hub_reachable", "hub_download", "hub_clear", "hub_cache_dir", "is_hub_url"]
