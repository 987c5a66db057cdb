"""vk.rag: retrieval + an extractive answer; the course's questions about the Python docs."""

from __future__ import annotations

import numpy as np
import pytest

import vectorkit as vk


class Words:
    """A transparent 'model': one dimension per vocabulary word (counts + a small floor)."""

    vocab = ["cat", "dog", "tea", "milk", "loop", "stop"]

    def embed(self, texts, **kwargs):
        return np.array([[t.lower().count(w) + 0.01 for w in self.vocab] for t in texts],
                        dtype=np.float32)


DOCS = ["A cat sleeps all day. The dog barks at the cat.",
        "Tea with milk is sweet. Green tea is bitter.",
        "A loop runs again and again. Use break to stop the loop."]


def test_retrieve_equals_brute_force_cosine():
    model = Words()
    rag = vk.rag.Retriever(model, DOCS, sources=["pets", "drinks", "code"])
    q = "how do I stop a loop"
    expected = np.argsort(-vk.cosine_similarity(model.embed(DOCS), model.embed([q])[0]),
                          kind="stable")
    assert rag.retrieve(q, k=3).ids.tolist() == expected.tolist()


def test_answer_quotes_the_best_sentence_with_its_source():
    rag = vk.rag.Retriever(Words(), DOCS, sources=["pets", "drinks", "code"])
    a = rag.answer("stop the loop", k=2)
    assert a.text == "Use break to stop the loop." and a.source == "code" and a.passage == 2
    assert a.passages[0][:2] == ("code", 2)
    assert "source: code" in str(a)
    # the answer is always a sentence of a retrieved passage: never invented text
    assert any(a.text in d for d in DOCS)


def test_split_sentences_drops_rules_and_fragments():
    text = "The pass statement\n******************\n\n   pass_stmt ::= pass\n\n" \
           "It is a null operation. Nothing happens! Really?"
    assert vk.rag.split_sentences(text, min_words=2) == [
        "The pass statement", "pass_stmt ::= pass", "It is a null operation.", "Nothing happens!"]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(passages="one text"), TypeError, "`passages` must be a list of strings"),
    (dict(passages=[]), ValueError, "`passages` is empty"),
    (dict(passages=["ok", "  "]), ValueError, r"`passages\[1\]` must be a non-empty string"),
    (dict(passages=["x" * 20_001]), ValueError, "chunk long texts"),
    (dict(passages=["a", "b"], sources=["one"]), ValueError, "`sources` has 1 entries"),
])
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        vk.rag.Retriever(Words(), **kwargs)


def test_bad_model_and_question():
    with pytest.raises(TypeError, match="`model` must have an embed"):
        vk.rag.Retriever("text", DOCS)
    rag = vk.rag.Retriever(Words(), DOCS)
    with pytest.raises(ValueError, match="`question` must be a non-empty string"):
        rag.answer("   ")
    with pytest.raises(ValueError, match="`k` must be a positive integer"):
        rag.retrieve("tea", k=0)


def test_every_fact_occurs_in_its_topic_on_this_python():
    docs = vk.datasets.load_python_docs().set_index("topic")
    questions = vk.datasets.load_doc_questions()
    assert questions.id.is_unique and set(questions.topic) <= set(docs.index)
    for row in questions.itertuples():
        assert row.fact in " ".join(docs.text[row.topic].split()), row.id


def test_real_text_model_answers_a_question_from_the_docs():
    docs = vk.datasets.load_python_docs().set_index("topic")
    topics = ["break", "continue", "pass", "while", "imaginary"]
    chunks, sources = [], []
    for t in topics:
        for c in vk.chunk_text(docs.text[t]):
            chunks.append(c)
            sources.append(t)
    rag = vk.rag.Retriever(vk.load_model("text"), chunks, sources)
    a = rag.answer("What does an imaginary literal yield?", k=2)
    assert a.source == "imaginary" and "complex number" in a.text
