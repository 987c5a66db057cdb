"""Quantised search: time and recall of vk.Index(quantize=...) against float32, one process.

100,000 x 384 clustered float32 vectors, 200 queries, k = 10, cosine. Each variant is timed
best-of-N with the rounds interleaved (a busy machine slows all alike: read the ratios).
Recall@10 is measured against the exact float32 top 10. faiss ``IndexBinaryFlat`` (exact
Hamming search with popcount kernels) is timed as a reference when faiss-cpu is importable:
it shows what a compiled binary scan costs next to our numpy one.

    python benchmarks/bench_quantize.py [--rounds 3] [--n 100000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def clustered(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((500, d)).astype(np.float32)
    x = centres[rng.integers(0, 500, n)]
    x += 0.6 * rng.standard_normal((n, d), dtype=np.float32)
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    import vectorkit as vk

    x, q = clustered(args.n, 384, 0), clustered(200, 384, 1)
    indexes = {"float32": vk.Index(x), "int8": vk.Index(x, quantize="int8"),
               "int8 + rescore 100": vk.Index(x, quantize="int8", rescore=100),
               "binary": vk.Index(x, quantize="binary"),
               "binary + rescore 100": vk.Index(x, quantize="binary", rescore=100)}
    fns = {name: (lambda ix=ix: ix.search(q, k=10)) for name, ix in indexes.items()}
    try:
        import faiss

        bits = faiss.IndexBinaryFlat(384)
        bits.add(vk.quantize(x, "binary"))
        codes = vk.quantize(q, "binary")
        fns["faiss IndexBinaryFlat"] = lambda: bits.search(codes, 10)
    except ImportError:
        pass
    best = {name: float("inf") for name in fns}
    for _ in range(args.rounds):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    truth = indexes["float32"].search(q, k=10).ids
    base = best["float32"]
    print(f"{args.n:,} x 384 vectors, 200 queries, k=10, best of {args.rounds}")
    print(f"{'variant':<24}{'bytes/vector':>13}{'ms/query':>10}{'x float32':>11}{'recall@10':>11}")
    for name, seconds in best.items():
        if name in indexes:
            ids = indexes[name].search(q, k=10).ids
            recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])
            size = indexes[name].code_bytes
        else:
            recall, size = float("nan"), 48
        print(f"{name:<24}{size:>13}{1000 * seconds / len(q):>10.3f}{seconds / base:>11.2f}"
              f"{recall:>11.3f}")


if __name__ == "__main__":
    main()
