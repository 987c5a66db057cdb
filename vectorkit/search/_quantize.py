"""Smaller vectors for search: scalar (int8) and binary quantisation, with re-scoring.

``vk.quantize(vectors, "int8")`` maps each dimension's range ``[low, high]`` (measured on the
vectors themselves) onto the 256 values of an int8: 4x smaller than float32.
``vk.quantize(vectors, "binary")`` keeps one bit per dimension, whether the value is above 0
(the recipe published for sentence embeddings): 32x smaller, packed 8 dimensions per byte.

``vk.Index(vectors, quantize="int8" | "binary", rescore=None | N)`` searches the codes: int8
codes score ``query . decoded vector`` (the query stays float: asymmetric, as in faiss's
scalar quantiser); binary codes score ``1 - 2 * hamming / dim``, the cosine of the two
sign vectors (the query is binarised too). With ``rescore=N`` the best ``N`` candidates of
that first pass are scored again with the float vectors and the best ``k`` of those are
returned: the scores are then exact, only the candidate list was approximate.

What it does not do: the index still holds the float vectors (for re-scoring and
``save``); a real deployment keeps them on disk and only the codes in memory, which is the
saving ``Index.code_bytes`` reports. Binary codes threshold at 0, so vectors whose values
are all positive (image features after ReLU) must be centred first or every bit is 1.
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import as_vectors, check_k
from vectorkit.search import _topk

__all__ = ["quantize", "int8_ranges", "KINDS", "Codes"]

#: Quantisation kinds understood by :func:`quantize` and ``vk.Index(quantize=...)``.
KINDS = ("int8", "binary")
_BLOCK_WORDS = 2 * 1024**2  # uint64 words XOR-ed per binary block (16 MiB)


def _check_kind(kind) -> str:
    if kind not in KINDS:
        raise ValueError(f"`quantize` must be one of {list(KINDS)}, got {kind!r}")
    return kind


def int8_ranges(vectors) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension ``(low, high)`` of ``vectors``: the calibration of int8 codes."""
    arr = as_vectors(vectors, "vectors", np.float32, allow_1d=False)
    low, high = arr.min(axis=0), arr.max(axis=0)
    return low, np.where(high > low, high, low + 1e-6).astype(np.float32)


def quantize(vectors, kind: str, ranges=None) -> np.ndarray:
    """Quantise float vectors to int8 codes or packed bits.

    Args:
        vectors: ``(n, d)`` numbers (or one ``(d,)`` vector).
        kind: ``"int8"``: ``(n, d)`` int8, each dimension's ``[low, high]`` split into 256
            steps; ``"binary"``: ``(n, ceil(d / 8))`` uint8, bit = value > 0 (``np.packbits``).
        ranges: int8 only, ``(low, high)`` arrays of length ``d`` to use instead of the
            vectors' own (:func:`int8_ranges` of a calibration set); values outside are clipped.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> x = np.array([[0.0, -1.0, 0.5], [1.0, 1.0, -0.5]])
        >>> vk.quantize(x, "int8").tolist()
        [[-128, -128, 127], [127, 127, -128]]
        >>> vk.quantize(x, "binary").tolist()    # bits 0 0 1 and 1 1 0, padded to a byte
        [[32], [192]]
    """
    _check_kind(kind)
    arr = as_vectors(vectors, "vectors", np.float32)
    single = arr.ndim == 1
    arr = arr[None] if single else arr
    if kind == "binary":
        if ranges is not None:
            raise ValueError("`ranges` is only used by kind='int8'")
        codes = np.packbits(arr > 0, axis=1)
    else:
        low, high = int8_ranges(arr) if ranges is None else (
            np.asarray(ranges[0], np.float32), np.asarray(ranges[1], np.float32))
        if low.shape != (arr.shape[1],) or high.shape != (arr.shape[1],):
            raise ValueError(f"`ranges` must be two arrays of length {arr.shape[1]}")
        scaled = (np.clip(arr, low, high) - low) / (high - low) * 255.0
        codes = (np.rint(scaled) - 128).astype(np.int8)
    return codes[0] if single else codes


def _as_words(bits: np.ndarray) -> np.ndarray:
    """Packed bits (n, nbytes) as uint64 words (n, ceil(nbytes / 8)), zero-padded."""
    pad = (-bits.shape[1]) % 8
    if pad:
        bits = np.pad(bits, ((0, 0), (0, pad)))
    return np.ascontiguousarray(bits).view(np.uint64)


class Codes:
    """The quantised copy of an index's vectors and the search over it (used by ``Index``)."""

    def __init__(self, kind: str, metric: str, rescore):
        self.kind = _check_kind(kind)
        if metric not in ("cosine", "dot"):
            raise ValueError(f"`quantize` works with metric 'cosine' or 'dot', got {metric!r}")
        if rescore is not None:
            rescore = check_k(rescore, "rescore")
        self.rescore = rescore
        self.ranges = None
        self._parts: list[np.ndarray] = []
        self._codes: np.ndarray | None = None
        self.dim = None

    def add(self, vectors: np.ndarray) -> None:
        """Quantise and append rows (the int8 ranges come from the first rows added)."""
        if vectors.shape[0] == 0:
            return
        self.dim = vectors.shape[1]
        if self.kind == "int8":
            if self.ranges is None:
                self.ranges = int8_ranges(vectors)
            self._parts.append(quantize(vectors, "int8", self.ranges))
        else:
            self._parts.append(_as_words(quantize(vectors, "binary")))
        self._codes = None

    @property
    def codes(self) -> np.ndarray:
        if self._codes is None:
            self._codes = np.concatenate(self._parts) if len(self._parts) > 1 else self._parts[0]
            self._parts = [self._codes]
        return self._codes

    @property
    def bytes_per_vector(self) -> int:
        """Memory of one code: d bytes (int8) or ceil(d / 8) bytes (binary)."""
        return self.dim if self.kind == "int8" else -(-self.dim // 8)

    def _first_pass(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        codes = self.codes
        n, nq = codes.shape[0], q.shape[0]
        if self.kind == "int8":
            low, high = self.ranges
            step = (high - low) / 255.0
            qs = (q * step).astype(np.float32)
            offset = (q @ (low + 128.0 * step)).astype(np.float32)[:, None]

            def score_block(a, b):
                return qs @ codes[a:b].astype(np.float32).T + offset

            return _topk.top_k(score_block, n, nq, k)
        qw = _as_words(np.packbits(q > 0, axis=1))
        words = qw.shape[1]
        rows = max(16, k, _BLOCK_WORDS // max(1, nq * words))

        def score_block(a, b):
            ham = np.bitwise_count(qw[:, None, :] ^ codes[None, a:b, :]).sum(
                axis=2, dtype=np.int32)
            return (1.0 - 2.0 * ham / self.dim).astype(np.float32)

        return _topk.top_k(score_block, n, nq, k, block_rows=rows)

    def search(self, vectors: np.ndarray, q: np.ndarray, k: int):
        """``(positions, scores)`` of the best ``k`` rows for queries ``q`` (already scaled
        like the index's own vectors); ``vectors`` are the float rows used to re-score."""
        if self.rescore is None:
            return self._first_pass(q, k)
        pos, _ = self._first_pass(q, max(k, self.rescore))
        exact = np.empty(pos.shape, dtype=np.float32)
        step = max(1, _topk.BLOCK_ELEMENTS // (pos.shape[1] * q.shape[1]))
        for s in range(0, pos.shape[0], step):  # bounded: gathers at most 16 MiB of rows
            exact[s:s + step] = np.einsum("qkd,qd->qk", vectors[pos[s:s + step]], q[s:s + step])
        order = np.lexsort((pos, -exact), axis=-1)[:, :k]
        return np.take_along_axis(pos, order, 1), np.take_along_axis(exact, order, 1)
