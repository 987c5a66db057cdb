"""Building embeddings yourself and putting them to work: hand-made features, word2vec and
count-based word vectors, fine-tuning (the image model's last stages, a sentence encoder);
item vectors and recommenders, verification scores; probes, explanations and data-quality
checks; word-swap augmentation filtered by embeddings.

Example:
    >>> import vectorkit as vk
    >>> wv = vk.train.count_vectors(["red apple", "green apple", "red car"], dim=2)
    >>> sorted(wv.vocab)
    ['apple', 'car', 'green', 'red']
"""

from __future__ import annotations

import importlib

# public name -> module that defines it (imported on first use: several need TensorFlow)
_EXPORTS = {
    # word vectors
    "WordVectors": "vectorkit.train.wordvectors",
    "tokenize": "vectorkit.train._corpus",
    "word2vec": "vectorkit.train._word2vec",
    "count_vectors": "vectorkit.train._count",
    # fine-tuning
    "image_tail": "vectorkit.train._image_tail",
    "ImageTail": "vectorkit.train._image_tail",
    "fine_tune_text": "vectorkit.train.contrastive",
    "in_batch_loss": "vectorkit.train.contrastive",
    "FineTuned": "vectorkit.train.contrastive",
    # the embedding table inside a (tiny) language model
    "next_word_model": "vectorkit.train.language_model",
    "NextWordModel": "vectorkit.train.language_model",
    # recommendations and verification
    "cooccurrence": "vectorkit.train.recommend",
    "svd_item_vectors": "vectorkit.train.recommend",
    "split_baskets": "vectorkit.train.recommend",
    "Popularity": "vectorkit.train.recommend",
    "ItemVectors": "vectorkit.train.recommend",
    "Blend": "vectorkit.train.recommend",
    "evaluate_recommender": "vectorkit.train.recommend",
    "verification_scores": "vectorkit.train.verification",
    "equal_error_rate": "vectorkit.train.verification",
    # probes and explanations
    "weat": "vectorkit.train.probes",
    "WEATResult": "vectorkit.train.probes",
    "mean_direction": "vectorkit.train.probes",
    "project_out": "vectorkit.train.probes",
    "occlusion_map": "vectorkit.train.explain",
    "word_importance": "vectorkit.train.explain",
    # data quality: injected problems and the checks that find them
    "near_copies": "vectorkit.train.inject",
    "flip_labels": "vectorkit.train.inject",
    "near_duplicates": "vectorkit.train.quality",
    "neighbour_disagreement": "vectorkit.train.quality",
    "knn_scores": "vectorkit.train.quality",
    "drift_test": "vectorkit.train.quality",
    "DriftResult": "vectorkit.train.quality",
    # augmentation
    "word_swaps": "vectorkit.train.augment",
    "Variations": "vectorkit.train.augment",
    "filter_augmented": "vectorkit.train.augment",
    "FilterResult": "vectorkit.train.augment",
}
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
