"""Load any TF Hub handle or local SavedModel directory and wrap it by its input signature."""

from __future__ import annotations

from pathlib import Path

from vectorkit.models import _hub, _hub_audio, _hub_image
from vectorkit.models._hub_text import HubTextModel
from vectorkit.models._signature import guess_modality


def load_saved_model(handle: str, modality: str | None = None, name: str | None = None):
    """Load a TF Hub URL or local SavedModel folder as a vectorkit model.

    The modality is read from the model's input signature unless given.
    """
    obj = _hub.load(handle)
    source = "tfhub" if _hub.is_url(handle) else "local"
    modality = modality or guess_modality(obj)
    label = name or (handle.rstrip("/") if _hub.is_url(handle) else Path(handle).name)
    if modality == "text":
        return HubTextModel(obj, name=label, source=source, handle=handle)
    wrap = {"image": _hub_image.from_saved_model, "audio": _hub_audio.from_saved_model}
    if modality not in wrap:
        raise ValueError(f"`modality` must be one of ['audio', 'image', 'text'], got {modality!r}")
    return wrap[modality](obj, name=label, source=source, handle=handle)
