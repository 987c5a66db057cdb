"""The course's datasets: small, license-clean, offline. Each loader documents origin and shape.

Example:
    >>> import vectorkit as vk
    >>> callable(vk.datasets.load_sentences)
    True
"""

from __future__ import annotations

import importlib

# loader name -> private module that defines it (imported on first use)
_LOADERS = {
    # text (search, recommendations, sentiment, cross-lingual)
    "load_sentences": "vectorkit.datasets._text",
    "load_search_benchmark": "vectorkit.datasets._text",
    "load_products": "vectorkit.datasets._text",
    "load_baskets": "vectorkit.datasets._text",
    "load_reviews": "vectorkit.datasets._text",
    "load_parallel": "vectorkit.datasets._text",
    "load_similarity_pairs": "vectorkit.datasets._pairs",  # issue 12
    "SIMILARITY_GRADES": "vectorkit.datasets._pairs",  # issue 12: the 0-5 scale
    "load_image_queries": "vectorkit.datasets._text",  # issue 16
    "load_faces": "vectorkit.datasets._faces",  # issue 16
    "face_pairs": "vectorkit.datasets._faces",  # issue 16
    "load_kitchen": "vectorkit.datasets._kitchen",  # issue 15: word vectors (notebook 07)
    "load_python_docs": "vectorkit.datasets._docs",  # issue 17: retrieval-augmented answers
    "load_doc_questions": "vectorkit.datasets._docs",
    "load_synonyms": "vectorkit.datasets._text",  # issue 17: word swaps (notebook 13)
    # images
    "load_images": "vectorkit.datasets._images",
    "image_views": "vectorkit.datasets._images",
    "load_image_collection": "vectorkit.datasets._collection",  # issue 12
    # audio
    "load_sounds": "vectorkit.datasets._sounds",
    "load_speech": "vectorkit.datasets._sounds",
}
__all__ = sorted(_LOADERS)


def __getattr__(name: str):
    module = _LOADERS.get(name)
    if module is None:
        raise AttributeError(f"module 'vectorkit.datasets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
