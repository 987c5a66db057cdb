"""vk.EmbeddingTransformer: scikit-learn's API checks, pipelines, CV, grid search, the cache."""

from __future__ import annotations

import functools
import hashlib
import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn.utils.estimator_checks as ec
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

import vectorkit as vk
from vectorkit.models._sklearn import EmbeddingTransformer

# scikit-learn's own checks that apply to a transformer whose samples are texts: run as they are
API_CHECKS = [
    "check_estimator_cloneable", "check_estimator_tags_renamed", "check_valid_tag_types",
    "check_estimator_repr", "check_no_attributes_set_in_init", "check_mixin_order",
    "check_do_not_raise_errors_in_init_or_set_params", "check_parameters_default_constructible",
    "check_get_params_invariance", "check_set_params", "check_transformers_unfitted",
    "check_estimators_unfitted", "check_transformer_n_iter",
    "check_estimators_empty_data_messages",
]
# the checks that feed random numeric 2-D arrays (X of shape (n, n_features) with numbers):
# a text transformer refuses them (TypeError/ValueError naming `X`), so the property each one
# tests is tested below with texts, in the test named after the reason
SKIPPED = {
    "check_fit_score_takes_y": "numeric X; fit(X, y) signature: test_pipeline_cv_and_grid_search",
    "check_estimators_overwrite_params": "numeric X; test_fit_changes_no_parameter",
    "check_dont_overwrite_parameters": "numeric X; test_fit_changes_no_parameter",
    "check_estimators_fit_returns_self": "numeric X; test_fit_changes_no_parameter",
    "check_readonly_memmap_input": "numeric memmap X; texts are not memory-mapped",
    "check_n_features_in_after_fitting": "numeric X; samples are texts, no n_features_in_",
    "check_n_features_in": "numeric X; samples are texts, no n_features_in_",
    "check_positive_only_tag_during_fit": "numeric X; the positive_only tag is about numbers",
    "check_estimators_dtypes": "numeric dtypes; test_matches_model_embed (float32 output)",
    "check_complex_data": "complex numbers; a text transformer refuses numbers",
    "check_dtype_object": "numeric object arrays; test_accepts_list_array_series_frame",
    "check_pipeline_consistency": "numeric X; test_pipeline_cv_and_grid_search",
    "check_estimators_nan_inf": "NaN/inf are numbers; None as a text: test_errors_name_x",
    "check_estimator_sparse_tag": "sparse numeric X; texts are never sparse",
    "check_estimator_sparse_array": "sparse numeric X; texts are never sparse",
    "check_estimator_sparse_matrix": "sparse numeric X; texts are never sparse",
    "check_estimators_pickle": "numeric X; test_pickle_round_trip",
    "check_array_api_input": "array-API numeric X; texts are Python strings",
    "check_f_contiguous_array_estimator": "memory layout of numeric X; texts have none",
    "check_transformer_data_not_an_array": "numeric X; test_accepts_list_array_series_frame",
    "check_transformer_general": "numeric X; test_matches_model_embed, test_fit_idempotent",
    "check_methods_sample_order_invariance": "numeric X; test_order_and_subset_invariance",
    "check_methods_subset_invariance": "numeric X; test_order_and_subset_invariance",
    "check_fit2d_1sample": "numeric X; test_order_and_subset_invariance (one text)",
    "check_fit2d_1feature": "numeric X; one text column: test_accepts_list_array_series_frame",
    "check_dict_unchanged": "numeric X; test_fit_changes_no_parameter",
    "check_fit_idempotent": "numeric X; test_fit_idempotent",
    "check_fit_check_is_fitted": "numeric X; test_unfitted_and_fitted",
    "check_fit1d": "numeric 1-D X; a 1-D X of texts is the normal input",
    "check_fit2d_predict1d": "numeric X; a transformer has no predict",
}

TEXTS = ["I love this kettle", "great value, would buy again", "it broke after a week",
         "the worst film I have seen", "a cosy little restaurant", "service was painfully slow"]
LABELS = ["pos", "pos", "neg", "neg", "pos", "neg"]


@pytest.fixture(scope="module")
def model():
    return vk.load_model("text")


@pytest.mark.parametrize("name", API_CHECKS)
def test_scikit_learn_api_checks(name):
    getattr(ec, name)("EmbeddingTransformer", EmbeddingTransformer("text"))


def test_every_transformer_check_is_run_or_skipped_with_a_reason():
    class AsIfNumeric(EmbeddingTransformer):  # only to list the checks a 2-D transformer gets
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.two_d_array, tags.input_tags.string = True, False
            return tags

    names = set()
    for _, check in ec.estimator_checks_generator(AsIfNumeric("text")):
        names.add((check.func if isinstance(check, functools.partial) else check).__name__)
    assert names == set(API_CHECKS) | set(SKIPPED), names ^ (set(API_CHECKS) | set(SKIPPED))
    assert not set(API_CHECKS) & set(SKIPPED)
    # with its real tags (string input, no 2-D arrays) scikit-learn itself runs no data checks
    assert EmbeddingTransformer().__sklearn_tags__().input_tags.string


def test_matches_model_embed(model):
    out = EmbeddingTransformer("text").fit(TEXTS).transform(TEXTS)
    assert out.dtype == np.float32 and out.shape == (len(TEXTS), model.dim)
    np.testing.assert_allclose(out, model.embed(TEXTS), rtol=0, atol=1e-6)
    names = EmbeddingTransformer(model).fit(TEXTS).get_feature_names_out()
    assert names.tolist() == [f"use-multilingual_{i}" for i in range(512)]


def test_accepts_list_array_series_frame(model):
    expected = model.embed(TEXTS)
    t = EmbeddingTransformer("text").fit(TEXTS)
    for X in (tuple(TEXTS), np.array(TEXTS), pd.Series(TEXTS), pd.DataFrame({"text": TEXTS}),
              np.array(TEXTS, dtype=object)[:, None]):
        np.testing.assert_allclose(t.transform(X), expected, rtol=0, atol=1e-6)
    frame = pd.DataFrame({"text": TEXTS, "stars": [5, 4, 1, 1, 4, 2]})
    ct = ColumnTransformer([("emb", EmbeddingTransformer("text"), ["text"])],
                           remainder="passthrough")
    out = ct.fit_transform(frame)
    assert out.shape == (6, 513)
    np.testing.assert_allclose(out[:, :512], expected, atol=1e-6)
    assert ct.get_feature_names_out()[0] == "emb__use-multilingual_0"


def test_set_output_pandas_keeps_the_index():
    series = pd.Series(TEXTS, index=[f"r{i}" for i in range(6)])
    out = EmbeddingTransformer("text").set_output(transform="pandas").fit_transform(series)
    assert isinstance(out, pd.DataFrame) and out.shape == (6, 512)
    assert out.index.tolist() == series.index.tolist()
    assert out.columns[0] == "use-multilingual_0"


def test_pipeline_cv_and_grid_search(model):
    reviews = vk.datasets.load_reviews()
    reviews = reviews[reviews["label"] != "neutral"].head(90)
    texts, y = reviews["text"].tolist(), reviews["label"].to_numpy()
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    pipe = make_pipeline(EmbeddingTransformer("text"), LogisticRegression(max_iter=1000))
    piped = cross_val_score(pipe, texts, y, cv=folds)
    direct = cross_val_score(LogisticRegression(max_iter=1000), model.embed(texts), y, cv=folds)
    np.testing.assert_allclose(piped, direct)     # the same as embedding first, fold by fold
    assert piped.mean() > 0.7
    grid = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1.0, 10.0]}, cv=folds)
    grid.fit(texts, y)
    assert grid.best_params_["logisticregression__C"] in (0.1, 1.0, 10.0)
    assert grid.predict(["absolutely wonderful, I adore it"]).tolist() == ["positive"]


def test_clone_shares_the_model_and_copies_the_parameters(model):
    t = EmbeddingTransformer(model, batch_size=8)
    c = clone(t)
    assert c is not t and c.model is model and c.batch_size == 8
    assert not hasattr(c, "model_")
    assert clone(EmbeddingTransformer("text")).get_params() == {
        "model": "text", "batch_size": None, "cache": True}


def test_fit_changes_no_parameter():
    t = EmbeddingTransformer("text", batch_size=4)
    before = dict(t.get_params())
    assert t.fit(TEXTS, LABELS) is t
    assert t.get_params() == before
    assert t.embedding_dim_ == 512 and t.model_name_ == "use-multilingual"


def test_fit_idempotent():
    t = EmbeddingTransformer("text")
    first = t.fit(TEXTS).transform(TEXTS[:3])
    second = t.fit(TEXTS[3:]).transform(TEXTS[:3])
    np.testing.assert_array_equal(first, second)


def test_order_and_subset_invariance(model):
    t = EmbeddingTransformer("text").fit(TEXTS)
    full = t.transform(TEXTS)
    order = np.random.default_rng(0).permutation(len(TEXTS))
    np.testing.assert_allclose(t.transform([TEXTS[i] for i in order]), full[order], atol=1e-6)
    np.testing.assert_allclose(t.transform(TEXTS[2:3]), full[2:3], atol=1e-6)


def test_pickle_round_trip():
    t = EmbeddingTransformer("text").fit(TEXTS)
    blob = pickle.dumps(t)
    assert len(blob) < 10_000   # the model is reloaded by name, not pickled
    back = pickle.loads(blob)
    np.testing.assert_array_equal(back.transform(TEXTS), t.transform(TEXTS))


def test_transform_uses_the_embedding_cache(model):
    fresh = ["a sentence no test has embedded before: cache probe 7f3a"]
    store = vk.cache.get_cache()
    key = hashlib.sha256(fresh[0].encode("utf-8")).hexdigest()
    assert not store.get_many(model.cache_namespace, [key], model.dim)
    EmbeddingTransformer("text", cache=False).fit(fresh).transform(fresh)
    assert not store.get_many(model.cache_namespace, [key], model.dim)
    out = EmbeddingTransformer("text").fit(fresh).transform(fresh)
    stored = store.get_many(model.cache_namespace, [key], model.dim)
    np.testing.assert_array_equal(stored[key], out[0])


def test_unfitted_and_fitted():
    with pytest.raises(NotFittedError):
        EmbeddingTransformer("text").transform(TEXTS)
    with pytest.raises(NotFittedError):
        EmbeddingTransformer("text").get_feature_names_out()


def test_errors_name_x():
    t = EmbeddingTransformer("text")
    with pytest.raises(TypeError, match=r"`X` must be a list.*one str"):
        t.fit("one text")
    with pytest.raises(ValueError, match=r"`X` must have one column.*2 columns"):
        t.fit(pd.DataFrame({"a": ["x"], "b": ["y"]}))
    with pytest.raises(ValueError, match="`X` is empty"):
        t.fit([])
    with pytest.raises(TypeError, match=r"`items\[1\]` must be a string, got None"):
        t.fit(TEXTS).transform(["fine", None])
    with pytest.raises(TypeError, match="`model` must be a model name"):
        EmbeddingTransformer(42).fit(TEXTS)
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        EmbeddingTransformer(batch_size=0).fit(TEXTS)
    with pytest.raises(TypeError, match="`cache` must be True or False"):
        EmbeddingTransformer(cache="yes").fit(TEXTS)
