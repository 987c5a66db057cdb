"""TF Hub loading: a persistent per-user cache, clear errors offline, corrupt-cache detection.

Handles are tfhub.dev URLs, Kaggle model URLs, any http(s) URL that serves a TF Hub
compressed archive, or a local SavedModel directory. Downloading, locking and extraction are
done by ``tensorflow_hub``'s own resolver; vectorkit points it at a persistent cache, checks
what it left there, and turns failures into messages that say what to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from pathlib import Path

from vectorkit._paths import hub_cache_dir
from vectorkit._tf import tensorflow
from vectorkit.errors import CorruptCacheError, HubUnavailableError

_env_lock = threading.Lock()


def is_url(handle: str) -> bool:
    return handle.startswith(("http://", "https://"))


def cache_entry(handle: str) -> Path:
    """The folder where ``tensorflow_hub`` caches ``handle`` (sha1 of the handle)."""
    return hub_cache_dir() / hashlib.sha1(handle.encode("utf8")).hexdigest()


def is_cached(handle: str) -> bool:
    """True when ``handle`` is a URL whose SavedModel is complete in the cache."""
    entry = cache_entry(handle)
    return entry.is_dir() and not _missing_parts(entry) and not _lock_file(entry).exists()


def _lock_file(entry: Path) -> Path:
    return entry.with_name(entry.name + ".lock")


def _missing_parts(folder: Path) -> list[str]:
    missing = []
    if not (folder / "saved_model.pb").is_file() and not (folder / "saved_model.pbtxt").is_file():
        missing.append("saved_model.pb")
    variables = folder / "variables"
    if variables.exists() and not (variables / "variables.index").is_file():
        missing.append("variables/variables.index")
    if (variables / "variables.index").is_file() and not any(
            variables.glob("variables.data-*")):
        missing.append("variables/variables.data-*")
    return missing


@contextlib.contextmanager
def _cache_env():
    """Point tensorflow_hub at vectorkit's persistent cache for the duration of a call."""
    with _env_lock:
        old = os.environ.get("TFHUB_CACHE_DIR")
        target = hub_cache_dir()
        target.mkdir(parents=True, exist_ok=True)
        os.environ["TFHUB_CACHE_DIR"] = str(target)
        try:
            yield target
        finally:
            if old is None:
                os.environ.pop("TFHUB_CACHE_DIR", None)
            else:
                os.environ["TFHUB_CACHE_DIR"] = old


def unavailable_message(handle: str, reason: str, bundled: str | None = None) -> str:
    """The one-paragraph explanation shown when a hub model cannot be fetched."""
    instead = (f" Or use the bundled equivalent, which works offline: "
               f"vk.load_model({bundled!r}).") if bundled else ""
    return (
        f"Could not download the TF Hub model {handle} ({reason}). This machine cannot reach "
        "the model host (no internet, a firewall, or tfhub.dev/Kaggle refusing the request). "
        "To use it offline, run `vectorkit models download <name>` on a connected machine and "
        f"copy its cache folder to {hub_cache_dir()} here (or set TFHUB_CACHE_DIR to the "
        "copied folder), or download the SavedModel and pass its local directory to "
        f"vk.load_model(path).{instead}"
    )


def corrupt_message(handle: str, entry: Path, detail: str) -> str:
    return (
        f"The cached copy of {handle} at {entry} is incomplete or damaged ({detail}), "
        "probably from an interrupted download. Delete it and load again: "
        f"`vectorkit models clear {handle}` (or `rm -rf {entry}`)."
    )


def resolve(handle: str, bundled: str | None = None) -> Path:
    """Return a local SavedModel folder for ``handle``, downloading it into the cache once.

    Raises:
        HubUnavailableError: the model is not cached and cannot be downloaded.
        CorruptCacheError: the cache holds a partial or damaged copy.
        FileNotFoundError: ``handle`` is a local path that does not exist / is no SavedModel.
    """
    if not is_url(handle):
        folder = Path(handle).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"`handle` {handle!r} is neither a URL nor an existing SavedModel directory"
            )
        missing = _missing_parts(folder)
        if missing:
            raise FileNotFoundError(
                f"`handle` {handle!r} is a directory but not a complete SavedModel "
                f"(missing {', '.join(missing)})"
            )
        return folder
    entry = cache_entry(handle)
    if entry.is_dir() and not _lock_file(entry).exists():
        missing = _missing_parts(entry)
        if missing:
            raise CorruptCacheError(corrupt_message(handle, entry, "missing " + ", ".join(missing)))
        return entry
    import urllib.error

    tensorflow()  # tensorflow_hub imports TensorFlow: load it quietly first
    import tensorflow_hub as hub

    try:
        with _cache_env():
            path = Path(hub.resolve(handle))
    except urllib.error.HTTPError as exc:
        raise HubUnavailableError(
            unavailable_message(handle, f"HTTP {exc.code} {exc.reason}", bundled)) from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise HubUnavailableError(unavailable_message(handle, str(reason), bundled)) from exc
    except Exception as exc:  # tarfile errors, tf.errors from a broken archive
        raise HubUnavailableError(
            unavailable_message(handle, f"{type(exc).__name__}: {exc}", bundled)) from exc
    missing = _missing_parts(path)
    if missing:
        raise CorruptCacheError(corrupt_message(handle, path, "missing " + ", ".join(missing)))
    return path


def load(handle: str, bundled: str | None = None):
    """Load a TF Hub SavedModel (``hub.load`` on the resolved folder) with clear errors."""
    path = resolve(handle, bundled=bundled)
    tf = tensorflow()

    try:
        return tf.saved_model.load(str(path))
    except Exception as exc:
        if is_url(handle):
            raise CorruptCacheError(corrupt_message(handle, path, f"{type(exc).__name__}")) from exc
        raise ValueError(
            f"`handle` {handle!r} could not be loaded as a SavedModel: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}"
        ) from exc


def clear(handle: str) -> bool:
    """Delete the cached copy of ``handle``; return True if something was removed."""
    import shutil

    entry = cache_entry(handle)
    removed = False
    for p in (entry, _lock_file(entry), entry.with_name(entry.name + ".descriptor.txt")):
        if p.is_dir():
            shutil.rmtree(p)
            removed = True
        elif p.exists():
            p.unlink()
            removed = True
    return removed


def offline_mode() -> bool:
    """True when ``VECTORKIT_OFFLINE`` is set: never try the network (tests, classrooms)."""
    return os.environ.get("VECTORKIT_OFFLINE", "") not in ("", "0")


def reachable(url: str = "https://tfhub.dev/", timeout: float = 3.0) -> tuple[bool, str]:
    """Try to reach the model host once; return ``(ok, explanation)``.

    Nothing is attempted in offline mode (``VECTORKIT_OFFLINE=1``).
    """
    if offline_mode():
        return False, "not checked: VECTORKIT_OFFLINE is set"
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"),
                                    timeout=timeout) as resp:
            return True, f"reachable (HTTP {resp.status})"
    except urllib.error.HTTPError as exc:
        return False, f"the host answered HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        return False, f"unreachable ({getattr(exc, 'reason', exc)})"
