"""image_search and audio_explorer: pick an item, see (and hear) its nearest neighbours."""

from __future__ import annotations

import functools
import io
import os

import numpy as np

from vectorkit.widgets._common import (
    StaticFallback,
    bar,
    check_k,
    embed,
    error_html,
    esc,
    figure_png,
    fmt,
    img_tag,
    nearest,
    require_ipywidgets,
    use_static,
)

__all__ = ["ImageCollection", "SoundCollection", "image_search", "audio_explorer"]


def _names(names, n: int, default: str) -> list[str]:
    if names is None:
        return [f"{default} {i}" for i in range(n)]
    if isinstance(names, str) or len(names) != n:
        got = len(names) if not isinstance(names, str) else "a string"
        raise ValueError(f"`captions`/`names` must be a list of {n} names, got {got}")
    return [str(x) for x in names]


class ImageCollection:
    """Images, their captions and embeddings: the pure part of :func:`image_search`.

    Example:
        >>> import numpy as np
        >>> class Mean:                      # any object with embed(list) works
        ...     def embed(self, imgs):
        ...         return np.array([[i.mean(), i.std() + 1] for i in imgs])
        >>> imgs = [np.full((4, 4, 3), v, np.uint8) for v in (0, 10, 250)]
        >>> ImageCollection(Mean(), imgs).neighbours(0, k=1)[0][0]
        1
    """

    def __init__(self, model, images, captions=None):
        from vectorkit.images import as_images

        single, rgb = as_images(images, "images")
        if single or len(rgb) < 2:
            raise ValueError("`images` must be a list of at least 2 images")
        self.images = rgb
        self.captions = _names(captions, len(rgb), "image")
        self.vectors = embed(model, rgb)

    def neighbours(self, i: int, k: int = 4) -> list[tuple[int, float]]:
        """``(index, cosine)`` of the ``k`` images nearest to image ``i``, best first."""
        if isinstance(i, bool) or not isinstance(i, int | np.integer) \
                or not 0 <= i < len(self.images):
            raise ValueError(f"`i` must be an image number 0..{len(self.images) - 1}, got {i!r}")
        return nearest(self.vectors, int(i), check_k(k))

    def figure(self, i: int, k: int = 4):
        """The query image and its neighbours as a ``vk.plot.search_results`` figure."""
        from vectorkit.plot import search_results

        hits = self.neighbours(i, k)
        return search_results(self.images[i], [(self.images[j], s) for j, s in hits],
                              title=f"Nearest to {self.captions[i]!r}",
                              score_label="cosine similarity",
                              names=[self.captions[j] for j, _ in hits])


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
        if isinstance(sounds, dict):
            names, sounds = list(sounds), list(sounds.values())
        if not isinstance(sounds, list | tuple) or len(sounds) < 2:
            raise ValueError("`sounds` must be a list (or dict name -> sound) of at least 2 "
                             f"sounds, got {type(sounds).__name__}")
        if names is None and all(hasattr(s, "name") for s in sounds):
            names = [s.name for s in sounds]
        self.names = _names(names, len(sounds), "sound")
        self.samples = [_to_16k(s, sample_rate, f"sounds[{i}]") for i, s in enumerate(sounds)]
        self.model = model
        self.vectors = embed(model, self.samples, sample_rate=self.RATE)
        self.top_k = check_k(top_k)
        self._tags: dict[int, list] = {}

    def neighbours(self, i: int, k: int = 3) -> list[tuple[int, float]]:
        if isinstance(i, bool) or not isinstance(i, int | np.integer) \
                or not 0 <= i < len(self.samples):
            raise ValueError(f"`i` must be a sound number 0..{len(self.samples) - 1}, got {i!r}")
        return nearest(self.vectors, int(i), check_k(k))

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
        tag_rows = "".join(f"<tr><td>{esc(t)}</td><td>{fmt(s)}</td><td>{bar(s)}</td></tr>"
                           for t, s in tags) or "<tr><td><i>this model has no tags</i></td></tr>"
        near = "".join(f"<tr><td>{esc(self.names[j])}</td><td class='vk-score'>{fmt(s)}</td>"
                       f"<td>{bar(s, -1, 1)}</td></tr>" for j, s in self.neighbours(i, k))
        return (f'<p class="vk-sound">Sound <b>{esc(self.names[i])}</b> '
                f"({len(self.samples[i]) / self.RATE:.2f} s)</p>"
                f'<table class="vk-tags"><tr><th>tag</th><th>score</th><th></th></tr>{tag_rows}'
                f'</table><table class="vk-nearest"><tr><th>nearest sound</th><th>cosine</th>'
                f"<th></th></tr>{near}</table>")


@functools.cache
def _classes():
    widgets = require_ipywidgets()

    class ImageSearch(StaticFallback, widgets.VBox):
        """Pick an image, see its nearest neighbours (see :func:`image_search`)."""

        def __init__(self, collection: ImageCollection, k: int):
            self.collection, self.k = collection, k
            self.hits: list = []
            options = [(c, i) for i, c in enumerate(collection.captions)]
            self.picker = widgets.Dropdown(options=options, value=0, description="image:")
            self.picture = widgets.Image(format="png")
            self.caption = widgets.HTML()
            super().__init__([self.picker, self.picture, self.caption])
            self.picker.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            from vectorkit.plot import alt_text

            try:
                i = self.picker.value
                self.hits = self.collection.neighbours(i, self.k)
                fig = self.collection.figure(i, self.k)
                self.alt = alt_text(fig)
                self.picture.value = figure_png(fig)
                self.caption.value = f'<p class="vk-alt">{esc(self.alt)}</p>'
            except Exception as exc:
                self.hits = []
                self.caption.value = error_html(exc)

        def static_html(self) -> str:
            return img_tag(self.picture.value, getattr(self, "alt", "")) + self.caption.value

        def summary(self) -> str:
            return getattr(self, "alt", "Image search")

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

    return ImageSearch, AudioExplorer


def image_search(model, images, captions=None, *, k=4, static=None, query=0):
    """Pick an image from a dropdown and see its ``k`` nearest neighbours with their scores.

    Args:
        model: an image model (``vk.load_model("image")``) or anything with ``embed(list)``.
        images: a list of images (paths, PIL images, arrays).
        captions: a name per image (default "image 0", "image 1", ...).
        k: neighbours shown.
        static: ``True`` returns the figure for image ``query`` instead of a widget.
        query: the image selected first (its number).

    Example:
        >>> import skimage.data as d, vectorkit as vk
        >>> w = image_search(vk.load_model("image"), [d.chelsea(), d.coffee(), d.astronaut()],
        ...                  ["cat", "coffee", "astronaut"], k=2)
        >>> w.picker.value = 1          # choose "coffee"
    """
    collection = ImageCollection(model, images, captions)
    k = min(check_k(k), len(collection.images) - 1)
    if use_static(static):
        return collection.figure(query, k)
    widget = _classes()[0](collection, k)
    if query:
        widget.picker.value = query
    return widget


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
    return _classes()[1](collection, k)
