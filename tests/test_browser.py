"""Real-browser test: similarity_explorer renders and updates in JupyterLab in headless Chromium.

Starts JupyterLab (from this Python environment) on a free loopback port with a random token,
opens a small notebook that creates ``vk.widgets.similarity_explorer`` with the bundled text
model, runs it, types into the first text box and checks that the widget shows a new score and
that JupyterLab never says "Error displaying widget".

Chromium is Debian's ``chromium`` package (CI's script apt-installs it), driven by Playwright
through ``executable_path`` (Playwright's own browser download is never used). The test is
skipped, with the reason printed, only when no Chromium executable is found.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
FIRST = "A cat is sleeping on the sofa."
SECOND = "A kitten naps on the couch."
TYPED = "Quarterly tax returns are due in April."

NOTEBOOK_CODE = f"""\
import vectorkit as vk
model = vk.load_model("text")
explorer = vk.widgets.similarity_explorer(model, [{FIRST!r}, {SECOND!r}])
explorer"""


def _chromium() -> str | None:
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


IMAGE_SEARCH_CODE = """\
import vectorkit as vk
collection = vk.datasets.load_image_collection()
vk.widgets.image_search(vk.load_model("image"), collection.images, collection.names, k=4,
                        query=collection.names.index("face #1"))"""


FIGURE_CODE = """\
%matplotlib inline
fig, ax = vk.plot.figure("A bar chart of three numbers: 1, 3 and 2.", figsize=(4, 2))
ax.bar(["a", "b", "c"], [1, 3, 2])"""


def _write_notebook(folder, code: str = NOTEBOOK_CODE, name: str = "explorer.ipynb",
                    *more: str) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (code, *more)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, os.path.join(folder, name))
    return name


def _wait_for_server(url: str, proc: subprocess.Popen, log_path, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n"
                               + open(log_path, encoding="utf-8", errors="replace").read()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return json.loads(r.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer on {url} within {timeout:.0f} s")


def _stop_server(proc: subprocess.Popen, base: str, token: str):
    """Ask the server to shut down (it stops its kernels), then make sure it is gone."""
    if proc.poll() is None:
        try:
            req = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(req, timeout=5).close()
            proc.wait(timeout=20)
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            pass
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the group this test started: server + kernel
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def chromium():
    """The Chromium executable; skips (printing why) when there is none."""
    path = _chromium()
    if path is None:
        reason = ("Chromium is not installed (apt-get install chromium chromium-driver): "
                  "the real-browser widget test cannot run")
        print(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
def jupyterlab(tmp_path, chromium):
    """A JupyterLab server on a free loopback port; yields (base_url, token, notebook path)."""
    work = tmp_path / "work"
    work.mkdir()
    notebook = _write_notebook(work)
    _write_notebook(work, IMAGE_SEARCH_CODE, "image_search.ipynb", FIGURE_CODE)
    port, token = _free_port(), secrets.token_hex(24)
    env = dict(os.environ)
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")):
        env[var] = str(tmp_path / sub)
    env["PYTHONUNBUFFERED"] = "1"
    log_path = tmp_path / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]  # no PyPI queries from the extension manager
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI and containers run as root
        cmd.append("--allow-root")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{base}/api/status?token={token}", proc, log_path)
        yield base, token, notebook, log_path
    finally:
        _stop_server(proc, base, token)
    assert proc.poll() is not None, "JupyterLab is still running after the test"


def _wait_for_idle_kernel(base: str, token: str, timeout: float = 90.0):
    """Wait until the notebook's session has a kernel that reports itself idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
            sessions = json.loads(r.read())
        if any(s.get("kernel", {}).get("execution_state") == "idle" for s in sessions):
            return
        time.sleep(0.5)
    raise RuntimeError(f"no idle kernel after {timeout:.0f} s: {sessions}")


def _cosine(page) -> str:
    return page.locator(".vk-similarity-explorer .vk-cosine").first.inner_text().strip()


def test_similarity_explorer_in_a_real_browser(chromium, jupyterlab, tmp_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail('Playwright is missing: pip install -e ".[dev]" installs it')
    base, token, notebook, _ = jupyterlab
    errors: list[str] = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True,
            args=CHROMIUM_FLAGS, chromium_sandbox=False, viewport={"width": 1280, "height": 900})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base}/lab/tree/{notebook}?token={token}", timeout=90_000)
            editor = page.locator(".jp-Notebook .jp-Cell .cm-content").first
            editor.wait_for(timeout=90_000)
            _wait_for_idle_kernel(base, token)  # so the cell is not run into the void
            editor.click()
            page.keyboard.press("Control+Enter")  # run the cell, stay on it
            score = page.locator(".vk-similarity-explorer .vk-cosine").first
            score.wait_for(timeout=90_000)
            before = _cosine(page)
            assert 0.3 < float(before) <= 1.0, before  # cat/kitten sentences are similar
            box = page.locator(".vk-similarity-explorer input[type='text']").first
            assert box.input_value() == FIRST
            box.click()
            box.fill("")
            box.press_sequentially(TYPED, delay=5)
            page.wait_for_function(
                "old => { const e = document.querySelector('.vk-similarity-explorer .vk-cosine');"
                " return e !== null && e.textContent.trim() !== old; }",
                arg=before, timeout=60_000)
            # the last keystroke's score arrives last: wait for the kernel to finish the
            # updates, then until the text stops changing
            _wait_for_idle_kernel(base, token)
            after, deadline = _cosine(page), time.monotonic() + 30
            while time.monotonic() < deadline:
                page.wait_for_timeout(1000)
                now = _cosine(page)
                if now == after:
                    break
                after = now
            body = page.locator("body").inner_text()
        finally:
            context.close()
    assert "Error displaying widget" not in body
    assert float(after) < float(before) - 0.1, (before, after)  # tax vs kitten: less similar
    assert not [e for e in errors if "widget" in e.lower()], errors


def test_image_search_picture_is_described_only_to_screen_readers(chromium, jupyterlab,
                                                                    tmp_path):
    """The figure of vk.widgets.image_search is an <img> whose alt text describes it; the
    description is not printed a second time as visible text under the picture."""
    from playwright.sync_api import sync_playwright

    base, token, _, _ = jupyterlab
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True,
            args=CHROMIUM_FLAGS, chromium_sandbox=False, viewport={"width": 1280, "height": 1000})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(f"{base}/lab/tree/image_search.ipynb?token={token}", timeout=90_000)
            editor = page.locator(".jp-Notebook .jp-Cell .cm-content").first
            editor.wait_for(timeout=90_000)
            _wait_for_idle_kernel(base, token)
            editor.click()
            page.keyboard.press("Control+Enter")
            img = page.locator(".vk-image-search img").first
            img.wait_for(timeout=120_000)
            alt = img.get_attribute("alt")
            visible = page.locator(".vk-image-search").inner_text()
            role_name = page.get_by_role("img", name="Search results titled").count()
            options = page.locator(".vk-image-search select option").count()
            page.keyboard.press("Shift+Enter")   # leave the widget cell ...
            page.keyboard.press("Shift+Enter")   # ... and run the plain figure
            figure = page.locator(".jp-OutputArea-output img[alt^='A bar chart']")
            figure.wait_for(timeout=60_000)
            figure_alt = figure.get_attribute("alt")
            outputs = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea").inner_text()
            body = page.locator("body").inner_text()
        finally:
            context.close()
    assert "Error displaying widget" not in body
    assert alt and alt.startswith("Search results titled \"Nearest to 'face #1'\"")
    assert role_name >= 1                      # what the accessibility tree exposes
    assert alt[:40] not in visible and "ranked by cosine" not in visible
    assert options == 108
    assert figure_alt == "A bar chart of three numbers: 1, 3 and 2."
    assert "A bar chart of three" not in outputs    # described, not captioned
