"""Pytest set-up shared by tests/, the docstring examples in vectorkit/ (--doctest-modules) and
the notebooks nbval runs.

tests/conftest.py adds the fixtures of the test suite. This file keeps the docstring examples
hermetic (each module's examples run with empty model and embedding caches), and checks every
notebook cell that nbval runs (``pytest --nbval-lax notebooks/...``): a cell whose output holds
an image without a description (``metadata[mime]["alt"]``, which figures made or described by
``vk.plot`` carry) fails, since every figure of the course must reach screen-reader users. The
check reads the outputs nbval has already collected, so it costs no second run of the notebook.
``tests/test_notebook_checks.py`` runs it on small notebooks.
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


def images_without_alt(outputs) -> list[str]:
    """The image outputs (as "output N (mime)") that carry no non-empty alt text."""
    missing = []
    for n, out in enumerate(outputs or []):
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue
        meta = out.get("metadata") or {}
        for mime in out.get("data") or {}:
            if mime.startswith("image/") and not str((meta.get(mime) or {}).get("alt", "")).strip():
                missing.append(f"output {n} ({mime})")
    return missing


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if type(item).__name__ == "IPyNbCell":  # nbval's notebook-cell test item
        missing = images_without_alt(getattr(item, "test_outputs", None))
        if missing:
            source = item.cell.source.strip().splitlines()
            first = source[0] if source else ""
            pytest.fail(f"{item.name}: {', '.join(missing)} is a figure without alt text "
                        f"(cell starting {first!r}). Draw it with vk.plot, "
                        "vk.plot.figure(alt, ...) or call vk.plot.describe(fig, alt).",
                        pytrace=False)
    return result
