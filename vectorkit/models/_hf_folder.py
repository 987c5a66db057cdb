"""Read a Hugging Face / sentence-transformers folder of a BERT model, refusing what we cannot run.

What is read (names as the two libraries write them):

- ``config.json``: ``model_type`` must be ``"bert"`` (the network in
  :mod:`vectorkit.models._bert`); its sizes give the network's shape.
- ``model.safetensors``: the weights, read with ``safetensors.numpy.load_file`` (a plain
  tensor file). A folder with only ``pytorch_model.bin`` is refused: that file is a Python
  pickle, and unpickling runs code, so vectorkit never opens it.
- ``tokenizer.json`` (Hugging Face ``tokenizers``), or else ``vocab.txt`` for a word-piece
  tokenizer built from it (lower-casing as ``tokenizer_config.json`` says).
- ``modules.json``: where the transformer lives, which folder holds the pooling config, and
  whether a ``Normalize`` step follows. Without it: mean pooling, then L2 normalisation.
- ``<pooling folder>/config.json`` (usually ``1_Pooling``): ``pooling_mode_mean_tokens`` or
  ``pooling_mode_cls_token``; max and sqrt-length pooling are refused.
- ``sentence_bert_config.json`` ``max_seq_length``: longer texts are truncated to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vectorkit.models._bert import BertConfig

POOLING_MODES = ("mean", "cls")


@dataclass(frozen=True)
class BertFolder:
    """Everything needed to build a BERT sentence encoder from one folder."""

    path: Path
    config: BertConfig
    weights_file: Path
    tokenizer_file: Path | None  # tokenizer.json, or None when built from vocab.txt
    vocab_file: Path | None
    lowercase: bool
    pooling: str  # "mean" | "cls"
    normalize: bool
    max_seq_length: int


def _read_json(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {what} {path}: {exc}") from None


def is_hf_folder(path) -> bool:
    """True when ``path`` is a folder with a ``config.json`` (a Hugging Face model folder)."""
    p = Path(path)
    return p.is_dir() and ((p / "config.json").is_file() or (p / "modules.json").is_file())


def _transformer_dir(root: Path, modules: list | None) -> Path:
    for m in modules or []:
        if str(m.get("type", "")).endswith("models.Transformer"):
            return root / m.get("path", "")
    return root


def _pooling(root: Path, modules: list | None) -> tuple[str, bool]:
    """(pooling mode, normalize) from ``modules.json`` and its pooling folder's config."""
    if modules is None:
        folder = root / "1_Pooling"
        normalize = True
    else:
        types = {str(m.get("type", "")).rsplit(".", 1)[-1]: m for m in modules}
        unknown = sorted(set(types) - {"Transformer", "Pooling", "Normalize"})
        if unknown:
            raise ValueError(f"{root / 'modules.json'} lists modules vectorkit does not run: "
                             f"{unknown} (supported: Transformer, Pooling, Normalize)")
        folder = root / types["Pooling"].get("path", "1_Pooling") if "Pooling" in types else None
        normalize = "Normalize" in types
    cfg_file = folder / "config.json" if folder is not None else None
    if cfg_file is None or not cfg_file.is_file():
        return "mean", normalize
    cfg = _read_json(cfg_file, "the pooling config")
    chosen = [k for k, v in cfg.items() if k.startswith("pooling_mode_") and v is True]
    names = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}
    if len(chosen) != 1 or chosen[0] not in names:
        raise ValueError(f"{cfg_file}: pooling {chosen or 'none'} is not supported; vectorkit "
                         "pools with exactly one of pooling_mode_mean_tokens or "
                         "pooling_mode_cls_token")
    return names[chosen[0]], normalize


def read_folder(path) -> BertFolder:
    """Check a model folder and describe it; every refusal names the file and the reason."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"model folder {str(root)!r} does not exist or is not a folder")
    modules_file = root / "modules.json"
    modules = _read_json(modules_file, "modules.json") if modules_file.is_file() else None
    if modules is not None and not isinstance(modules, list):
        raise ValueError(f"{modules_file} must hold a list of modules, got "
                         f"{type(modules).__name__}")
    tdir = _transformer_dir(root, modules)
    cfg_file = tdir / "config.json"
    if not cfg_file.is_file():
        raise FileNotFoundError(f"{root} has no config.json (expected {cfg_file}): not a "
                                "Hugging Face model folder")
    raw = _read_json(cfg_file, "config.json")
    if not isinstance(raw, dict):
        raise ValueError(f"{cfg_file} must hold a JSON object")
    kind = raw.get("model_type")
    if kind != "bert":
        raise ValueError(f"{cfg_file}: model_type {kind!r} is not supported; vectorkit runs "
                         "BERT-architecture models (model_type 'bert', e.g. all-MiniLM-L6-v2, "
                         "bge-small-en, e5-small)")
    config = BertConfig.from_dict(raw)
    weights = tdir / "model.safetensors"
    if not weights.is_file():
        pickles = [p.name for p in (tdir / "pytorch_model.bin", tdir / "model.pt") if p.exists()]
        why = (f"it has only {pickles[0]}, a Python pickle, which vectorkit refuses to open "
               "(unpickling a file can run any code in it); convert it to model.safetensors "
               "where PyTorch is installed, e.g. with safetensors.torch.save_file"
               if pickles else "no weights file was found")
        raise FileNotFoundError(f"{tdir} has no model.safetensors: {why}")
    tok_file = tdir / "tokenizer.json"
    vocab = tdir / "vocab.txt"
    if not tok_file.is_file() and not vocab.is_file():
        raise FileNotFoundError(f"{tdir} has neither tokenizer.json nor vocab.txt: cannot "
                                "turn text into word pieces")
    tok_cfg_file = tdir / "tokenizer_config.json"
    tok_cfg = _read_json(tok_cfg_file, "tokenizer_config.json") if tok_cfg_file.is_file() else {}
    pooling, normalize = _pooling(root, modules)
    st_file = root / "sentence_bert_config.json"
    limit = config.max_position_embeddings
    max_len = limit
    if st_file.is_file():
        max_len = _read_json(st_file, "sentence_bert_config.json").get("max_seq_length", limit)
    elif isinstance(tok_cfg.get("model_max_length"), int):
        max_len = tok_cfg["model_max_length"]
    if not isinstance(max_len, int) or max_len < 2:
        raise ValueError(f"{root}: max_seq_length must be an integer >= 2, got {max_len!r}")
    return BertFolder(root, config, weights, tok_file if tok_file.is_file() else None,
                      vocab if vocab.is_file() else None,
                      bool(tok_cfg.get("do_lower_case", True)), pooling, normalize,
                      min(max_len, limit))
