"""Sanity-check the course's text datasets with the bundled multilingual sentence encoder.

Prints, for information (the data was not tuned to these numbers):

- parallel: how often a sentence's nearest neighbour in another language is its translation;
- search: where the answer (grade-3 document) ranks for TF-IDF keyword search and for
  embedding search, per query kind (paraphrase / exact / mixed);
- sentences: leave-one-out 1-nearest-neighbour topic accuracy, and how often a paraphrase's
  nearest neighbour is the sentence it paraphrases;
- reviews: 5-fold cross-validated logistic-regression accuracy on embeddings, per style.

Usage: ``python datasets/tools/validate_text.py`` (about 15-20 s on 2 cores; a few seconds
once the embedding cache holds the vectors).
"""

from __future__ import annotations

import itertools

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

import vectorkit as vk
from vectorkit import datasets


def crosslingual_top1(model) -> dict[tuple[str, str], float]:
    """Top-1 accuracy of finding a sentence's translation, for every ordered language pair."""
    df = datasets.load_parallel()
    langs = [c for c in df.columns if c != "id"]
    emb = {lang: model.embed(df[lang].tolist()) for lang in langs}
    truth = np.arange(len(df))
    return {(a, b): float(np.mean((emb[a] @ emb[b].T).argmax(axis=1) == truth))
            for a, b in itertools.permutations(langs, 2)}


def _answer_ranks(scores: np.ndarray, answers: list[int]) -> np.ndarray:
    """1-based rank of each query's answer column in its row of scores (ties count against)."""
    own = scores[np.arange(len(answers)), answers]
    return (scores >= own[:, None]).sum(axis=1)


def search_by_kind(model) -> dict[str, dict[str, tuple[float, float]]]:
    """Per method and kind: (share of queries whose answer ranks first, MRR of the answer)."""
    docs, queries, qrels, kinds = datasets.load_search_benchmark(with_kinds=True)
    doc_ids, query_ids = list(docs), list(queries)
    answers = [doc_ids.index(next(d for d, g in qrels[q].items() if g == 3)) for q in query_ids]
    tfidf = TfidfVectorizer(sublinear_tf=True).fit([*docs.values()])
    keyword = (tfidf.transform(queries.values()) @ tfidf.transform(docs.values()).T).toarray()
    semantic = model.embed(list(queries.values())) @ model.embed(list(docs.values())).T
    out = {}
    for method, scores in (("tf-idf", keyword), ("embedding", semantic)):
        ranks = _answer_ranks(scores, answers)
        out[method] = {}
        for kind in ("paraphrase", "exact", "mixed", "all"):
            mask = np.array([kind in ("all", kinds[q]) for q in query_ids])
            out[method][kind] = (float(np.mean(ranks[mask] == 1)), float(np.mean(1 / ranks[mask])))
    return out


def sentence_neighbours(model) -> tuple[float, float]:
    """(leave-one-out 1-NN topic accuracy, share of paraphrases whose 1-NN is their pair)."""
    df = datasets.load_sentences()
    emb = model.embed(df.text.tolist())
    sims = emb @ emb.T
    np.fill_diagonal(sims, -np.inf)
    nearest = sims.argmax(axis=1)
    topic_acc = float(np.mean(df.topic.to_numpy()[nearest] == df.topic.to_numpy()))
    ids = df.id.to_numpy()
    pairs = df.paraphrase_of.to_numpy() != ""
    para_acc = float(np.mean(ids[nearest[pairs]] == df.paraphrase_of.to_numpy()[pairs]))
    return topic_acc, para_acc


def review_accuracy(model) -> dict[str, float]:
    """5-fold cross-validated sentiment accuracy of a logistic regression on embeddings."""
    df = datasets.load_reviews()
    emb = model.embed(df.text.tolist())
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    pred = cross_val_predict(LogisticRegression(max_iter=2000), emb, df.label, cv=folds)
    correct = pred == df.label.to_numpy()
    out = {"all": float(correct.mean())}
    for style in sorted(df["style"].unique()):
        out[style] = float(correct[(df["style"] == style).to_numpy()].mean())
    return out


def main() -> None:
    model = vk.load_model("text")
    print(f"model: {model.name} ({model.source}, dim {model.dim})\n")
    pairs = crosslingual_top1(model)
    langs = sorted({a for a, _ in pairs}, key=[*datasets._text.PARALLEL_LANGUAGES].index)
    print("parallel: top-1 translation retrieval (row = query language, column = searched)")
    print("      " + "  ".join(f"{b:>5}" for b in langs))
    for a in langs:
        print(f"{a:>5} " + "  ".join("    -" if a == b else f"{pairs[a, b]:5.2f}" for b in langs))
    print(f"mean over {len(pairs)} ordered pairs: {np.mean(list(pairs.values())):.3f}\n")
    print("search: answer ranked first / MRR of the answer")
    for method, by_kind in search_by_kind(model).items():
        cells = "  ".join(f"{k} {r1:.2f}/{m:.2f}" for k, (r1, m) in by_kind.items())
        print(f"  {method:>9}: {cells}")
    topic_acc, para_acc = sentence_neighbours(model)
    print(f"\nsentences: 1-NN topic accuracy {topic_acc:.3f}; "
          f"paraphrase's 1-NN is its pair {para_acc:.3f}")
    acc = review_accuracy(model)
    print("reviews: 5-fold logistic-regression accuracy "
          + ", ".join(f"{k} {v:.3f}" for k, v in acc.items()))


if __name__ == "__main__":
    main()
