"""Building embeddings yourself and putting them to work (course parts 2-4).

Names are imported on first use, so ``import vectorkit`` stays fast.
"""

from __future__ import annotations

import importlib

# public name -> module that defines it
_EXPORTS = {
    # issue 16: recommendations and verification (notebooks 09 and 10)
    "cooccurrence": "vectorkit.train.recommend",
    "svd_item_vectors": "vectorkit.train.recommend",
    "split_baskets": "vectorkit.train.recommend",
    "Popularity": "vectorkit.train.recommend",
    "ItemVectors": "vectorkit.train.recommend",
    "Blend": "vectorkit.train.recommend",
    "evaluate_recommender": "vectorkit.train.recommend",
    "verification_scores": "vectorkit.train.verification",
    "equal_error_rate": "vectorkit.train.verification",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vectorkit.train' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
