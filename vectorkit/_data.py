"""Locate the course's data folder (``datasets/`` at the top of the course checkout)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Return the folder holding the course data files.

    ``VECTORKIT_DATA_DIR`` wins; otherwise the ``datasets/`` folder beside the installed
    package (the course installs vectorkit from its checkout with ``pip install -e .``).
    """
    env = os.environ.get("VECTORKIT_DATA_DIR")
    if env:
        folder = Path(env).expanduser()
    else:
        folder = Path(__file__).resolve().parent.parent / "datasets"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the course data folder {folder} does not exist. vectorkit finds its data in the "
            "datasets/ folder of the course checkout: install with `make setup` (an editable "
            "install) or set VECTORKIT_DATA_DIR to that folder."
        )
    return folder


def data_file(*parts: str) -> Path:
    """Return the path of one data file, with a clear error if it is missing."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"course data file {path} is missing; is the checkout complete?")
    return path
