"""A real Milvus standalone server for tests: the PyPI package ``milvus`` (2.3.5).

``milvus-server`` starts ``milvus run standalone`` (embedded etcd, local storage) as a child
in its own process group. Every port it uses is a free one chosen here (its defaults are
fixed numbers that clash between test runs), its embedded etcd listens on 127.0.0.1 (an
etcd config file passed through ``ETCD_CONFIG_PATH``), the components advertise 127.0.0.1,
and the tests connect only to 127.0.0.1. Milvus 2.3.5 has no setting for the address its
gRPC servers listen on: they listen on every interface, on random ports, for the few
minutes a test session lasts.

Stopping sends SIGTERM to the whole process group, then SIGKILL after a short grace period
(Milvus takes over 30 s to stop on SIGTERM), and checks that no process of the group is
left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 240.0  # about 15-40 s on 2 idle cores; much longer when the machine is busy
GRACE = 3.0
_PORT_OPTIONS = ("etcd-port", "root-coord-port", "proxy-port", "proxy-internal-port",
                 "query-coord-port", "query-node-port", "index-coord-port", "index-node-port",
                 "data-coord-port", "data-node-port")
_COMPONENTS = ("rootCoord", "proxy", "queryCoord", "queryNode", "indexNode", "dataCoord",
               "dataNode")


def free_ports(n: int) -> list[int]:
    """``n`` distinct ports free on 127.0.0.1 right now."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def server_command() -> list[str] | None:
    """How to run ``milvus-server`` from this environment, or None if it is not installed."""
    script = Path(sys.executable).with_name("milvus-server")
    if script.is_file():
        return [str(script)]
    found = shutil.which("milvus-server")
    return [found] if found else None


def _group_alive(pgid: int) -> list[int]:
    """Pids of live (non-zombie) processes in process group ``pgid``."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


class MilvusServer:
    """One ``milvus-server`` in ``data_dir``; :meth:`start` returns its ``http://`` uri."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.proc: subprocess.Popen | None = None
        self.uri: str | None = None
        self._log = self.data_dir / "milvus-server.out"

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in [self._log, *sorted((self.data_dir / "logs").glob("*.log"))]:
            with contextlib.suppress(OSError):
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(parts) or "(no log written)"

    def start(self, timeout: float = STARTUP_TIMEOUT) -> str:
        command = server_command()
        if command is None:
            raise RuntimeError("milvus-server is not installed: python -m pip install "
                               "'milvus==2.3.5' (the Makefile's setup does)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        ports = free_ports(len(_PORT_OPTIONS) + 2)
        etcd_client, etcd_peer = ports[-2:]
        etcd_conf = self.data_dir / "etcd.yaml"
        etcd_conf.write_text(
            f"listen-client-urls: http://127.0.0.1:{etcd_client}\n"
            f"advertise-client-urls: http://127.0.0.1:{etcd_client}\n"
            f"listen-peer-urls: http://127.0.0.1:{etcd_peer}\n"
            f"initial-advertise-peer-urls: http://127.0.0.1:{etcd_peer}\n"
            f"initial-cluster: default=http://127.0.0.1:{etcd_peer}\n")
        args = [*command, "--data", str(self.data_dir)]
        for option, port in zip(_PORT_OPTIONS, ports, strict=False):
            args += [f"--{option}", str(port)]
        for component in _COMPONENTS:
            args += ["--extra-config", f"{component}.ip=127.0.0.1"]
        proxy_port = ports[_PORT_OPTIONS.index("proxy-port")]
        env = {**os.environ, "ETCD_CONFIG_PATH": str(etcd_conf)}
        with open(self._log, "wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.uri = f"http://127.0.0.1:{proxy_port}"
        self._wait_ready(timeout)
        return self.uri

    def _wait_ready(self, timeout: float) -> None:
        from pymilvus import MilvusClient

        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"milvus-server exited with code {self.proc.returncode} "
                                   f"before it was ready:\n{self.log_tail()}")
            try:
                client = MilvusClient(uri=self.uri, timeout=5)
                client.list_collections()
                client.close()
                return
            except Exception as exc:  # not listening yet: any connection error
                last = exc
                time.sleep(1.0)
        self.stop()
        raise RuntimeError(f"milvus-server was not ready at {self.uri} after {timeout:.0f} s "
                           f"(last error: {last}):\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it after the grace period; check it is gone."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _group_alive(pgid):
            time.sleep(0.2)
        self.proc = None
        left = _group_alive(pgid)
        if left:
            raise RuntimeError(f"milvus-server left processes running: {left}")


@pytest.fixture(scope="session")
def milvus_server_uri(tmp_path_factory):
    """``http://127.0.0.1:PORT`` of a Milvus server started for this test session.

    If the server cannot start the requesting test fails with its log tail (never skips).
    """
    server = MilvusServer(tmp_path_factory.mktemp("milvus-server"))
    try:
        uri = server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(str(exc), pytrace=False)
    yield uri
    server.stop()
