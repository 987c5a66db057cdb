"""Shared fixtures: hermetic caches, and a loopback server for TF Hub-style archives."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("VECTORKIT_OFFLINE", "1")  # tests never try to reach tfhub.dev


@pytest.fixture(autouse=True)
def _isolated_caches(tmp_path_factory, monkeypatch, request):
    """Every test gets empty model and embedding caches unless it opts into the shared one."""
    if "shared_cache" in request.keywords:
        return
    root = tmp_path_factory.mktemp("vkcache")
    monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(root))
    monkeypatch.delenv("TFHUB_CACHE_DIR", raising=False)
    monkeypatch.delenv("VECTORKIT_NO_CACHE", raising=False)


@pytest.fixture
def hub_server(monkeypatch):
    """Start a loopback HTTP server; call it with ``{path: bytes}``, get a HubServer back.

    A test that starts one means to download from it, so offline mode is off for it."""
    from hubtools import HubServer

    monkeypatch.delenv("VECTORKIT_OFFLINE", raising=False)

    servers = []

    def start(files):
        server = HubServer(files)
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


# The grader's fixture notebooks need their own exercise module on PYTHONPATH; they are run by
# tests/test_grade.py, not collected by nbval.
collect_ignore = ["fixtures"]
