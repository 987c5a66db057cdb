"""Pytest set-up shared by tests/ and the docstring examples in vectorkit/ (--doctest-modules).

tests/conftest.py adds the fixtures of the test suite; this file only keeps the docstring
examples hermetic: each module's examples run with empty model and embedding caches.
"""

from __future__ import annotations

import os

import pytest
from _pytest.doctest import DoctestItem

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("VECTORKIT_OFFLINE", "1")  # examples never try to reach tfhub.dev


@pytest.fixture(autouse=True)
def _doctest_caches(request, tmp_path_factory, monkeypatch):
    if isinstance(request.node, DoctestItem):
        monkeypatch.setenv("VECTORKIT_CACHE_DIR", str(tmp_path_factory.mktemp("vkdoc")))
        monkeypatch.delenv("TFHUB_CACHE_DIR", raising=False)
