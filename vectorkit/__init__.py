"""vectorkit: learn vector embeddings by doing.

A small helper package for the vectorkit notebook course: similarity metrics, text/image/audio
embedding models behind one interface, search, evaluation, plots and exercises.
``import vectorkit`` is fast: TensorFlow and the models load on first use.

Example:
    >>> import vectorkit as vk
    >>> vk.cosine_similarity([1.0, 0.0], [0.0, 1.0])
    0.0
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (imported on first access), by family
_EXPORTS = {
    # similarity metrics
    "cosine_similarity": "vectorkit.similarity",
    "euclidean_distance": "vectorkit.similarity",
    "dot_product": "vectorkit.similarity",
    "normalize": "vectorkit.similarity",
    # models and their inputs
    "load_model": "vectorkit.models",
    "list_models": "vectorkit.models",
    "EmbeddingModel": "vectorkit.models",
    "export_model": "vectorkit.models",
    "EmbeddingTransformer": "vectorkit.models._sklearn",
    "images_as_text": "vectorkit.models._images_as_text",
    "load_image": "vectorkit.images",
    "load_audio": "vectorkit.audio",
    "set_cache": "vectorkit.cache",
    "setup_notebook": "vectorkit._notebook",
    # search: exact, keyword, quantised, approximate, the vector store and ingestion
    "Index": "vectorkit.search.index",
    "SearchResult": "vectorkit.search._result",
    "KeywordIndex": "vectorkit.search.keyword",
    "quantize": "vectorkit.search._quantize",
    "ApproxIndex": "vectorkit.search._ann",
    "VectorStore": "vectorkit.search.store",
    "ingest": "vectorkit.search.ingest",
    "IngestSummary": "vectorkit.search.ingest",
    "search_collection": "vectorkit.search.collection",
    "chunk_text": "vectorkit.search._chunk",
    # evaluation
    "recall_at_k": "vectorkit.search.metrics",
    "precision_at_k": "vectorkit.search.metrics",
    "mrr": "vectorkit.search.metrics",
    "ndcg_at_k": "vectorkit.search.metrics",
    "average_precision_at_k": "vectorkit.search.metrics",
    "evaluate": "vectorkit.search.metrics",
    # seeing and shrinking vectors
    "reduce": "vectorkit.reduction",
    "export_projector": "vectorkit.projector",
    # hand-made features (vk.features is vk.train.features)
    "features": "vectorkit.train",
}
_SUBMODULES = {"datasets", "plot", "widgets", "exercises", "cache", "models", "similarity",
               "images", "audio", "errors", "search", "course", "train"}
_ALIASES = {"rag": "vectorkit.search.rag"}  # public name -> the module it is

__all__ = sorted([*_EXPORTS, *_SUBMODULES, *_ALIASES])


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"vectorkit.{name}")
    if name in _ALIASES:
        return importlib.import_module(_ALIASES[name])
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vectorkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
