"""BERT sentence encoders (sentence-transformers style): tokenise, encode, pool, normalise.

One class serves the bundled all-MiniLM-L6-v2 and any local BERT folder
(:mod:`vectorkit.models._hf_folder` reads and checks the folder). Texts are split into word
pieces by Hugging Face ``tokenizers`` and padded only to the longest text of each batch (the
inputs are first ordered by length, so a batch holds texts of similar length). A text longer
than the model's ``max_tokens`` word pieces (including ``[CLS]`` and ``[SEP]``) is truncated:
only its beginning is embedded, and ``embed`` warns how many texts were cut.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np

from vectorkit.models._bert import BertEncoder, check_weights
from vectorkit.models._hf_folder import BertFolder, read_folder
from vectorkit.models._text import TextModel, prepare_texts

#: Attention scores of one sub-batch stay under this many floats (64 MB): long texts run
#: in smaller groups, so memory is bounded for any input.
MAX_SCORES = 2**24


def _tokenizer(folder: BertFolder):
    from tokenizers import Tokenizer

    if folder.tokenizer_file is not None:
        tok = Tokenizer.from_file(str(folder.tokenizer_file))
    else:
        from tokenizers.implementations import BertWordPieceTokenizer

        tok = BertWordPieceTokenizer(str(folder.vocab_file), lowercase=folder.lowercase)
    tok.no_padding()  # as shipped, all-MiniLM-L6-v2's pads every text to 128: we pad per batch
    tok.enable_truncation(max_length=folder.max_seq_length)
    return tok


class BertTextModel(TextModel):
    """A BERT sentence encoder: word pieces -> transformer -> mean or [CLS] pooling -> L2 norm.

    Besides ``embed``, it shows the two kinds of token vectors a course compares:
    :meth:`token_embeddings` (contextual, last layer) and :meth:`input_embeddings` (the static
    word-piece table the network starts from).
    """

    batch_size = 64

    def __init__(self, folder: BertFolder, name: str, source: str, version: str,
                 description: str = ""):
        from safetensors.numpy import load_file

        self.name, self.source, self.version = name, source, version
        self.description = description
        self.path = folder.path
        self.pooling, self.normalize = folder.pooling, folder.normalize
        #: Longest input in word pieces, [CLS] and [SEP] included; longer texts are truncated.
        self.max_tokens = folder.max_seq_length
        self.dim = folder.config.hidden_size
        weights = check_weights(load_file(str(folder.weights_file)), folder.config,
                                str(folder.weights_file))
        self._encoder = BertEncoder(folder.config, weights)
        self._tok = _tokenizer(folder)
        self._truncated = 0

    # ---- tokens -----------------------------------------------------------------------
    def tokenize(self, text: str) -> list[str]:
        """The word pieces the network sees for ``text``, with ``[CLS]`` and ``[SEP]``."""
        single, texts = prepare_texts(text, "text")
        if not single:
            raise TypeError(f"`text` must be one string, got {type(text).__name__}")
        return self._tok.encode(texts[0]).tokens

    def preprocess(self, item, **kwargs):
        """Word pieces of one text (a list of str), or of each text of a list."""
        single, texts = self._prepare(item, **kwargs)
        pieces = [e.tokens for e in self._tok.encode_batch(texts)]
        return pieces[0] if single else pieces

    def _encode(self, texts: list[str]):
        """Token ids and mask padded to the longest text, and how many texts were truncated."""
        encs = self._tok.encode_batch(texts)
        length = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), length), dtype=np.int32)
        mask = np.zeros((len(encs), length), dtype=np.int32)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1
        return encs, ids, mask, sum(1 for e in encs if e.overflowing)

    def token_embeddings(self, text: str) -> tuple[list[str], np.ndarray]:
        """Contextual vectors: ``(tokens, vectors)`` from the last layer for one text.

        ``vectors`` has one row per word piece (``(len(tokens), dim)`` float32, not
        normalised); the same word gets different rows in different sentences.

        Example:
            >>> import vectorkit as vk
            >>> tokens, vectors = vk.load_model("minilm").token_embeddings("river bank")
            >>> tokens, vectors.shape
            (['[CLS]', 'river', 'bank', '[SEP]'], (4, 384))
        """
        single, texts = prepare_texts(text, "text")
        if not single:
            raise TypeError(f"`text` must be one string, got {type(text).__name__}")
        encs, ids, mask, _ = self._encode(texts)
        return encs[0].tokens, self._encoder(ids, mask).numpy()[0]

    def input_embeddings(self) -> tuple[list[str], np.ndarray]:
        """The static word-piece table: ``(vocabulary, table)``, row ``i`` is token ``i``'s vector.

        This is the lookup the network starts from, before any context: one row per word
        piece (30,522 x 384 for all-MiniLM-L6-v2), read-only. Ids the tokenizer does not
        name are ``""`` in ``vocabulary``.

        Example:
            >>> import vectorkit as vk
            >>> vocab, table = vk.load_model("minilm").input_embeddings()
            >>> table.shape, vocab[vocab.index("bank")]
            ((30522, 384), 'bank')
        """
        table = self._encoder.word_table.view()
        table.flags.writeable = False
        vocab = [""] * table.shape[0]
        for token, i in self._tok.get_vocab(with_added_tokens=True).items():
            if 0 <= i < len(vocab):
                vocab[i] = token
        return vocab, table

    # ---- sentence vectors --------------------------------------------------------------
    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.pooling == "cls":
            out = hidden[:, 0]
        else:  # mean over real tokens only, as sentence-transformers' Pooling does
            m = mask[:, :, None].astype(np.float32)
            out = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        if self.normalize:
            out = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)

    def _embed_batch(self, batch):
        _, ids, mask, cut = self._encode(list(batch))
        self._truncated += cut
        rows = max(1, MAX_SCORES // (self._encoder.config.num_attention_heads
                                     * ids.shape[1] ** 2))
        parts = []
        for s in range(0, len(batch), rows):
            i, m = ids[s:s + rows], mask[s:s + rows]
            width = int(m.sum(axis=1).max())  # a group of shorter texts drops extra padding
            parts.append(self._pool(self._encoder(i[:, :width], m[:, :width]).numpy(),
                                    m[:, :width]))
        return np.concatenate(parts)

    def _embed_prepared(self, prepared, **kwargs):
        # run texts ordered by length (less padding per batch), return them in input order
        order = sorted(range(len(prepared)), key=lambda i: len(prepared[i]))
        self._truncated = 0
        vectors = super()._embed_prepared([prepared[i] for i in order], **kwargs)
        if self._truncated:
            warnings.warn(f"{self._truncated} text(s) longer than {self.max_tokens} word pieces "
                          f"were truncated: {self.name} embeds only their first "
                          f"{self.max_tokens} tokens", UserWarning, stacklevel=3)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out


def file_digest(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def load_local(path, name: str | None = None) -> BertTextModel:
    """Load a local sentence-transformers / Hugging Face BERT folder (``source="local"``).

    The name is the folder's name; the cache version is a digest of its config and weights,
    so a changed folder never reuses old embeddings.
    """
    folder = read_folder(path)
    digest = hashlib.sha256((folder.weights_file.parent / "config.json").read_bytes())
    digest.update(file_digest(folder.weights_file).encode())
    digest.update(f"{folder.pooling}{folder.normalize}{folder.max_seq_length}".encode())
    label = name or folder.path.resolve().name
    return BertTextModel(folder, name=label, source="local", version=digest.hexdigest()[:16],
                         description=f"local BERT folder {folder.path} ({folder.pooling} "
                                     "pooling)")
