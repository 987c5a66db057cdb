"""Checks on every notebook cell that nbval runs (``pytest --nbval-lax notebooks/...``).

A cell whose output holds an image without a description (``metadata[mime]["alt"]``, which
figures made or described by ``vk.plot`` carry) fails: every figure of the course must reach
screen-reader users. The check reads the outputs nbval has already collected, so it costs no
second run of the notebook. ``tests/test_notebook_checks.py`` runs it on small notebooks.
"""

from __future__ import annotations

import pytest


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
