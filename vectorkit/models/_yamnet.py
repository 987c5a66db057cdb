"""YAMNet from TF Hub: 521 AudioSet sound classes, a 1024-d embedding every 0.48 s.

YAMNet takes a 16 kHz mono float32 waveform in [-1, 1] and returns, for each 0.96 s window
(hop 0.48 s), class scores (independent sigmoids, not a softmax) and a 1024-d embedding,
plus the 64-band log-mel spectrogram it computed. Class names come from the model's own
``class_map_path()`` CSV. vectorkit feeds long recordings in 60 s chunks aligned with the
window grid, so memory stays bounded and the windows are the same as for one call.

Example (needs the model from tfhub.dev or the TF Hub cache):
    >>> import vectorkit as vk                                   # doctest: +SKIP
    >>> yam = vk.load_model("yamnet")                            # doctest: +SKIP
    >>> yam.classify(vk.datasets.load_sounds().get("siren wail"))   # doctest: +SKIP
"""

from __future__ import annotations

from vectorkit.models import _hub
from vectorkit.models._hub_audio import HubAudioModel

HANDLE = "https://tfhub.dev/google/yamnet/1"


def load(spec=None, handle: str | None = None) -> HubAudioModel:
    """Load YAMNet (``"yamnet"``); ``handle`` overrides the hub URL (tests, mirrors, a folder)."""
    handle = handle or (spec.handle if spec else HANDLE)
    obj = _hub.load(handle, bundled=spec.bundled_alternative if spec else "musicnn")
    model = HubAudioModel(obj, name=spec.name if spec else "yamnet",
                          source="tfhub" if _hub.is_url(handle) else "local", handle=handle,
                          version="1", description=spec.description if spec else "")
    if model.layout != "yamnet" or not model.labels:
        raise ValueError(f"`handle` {handle!r} is not a YAMNet model: expected outputs "
                         "(scores, embeddings, log_mel) and a class_map_path() CSV, got "
                         f"layout {model.layout!r} with {len(model.labels)} class names")
    return model
