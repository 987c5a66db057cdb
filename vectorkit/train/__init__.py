"""Building embeddings yourself and putting them to work: hand-made features, word2vec and
count-based word vectors; item vectors and recommenders, verification scores.

Example:
    >>> import vectorkit as vk
    >>> wv = vk.train.count_vectors(["red apple", "green apple", "red car"], dim=2)
    >>> sorted(wv.vocab)
    ['apple', 'car', 'green', 'red']
"""

from __future__ import annotations

import importlib

# public name -> module that defines it (imported on first use: word2vec needs TensorFlow)
_EXPORTS = {
    "WordVectors": "vectorkit.train.wordvectors",
    "tokenize": "vectorkit.train._corpus",
    "word2vec": "vectorkit.train._word2vec",
    "count_vectors": "vectorkit.train._count",
    # issue 17: the embedding table inside a (tiny) language model
    "next_word_model": "vectorkit.train.language_model",
    "NextWordModel": "vectorkit.train.language_model",
}
# issue 16: recommendations and verification (notebooks 09 and 10)
_EXPORTS.update({
    "cooccurrence": "vectorkit.train.recommend",
    "svd_item_vectors": "vectorkit.train.recommend",
    "split_baskets": "vectorkit.train.recommend",
    "Popularity": "vectorkit.train.recommend",
    "ItemVectors": "vectorkit.train.recommend",
    "Blend": "vectorkit.train.recommend",
    "evaluate_recommender": "vectorkit.train.recommend",
    "verification_scores": "vectorkit.train.verification",
    "equal_error_rate": "vectorkit.train.verification",
})
_SUBMODULES = {"features"}
__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
