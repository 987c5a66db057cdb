"""What one run of :func:`vectorkit.ingest` did: counts, problems, time spent where."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class IngestSummary:
    """The outcome of :func:`vectorkit.ingest`.

    Attributes:
        files: files found under the path (readable or not).
        new: files embedded for the first time.
        changed: files whose content changed since the last run (old vectors removed).
        resumed: files an interrupted run had only partly stored (missing chunks added).
        unchanged: files already fully stored with the same content and model (skipped).
        pruned: files gone from disk whose vectors were removed (``prune=True``).
        missing: files gone from disk whose vectors are still stored (``prune=False``).
        vectors_added, vectors_deleted: rows written and removed.
        problems: ``[(path, reason)]`` for every file that could not be ingested.
        skipped: modality -> number of files of a modality no model was given for.
        by_modality: modality -> files embedded (new + changed + resumed).
        collections: modality -> the collection its vectors went to.
        seconds, load_seconds, embed_seconds, store_seconds: wall time of the whole run, of
            loading the models and opening the collections (what is stored there is read
            then), of the forward passes, of the writes and deletes.
    """

    files: int = 0
    new: int = 0
    changed: int = 0
    resumed: int = 0
    unchanged: int = 0
    pruned: int = 0
    missing: int = 0
    vectors_added: int = 0
    vectors_deleted: int = 0
    problems: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    by_modality: Counter = field(default_factory=Counter)
    collections: dict = field(default_factory=dict)
    seconds: float = 0.0
    load_seconds: float = 0.0
    embed_seconds: float = 0.0
    store_seconds: float = 0.0

    @property
    def embedded(self) -> int:
        """Files embedded in this run (new + changed + resumed)."""
        return self.new + self.changed + self.resumed

    @property
    def files_per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0

    @property
    def vectors_per_second(self) -> float:
        return self.vectors_added / self.seconds if self.seconds else 0.0

    def problems_frame(self):
        """The problems as a pandas DataFrame (columns path, reason)."""
        import pandas as pd

        return pd.DataFrame(self.problems, columns=["path", "reason"])

    def line(self) -> str:
        """The one-line report printed at the end of a run."""
        parts = [f"{self.files} files: {self.new} new, {self.changed} changed, "
                 f"{self.resumed} resumed, {self.unchanged} unchanged"]
        if self.pruned or self.missing:
            parts.append(f"{self.pruned} pruned" if self.pruned else
                         f"{self.missing} deleted from disk but still stored (use prune)")
        if self.skipped:
            parts.append("skipped (no model): " + ", ".join(
                f"{n} {m}" for m, n in sorted(self.skipped.items())))
        parts.append(f"{len(self.problems)} unreadable")
        rate = (f"{self.vectors_added} vectors added, {self.vectors_deleted} removed in "
                f"{self.seconds:.1f} s ({self.files_per_second:.1f} files/s, "
                f"{self.vectors_per_second:.1f} vectors/s; loading {self.load_seconds:.1f} s, "
                f"embedding {self.embed_seconds:.1f} s, "
                f"store {self.store_seconds:.1f} s)")
        return "; ".join(parts) + " -> " + rate

    def __str__(self) -> str:
        lines = [self.line()]
        for path, reason in self.problems[:20]:
            lines.append(f"  unreadable: {path}: {reason}")
        if len(self.problems) > 20:
            lines.append(f"  ... and {len(self.problems) - 20} more (summary.problems)")
        return "\n".join(lines)
