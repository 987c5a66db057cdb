"""The ``vectorkit`` command: doctor, models (list/download/clear), grade, ingest, search."""

from __future__ import annotations

import argparse
import sys


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _widget_extension() -> tuple[bool, str]:
    """Whether the JupyterLab widget manager extension is installed in this environment."""
    from pathlib import Path

    candidates = [Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets"
                  / "jupyterlab-manager"]
    try:
        from jupyter_core.paths import jupyter_path

        candidates += [Path(p) / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
                       for p in jupyter_path()]
    except ImportError:
        pass
    for c in candidates:
        if (c / "package.json").is_file():
            return True, f"installed ({c})"
    return False, "missing: python -m pip install 'jupyterlab_widgets>=3' (comes with ipywidgets 8)"


def _probe(name: str):
    """Load a bundled model and run it once on a tiny input; return a one-line summary."""
    import time

    import numpy as np

    from vectorkit.models import load_model

    t = time.perf_counter()
    model = load_model(name)
    if model.modality == "text":
        vec = model.embed("a cup of tea", cache=False)
    elif model.modality == "image":
        vec = model.embed(np.full((32, 32, 3), 128, dtype=np.uint8), cache=False)
    else:
        tone = np.sin(2 * np.pi * 440 * np.arange(16000 * 3) / 16000).astype(np.float32)
        vec = model.embed(0.5 * tone, sample_rate=16000, cache=False)
    if vec.shape != (model.dim,) or not np.isfinite(vec).all():
        raise RuntimeError(f"returned shape {vec.shape} (expected ({model.dim},)) or non-finite values")
    return f"loaded and ran in {time.perf_counter() - t:.1f} s"


def doctor(check_hub: bool = False, out=None, run_models: bool = True) -> int:
    """Print what the course needs and whether it works here; return the exit code."""
    out = out or sys.stdout
    problems: list[str] = []

    def say(line=""):
        print(line, file=out)

    say("vectorkit doctor")
    say("== versions")
    say(f"  Python       {sys.version.split()[0]}")
    for label, dist in [("vectorkit", "vectorkit"), ("numpy", "numpy"),
                        ("TensorFlow", "tensorflow"), ("TF Hub", "tensorflow-hub"),
                        ("tf-keras", "tf-keras"), ("scikit-learn", "scikit-learn"),
                        ("ipywidgets", "ipywidgets"), ("JupyterLab", "jupyterlab")]:
        v = _version(dist)
        say(f"  {label:<12} {v or 'NOT INSTALLED'}")
        if v is None and dist != "vectorkit":
            problems.append(f"{dist} is not installed (python -m pip install {dist})")
    try:
        from vectorkit._tf import tensorflow

        n_cpu = len(tensorflow().config.list_physical_devices("CPU"))
        say(f"  TensorFlow imports fine ({n_cpu} CPU device)")
    except Exception as exc:  # a broken TF install is exactly what doctor must report
        problems.append(f"TensorFlow does not import: {type(exc).__name__}: {exc}")
    try:
        import tensorflow_hub  # noqa: F401
    except Exception as exc:
        problems.append(f"tensorflow_hub does not import ({exc}); fix: python -m pip install "
                        "tf-keras 'setuptools<81'")

    from vectorkit import models
    from vectorkit.models import ALIASES, SHORT_NAMES, list_models

    say("== models (the modality names text/image/audio use the bundled ones)")
    for st in list_models():
        alias = [k for k, v in {**ALIASES, **SHORT_NAMES}.items() if v == st.name]
        tag = f" [{alias[0]}]" if alias else ""
        say(f"  {'ok ' if st.available else 'no '} {st.name + tag:<26} {st.modality:<6} "
            f"{st.source:<8} dim {st.dim:<5} {st.reason}")
        if not st.available:
            say(f"       fix: {st.fix}")
            if st.source == "bundled":
                problems.append(f"bundled model {st.name!r} unavailable: {st.reason}")
    if run_models:
        say("== bundled models, loaded and run once")
        for st in list_models():
            if st.source != "bundled" or not st.available:
                continue
            try:
                say(f"  ok  {st.name:<20} {_probe(st.name)}")
            except Exception as exc:  # report every broken model, not just the first
                say(f"  no  {st.name:<20} {type(exc).__name__}: {exc}")
                problems.append(f"bundled model {st.name!r} is installed but fails to run: "
                                f"{type(exc).__name__}: {exc}")
    say("== search backends (issue 18)")
    from vectorkit.search.backends import search_backends

    for b in search_backends():
        say(f"  {'ok ' if b.available else 'no '} {b.name:<14} {b.detail}")
        if not b.available:
            say(f"       used by {b.used_by}; fix: {b.fix}")
            if b.name == "faiss":  # a dependency of vectorkit; the Milvus ones are extras
                problems.append(f"faiss is unavailable: {b.detail}")
    say("== caches")
    from vectorkit._paths import embedding_cache_dir

    say(f"  TF Hub models   {models.hub_cache_dir()}  (set TFHUB_CACHE_DIR to move it)")
    say(f"  embeddings      {embedding_cache_dir()}  (set VECTORKIT_CACHE_DIR to move it)")
    if check_hub:
        ok, why = models.hub_reachable()
        say(f"  tfhub.dev       {why}")
    say("== JupyterLab")
    ok, why = _widget_extension()
    say(f"  widget extension {why}")
    if not ok:
        problems.append("the JupyterLab widget extension is missing")
    say("")
    if problems:
        for p in problems:
            say(f"problem: {p}")
        say(f"verdict: NOT READY - {len(problems)} problem(s) above need fixing")
        return 1
    say("verdict: READY - everything the course needs works here (TF Hub models are optional)")
    return 0


def _models(args) -> int:
    from vectorkit import errors, models
    from vectorkit.models import SPECS, list_models, resolve_name

    if args.action == "list":
        for st in list_models():
            print(st)
        return 0
    code = 0
    for raw in args.names:
        name = resolve_name(raw)
        spec = SPECS.get(name)
        handles = [raw] if spec is None else [h for h in (spec.handle, *spec.extra_handles) if h]
        if spec is not None and spec.source == "bundled":
            print(f"{name}: bundled, nothing to download")
            continue
        if spec is None and not models.is_hub_url(raw):
            print(f"error: `NAME` must be a TF Hub model name {sorted(s for s in SPECS if SPECS[s].source == 'tfhub')} "
                  f"or a URL, got {raw!r}", file=sys.stderr)
            code = 2
            continue
        for h in handles:
            if args.action == "clear":
                print(f"{h}: {'removed from the cache' if models.hub_clear(h) else 'was not cached'}")
                continue
            try:
                path = models.hub_download(h, bundled=spec.bundled_alternative if spec else None)
                print(f"{h}: cached at {path}")
            except (errors.HubUnavailableError, errors.CorruptCacheError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                code = 1
    if args.action == "download" and code == 0:
        print(f"cache folder: {models.hub_cache_dir()} (copy it to share with a classroom)")
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``vectorkit`` console command."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # a CLI, not a library: quiet TF's C++ logs
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["grade"]:  # the grader owns its options (--help, --timeout, --csv ...)
        from vectorkit.course.grade import main as grade_main

        return grade_main(argv[1:])
    parser = argparse.ArgumentParser(prog="vectorkit", description="vectorkit course tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p_doc = sub.add_parser("doctor", help="check this machine can run the course")
    p_doc.add_argument("--check-hub", action="store_true",
                       help="also try to reach tfhub.dev (needs the internet)")
    p_doc.add_argument("--quick", action="store_true",
                       help="only check that packages are installed; do not run the models")
    p_models = sub.add_parser("models", help="list, pre-download or clear TF Hub models")
    p_models.add_argument("action", choices=["list", "download", "clear"])
    p_models.add_argument("names", nargs="*", help="model names (use, mobilenet-v2, yamnet) or URLs")
    p_grade = sub.add_parser("grade", help="execute and grade exercise notebooks",
                             add_help=False)
    p_grade.add_argument("rest", nargs=argparse.REMAINDER)  # handled above; listed for --help
    from vectorkit._cli import store as _store_cli

    _store_cli.add_parsers(sub)
    args = parser.parse_args(argv)
    code = _store_cli.dispatch(args)
    if code is not None:
        return code
    if args.command == "doctor":
        return doctor(check_hub=args.check_hub, run_models=not args.quick)
    if args.command == "models":
        if args.action != "list" and not args.names:
            parser.error(f"`vectorkit models {args.action}` needs at least one model NAME")
        return _models(args)
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
