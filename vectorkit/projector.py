"""Export vectors for the TensorFlow Embedding Projector (projector.tensorflow.org).

The projector's "Load" dialog takes two tab-separated files: ``vectors.tsv`` (one vector per
line, no header) and ``metadata.tsv`` (one line per vector; a header row naming the columns
only when there are two or more columns, as the projector expects). ``projector_config.pbtxt``
beside them lets ``tensorboard --logdir FOLDER`` show the same embedding in its Projector tab.

The projector's parser skips every line that is empty after trimming white space, which
would shift each later label onto the wrong point; so a label (or a whole row of labels)
that is empty or only white space is written as :data:`EMPTY_LABEL`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from vectorkit._atomic import write_text_atomic
from vectorkit._validation import as_vectors

__all__ = ["export_projector", "escape_cell", "EMPTY_LABEL"]

#: Written for an empty label (or a row of empty labels): the projector skips blank lines,
#: which would shift every later label onto the wrong point.
EMPTY_LABEL = "<empty>"
CONFIG = "projector_config.pbtxt"
TENSOR_NAME = "vectorkit"


def escape_cell(value) -> str:
    """Render one metadata value as a single TSV cell.

    A tab or line break inside a value would split the cell, so they are written as the two
    characters ``\\t`` / ``\\n`` (``\\r`` likewise), and a backslash as ``\\\\``.

    Example:
        >>> from vectorkit.projector import escape_cell
        >>> escape_cell("a\\tb\\nc")
        'a\\\\tb\\\\nc'
    """
    text = "" if value is None else str(value)
    return (text.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\r", "\\r").replace("\n", "\\n"))


def _metadata_table(metadata, n: int) -> tuple[list[str] | None, list[list]]:
    """Return ``(header or None, rows)`` from the supported metadata shapes."""
    if not hasattr(metadata, "columns") and hasattr(metadata, "to_list"):
        metadata = metadata.to_list()  # a pandas Series (e.g. df["topic"]): one column
    if hasattr(metadata, "columns") and hasattr(metadata, "itertuples"):  # pandas DataFrame
        header = [str(c) for c in metadata.columns]
        rows = [list(r) for r in metadata.itertuples(index=False, name=None)]
    elif isinstance(metadata, Mapping):
        header = [str(k) for k in metadata]
        columns = [list(v) for v in metadata.values()]
        lengths = {len(c) for c in columns}
        if len(lengths) > 1:
            raise ValueError("`metadata` columns must all have the same length, got lengths "
                             f"{dict(zip(header, map(len, columns), strict=True))}")
        rows = [list(r) for r in zip(*columns, strict=True)]
    elif isinstance(metadata, Sequence | np.ndarray) and not isinstance(metadata, str | bytes):
        rows = [list(r) if isinstance(r, list | tuple | np.ndarray) else [r] for r in metadata]
        header = None
        widths = {len(r) for r in rows}
        if len(widths) > 1:
            raise ValueError(f"`metadata` rows must all have the same number of columns, "
                             f"got {sorted(widths)}")
        if widths and widths.pop() > 1:
            raise ValueError("`metadata` with several columns needs column names: pass a dict "
                             "{name: values} or a pandas DataFrame, not a list of tuples")
    else:
        raise ValueError("`metadata` must be a list of labels, a dict {column: values} or a "
                         f"pandas DataFrame, got {type(metadata).__name__}")
    if len(rows) != n:
        raise ValueError(f"`metadata` has {len(rows)} rows but `X` has {n} vectors; "
                         "give one metadata row per vector")
    if header is not None and len(header) == 1:
        header = None  # the projector reads a single column without a header row
    if header is not None and not all(h.strip() for h in header):
        raise ValueError(f"`metadata` column names must be non-empty, got {header}")
    return header, rows


def export_projector(X, metadata=None, folder="projector") -> Path:
    """Write ``vectors.tsv``, ``metadata.tsv`` and ``projector_config.pbtxt`` for the projector.

    Open https://projector.tensorflow.org, click "Load" and pick the two TSV files, or run
    ``tensorboard --logdir FOLDER`` and open its Projector tab.

    Args:
        X: vectors, shape ``(n, d)``.
        metadata: one label per vector (a list or a pandas Series), or several columns as a
            dict ``{"name": [...], "topic": [...]}`` or a pandas DataFrame; ``None`` writes
            only ``vectors.tsv`` (and removes a ``metadata.tsv`` left by an earlier export).
        folder: directory to write into (created if needed; existing files replaced).

    Returns:
        the folder as a ``pathlib.Path``.

    Example:
        >>> import numpy as np, tempfile, vectorkit as vk
        >>> out = vk.export_projector(np.eye(3), ["a", "b", "c"], tempfile.mkdtemp())
        >>> (out / "metadata.tsv").read_text().splitlines()
        ['a', 'b', 'c']
    """
    arr = as_vectors(X, "X", np.float32, allow_1d=False)
    if arr.shape[1] < 2:
        raise ValueError(f"`X` must have at least 2 columns for the projector (it draws 2 or 3 "
                         f"dimensions), got shape {arr.shape}")
    table = _metadata_table(metadata, arr.shape[0]) if metadata is not None else None
    if isinstance(folder, bytes) or not isinstance(folder, str | os.PathLike):
        raise ValueError(f"`folder` must be a path, got {type(folder).__name__}")
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise ValueError(f"`folder` must be a directory, but {str(out)!r} is a file")
    out.mkdir(parents=True, exist_ok=True)
    # repr-precision of float32 (9 significant digits) keeps values round-trippable
    lines = ["\t".join(f"{v:.9g}" for v in row) for row in arr.tolist()]
    write_text_atomic(out / "vectors.tsv", "\n".join(lines) + "\n")
    config = ["embeddings {", f'  tensor_name: "{TENSOR_NAME}"', '  tensor_path: "vectors.tsv"']
    if table is not None:
        header, rows = table
        lines = [] if header is None else ["\t".join(escape_cell(h) for h in header)]
        for row in rows:
            cells = [escape_cell(v) for v in row]
            if not "\t".join(cells).strip():  # the projector would skip this line
                cells[0] = EMPTY_LABEL
            lines.append("\t".join(cells))
        write_text_atomic(out / "metadata.tsv", "\n".join(lines) + "\n")
        config.append('  metadata_path: "metadata.tsv"')
    else:
        (out / "metadata.tsv").unlink(missing_ok=True)  # never leave an earlier export's labels
    write_text_atomic(out / CONFIG, "\n".join(config + ["}"]) + "\n")
    return out
