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

# public name -> module that defines it (imported on first access)
_EXPORTS = {
    "cosine_similarity": "vectorkit.similarity",
    "euclidean_distance": "vectorkit.similarity",
    "dot_product": "vectorkit.similarity",
    "normalize": "vectorkit.similarity",
    "load_model": "vectorkit.models",
    "list_models": "vectorkit.models",
    "EmbeddingModel": "vectorkit.models",
    "set_cache": "vectorkit.cache",
    "setup_notebook": "vectorkit._notebook",
    "export_model": "vectorkit.models",
    "load_image": "vectorkit.images",
    "load_audio": "vectorkit.audio",
    "Index": "vectorkit.search.index",
    "SearchResult": "vectorkit.search._result",
    "KeywordIndex": "vectorkit.search.keyword",
    "recall_at_k": "vectorkit.search.metrics",
    "precision_at_k": "vectorkit.search.metrics",
    "mrr": "vectorkit.search.metrics",
    "ndcg_at_k": "vectorkit.search.metrics",
    "evaluate": "vectorkit.search.metrics",
    "reduce": "vectorkit.reduction",
    "export_projector": "vectorkit.projector",
    # issue 13: MAP@k
    "average_precision_at_k": "vectorkit.search.metrics",
}
# issue 18: search at scale (approximate indexes, the Milvus vector store)
_EXPORTS.update({
    "VectorStore": "vectorkit.search.store",
    "ApproxIndex": "vectorkit.search._ann",
})
# issue 18: the ingestion pipeline
_EXPORTS.update({
    "ingest": "vectorkit.search.ingest",
    "IngestSummary": "vectorkit.search.ingest",
    "search_collection": "vectorkit.search.collection",
})
# issue 16 (course part 3: applications)
_EXPORTS.update({
    "EmbeddingTransformer": "vectorkit.models._sklearn",
    "images_as_text": "vectorkit.models._images_as_text",
})
# issue 17: retrieval-augmented answers (vk.rag) and chunking text for them
_EXPORTS.update({
    "chunk_text": "vectorkit.search._chunk",
})
_SUBMODULES = {"datasets", "plot", "widgets", "exercises", "cache", "models", "similarity",
               "images", "audio", "errors", "search", "course"}
_ALIASES = {"rag": "vectorkit.search.rag"}  # public name -> the module it is
# issue 15: building embeddings (vk.train, vk.features) and quantised search
_SUBMODULES |= {"train"}
_EXPORTS.update({
    "features": "vectorkit.train",
    "quantize": "vectorkit.search._quantize",
})

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
