"""Ingestion throughput: files/s and vectors/s of vk.ingest into Milvus Lite and a Milvus server.

The corpus is the Python documentation's help topics (``pydoc_data.topics``, 79 real
documents, ~1,500 chunks of at most 500 characters) copied ``--copies`` times into a
temporary folder (copies differ in their first line, so every file is new content).
Each run reports the pipeline's own split (embedding / store / the rest: walking,
hashing, chunking) and, as the baseline measured in the same process, ``model.embed`` on
the same chunks with nothing else around it: the pipeline's overhead is the ratio.
A re-run over the unchanged folder measures the resume path (hash + skip).

    python benchmarks/bench_ingest.py [--copies 1] [--limit N] [--server]

``--server`` also ingests into a ``milvus-server`` (PyPI package ``milvus``) started on a
free loopback port in a temporary folder (about 40 s to start on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def make_corpus(folder: Path, copies: int, limit: int | None) -> int:
    from pydoc_data.topics import topics

    n = 0
    chosen = sorted(topics.items())[:limit]
    for c in range(copies):
        sub = folder / f"copy{c}"
        sub.mkdir(parents=True)
        for name, text in chosen:
            (sub / f"{name}.txt").write_text(f"(copy {c})\n\n{text}")
            n += 1
    return n


def report(label: str, s) -> None:
    rest = s.seconds - s.load_seconds - s.embed_seconds - s.store_seconds
    print(f"{label:<28} {s.embedded:>5} files {s.vectors_added:>6} vectors  {s.seconds:6.1f} s  "
          f"{s.files_per_second:6.1f} files/s {s.vectors_per_second:7.1f} vectors/s  "
          f"(load {s.load_seconds:.1f} s, embed {s.embed_seconds:.1f} s, "
          f"store {s.store_seconds:.1f} s, other {rest:.1f} s)")


def run(copies: int, server: bool, limit: int | None) -> None:
    import vectorkit as vk
    from vectorkit.search._chunk import chunk_text

    model = vk.load_model("text")
    model.embed(["warm-up"] * 8, cache=False)
    with tempfile.TemporaryDirectory(prefix="vk-bench-ingest-") as tmp:
        folder = Path(tmp) / "corpus"
        n_files = make_corpus(folder, copies, limit)
        chunks = [c for p in sorted(folder.rglob("*.txt")) for c in chunk_text(p.read_text())]
        print(f"corpus: {n_files} files, {len(chunks)} chunks, model {model.name} "
              f"({model.dim}-d), batch 64")
        t = time.perf_counter()
        model.embed(chunks, batch_size=64, progress=False, cache=False)
        base = time.perf_counter() - t
        print(f"{'baseline: model.embed only':<28} {len(chunks):>18} vectors  {base:6.1f} s  "
              f"{n_files / base:6.1f} files/s {len(chunks) / base:7.1f} vectors/s")
        targets = [("Milvus Lite", str(Path(tmp) / "bench.db"))]
        srv = None
        if server:
            srv = _start_server(Path(tmp) / "server")
            if srv is not None:
                targets.append(("Milvus server", srv.uri))
        try:
            for label, uri in targets:
                s = vk.ingest(folder, model=model, store=uri, collection="bench",
                              progress=False, verbose=False)
                assert s.vectors_added == len(chunks), (s.vectors_added, len(chunks))
                report(f"ingest into {label}", s)
                print(f"{'':<28} pipeline / embed-only time: {s.seconds / base:.2f}x")
                again = vk.ingest(folder, model=model, store=uri, collection="bench",
                                  progress=False, verbose=False)
                assert again.unchanged == n_files and again.vectors_added == 0
                print(f"{'  re-run (all unchanged)':<28} {again.files:>5} files checked in "
                      f"{again.seconds:.2f} s ({again.files / again.seconds:.0f} files/s)")
        finally:
            if srv is not None:
                srv.stop()


def _start_server(data: Path):
    """A milvus-server on a free loopback port, via the tests' fixture helper; or None."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:
        from milvus_server import MilvusServer
    except ImportError as exc:
        print(f"server: skipped ({exc}; tests/milvus_server.py comes with the VectorStore)")
        return None
    t = time.perf_counter()
    srv = MilvusServer(data)
    srv.start()
    print(f"server: milvus-server ready at {srv.uri} after {time.perf_counter() - t:.0f} s")
    return srv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1, help="copies of the 79 topics")
    parser.add_argument("--limit", type=int, default=None, help="only the first N topics")
    parser.add_argument("--server", action="store_true", help="also ingest into milvus-server")
    args = parser.parse_args()
    run(args.copies, args.server, args.limit)


if __name__ == "__main__":
    main()
