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
#: Seconds a download may wait for the server on one socket operation (connect, each read);
#: ``VECTORKIT_HUB_TIMEOUT`` overrides it. tensorflow_hub itself waits forever.
DEFAULT_TIMEOUT = 30.0


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


def download_timeout() -> float:
    """The socket timeout for downloads: ``VECTORKIT_HUB_TIMEOUT`` or :data:`DEFAULT_TIMEOUT`."""
    raw = os.environ.get("VECTORKIT_HUB_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise ValueError(f"VECTORKIT_HUB_TIMEOUT must be a number of seconds, got {raw!r}") \
            from None
    if not value > 0:
        raise ValueError(f"VECTORKIT_HUB_TIMEOUT must be positive, got {raw!r}")
    return value


@contextlib.contextmanager
def _cache_env():
    """Point tensorflow_hub at vectorkit's persistent cache, with a socket timeout, for the
    duration of a call (tensorflow_hub's urlopen takes no timeout: the default is the way)."""
    import socket

    with _env_lock:
        old = os.environ.get("TFHUB_CACHE_DIR")
        old_timeout = socket.getdefaulttimeout()
        target = hub_cache_dir()
        target.mkdir(parents=True, exist_ok=True)
        os.environ["TFHUB_CACHE_DIR"] = str(target)
        socket.setdefaulttimeout(download_timeout())
        try:
            yield target
        finally:
            socket.setdefaulttimeout(old_timeout)
            if old is None:
                os.environ.pop("TFHUB_CACHE_DIR", None)
            else:
                os.environ["TFHUB_CACHE_DIR"] = old


def clear_stale_lock(entry: Path) -> str | None:
    """Remove ``entry``'s download lock if the process that took it is gone; say what was done.

    tensorflow_hub writes ``<entry>.lock`` holding ``host.pid.uid`` while it downloads into
    ``<entry>.<uid>.tmp``. After an interrupted download the lock stays, and the next load
    waits silently for 10-20 minutes before taking it over. A lock taken on this machine by
    a process that no longer exists is removed at once (with its partial download).
    """
    import shutil
    import socket

    lock = _lock_file(entry)
    try:
        host, pid, uid = lock.read_text().strip().rsplit(".", 2)
        pid = int(pid)
    except (OSError, ValueError):
        return None
    if host != socket.gethostname():
        return None  # another machine's download (shared cache folder): let it finish
    try:
        os.kill(pid, 0)
        return None  # still running: tensorflow_hub waits for it
    except ProcessLookupError:
        pass
    except PermissionError:
        return None
    lock.unlink(missing_ok=True)
    shutil.rmtree(entry.with_name(f"{entry.name}.{uid}.tmp"), ignore_errors=True)
    return (f"removed the stale download lock {lock} (process {pid}, which was downloading "
            "this model, no longer exists)")


#: What each kind of failure means, in the sentence after "Could not download ...".
CAUSES = {
    "unreachable": "This machine cannot reach the model host (no internet, a firewall, or a "
                   "wrong address).",
    "timeout": "The model host did not answer in time (a stalled connection or an overloaded "
               "server); set VECTORKIT_HUB_TIMEOUT to wait longer.",
    "refused": "The model host answered but refused the request (tfhub.dev redirects to "
               "Kaggle, which sometimes answers 403/429, or the model does not exist).",
    "garbage": "The host answered, but what it sent is not a complete TF Hub model archive "
               "(an HTML page from a proxy or login portal, an error page, or a transfer "
               "cut short).",
    "offline": "VECTORKIT_OFFLINE is set, so vectorkit did not try to download it (unset it "
               "to allow downloads).",
}


def unavailable_message(handle: str, reason: str, bundled: str | None = None,
                        cause: str = "unreachable") -> str:
    """The one-paragraph explanation shown when a hub model cannot be fetched."""
    instead = (f" Or use the bundled equivalent, which works offline: "
               f"vk.load_model({bundled!r}).") if bundled else ""
    return (
        f"Could not download the TF Hub model {handle} ({reason}). {CAUSES[cause]} "
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
    if _lock_file(entry).exists():
        cleared = clear_stale_lock(entry)
        if cleared:
            import warnings

            warnings.warn(cleared, UserWarning, stacklevel=3)
    if entry.is_dir() and not _lock_file(entry).exists():
        missing = _missing_parts(entry)
        if missing:
            raise CorruptCacheError(corrupt_message(handle, entry, "missing " + ", ".join(missing)))
        return entry
    if offline_mode():
        raise HubUnavailableError(unavailable_message(handle, "not in the cache", bundled,
                                                      cause="offline"))
    import tarfile
    import urllib.error
    import zlib

    tensorflow()  # tensorflow_hub imports TensorFlow: load it quietly first
    import tensorflow_hub as hub

    timeout = download_timeout()
    try:
        with _cache_env():
            path = Path(hub.resolve(handle))
    except urllib.error.HTTPError as exc:
        raise HubUnavailableError(unavailable_message(
            handle, f"HTTP {exc.code} {exc.reason}", bundled, cause="refused")) from exc
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        timed_out = isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError) \
            or "timed out" in str(reason)
        if timed_out:
            raise HubUnavailableError(unavailable_message(
                handle, f"no answer within {timeout:g} s", bundled, cause="timeout")) from exc
        if isinstance(exc, urllib.error.URLError | ConnectionError):
            raise HubUnavailableError(unavailable_message(handle, str(reason), bundled)) \
                from exc
        raise HubUnavailableError(unavailable_message(
            handle, f"{type(exc).__name__}: {exc}", bundled, cause="garbage")) from exc
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise HubUnavailableError(unavailable_message(
            handle, f"{type(exc).__name__}: {exc}", bundled, cause="garbage")) from exc
    except Exception as exc:  # tf.errors from a broken archive, etc.
        raise HubUnavailableError(unavailable_message(
            handle, f"{type(exc).__name__}: {exc}", bundled, cause="garbage")) from exc
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
