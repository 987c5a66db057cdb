"""``vectorkit ingest`` and ``vectorkit search``: fill a Milvus collection, then query it."""

from __future__ import annotations

import sys

_TEXT_WIDTH = 70
_PATH_WIDTH = 48


def add_parsers(sub) -> None:
    """Register the ``ingest`` and ``search`` sub-commands on an argparse ``sub`` parser."""
    p = sub.add_parser("ingest", help="embed a folder of text/images/audio into a collection",
                       description="Walk PATH, embed every file a model is given for, and "
                                   "store the vectors with their metadata. Re-running skips "
                                   "unchanged files and re-embeds changed ones.")
    p.add_argument("path", help="folder (or file) to ingest")
    p.add_argument("--model", action="append", metavar="MODEL",
                   help="model name (text, image, audio, minilm ...) or MODALITY=NAME; repeat "
                        "for a mixed folder (each modality then goes to COLLECTION_MODALITY). "
                        "Default: text")
    p.add_argument("--store", required=True, metavar="URI",
                   help="Milvus Lite file (course.db) or server URI (http://host:19530)")
    p.add_argument("--collection", required=True, metavar="NAME")
    p.add_argument("--prune", action="store_true",
                   help="delete the vectors of files that no longer exist under PATH")
    p.add_argument("--batch-size", type=int, default=64, help="chunks per forward pass")
    p.add_argument("--max-chars", type=int, default=500, help="largest text chunk (500)")
    p.add_argument("--overlap", type=int, default=100,
                   help="characters repeated from the previous chunk (100)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    s = sub.add_parser("search", help="search a collection made by `vectorkit ingest`")
    s.add_argument("store", metavar="URI", help="Milvus Lite file or server URI")
    s.add_argument("--collection", required=True, metavar="NAME")
    s.add_argument("query", help="text, or an image/sound file for an image/audio collection")
    s.add_argument("--filter", default=None, metavar="EXPR",
                   help="""Milvus expression, e.g. 'bytes > 1000' or 'path like "%%/docs/%%"'""")
    s.add_argument("--k", type=int, default=5, help="number of hits (default 5)")
    s.add_argument("--model", default=None, help="query model (default: the collection's)")


def _models(specs: list[str] | None):
    """``--model`` values -> what :func:`vectorkit.ingest` takes (a name or a dict)."""
    specs = specs or ["text"]
    if len(specs) == 1 and "=" not in specs[0]:
        return specs[0]
    from vectorkit.models import load_model

    out = {}
    for spec in specs:
        modality, _, name = spec.rpartition("=")
        if not modality:
            model = load_model(name)
            modality, name = model.modality, model
        if modality in out:
            raise ValueError(f"`--model`: two models given for {modality}")
        out[modality] = name
    return out


def run_ingest(args) -> int:
    import vectorkit as vk

    try:
        models = _models(args.model)
        vk.ingest(args.path, model=models, store=args.store, collection=args.collection,
                  prune=args.prune, batch_size=args.batch_size, max_chars=args.max_chars,
                  overlap=args.overlap, progress=not args.no_progress, verbose=True)
    except (ValueError, TypeError, FileNotFoundError, ImportError, ConnectionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _shorten(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 3] + "..."


def run_search(args) -> int:
    from vectorkit.search.collection import search_collection

    try:
        hits = search_collection(args.store, args.collection, args.query, k=args.k,
                                 filter=args.filter, model=args.model)
    except (ValueError, TypeError, FileNotFoundError, ImportError, ConnectionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if hits.empty:
        print("no hits" + (f" matching --filter {args.filter!r}" if args.filter else ""))
        return 0
    print(_table(hits))
    return 0


def _table(hits) -> str:
    """Hits as an aligned plain-text table: rank, score, path, chunk, text."""
    rows = [(str(h.rank), f"{h.score:.4f}", _left(str(h.path), _PATH_WIDTH), str(h.chunk),
             _shorten(h.text, _TEXT_WIDTH) if h.text else f"({h.modality})")
            for h in hits.itertuples()]
    head = ("rank", "score", "path", "chunk", "text")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    right = (True, True, False, True, False)
    fmt = lambda r: "  ".join(c.rjust(w) if rj else c.ljust(w)  # noqa: E731
                              for c, w, rj in zip(r, widths, right, strict=True)).rstrip()
    return "\n".join([fmt(head), *map(fmt, rows)])


def _left(text: str, width: int) -> str:
    """``text`` cut from the left to ``width`` characters (the file name stays visible)."""
    return text if len(text) <= width else "..." + text[-(width - 3):]


def dispatch(args) -> int | None:
    """Run ``args.command`` if it is one of these sub-commands, else return ``None``."""
    if args.command == "ingest":
        return run_ingest(args)
    if args.command == "search":
        return run_search(args)
    return None


__all__ = ["add_parsers", "dispatch"]
