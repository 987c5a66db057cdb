"""The root conftest's nbval check: a notebook figure without alt text fails its cell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

PLAIN = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])"
DESCRIBED = [
    "import matplotlib.pyplot as plt, vectorkit as vk\n"
    "fig, ax = vk.plot.figure('A rising line.')\nax.plot([1, 2])",
    "fig, ax = plt.subplots()\nax.plot([2, 1])\nvk.plot.describe(fig, 'A falling line.');",
    "fig, axes = plt.subplots(1, 2)\n"
    "vk.plot.top_classes([('cat', 0.9)], ax=axes[0])\n"
    "vk.plot.top_classes([('dog', 0.8)], ax=axes[1]);",   # vk.plot helpers given ax=
]


def _run(tmp_path, cells) -> subprocess.CompletedProcess:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = tmp_path / "figures.ipynb"
    nbformat.write(nb, path)
    path_var = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path_var)
    # -p conftest loads the repository's root conftest.py (the check under test)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", str(path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_figure_without_alt_text_fails_its_cell_and_described_ones_pass(tmp_path):
    run = _run(tmp_path, [*DESCRIBED, PLAIN])
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 3 passed" in run.stdout, run.stdout
    assert "Cell 3: output 1 (image/png) is a figure without alt text" in run.stdout, run.stdout
    assert "vk.plot.describe(fig, alt)" in run.stdout


def test_images_without_alt_reads_the_output_metadata():
    import importlib.util

    spec = importlib.util.spec_from_file_location("_root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    images_without_alt = module.images_without_alt
    png = {"image/png": "iVBOR", "text/plain": "<Figure>"}
    assert images_without_alt([
        {"output_type": "stream", "text": "hi"},
        {"output_type": "display_data", "data": png, "metadata": {}},
        {"output_type": "display_data", "data": png, "metadata": {"image/png": {"alt": "x"}}},
        {"output_type": "execute_result", "data": png, "metadata": {"image/png": {"alt": " "}}},
    ]) == ["output 1 (image/png)", "output 3 (image/png)"]
