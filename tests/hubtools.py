"""Test helpers: build stand-in TF Hub models, pack them, serve them on loopback."""

from __future__ import annotations

import http.server
import io
import tarfile
import threading
from pathlib import Path


def make_targz(saved_model_dir) -> bytes:
    """Pack a SavedModel folder as TF Hub's compressed format (files at the archive root)."""
    folder = Path(saved_model_dir)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return buf.getvalue()


class HubServer:
    """A loopback HTTP server serving ``{path: bytes}``; counts requests per path."""

    def __init__(self, files: dict[str, bytes]):
        self.files = dict(files)
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server API)
                path = self.path.split("?", 1)[0].lstrip("/")
                outer.requests.append(self.path)
                body = outer.files.get(path)
                if body is None:
                    self.send_error(404, "not found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-tar")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def make_text_standin(folder, dim: int = 512) -> Path:
    """Save a SavedModel with USE v4's call signature: string[None] -> float32[None, dim].

    The vector is a deterministic hashed bag of words, L2-normalised, so equal sentences give
    equal vectors and sentences sharing words are similar.
    """
    import tensorflow as tf

    class StandIn(tf.Module):
        def __init__(self):
            super().__init__()
            rng = tf.random.stateless_normal((1024, dim), seed=(1, 2))
            self.table = tf.Variable(rng, trainable=False)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def __call__(self, texts):
            words = tf.strings.split(tf.strings.lower(texts))
            ids = tf.strings.to_hash_bucket_fast(words, 1024)
            vecs = tf.reduce_sum(tf.gather(self.table, ids), axis=1)
            vecs = vecs + 1e-6
            return tf.math.l2_normalize(vecs, axis=1)

    folder = Path(folder)
    tf.saved_model.save(StandIn(), str(folder))
    return folder
