"""Embedding cache speed-up: re-embedding 1,000 sentences with vk.load_model("text").

The first embed computes every vector and stores it; the second finds them all in the
on-disk cache. Both run in this process, with VECTORKIT_CACHE_DIR in a fresh temporary
folder. A third measurement re-embeds in a new Python process (what re-running a notebook
does), timing only the ``embed`` call there.

    python benchmarks/bench_cache.py [--n 1000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from _corpus import sentences  # benchmarks/ is on sys.path when run as a script

_CHILD = """
import sys, time
import vectorkit as vk
sys.path.insert(0, sys.argv[2])
from _corpus import sentences
texts = sentences(int(sys.argv[1]))
model = vk.load_model("text")
t = time.perf_counter()
model.embed(texts, progress=False)
print(time.perf_counter() - t)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vk-bench-cache-") as folder:
        os.environ["VECTORKIT_CACHE_DIR"] = folder
        os.environ.pop("VECTORKIT_NO_CACHE", None)
        run(args.n)


def run(n: int) -> None:

    import numpy as np

    import vectorkit as vk

    texts = sentences(n)
    assert len(set(texts)) == len(texts)
    model = vk.load_model("text")
    print(f"model {model.name} ({model.source}), {len(texts)} distinct sentences, "
          f"cache in {os.environ['VECTORKIT_CACHE_DIR']}")

    t = time.perf_counter()
    first = model.embed(texts, progress=False)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    second = model.embed(texts, progress=False)
    warm = time.perf_counter() - t
    assert np.array_equal(first, second), "cached vectors differ from computed ones"
    print(f"first embed (computes + stores): {cold:8.3f} s")
    print(f"cached re-embed, same process:   {warm:8.3f} s   speed-up {cold / warm:7.1f}x")

    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n), here], check=True,
                         capture_output=True, text=True, env=os.environ.copy())
    fresh = float(out.stdout.strip().splitlines()[-1])
    print(f"cached re-embed, new process:    {fresh:8.3f} s   speed-up {cold / fresh:7.1f}x")
    size = sum(f.stat().st_size for f in vk.cache.get_cache().path.parent.iterdir())
    print(f"cache on disk: {size / 2**20:.1f} MiB for {len(texts)} vectors of {model.dim} floats")


if __name__ == "__main__":
    main()
