"""EmbeddingTransformer benchmark: what the embedding cache saves a cross-validation.

    python benchmarks/bench_sklearn.py            # 1-4 minutes on 2 cores (the baseline is slow)

A 5-fold ``cross_val_score`` of ``EmbeddingTransformer("text") + LogisticRegression`` on the
312 course reviews embeds every training and test text of every fold: 5 x 312 = 1,560
embeddings. The baseline, run in the same process, is the same cross-validation with
``cache=False`` (every fold recomputes). With the cache, the first fold fills it and the
later ones read it back. Both use a fresh, empty cache folder, so nothing is reused from an
earlier run. Reported: seconds for each (best of 3) and the ratio; also the time of one
plain ``model.embed`` of the 312 texts, the least any cross-validation can cost.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time


def _best(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    os.environ["VECTORKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="vk-bench-sklearn-")
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    import vectorkit as vk

    reviews = vk.datasets.load_reviews()
    texts, labels = reviews["text"].tolist(), reviews["label"].to_numpy()
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    model = vk.load_model("text")
    model.embed(texts[:8], cache=False)                       # warm-up

    def cv(cache: bool):
        pipe = make_pipeline(vk.EmbeddingTransformer("text", cache=cache),
                             LogisticRegression(max_iter=2000))
        return cross_val_score(pipe, texts, labels, cv=folds)

    plain = _best(lambda: model.embed(texts, cache=False))
    uncached = _best(lambda: cv(False))
    first = time.perf_counter()
    cv(True)                                                   # fills the empty cache
    first = time.perf_counter() - first
    cached = _best(lambda: cv(True))
    print(f"one embed of {len(texts)} texts (no cache):  {plain:6.2f} s")
    print(f"5-fold CV, cache=False (baseline):   {uncached:6.2f} s")
    print(f"5-fold CV, cache on, empty cache:    {first:6.2f} s  ({uncached / first:.1f}x faster)")
    print(f"5-fold CV, cache on, warm cache:     {cached:6.2f} s  ({uncached / cached:.1f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
