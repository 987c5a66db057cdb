"""TF Hub loading when the network misbehaves (issue 13, item 10): time limits, stale locks,
offline mode everywhere, and the real cause named."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from hubtools import make_targz, make_text_standin

import vectorkit as vk
from vectorkit.errors import HubUnavailableError
from vectorkit.models import _hub


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return make_targz(make_text_standin(tmp_path_factory.mktemp("standin") / "use", dim=16))


def test_offline_mode_never_downloads(hub_server, archive, monkeypatch):
    server = hub_server({"m/1": archive})
    monkeypatch.setenv("VECTORKIT_OFFLINE", "1")
    with pytest.raises(HubUnavailableError, match="VECTORKIT_OFFLINE is set, so vectorkit did "
                                                  "not try"):
        vk.load_model(server.url("m/1"))
    with pytest.raises(HubUnavailableError, match="VECTORKIT_OFFLINE"):
        vk.load_model("use", handle=server.url("m/1"))
    assert server.requests == []
    run = subprocess.run([sys.executable, "-m", "vectorkit.cli", "models", "download", "use"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "VECTORKIT_OFFLINE": "1"})
    assert run.returncode == 1 and "VECTORKIT_OFFLINE is set" in run.stderr


def test_a_server_that_never_answers_times_out(monkeypatch):
    monkeypatch.delenv("VECTORKIT_OFFLINE", raising=False)
    monkeypatch.setenv("VECTORKIT_HUB_TIMEOUT", "2")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    start = time.monotonic()
    try:
        with pytest.raises(HubUnavailableError, match="no answer within 2 s.*did not answer "
                                                      "in time"):
            vk.load_model(f"http://127.0.0.1:{listener.getsockname()[1]}/m/1")
    finally:
        listener.close()
    assert time.monotonic() - start < 60


@pytest.mark.parametrize("body", [b"<html><body>Please log in</body></html>", "half"])
def test_garbage_and_half_archives_are_not_called_unreachable(hub_server, archive, body):
    server = hub_server({"m/1": archive[: len(archive) // 2] if body == "half" else body})
    with pytest.raises(HubUnavailableError) as info:
        vk.load_model(server.url("m/1"))
    assert "not a complete TF Hub model archive" in str(info.value)
    assert "cannot reach" not in str(info.value)


def test_http_errors_say_the_host_refused(hub_server):
    server = hub_server({})
    with pytest.raises(HubUnavailableError, match="HTTP 404.*answered but refused"):
        vk.load_model(server.url("missing/1"))


def test_a_stale_lock_is_cleared_at_once(hub_server, archive):
    server = hub_server({"m/1": archive})
    url = server.url("m/1")
    entry = _hub.cache_entry(url)
    entry.parent.mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer exists
    (entry.parent / f"{entry.name}.lock").write_text(f"{socket.gethostname()}.{dead.pid}.abc")
    (entry.parent / f"{entry.name}.abc.tmp").mkdir()
    start = time.monotonic()
    with pytest.warns(UserWarning, match=f"stale download lock .*process {dead.pid}"):
        model = vk.load_model(url)
    assert time.monotonic() - start < 120  # tensorflow_hub alone waited 10-20 minutes
    assert model.dim == 16 and not (entry.parent / f"{entry.name}.abc.tmp").exists()


def test_a_live_lock_is_left_alone(tmp_path):
    entry = tmp_path / "abc"
    (tmp_path / "abc.lock").write_text(f"{socket.gethostname()}.{os.getpid()}.x")
    assert _hub.clear_stale_lock(entry) is None and (tmp_path / "abc.lock").exists()
    (tmp_path / "abc.lock").write_text(f"another-host.{os.getpid() + 10**6}.x")
    assert _hub.clear_stale_lock(entry) is None
