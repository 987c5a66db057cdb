"""The ingestion pipeline: a folder of text, images and sounds -> vectors in a Milvus collection.

``vk.ingest(path, model=..., store="course.db", collection="docs")`` walks ``path``, decides
what each file holds (:mod:`vectorkit.search._walk`: magic bytes, then the file name), cuts
text into overlapping paragraph chunks (:mod:`vectorkit.search._chunk`: at most 500
characters, up to 100 of them repeated from the previous chunk), embeds ``batch_size`` chunks per
forward pass and writes each vector with its metadata (path, chunk, chunks, modality, bytes,
sha256, model, text; schema in :mod:`vectorkit.search._sink`).

**Resumable.** Every row's id is a hash of (model, path, file SHA-256, chunk number), and
a run starts by reading which ids the collection holds. A file whose content (SHA-256) and
model match fully stored rows is skipped without being read twice; a changed file's old rows
are deleted and the new content embedded; a file an interrupted run (Ctrl-C, SIGKILL, power
loss) stored only partly gets its missing chunks; ``prune=True`` deletes the rows of files
that are gone from disk (only under ``path``). An id is never written twice, so no re-run can
create duplicates. Two ingests into one collection at the same time are not supported.

**Mixed folders.** One collection holds one vector space, so one model per modality:
``model="text"`` (or a model object) ingests the text files into ``collection`` and counts
the images and sounds as skipped; ``model={"text": "text", "image": "image"}`` sends each
modality's vectors to its own collection ``f"{collection}_{modality}"``.

**Bounded memory and time.** Files are streamed one at a time; a file larger than
``max_bytes`` (default 64 MiB) is reported, not read; at most ``batch_size`` chunks wait to
be embedded; the list of stored rows kept during a run costs about 200 bytes per row.

Unreadable files (empty, corrupt image or sound, binary junk, not UTF-8, unknown type) are
reported in the summary and the run goes on.
"""

from __future__ import annotations

import time
from pathlib import Path

from vectorkit._validation import check_k
from vectorkit.search import _chunk, _walk
from vectorkit.search._sink import open_targets, resolve_models, row_id
from vectorkit.search._summary import IngestSummary

__all__ = ["ingest", "IngestSummary"]

BATCH_SIZE = 64
_MAX_CHUNK_CHARS = 16000  # 4 bytes per character at most must fit Milvus's 65,535-byte VARCHAR


def _read_units(entry, max_chars: int, overlap: int) -> list:
    """What gets embedded for one file: its text chunks, or the file itself (one unit)."""
    if entry.modality != "text":
        return [str(entry.path)]
    raw = entry.path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    if "\x00" in text:
        raise ValueError("not UTF-8 text (NUL bytes)")
    chunks = _chunk.chunk_text(text, max_chars=max_chars, overlap=overlap)
    if not chunks:
        raise ValueError("no text (only whitespace)")
    return chunks


def _flush(target, summary: IngestSummary, kinds: dict) -> None:
    """Embed and write what is pending; a batch that fails is retried item by item."""
    if not target.pending:
        return
    batch, target.pending = target.pending, []
    model = target.model
    t = time.perf_counter()
    try:
        vectors = model.embed([b[0] for b in batch], progress=False, cache=False)
        good = batch
    except Exception:  # one bad file must not sink the batch: find it
        good, rows = [], []
        for b in batch:
            try:
                rows.append(model.embed([b[0]], progress=False, cache=False)[0])
                good.append(b)
            except Exception as exc:
                _failed(b[2], exc, summary, kinds)
        import numpy as np

        vectors = np.stack(rows) if rows else None
    summary.embed_seconds += time.perf_counter() - t
    if not good:
        return
    t = time.perf_counter()
    target.store.add(vectors, ids=[b[1] for b in good], metadata=[b[2] for b in good])
    summary.store_seconds += time.perf_counter() - t
    summary.vectors_added += len(good)


def _failed(meta: dict, exc: Exception, summary: IngestSummary, kinds: dict) -> None:
    """Move a file whose content the model could not decode from its count to the problems."""
    kind = kinds.pop(meta["path"], None)
    if kind is None:  # already reported (another chunk of the same file)
        return
    setattr(summary, kind, getattr(summary, kind) - 1)
    summary.by_modality[meta["modality"]] -= 1
    summary.problems.append((meta["path"], f"{meta['modality']} could not be decoded: "
                                           f"{type(exc).__name__}: {exc}"))


def _delete(target, ids: list, summary: IngestSummary) -> None:
    if ids:
        t = time.perf_counter()
        target.store.delete(ids)
        summary.store_seconds += time.perf_counter() - t
        summary.vectors_deleted += len(ids)


def _under(path: str, root: Path) -> bool:
    return path == str(root) or path.startswith(str(root).rstrip("/") + "/")


def ingest(path, model="text", store="vectorkit.db", collection: str = "documents", *,
           prune: bool = False, batch_size: int = BATCH_SIZE, max_chars: int = _chunk.MAX_CHARS,
           overlap: int = _chunk.OVERLAP, max_bytes: int = _walk.MAX_FILE_BYTES,
           metric: str = "cosine", progress: bool = True, verbose: bool = True
           ) -> IngestSummary:
    """Embed every text, image and sound file under ``path`` into a Milvus collection.

    Args:
        path: a folder (walked recursively; hidden entries skipped) or one file.
        model: a model name or object for one modality, or ``{modality: model}``; files of a
            modality without a model are counted in ``summary.skipped``.
        store: a Milvus Lite file (``"course.db"``) or a server URI (``"http://host:19530"``).
        collection: the collection name; with several models, ``f"{collection}_{modality}"``.
        prune: delete the vectors of files under ``path`` that no longer exist.
        batch_size: chunks per forward pass and per insert.
        max_chars, overlap: text chunk size and overlap, in characters.
        max_bytes: larger files are reported, not read.
        metric: the collection's metric when it is created ("cosine", "dot", "euclidean").
        progress: show a tqdm bar over the files.
        verbose: print the final line (and the problems) when done.

    Returns:
        An :class:`IngestSummary` (counts, problems, throughput).

    Example:
        >>> import tempfile, pathlib, vectorkit as vk
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "tea.txt").write_text("Green tea is steeped briefly.")
        >>> _ = (d / "empty.txt").write_text("")
        >>> s = vk.ingest(d, model="text", store=str(d / "db" / "x.db"), collection="docs",
        ...               progress=False, verbose=False)
        >>> s.new, s.vectors_added, s.problems[0][1]
        (1, 1, 'empty file')
    """
    start = time.perf_counter()
    batch_size = check_k(batch_size, "batch_size")
    max_chars = check_k(max_chars, "max_chars")
    if max_chars > _MAX_CHUNK_CHARS:
        raise ValueError(f"`max_chars` must be at most {_MAX_CHUNK_CHARS}, got {max_chars}")
    _chunk.check_sizes(max_chars, overlap)
    max_bytes = check_k(max_bytes, "max_bytes")
    if metric not in ("cosine", "dot", "euclidean"):
        raise ValueError(f"`metric` must be one of ['cosine', 'dot', 'euclidean'], got {metric!r}")
    if not isinstance(collection, str) or not collection:
        raise ValueError(f"`collection` must be a non-empty name, got {collection!r}")
    root = Path(path).expanduser()
    local = isinstance(store, str | Path) and Path(store).suffix == ".db"
    # raises for a missing path; a Milvus Lite database inside the folder is not walked
    entries = list(_walk.walk(root, max_bytes=max_bytes, exclude=[store] if local else []))
    root = root.resolve()
    if local:
        Path(store).expanduser().parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    targets = open_targets(resolve_models(model), store, collection, metric)
    summary = IngestSummary(files=len(entries), load_seconds=time.perf_counter() - t,
                            collections={m: t.store.collection for m, t in targets.items()})
    kinds: dict[str, str] = {}  # path -> "new" | "changed" | "resumed", this run
    bar = entries
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(entries, desc="ingesting", unit="file")
    try:
        for entry in bar:
            _ingest_file(entry, targets, summary, kinds, batch_size, max_chars, overlap)
        for target in targets.values():
            _flush(target, summary, kinds)
        for target in targets.values():  # files no longer on disk
            for p, info in target.stored.items():
                if not _under(p, root):
                    continue
                if prune:
                    _delete(target, [r[0] for r in info["rows"]], summary)
                    summary.pruned += 1
                else:
                    summary.missing += 1
    finally:
        for target in targets.values():
            target.store.close()
    summary.seconds = time.perf_counter() - start
    if verbose:
        print(summary)
    return summary


def _ingest_file(entry, targets, summary, kinds, batch_size, max_chars, overlap) -> None:
    p = str(entry.path)
    target = targets.get(entry.modality) if entry.problem is None else None
    for t in targets.values():  # rows elsewhere: the file became unreadable or changed kind
        if t is not target and (info := t.stored.pop(p, None)) is not None:
            _delete(t, [r[0] for r in info["rows"]], summary)
    if target is None:
        if entry.problem is not None:
            summary.problems.append((p, entry.problem))
        else:
            summary.skipped[entry.modality] += 1
        return
    sha = _walk.sha256_file(entry.path)
    info = target.stored.pop(p, None)
    rows = info["rows"] if info else []
    stale = [r[0] for r in rows if r[1] != sha]
    have = {r[2] for r in rows if r[1] == sha}
    if have and not stale and len(have) == info["chunks"]:
        summary.unchanged += 1
        return
    try:
        units = _read_units(entry, max_chars, overlap)
    except (OSError, ValueError) as exc:
        _delete(target, [r[0] for r in rows], summary)
        summary.problems.append((p, str(exc)))
        return
    _delete(target, stale, summary)
    kind = "changed" if stale else ("resumed" if have else "new")
    setattr(summary, kind, getattr(summary, kind) + 1)
    kinds[p] = kind
    summary.by_modality[entry.modality] += 1
    name = target.model.name
    for i, unit in enumerate(units):
        if i in have:
            continue
        meta = {"path": p, "chunk": i, "chunks": len(units), "modality": entry.modality,
                "bytes": entry.size, "sha256": sha, "model": name,
                "text": unit if entry.modality == "text" else ""}
        target.pending.append((unit, row_id(name, p, sha, i), meta))
        if len(target.pending) >= batch_size:
            _flush(target, summary, kinds)
