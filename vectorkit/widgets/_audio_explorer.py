"""audio_explorer: pick a sound, play it, see its tags and nearest sounds."""

from __future__ import annotations

import functools
import io
import os

import numpy as np

from vectorkit.widgets._common import (
    StaticFallback,
    bar,
    check_item,
    check_k,
    check_model,
    cosine_index,
    embed,
    error_html,
    esc,
    fmt,
    names_list,
    neighbour_pairs,
    require_ipywidgets,
    use_static,
)

_TAG_COLOUR = "#c77c11"  # tag probabilities: another colour than cosine bars

__all__ = ["SoundCollection", "audio_explorer"]


def _to_16k(sound, sample_rate, name):
    from vectorkit import audio as vk_audio

    if hasattr(sound, "audio") and hasattr(sound, "sample_rate"):  # a dataset Sound
        return vk_audio.to_mono(sound.audio, sound.sample_rate, name=name)
    if isinstance(sound, str | os.PathLike):
        return vk_audio.to_mono(sound, name=name)
    return vk_audio.to_mono(sound, sample_rate, name=name)


class SoundCollection:
    """Sounds (16 kHz mono), names, embeddings and tags: the pure part of audio_explorer."""

    RATE = 16000

    def __init__(self, model, sounds, names=None, sample_rate=None, top_k: int = 5):
        check_model(model, "audio")
        if isinstance(sounds, dict):
            names, sounds = list(sounds), list(sounds.values())
        if not isinstance(sounds, list | tuple) or len(sounds) < 2:
            got = f"{len(sounds)}" if isinstance(sounds, list | tuple) else type(sounds).__name__
            raise ValueError("`sounds` must be a list (or dict name -> sound) of at least 2 "
                             f"sounds, got {got}")
        if names is None and all(hasattr(s, "name") for s in sounds):
            names = [s.name for s in sounds]
        self.names = names_list(names, len(sounds), "sound", "names")
        self.top_k = check_k(top_k, "top_k")
        self.samples = [_to_16k(s, sample_rate, f"sounds[{i}]") for i, s in enumerate(sounds)]
        self.model = model
        self.vectors = embed(model, self.samples, sample_rate=self.RATE)
        self.index = cosine_index(self.vectors, "sounds")
        self._tags: dict[int, list] = {}

    def neighbours(self, i: int, k: int = 3) -> list[tuple[int, float]]:
        """``(index, cosine)`` of the ``k`` sounds nearest to sound ``i``, best first."""
        return neighbour_pairs(self.index, check_item(i, len(self.samples), "sound"), check_k(k))

    def tags(self, i: int) -> list[tuple[str, float]]:
        """The model's top tags for sound ``i`` (empty if the model has no classifier)."""
        if i not in self._tags:
            try:
                pairs = self.model.classify(self.samples[i], top_k=self.top_k,
                                            sample_rate=self.RATE)
            except (NotImplementedError, AttributeError):
                pairs = []
            self._tags[i] = [(str(label), float(s)) for label, s in pairs]
        return self._tags[i]

    def wav_bytes(self, i: int) -> bytes:
        """Sound ``i`` as a 16-bit WAV file in memory (for a player)."""
        import soundfile as sf

        buf = io.BytesIO()
        sf.write(buf, np.clip(self.samples[i], -1, 1), self.RATE, format="WAV", subtype="PCM_16")
        return buf.getvalue()

    def report_html(self, i: int, k: int = 3) -> str:
        """Tags and nearest sounds of sound ``i`` as HTML."""
        tags = self.tags(i)
        tag_rows = "".join(f"<tr><td>{esc(t)}</td><td>{fmt(s)}</td>"
                           f"<td>{bar(s, 0, 1, _TAG_COLOUR)}</td></tr>" for t, s in tags)
        tag_rows = tag_rows or "<tr><td><i>this model has no tags</i></td></tr>"
        near = "".join(f"<tr><td>{esc(self.names[j])}</td><td class='vk-score'>{fmt(s)}</td>"
                       f"<td>{bar(s, -1, 1)}</td></tr>" for j, s in self.neighbours(i, k))
        # two separate tables on two different scales, each saying its own in its header
        return (f'<p class="vk-sound">Sound <b>{esc(self.names[i])}</b> '
                f"({len(self.samples[i]) / self.RATE:.2f} s)</p>"
                f'<table class="vk-tags"><caption>Tags: the model\'s probability for each '
                f"tag, from 0 to 1</caption><tr><th>tag</th><th>probability</th>"
                f"<th>0 to 1</th></tr>{tag_rows}</table>"
                f'<table class="vk-nearest"><caption>Nearest sounds: cosine similarity of the '
                f"embeddings, from -1 to 1 (the tick marks 0)</caption><tr><th>nearest sound"
                f"</th><th>cosine</th><th>-1 to 1</th></tr>{near}</table>")


@functools.cache
def _audio_class():
    widgets = require_ipywidgets()

    class AudioExplorer(StaticFallback, widgets.VBox):
        """Pick a sound, play it, see its tags and nearest sounds (see audio_explorer)."""

        def __init__(self, collection: SoundCollection, k: int):
            self.collection, self.k = collection, k
            self.hits: list = []
            options = [(n, i) for i, n in enumerate(collection.names)]
            self.picker = widgets.Dropdown(options=options, value=0, description="sound:")
            self.player = widgets.Audio(format="wav", autoplay=False, loop=False)
            self.report = widgets.HTML()
            super().__init__([self.picker, self.player, self.report])
            self.picker.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            try:
                i = self.picker.value
                self.hits = self.collection.neighbours(i, self.k)
                self.player.value = self.collection.wav_bytes(i)
                self.report.value = self.collection.report_html(i, self.k)
            except Exception as exc:
                self.hits = []
                self.report.value = error_html(exc)

        def static_html(self) -> str:
            import base64

            data = base64.b64encode(self.player.value).decode("ascii")
            return (f'<audio controls src="data:audio/wav;base64,{data}"></audio>'
                    + self.report.value)

        def summary(self) -> str:
            i = self.picker.value
            tags = ", ".join(t for t, _ in self.collection.tags(i)) or "none"
            near = ", ".join(self.collection.names[j] for j, _ in self.hits)
            return f"Sound {self.collection.names[i]!r}: tags {tags}; nearest: {near}"

    return AudioExplorer


def audio_explorer(model, sounds, names=None, *, sample_rate=None, k=3, top_k=5, static=None):
    """Pick a sound, play it, see the model's tags for it and its nearest sounds.

    Args:
        model: an audio model (``vk.load_model("audio")``) or anything with
            ``embed(list, sample_rate=...)`` (and optionally ``classify``).
        sounds: ``vk.datasets.load_sounds()``, a list of arrays (with ``sample_rate``) or
            paths, or a dict name -> sound.
        names: a name per sound (default: the sounds' own names or "sound 0", ...).
        sample_rate: the rate of array sounds.
        k: nearest sounds shown; top_k: tags shown.
        static: ``True`` returns a pandas DataFrame (tags and nearest sounds of every sound).

    Example:
        >>> import vectorkit as vk
        >>> w = audio_explorer(vk.load_model("audio"), vk.datasets.load_sounds()[:4])
    """
    collection = SoundCollection(model, sounds, names, sample_rate, top_k)
    k = min(check_k(k), len(collection.samples) - 1)
    if use_static(static):
        import pandas as pd

        rows = [{"sound": n,
                 "tags": ", ".join(f"{t} {s:.2f}" for t, s in collection.tags(i)),
                 "nearest": ", ".join(f"{collection.names[j]} {s:.2f}"
                                      for j, s in collection.neighbours(i, k))}
                for i, n in enumerate(collection.names)]
        return pd.DataFrame(rows)
    return _audio_class()(collection, k)
