"""Fine-tuning MiniLM with the in-batch contrastive loss: the search benchmark before and after.

The 52 queries of ``vk.datasets.load_search_benchmark()`` are split in two halves at random
(one split per seed). Training pairs are (query, document graded >= ``--min-grade``) of the
train half only, optionally with the course's paraphrase pairs added (``--paraphrases``: the
23 paraphrase pairs of ``load_sentences()`` and the pairs graded >= 4 of
``load_similarity_pairs()``, none of which is a search query). Then
``vk.train.fine_tune_text`` trains the top ``--layers`` layers of all-MiniLM-L6-v2, and
recall@10, MRR@10 and nDCG@10 over all 160 documents are measured with ``vk.evaluate`` for
the held-out queries (the result) and the train queries (how much was memorised), with the
same code before and after. Also printed: the training time and how many held-out queries
have their answer document (grade 3) among the training positives (the corpus is shared, so
a document can be learned from a train query and then found by a held-out one;
``--no-shared-docs`` drops the training pairs of such documents).

    python benchmarks/bench_contrastive.py [--seeds 0 1 2] [--layers 2] [--epochs 3]
                                           [--lr 2e-5] [--batch-size 16] [--paraphrases]
                                           [--no-shared-docs]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings

import numpy as np

METRICS = ["recall@10", "mrr@10", "ndcg@10"]


def split_queries(qids: list[str], seed: int) -> tuple[list[str], list[str]]:
    """Half of the query ids for training, the other half held out (seeded)."""
    order = np.random.default_rng(seed).permutation(len(qids))
    half = len(qids) // 2
    return sorted(qids[i] for i in order[:half]), sorted(qids[i] for i in order[half:])


def paraphrase_pairs(vk) -> list[tuple[str, str]]:
    sentences = vk.datasets.load_sentences().set_index("id")
    pairs = [(sentences.text[row.paraphrase_of], row.text)
             for row in sentences.reset_index().itertuples() if row.paraphrase_of]
    graded = vk.datasets.load_similarity_pairs()
    pairs += [(a, b) for a, b, g in zip(graded.sentence_a, graded.sentence_b, graded.grade,
                                        strict=True) if float(g) >= 4]
    return pairs


def scores(vk, model, docs, queries, qrels, qids) -> dict:
    index = vk.Index(model.embed(list(docs.values()), cache=False), ids=list(docs))
    result = index.search(model.embed([queries[q] for q in qids], cache=False), k=10,
                          query_ids=qids)
    table = vk.evaluate(result, {q: qrels[q] for q in qids}, k=10)
    return {m: float(table[m].iloc[0]) for m in METRICS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--min-grade", type=int, default=2)
    parser.add_argument("--paraphrases", action="store_true")
    parser.add_argument("--no-shared-docs", action="store_true",
                        help="train on no document that is relevant to a held-out query")
    args = parser.parse_args()
    os.environ.setdefault("VECTORKIT_CACHE_DIR", tempfile.mkdtemp(prefix="vk-bench-"))
    warnings.simplefilter("ignore")
    import vectorkit as vk

    docs, queries, qrels = vk.datasets.load_search_benchmark()
    model = vk.load_model("minilm")
    extra = paraphrase_pairs(vk) if args.paraphrases else []
    print(f"layers {args.layers}, epochs {args.epochs}, lr {args.lr}, batch {args.batch_size}, "
          f"min grade {args.min_grade}, paraphrase pairs {len(extra)}")
    header = (f"{'seed':>4} {'pairs':>5} {'steps':>5} {'train s':>7} {'leak':>4}  "
              + "  ".join(f"{'held ' + m:>22}" for m in METRICS)
              + "  " + "  ".join(f"{'train ' + m:>22}" for m in METRICS))
    print(header)
    deltas = []
    for seed in args.seeds:
        train, held = split_queries(sorted(queries), seed)
        banned = {d for q in held for d in qrels[q]} if args.no_shared_docs else set()
        pairs = [(queries[q], docs[d]) for q in train for d, g in qrels[q].items()
                 if g >= args.min_grade and d not in banned] + extra
        positives = {d for q in train for d, g in qrels[q].items()
                     if g >= args.min_grade and d not in banned}
        leak = sum(1 for q in held if any(g == 3 and d in positives for d, g in qrels[q].items()))
        before = [scores(vk, model, docs, queries, qrels, qs) for qs in (held, train)]
        t0 = time.perf_counter()
        tuned, losses = vk.train.fine_tune_text(
            model, pairs, epochs=args.epochs, batch_size=args.batch_size,
            learning_rate=args.lr, train_layers=args.layers, seed=seed, progress=False)
        seconds = time.perf_counter() - t0
        after = [scores(vk, tuned, docs, queries, qrels, qs) for qs in (held, train)]
        again = scores(vk, model, docs, queries, qrels, held)
        assert again == before[0], "the original model changed"
        deltas.append([after[0][m] - before[0][m] for m in METRICS])
        cells = [f"{b[m]:.3f} -> {a[m]:.3f}" for b, a in zip(before, after, strict=True)
                 for m in METRICS]
        print(f"{seed:>4} {len(pairs):>5} {len(losses):>5} {seconds:>7.1f} {leak:>4}  "
              + "  ".join(f"{c:>22}" for c in cells[:3]) + "  "
              + "  ".join(f"{c:>22}" for c in cells[3:]))
        print(f"      loss per step: {np.round(losses, 3).tolist()}")
    mean = np.mean(deltas, axis=0)
    print("mean change on held-out queries: "
          + ", ".join(f"{m} {d:+.3f}" for m, d in zip(METRICS, mean, strict=True)))


if __name__ == "__main__":
    main()
