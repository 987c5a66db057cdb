"""The one interface every vectorkit model offers: embed, classify, frames, preprocess."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from vectorkit._validation import check_k, check_top_k

#: Inputs longer than this show a progress bar unless ``progress=False``.
PROGRESS_THRESHOLD = 512


class EmbeddingModel:
    """Base class of all models returned by :func:`vectorkit.load_model`.

    Subclasses set ``name``, ``modality`` ("text" | "image" | "audio"), ``dim``, ``source``
    ("bundled" | "tfhub" | "local") and ``version``, and implement :meth:`_prepare` (check and
    convert user input into a list of prepared items), :meth:`_item_bytes` (the bytes that
    identify a prepared item, for the embedding cache) and :meth:`_embed_batch` (prepared
    items -> ``(n, dim)`` float32).
    """

    name: str = ""
    modality: str = ""
    dim: int = 0
    source: str = ""
    version: str = "1"
    handle: str | None = None
    description: str = ""
    batch_size: int = 64

    # ---- subclass hooks -------------------------------------------------------------
    def _prepare(self, items, **kwargs) -> tuple[bool, list]:
        """Return ``(is_single, prepared_items)``; raise clear errors on bad input."""
        raise NotImplementedError

    def _item_bytes(self, item) -> bytes:
        """Bytes that identify one prepared item (used as the cache key)."""
        if isinstance(item, str):
            return item.encode("utf-8")
        arr = np.ascontiguousarray(item)
        return str(arr.shape).encode() + arr.dtype.str.encode() + arr.tobytes()

    def _embed_batch(self, batch: list) -> np.ndarray:
        raise NotImplementedError

    # ---- public API -----------------------------------------------------------------
    def embed(self, items, *, batch_size: int | None = None, progress: bool | None = None,
              cache: bool = True, **kwargs) -> np.ndarray:
        """Embed one item -> ``(dim,)`` or a list of items -> ``(n, dim)`` float32.

        Args:
            items: one input or a list of inputs of this model's modality.
            batch_size: items per forward pass (default: the model's own).
            progress: show a tqdm progress bar; default: only for more than
                ``PROGRESS_THRESHOLD`` items.
            cache: reuse embeddings stored on disk by an earlier run (see
                :mod:`vectorkit.cache`); ``False`` always recomputes.
        """
        single, prepared = self._prepare(items, **kwargs)
        vectors = self._embed_prepared(prepared, batch_size=batch_size, progress=progress,
                                       cache=cache)
        return vectors[0] if single else vectors

    def classify(self, items, top_k: int = 5, **kwargs):
        """Return the ``top_k`` ``(label, score)`` pairs for each item (image/audio models)."""
        raise NotImplementedError(
            f"model {self.name!r} ({self.modality}) has no classifier head; "
            "classify() exists for image and audio models"
        )

    def frames(self, audio, sample_rate=None, **kwargs):
        """Return ``(frame_embeddings, frame_start_times_in_seconds)`` (audio models)."""
        raise NotImplementedError(
            f"model {self.name!r} ({self.modality}) has no frames(); it exists for audio models"
        )

    def preprocess(self, item, **kwargs):
        """Return what the network actually sees for one input."""
        single, prepared = self._prepare(item, **kwargs)
        return prepared[0] if single else prepared

    @property
    def cache_namespace(self) -> str:
        """The key under which this model's embeddings are cached: name, source, version."""
        return f"{self.name}@{self.source}@{self.version}"

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} name={self.name!r} modality={self.modality!r} "
                f"dim={self.dim} source={self.source!r}>")

    # ---- machinery ------------------------------------------------------------------
    def _embed_prepared(self, prepared: list, *, batch_size=None, progress=None,
                        cache=True) -> np.ndarray:
        if batch_size is not None:
            check_k(batch_size, "batch_size")
        n = len(prepared)
        out = np.empty((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        store = None
        keys: list[str] = []
        todo = list(range(n))
        if cache:
            from vectorkit import cache as _cache

            store = _cache.get_cache()
        if store is not None:
            keys = [hashlib.sha256(self._item_bytes(p)).hexdigest() for p in prepared]
            found = store.get_many(self.cache_namespace, keys, self.dim)
            todo = []
            for i, k in enumerate(keys):
                if k in found:
                    out[i] = found[k]
                else:
                    todo.append(i)
        if todo:
            bs = int(batch_size or self.batch_size)
            show = (len(todo) > PROGRESS_THRESHOLD) if progress is None else bool(progress)
            starts = range(0, len(todo), bs)
            if show:
                from tqdm.auto import tqdm

                starts = tqdm(starts, total=len(starts), desc=f"embedding with {self.name}",
                              unit="batch")
            for s in starts:
                idx = todo[s:s + bs]
                vecs = np.asarray(self._embed_batch([prepared[i] for i in idx]),
                                  dtype=np.float32)
                if vecs.shape != (len(idx), self.dim):
                    raise RuntimeError(
                        f"model {self.name!r} returned shape {vecs.shape}, "
                        f"expected {(len(idx), self.dim)}"
                    )
                out[idx] = vecs
            if store is not None:
                store.put_many(self.cache_namespace, {keys[i]: out[i] for i in todo})
        return out


def top_k_pairs(scores: np.ndarray, labels: Sequence[str], top_k: int) -> list[list[tuple]]:
    """Turn a (n, classes) score matrix into [[(label, score), ...], ...] best first."""
    scores = np.atleast_2d(scores)
    k = check_top_k(top_k, scores.shape[1])
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return [[(labels[j], float(row[j])) for j in idx] for row, idx in zip(scores, order, strict=True)]
