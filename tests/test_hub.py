"""TF Hub loading without internet: a stand-in model served as an archive on loopback."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hubtools import make_targz, make_text_standin

import vectorkit as vk
from vectorkit.models import _hub


@pytest.fixture(scope="module")
def text_archive(tmp_path_factory):
    folder = make_text_standin(tmp_path_factory.mktemp("standin") / "use")
    return folder, make_targz(folder)


def test_use_loads_through_url_fills_cache_and_works_offline(hub_server, text_archive):
    _, archive = text_archive
    server = hub_server({"google/universal-sentence-encoder/4": archive})
    url = server.url("google/universal-sentence-encoder/4")
    m = vk.load_model("use", handle=url)
    assert (m.name, m.modality, m.dim, m.source) == ("use", "text", 512, "tfhub")
    first = m.embed(["a red apple", "a red apple", "stock market news"])
    assert first.shape == (3, 512) and first.dtype == np.float32
    np.testing.assert_allclose(first[0], first[1], atol=1e-6)
    assert any("tf-hub-format=compressed" in r for r in server.requests)
    assert _hub.is_cached(url)
    n_requests = len(server.requests)
    server.stop()
    again = vk.load_model("use", handle=url)  # server gone: must come from the cache
    np.testing.assert_allclose(again.embed("a red apple"), first[0], atol=1e-6)
    assert len(server.requests) == n_requests


def test_kaggle_style_url_uses_same_path(hub_server, text_archive):
    _, archive = text_archive
    path = "models/google/universal-sentence-encoder/TensorFlow2/universal-sentence-encoder/2"
    server = hub_server({path: archive})
    m = vk.load_model(server.url(path))
    assert m.modality == "text" and m.source == "tfhub" and m.dim == 512


def test_local_directory_loads(text_archive):
    folder, _ = text_archive
    m = vk.load_model(str(folder))
    assert m.source == "local" and m.dim == 512
    assert m.embed("hello").shape == (512,)


def test_unreachable_hub_gives_one_paragraph_with_both_ways_out(hub_server):
    server = hub_server({})
    url = server.url("missing/model/1")
    with pytest.raises(_hub.HubUnavailableError) as info:
        vk.load_model("use", handle=url)
    msg = str(info.value)
    assert "vectorkit models download" in msg and "use-multilingual" in msg
    assert "TFHUB_CACHE_DIR" in msg and "\n" not in msg


def test_closed_port_is_reported_as_unreachable(hub_server):
    server = hub_server({})
    url = server.url("x/1")
    server.stop()
    with pytest.raises(_hub.HubUnavailableError, match="Could not download"):
        vk.load_model("use", handle=url)


def test_corrupt_cache_entry_is_detected_with_fix(hub_server, text_archive):
    _, archive = text_archive
    server = hub_server({"m/1": archive})
    url = server.url("m/1")
    vk.load_model(url)
    entry = _hub.cache_entry(url)
    shutil.rmtree(entry / "variables")
    (entry / "variables").mkdir()  # an interrupted copy: folder there, files missing
    with pytest.raises(_hub.CorruptCacheError) as info:
        vk.load_model(url)
    assert "vectorkit models clear" in str(info.value) and str(entry) in str(info.value)
    assert _hub.clear(url)
    assert vk.load_model(url).dim == 512  # downloads again after clearing


def test_cache_respects_tfhub_cache_dir(monkeypatch, tmp_path, hub_server, text_archive):
    _, archive = text_archive
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "hubcache"))
    server = hub_server({"m/2": archive})
    vk.load_model(server.url("m/2"))
    assert any((tmp_path / "hubcache").iterdir())


def test_default_cache_is_persistent_not_tmp(monkeypatch, tmp_path):
    monkeypatch.delenv("TFHUB_CACHE_DIR", raising=False)
    monkeypatch.delenv("VECTORKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert _hub.hub_cache_dir() == tmp_path / ".cache" / "vectorkit" / "tfhub"


def test_bad_local_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match="neither a URL nor an existing"):
        vk.load_model(str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="not a complete SavedModel"):
        vk.load_model(str(tmp_path / "empty"))
