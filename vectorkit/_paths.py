"""Where vectorkit keeps files: a persistent per-user cache, never /tmp."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """Return vectorkit's per-user cache folder (created on demand by callers).

    ``VECTORKIT_CACHE_DIR`` wins; otherwise ``$XDG_CACHE_HOME/vectorkit`` or
    ``~/.cache/vectorkit``.
    """
    env = os.environ.get("VECTORKIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "vectorkit"


def hub_cache_dir() -> Path:
    """Return the TF Hub model cache: ``TFHUB_CACHE_DIR`` if set, else ``<cache_root>/tfhub``.

    tensorflow-hub's own default (/tmp/tfhub_modules) is lost on reboot and shared between
    users, so vectorkit uses a persistent per-user folder unless you choose one.
    """
    env = os.environ.get("TFHUB_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return cache_root() / "tfhub"


def embedding_cache_dir() -> Path:
    """Return the folder of the on-disk embedding cache."""
    return cache_root() / "embeddings"
