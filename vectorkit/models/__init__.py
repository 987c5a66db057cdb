"""Models: one interface for text, image and audio embedding models."""

from vectorkit.models._base import EmbeddingModel
from vectorkit.models._registry import ALIASES, SPECS, ModelStatus, list_models, load_model

__all__ = ["EmbeddingModel", "ModelStatus", "load_model", "list_models", "SPECS", "ALIASES"]
