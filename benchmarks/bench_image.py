"""Benchmark the bundled image model (EfficientNet-Lite0 in TensorFlow) on this machine.

Prints milliseconds per image at batch 1 and batch 32 (network only, and end to end with
preprocessing from raw photos), batch 32 as one graph call versus the model's chunked
schedule (``CHUNK`` images per chunk, ``CHUNK_PARALLEL`` chunks at once), and the network's achieved GFLOP/s as a fraction of the
float32 matrix-multiply GFLOP/s measured in the same process -- the practical ceiling for
this network on this CPU. Rounds are interleaved (matmul, batch 1, batch 32, ...) and the
best round of each is kept, so a busy machine hurts all figures alike.

Run: python benchmarks/bench_image.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _timing import best_seconds, matmul_probe  # benchmarks/ is on sys.path as a script

TARGET_IMAGES_PER_S = 100.0  # at batch 32 on 2 cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved measurement rounds")
    parser.add_argument("--matmul-size", type=int, default=2048, help="largest matmul size")
    args = parser.parse_args()

    import skimage.data

    import vectorkit as vk
    from vectorkit._tf import tensorflow  # TensorFlow without its C++ start-up notices
    from vectorkit.models._efficientnet import CHUNK, CHUNK_PARALLEL, flops_per_image

    tf = tensorflow()

    t0 = time.perf_counter()
    model = vk.load_model("efficientnet-lite0")
    load_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    batch32 = rng.integers(0, 256, (32, 224, 224, 3), dtype=np.uint8)
    photos = [skimage.data.coffee(), skimage.data.chelsea(), skimage.data.astronaut(),
              skimage.data.rocket()] * 8
    t0 = time.perf_counter()
    model._run(batch32[:1])  # the first call traces the tf.function
    first_call_s = time.perf_counter() - t0
    model._run(batch32)

    sizes = sorted({512, 1024, args.matmul_size})
    matmul_gflops = matmul_probe(tf, sizes)

    res: dict[str, float] = {}
    for _ in range(args.rounds):
        res["matmul"] = max(res.get("matmul", 0.0), matmul_gflops())
        res["b1"] = min(res.get("b1", 1e9), best_seconds(lambda: model._run(batch32[:1]), 10))
        res["b32"] = min(res.get("b32", 1e9), best_seconds(lambda: model._run(batch32), 2))
        res["b32_plain"] = min(res.get("b32_plain", 1e9), best_seconds(
            lambda: model._fn(batch32)[0].numpy(), 2))
        res["e2e"] = min(res.get("e2e", 1e9), best_seconds(
            lambda: model.embed(photos, batch_size=32, cache=False), 2))

    peak = res["matmul"]
    flops = flops_per_image()
    ms1, ms32, ms_e2e = res["b1"] * 1e3, res["b32"] / 32 * 1e3, res["e2e"] / 32 * 1e3
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(other processes share the cores when this is above ~0.5 per core)")
    print(f"TensorFlow {tf.__version__}; model load {load_s:.1f} s, first call (trace) "
          f"{first_call_s:.2f} s")
    print(f"float32 matmul (best of {sizes} square): {peak:.1f} GFLOP/s (baseline)")
    print(f"network: {flops / 1e9:.3f} GFLOP per image")
    for label, ms in (("batch 1 ", ms1), ("batch 32", ms32)):
        gflops = flops / (ms / 1e3) / 1e9
        print(f"{label}: {ms:6.2f} ms/image  {1e3 / ms:6.1f} images/s  {gflops:5.1f} GFLOP/s "
              f"= {gflops / peak:.2f} x matmul")
    ms_plain = res["b32_plain"] / 32 * 1e3
    print(f"batch 32 as one graph call (no chunks): {ms_plain:6.2f} ms/image; chunked "
          f"({CHUNK} x {CHUNK_PARALLEL} in parallel) is {ms_plain / ms32:.2f}x faster")
    print(f"end to end (PIL resize+crop of 32 photos + batch-32 network): {ms_e2e:.2f} ms/image "
          f"{1e3 / ms_e2e:.1f} images/s")
    verdict = "meets" if 1e3 / ms32 >= TARGET_IMAGES_PER_S else "misses"
    print(f"target {TARGET_IMAGES_PER_S:.0f} images/s at batch 32: {verdict} "
          f"({1e3 / ms32:.1f} images/s)")


if __name__ == "__main__":
    main()
