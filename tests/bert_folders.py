"""Test helpers: tiny BERT model folders with random weights, and a plain numpy BERT.

``numpy_bert_embed`` is an independent reference for vectorkit's TensorFlow encoder: float64,
one text at a time (no padding at all), written from the BERT paper's equations and the
``BertModel`` weight names, sharing no code with ``vectorkit.models``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.special import erf

WORDS = ["the", "cat", "sat", "a", "dog", "ran", "on", "mat", "un", "##known", "##word",
         "##s", "bank", "river", "account", ".", ","]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _tokenizer_json(vocab: list[str], path: Path) -> None:
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.WordPiece(vocab={t: i for i, t in enumerate(vocab)},
                                     unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab.index("[CLS]")), ("[SEP]", vocab.index("[SEP]"))])
    tok.decoder = decoders.WordPiece()
    tok.enable_padding(length=16, pad_id=0, pad_token="[PAD]")  # like all-MiniLM's shipped pad
    tok.save(str(path))


def make_bert_folder(path, *, pooling: str = "mean", tokenizer_json: bool = True,
                     prefix: str = "", modules: bool = True, seed: int = 0,
                     drop: str | None = None, hidden: int = 32, layers: int = 2,
                     heads: int = 4, max_positions: int = 24, max_seq_length: int = 20) -> Path:
    """Write a sentence-transformers folder of a small random BERT; return its path."""
    from safetensors.numpy import save_file

    path = Path(path)
    (path / "1_Pooling").mkdir(parents=True, exist_ok=True)
    vocab = SPECIALS + WORDS
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    if tokenizer_json:
        _tokenizer_json(vocab, path / "tokenizer.json")
    cfg = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(vocab),
           "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
           "intermediate_size": 2 * hidden, "max_position_embeddings": max_positions,
           "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
           "pad_token_id": 0, "position_embedding_type": "absolute"}
    (path / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    (path / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}))
    rng = np.random.default_rng(seed)

    def rand(*shape, scale=0.3):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    w = {"embeddings.word_embeddings.weight": rand(len(vocab), hidden),
         "embeddings.position_embeddings.weight": rand(max_positions, hidden),
         "embeddings.token_type_embeddings.weight": rand(2, hidden),
         "embeddings.LayerNorm.weight": 1 + rand(hidden, scale=0.1),
         "embeddings.LayerNorm.bias": rand(hidden, scale=0.1),
         "pooler.dense.weight": rand(hidden, hidden), "pooler.dense.bias": rand(hidden)}
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for name, (o, n) in {"attention.self.query": (hidden, hidden),
                             "attention.self.key": (hidden, hidden),
                             "attention.self.value": (hidden, hidden),
                             "attention.output.dense": (hidden, hidden),
                             "intermediate.dense": (2 * hidden, hidden),
                             "output.dense": (hidden, 2 * hidden)}.items():
            w[p + name + ".weight"], w[p + name + ".bias"] = rand(o, n), rand(o, scale=0.1)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"] = 1 + rand(hidden, scale=0.1)
            w[p + norm + ".bias"] = rand(hidden, scale=0.1)
    w.pop(drop, None)
    save_file({prefix + k: v for k, v in w.items()}, str(path / "model.safetensors"))
    modes = {f"pooling_mode_{m}": False for m in ("cls_token", "mean_tokens", "max_tokens",
                                                   "mean_sqrt_len_tokens")}
    key = {"mean": "mean_tokens", "cls": "cls_token", "max": "max_tokens"}[pooling]
    modes[f"pooling_mode_{key}"] = True
    (path / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": hidden, **modes}))
    if modules:
        (path / "modules.json").write_text(json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"}]))
        (path / "sentence_bert_config.json").write_text(
            json.dumps({"max_seq_length": max_seq_length, "do_lower_case": False}))
    return path


def _layer_norm(x, gamma, beta, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def numpy_bert_hidden(w: dict, cfg: dict, ids: list[int]) -> np.ndarray:
    """Last-layer hidden states (length, hidden) of one unpadded text (``w``: float64, no prefix)."""
    eps, heads = cfg["layer_norm_eps"], cfg["num_attention_heads"]
    n = len(ids)
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def dense(v, name, p=p):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q, k, v = (dense(x, f"attention.self.{t}") for t in ("query", "key", "value"))
        d = q.shape[1] // heads
        ctx = np.empty_like(q)
        for h in range(heads):
            s = slice(h * d, (h + 1) * d)
            scores = q[:, s] @ k[:, s].T / np.sqrt(d)
            att = np.exp(scores - scores.max(axis=1, keepdims=True))
            ctx[:, s] = (att / att.sum(axis=1, keepdims=True)) @ v[:, s]
        x = _layer_norm(x + dense(ctx, "attention.output.dense"),
                        w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"], eps)
        inner = dense(x, "intermediate.dense")
        inner = 0.5 * inner * (1 + erf(inner / np.sqrt(2)))  # exact GELU
        x = _layer_norm(x + dense(inner, "output.dense"), w[p + "output.LayerNorm.weight"],
                        w[p + "output.LayerNorm.bias"], eps)
    return x


def numpy_bert_embed(folder, texts: list[str], max_len: int) -> np.ndarray:
    """Sentence vectors as sentence-transformers defines them, one text at a time, float64."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer
    from tokenizers.implementations import BertWordPieceTokenizer

    folder = Path(folder)
    cfg = json.loads((folder / "config.json").read_text())
    pool = json.loads((folder / "1_Pooling" / "config.json").read_text())
    if (folder / "tokenizer.json").exists():
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    else:
        tok = BertWordPieceTokenizer(str(folder / "vocab.txt"), lowercase=True)
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    w = {k.removeprefix("bert."): v.astype(np.float64)
         for k, v in load_file(str(folder / "model.safetensors")).items()}
    out = []
    for text in texts:
        hidden = numpy_bert_hidden(w, cfg, tok.encode(text).ids)
        vec = hidden[0] if pool["pooling_mode_cls_token"] else hidden.mean(axis=0)
        out.append(vec / np.linalg.norm(vec))
    return np.array(out)
