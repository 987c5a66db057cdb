"""Exact search speed: vk.Index vs scikit-learn brute force (and faiss, if installed).

200,000 x 256 float32 vectors, 100 queries, k = 10, cosine, all in one process. Each
method is timed best-of-N with the rounds interleaved, so a busy machine slows them all
alike; the ratios are what to read. Index.search must be at least as fast as scikit-learn
``NearestNeighbors(algorithm="brute", metric="cosine")``. faiss ``IndexFlatIP`` on
normalised vectors (also exact) is measured when ``faiss-cpu`` is importable
(``pip install vectorkit[faiss]``).

``--large`` also searches 1,000,000 x 512 vectors and reports the peak extra memory of a
search (tracemalloc sees NumPy's allocations), to check that it stays bounded.

    python benchmarks/bench_search.py [--rounds 5] [--large]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np


def clustered(n: int, d: int, seed: int) -> np.ndarray:
    """Vectors around 500 random centres, like embeddings of many topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((500, d)).astype(np.float32)
    x = centres[rng.integers(0, 500, n)]
    x += 0.6 * rng.standard_normal((n, d), dtype=np.float32)
    return x


def interleaved(fns: dict, rounds: int) -> dict:
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--large", action="store_true", help="also 1M x 512 peak memory")
    args = parser.parse_args()

    from sklearn.neighbors import NearestNeighbors

    import vectorkit as vk

    n, d, q, k = 200_000, 256, 100, 10
    data = clustered(n, d, seed=0)
    queries = clustered(q, d, seed=1)
    print(f"data {n:,} x {d} float32, {q} queries, k={k}, metric cosine")

    t = time.perf_counter()
    index = vk.Index(data)
    print(f"vk.Index build (copy + normalise): {time.perf_counter() - t:.3f} s")
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="cosine").fit(data)

    fns = {
        "vk.Index.search": lambda: index.search(queries, k=k),
        "sklearn brute cosine": lambda: nn.kneighbors(queries),
    }
    try:
        import faiss
    except ImportError:
        faiss = None
        print("faiss-cpu not installed: skipping IndexFlatIP")
    if faiss is not None:
        flat = faiss.IndexFlatIP(d)
        unit = data / np.linalg.norm(data, axis=1, keepdims=True)
        flat.add(unit)
        qunit = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        fns["faiss IndexFlatIP"] = lambda: flat.search(qunit, k)

    best = interleaved(fns, args.rounds)
    base = best["sklearn brute cosine"]
    for name, sec in best.items():
        print(f"{name:22s} {sec * 1000:8.1f} ms   sklearn/this = {base / sec:5.2f}x")

    ours = index.search(queries, k=k)
    _, theirs = nn.kneighbors(queries)
    same = np.mean([set(a) == set(b) for a, b in zip(ours.ids.tolist(), theirs.tolist(),
                                                     strict=True)])
    print(f"same top-{k} sets as sklearn for {same:.0%} of queries")
    if faiss is not None:
        _, fids = flat.search(qunit, k)
        same = np.mean([set(a) == set(b) for a, b in zip(ours.ids.tolist(), fids.tolist(),
                                                         strict=True)])
        print(f"same top-{k} sets as faiss for {same:.0%} of queries")
    ratio = base / best["vk.Index.search"]
    print(f"verdict: vk.Index.search is {ratio:.2f}x the speed of scikit-learn "
          f"({'OK' if ratio >= 1 else 'SLOWER THAN REQUIRED'})")

    if args.large:
        del index, nn, fns
        big = clustered(1_000_000, 512, seed=2)
        big_index = vk.Index(big)
        del big
        big_q = clustered(100, 512, seed=3)
        tracemalloc.start()
        t = time.perf_counter()
        big_index.search(big_q, k=k)
        sec = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        stored = big_index.vectors.nbytes
        print(f"1,000,000 x 512: search {sec:.2f} s, peak extra memory {peak / 2**20:.0f} MiB "
              f"(the index itself holds {stored / 2**30:.2f} GiB)")


if __name__ == "__main__":
    main()
