"""Load any TF Hub handle or local SavedModel directory and wrap it by its input signature."""

from __future__ import annotations

import hashlib
from pathlib import Path

from vectorkit.models import _hub, _hub_audio, _hub_image
from vectorkit.models._hub_text import HubTextModel
from vectorkit.models._signature import guess_modality


def content_version(folder) -> str:
    """A version string from the SavedModel's content: a hash of ``saved_model.pb`` and
    ``variables/variables.index`` (which holds a checksum of every variable's data), so two
    models in folders of the same name never share cached embeddings.

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "saved_model.pb").write_bytes(b"graph")
        >>> content_version(d)
        'c692d846762bda559'
    """
    digest = hashlib.sha256()
    for part in ("saved_model.pb", "variables/variables.index"):
        file = Path(folder) / part
        digest.update(part.encode() + b"\0")
        if file.is_file():
            with open(file, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
    return "c" + digest.hexdigest()[:16]


def load_saved_model(handle: str, modality: str | None = None, name: str | None = None):
    """Load a TF Hub URL or local SavedModel folder as a vectorkit model.

    The modality is read from the model's input signature unless given.
    """
    obj = _hub.load(handle)
    source = "tfhub" if _hub.is_url(handle) else "local"
    modality = modality or guess_modality(obj)
    label = name or (handle.rstrip("/") if _hub.is_url(handle) else Path(handle).name)
    if modality == "text":
        model = HubTextModel(obj, name=label, source=source, handle=handle)
    else:
        wrap = {"image": _hub_image.from_saved_model, "audio": _hub_audio.from_saved_model}
        if modality not in wrap:
            raise ValueError("`modality` must be one of ['audio', 'image', 'text'], got "
                             f"{modality!r}")
        model = wrap[modality](obj, name=label, source=source, handle=handle)
    # the cache key: what the folder holds, not what it is called
    model.version = content_version(_hub.resolve(handle))
    return model
