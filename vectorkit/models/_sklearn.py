"""``EmbeddingTransformer``: any vectorkit model as a scikit-learn transformer.

It lives beside the models because it is one more face of the model interface (``embed``),
not a way of building embeddings: it needs only :func:`vectorkit.load_model` and the
:class:`~vectorkit.models.EmbeddingModel` it wraps, so it sits in the models layer and
search, plot, widgets and the course may all use it.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from vectorkit._validation import check_k
from vectorkit.models._base import EmbeddingModel


def _as_items(X) -> list:
    """The inputs of ``X`` as a list: a list/tuple/1-D array/Series, or one column of a 2-D
    array or DataFrame (as a ``ColumnTransformer`` passes it)."""
    if isinstance(X, str):
        raise TypeError("`X` must be a list of inputs (one per sample), got one str; "
                        "wrap it in a list: [text]")
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # a DataFrame
        if X.shape[1] != 1:
            raise ValueError(f"`X` must have one column of inputs, got a DataFrame with "
                             f"{X.shape[1]} columns {list(X.columns)}")
        return X.iloc[:, 0].tolist()
    if hasattr(X, "tolist") and getattr(X, "ndim", None) == 2:
        if X.shape[1] == 0:  # worded as scikit-learn's check_array words it
            raise ValueError(f"`X` has 0 feature(s) (shape={X.shape}) while a minimum of 1 is "
                             "required: give one column of inputs")
        if X.shape[1] != 1:
            raise ValueError(f"`X` must be a list of inputs or an array with one column of "
                             f"them, got an array of shape {X.shape}")
        return np.asarray(X)[:, 0].tolist()
    if hasattr(X, "tolist") and getattr(X, "ndim", None) == 1:
        return X.tolist()
    if isinstance(X, list | tuple):
        return list(X)
    raise TypeError(f"`X` must be a list, 1-D array or pandas Series of inputs (one per "
                    f"sample), got {type(X).__name__}"
                    + (f" of shape {X.shape}" if hasattr(X, "shape") else ""))


class EmbeddingTransformer(TransformerMixin, BaseEstimator):
    """Turn texts (or images, or sounds) into embedding vectors inside a scikit-learn pipeline.

    ``transform(X)`` returns ``model.embed(list(X))``: an ``(n, model.dim)`` float32 array,
    one row per input. Nothing is learned: ``fit`` only loads the model and records its
    dimension, so the transformer can go first in a ``Pipeline`` and be cross-validated or
    grid-searched like any other step (the model is frozen, so no fold leaks into another).
    Embeddings go through the embedding cache (:mod:`vectorkit.cache`): the folds of a
    cross-validation embed each text once, not once per fold.

    Args:
        model: a model name for :func:`vectorkit.load_model` (``"text"``, ``"image"``, ...;
            a bundled model loads once per process, so clones share it) or a loaded
            :class:`~vectorkit.models.EmbeddingModel` (clones share that object too).
        batch_size: inputs per forward pass (default: the model's own).
        cache: use the on-disk embedding cache.

    Example:
        >>> import vectorkit as vk
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> pipe = make_pipeline(vk.EmbeddingTransformer("text"), LogisticRegression())
        >>> texts = ["I love it", "great, thank you", "this is awful", "I hate it"]
        >>> _ = pipe.fit(texts, ["pos", "pos", "neg", "neg"])
        >>> pipe.predict(["really lovely"]).tolist()
        ['pos']
        >>> pipe[0].get_feature_names_out()[:2].tolist()
        ['use-multilingual_0', 'use-multilingual_1']
    """

    def __init__(self, model="text", *, batch_size=None, cache=True):
        self.model = model
        self.batch_size = batch_size
        self.cache = cache

    def _load(self) -> EmbeddingModel:
        if isinstance(self.model, EmbeddingModel):
            return self.model
        if isinstance(self.model, str):
            from vectorkit.models._registry import load_model

            return load_model(self.model)
        raise TypeError(f"`model` must be a model name such as 'text' or a model from "
                        f"vk.load_model(...), got {type(self.model).__name__}")

    def fit(self, X, y=None):
        """Load the model and record its dimension; ``X`` is checked, never learned from."""
        if self.batch_size is not None:
            check_k(self.batch_size, "batch_size")
        if not isinstance(self.cache, bool):
            raise TypeError(f"`cache` must be True or False, got {self.cache!r}")
        if not _as_items(X):
            raise ValueError("`X` is empty: fit needs at least one input")
        self.model_ = self._load()
        self.embedding_dim_ = int(self.model_.dim)
        self.model_name_ = self.model_.name
        return self

    def transform(self, X) -> np.ndarray:
        """Embed every input of ``X``: an ``(n_samples, embedding_dim_)`` float32 array."""
        check_is_fitted(self, "model_")
        items = _as_items(X)
        if not items:
            return np.zeros((0, self.embedding_dim_), np.float32)
        return self.model_.embed(items, batch_size=self.batch_size, progress=False,
                                 cache=self.cache)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns: ``"<model name>_0"``, ``"<model name>_1"``, ..."""
        check_is_fitted(self, "model_")
        return np.asarray([f"{self.model_name_}_{i}" for i in range(self.embedding_dim_)],
                          dtype=object)

    def __getstate__(self):
        # a model loaded by name is not pickled (hundreds of MB): it loads again on first use
        state = dict(self.__dict__)
        if isinstance(self.model, str):
            state.pop("model_", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "embedding_dim_" in state and "model_" not in state:
            self.model_ = self._load()

    def __sklearn_clone__(self):
        # the default clone deep-copies a model object given as `model` (hundreds of MB of
        # weights); a loaded model never changes, so clones share it
        return type(self)(**self.get_params(deep=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        tags.transformer_tags.preserves_dtype = []
        tags.non_deterministic = False
        return tags
