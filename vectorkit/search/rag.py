"""Retrieval-augmented answers without a language model: retrieve passages, quote a sentence.

A retrieval-augmented generator (RAG) answers a question in two steps: find the passages
of a document collection nearest to the question (embeddings + a vector index), then hand
them to a language model that writes the answer. This module does the first step for real
and replaces the second by an *extractive* step that cannot invent anything: the answer is
the one sentence of the retrieved passages that is most similar to the question, quoted
with its source. What that does not do: combine facts from two sentences, rephrase, say
"the documents do not answer this" (it always quotes the best sentence it has, however
weak: look at ``answer.score``), or reason about negation.

Example:
    >>> import numpy as np
    >>> class Words:                     # any object with embed(list of str) -> (n, d) works
    ...     vocab = ["cat", "dog", "tea", "milk"]
    ...     def embed(self, texts, **kw):
    ...         return np.array([[t.lower().count(w) + 0.01 for w in self.vocab]
    ...                          for t in texts], dtype=np.float32)
    >>> docs = ["A cat sleeps all day. The cat purrs at night.",
    ...         "Tea is served with milk. The tea is very hot."]
    >>> rag = Retriever(Words(), docs, sources=["pets", "drinks"])
    >>> answer = rag.answer("does the tea have milk?", k=1)
    >>> answer.text, answer.source
    ('Tea is served with milk.', 'drinks')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from vectorkit._validation import check_k, check_labels
from vectorkit.search.index import Index

__all__ = ["Answer", "Retriever", "split_sentences"]

#: Sentences shorter than this many words are not quoted (headings, grammar fragments).
MIN_WORDS = 4
#: A passage longer than this many characters is refused: chunk long texts first
#: (``vk.chunk_text``); a sentence encoder is trained on short passages anyway.
MAX_PASSAGE_CHARS = 20_000

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_RULE = re.compile(r"^[\s*=~^-]+$")  # heading underlines such as ****** or ======


def split_sentences(text: str, min_words: int = MIN_WORDS) -> list[str]:
    """Split ``text`` into sentences (on ``. ! ?`` followed by space, and on blank lines).

    Heading underlines are dropped, whitespace is collapsed, and pieces of fewer than
    ``min_words`` words are left out.

    Example:
        >>> split_sentences("Intro\\n*****\\n\\nIt is a cat. It purrs loudly at night! Ok.",
        ...                 min_words=3)
        ['It is a cat.', 'It purrs loudly at night!']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string, got {type(text).__name__}")
    kept = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [ln for ln in paragraph.splitlines() if not _RULE.match(ln)]
        flat = " ".join(" ".join(lines).split())
        for piece in _SENTENCE_END.split(flat):
            piece = piece.strip()
            if len(piece.split()) >= min_words:
                kept.append(piece)
    return kept


@dataclass
class Answer:
    """An extracted answer: the quoted sentence, where it comes from and how well it matched.

    ``score`` is the cosine similarity of question and sentence; ``passages`` lists the
    retrieved ``(source, passage number, cosine)`` triples, best first.
    """

    question: str
    text: str
    source: str
    passage: int
    score: float
    passages: list[tuple[str, int, float]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.text}  [source: {self.source}, cosine {self.score:.2f}]"


class Retriever:
    """Embed passages once, retrieve the nearest ones for a question, quote the best sentence.

    Args:
        model: a text model (``vk.load_model("text")``) or any object with
            ``embed(list of str) -> (n, d)``.
        passages: the texts to search (chunks of documents: see ``vk.chunk_text``).
        sources: one name per passage, quoted with each answer (default ``"passage i"``).

    Passages are embedded in batches by the model (with its embedding cache), stored in a
    cosine ``vk.Index``; sentences of retrieved passages are embedded on first use and kept.
    """

    def __init__(self, model, passages, sources=None):
        if not hasattr(model, "embed"):
            raise TypeError(f"`model` must have an embed() method (e.g. vk.load_model('text')), "
                            f"got {type(model).__name__}")
        if isinstance(passages, str) or not isinstance(passages, list | tuple):
            raise TypeError(f"`passages` must be a list of strings, got {type(passages).__name__}")
        if not passages:
            raise ValueError("`passages` is empty: give at least one text to search")
        for i, p in enumerate(passages):
            if not isinstance(p, str) or not p.strip():
                raise ValueError(f"`passages[{i}]` must be a non-empty string, got {p!r:.40}")
            if len(p) > MAX_PASSAGE_CHARS:
                raise ValueError(f"`passages[{i}]` has {len(p):,} characters (limit "
                                 f"{MAX_PASSAGE_CHARS:,}): chunk long texts with vk.chunk_text")
        self.model = model
        self.passages = list(passages)
        self.sources = check_labels(sources, len(self.passages), "sources", "passage") \
            if sources is not None else [f"passage {i}" for i in range(len(self.passages))]
        self.index = Index(self._embed(self.passages), metric="cosine")
        self._sentences: dict[int, tuple[list[str], np.ndarray]] = {}

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.asarray(self.model.embed(list(texts)), dtype=np.float32)
        if out.ndim != 2 or out.shape[0] != len(texts):
            raise ValueError(f"`model.embed` returned shape {out.shape} for {len(texts)} texts")
        return out

    def _question(self, question) -> np.ndarray:
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"`question` must be a non-empty string, got {question!r:.40}")
        return self._embed([question])[0]

    def retrieve(self, question: str, k: int = 3):
        """The ``k`` passages nearest to ``question``: a ``SearchResult`` of passage numbers."""
        return self.index.search(self._question(question), check_k(k))

    def sentences(self, passage: int) -> tuple[list[str], np.ndarray]:
        """The quotable sentences of one passage and their embeddings (computed once)."""
        if passage not in self._sentences:
            found = split_sentences(self.passages[passage]) or [
                " ".join(self.passages[passage].split())]
            self._sentences[passage] = (found, self._embed(found))
        return self._sentences[passage]

    def answer(self, question: str, k: int = 3) -> Answer:
        """Retrieve ``k`` passages and quote the sentence most similar to ``question``.

        Among sentences of equal similarity the one from the better-ranked passage wins.
        """
        q = self._question(question)
        hits = self.index.search(q, check_k(k))
        qn = q / max(float(np.linalg.norm(q)), 1e-30)
        best = None
        for passage in hits.ids.tolist():
            texts, vectors = self.sentences(int(passage))
            norms = np.maximum(np.linalg.norm(vectors, axis=1), 1e-30)
            scores = (vectors @ qn) / norms
            j = int(np.argmax(scores))
            if best is None or scores[j] > best[0]:
                best = (float(scores[j]), int(passage), texts[j])
        score, passage, text = best
        ranked = [(self.sources[int(p)], int(p), float(s))
                  for p, s in zip(hits.ids.tolist(), hits.scores.tolist(), strict=True)]
        return Answer(question, text, self.sources[passage], passage, score, ranked)
