"""Timing helpers shared by the TensorFlow benchmarks (bench_image.py, bench_minilm.py)."""

from __future__ import annotations

import time


def best_seconds(fn, repeats: int) -> float:
    """Shortest wall time of one call of ``fn`` over ``repeats`` calls."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def matmul_probe(tf, sizes=(512, 1024, 2048)):
    """A function giving the best float32 GFLOP/s of square matmuls of ``sizes`` (traced and
    warmed up here): the practical compute ceiling the networks are compared with."""
    mats = {n: (tf.random.normal((n, n)), tf.random.normal((n, n))) for n in sizes}
    matmul = tf.function(tf.autograph.experimental.do_not_convert(
        lambda a, b: tf.reduce_sum(tf.matmul(a, b))))
    for a, b in mats.values():
        matmul(a, b)

    def gflops() -> float:
        return max(2 * n**3 / best_seconds(lambda m=m: matmul(*m).numpy(), 3) / 1e9
                   for n, m in mats.items())

    return gflops
