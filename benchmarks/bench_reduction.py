"""t-SNE speed: vk.reduce (one OpenMP thread up to 1,000 points) vs scikit-learn's default.

vk.reduce(method="tsne") runs scikit-learn's Barnes-Hut gradient on a single OpenMP thread
for inputs up to ``vectorkit.reduction.TSNE_SINGLE_THREAD_BELOW`` points, because on small
inputs the threads mostly wait for each other. This script measures that choice in one
process: the same ``TSNE`` settings with the default threads (the baseline) and through
``vk.reduce``, rounds interleaved, best of N. Ratio > 1 means vk.reduce is faster.

    python benchmarks/bench_reduction.py [--rounds 3] [--sizes 200 1000 3000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def clustered(n: int, d: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((10, d)) * 3
    return centres[rng.integers(0, 10, n)] + rng.standard_normal((n, d))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 3000])
    args = parser.parse_args()

    from sklearn.manifold import TSNE

    import vectorkit as vk
    from vectorkit.reduction import tsne_perplexity

    print(f"{'n':>6} {'sklearn default threads (s)':>28} {'vk.reduce (s)':>14} {'ratio':>7}")
    for n in args.sizes:
        X = clustered(n)
        perplexity = tsne_perplexity(n)

        def baseline(X=X, perplexity=perplexity):
            return TSNE(2, perplexity=perplexity, metric="cosine", init="pca",
                        random_state=0).fit_transform(X)

        def ours(X=X):
            return vk.reduce(X, "tsne", random_state=0, progress=False)

        best = {"base": np.inf, "vk": np.inf}
        for _ in range(args.rounds):
            for name, fn in (("base", baseline), ("vk", ours)):
                t = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - t)
        print(f"{n:>6} {best['base']:>28.2f} {best['vk']:>14.2f} "
              f"{best['base'] / best['vk']:>7.2f}")


if __name__ == "__main__":
    main()
