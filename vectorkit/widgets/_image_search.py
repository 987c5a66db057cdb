"""image_search: pick an image, see its nearest neighbours with their scores."""

from __future__ import annotations

import functools

from vectorkit.widgets._common import (
    FigureView,
    check_item,
    check_k,
    check_model,
    cosine_index,
    embed,
    error_html,
    names_list,
    neighbour_pairs,
    require_ipywidgets,
    use_static,
)

__all__ = ["ImageCollection", "image_search"]


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

        check_model(model, "image")
        single, rgb = as_images(images, "images")
        if single or len(rgb) < 2:
            got = "a single image" if single else f"{len(rgb)}"
            raise ValueError(f"`images` must be a list of at least 2 images, got {got}")
        self.images = rgb
        self.captions = names_list(captions, len(rgb), "image", "captions")
        self.vectors = embed(model, rgb)
        self.index = cosine_index(self.vectors, "images")

    def neighbours(self, i: int, k: int = 4) -> list[tuple[int, float]]:
        """``(index, cosine)`` of the ``k`` images nearest to image ``i``, best first."""
        return neighbour_pairs(self.index, check_item(i, len(self.images), "image"), check_k(k))

    def figure(self, i: int, k: int = 4):
        """The query image and its neighbours as a ``vk.plot.search_results`` figure."""
        from vectorkit.plot import search_results

        hits = self.neighbours(i, k)
        return search_results(self.images[i], [(self.images[j], s) for j, s in hits],
                              title=f"Nearest to {self.captions[i]!r}",
                              score_label="cosine similarity",
                              names=[self.captions[j] for j, _ in hits])


@functools.cache
def _image_class():
    widgets = require_ipywidgets()

    class ImageSearch(FigureView, widgets.VBox):
        """Pick an image, see its nearest neighbours (see :func:`image_search`)."""

        default_summary = "Image search"

        def __init__(self, collection: ImageCollection, k: int):
            self.collection, self.k = collection, k
            self.hits: list = []
            options = [(c, i) for i, c in enumerate(collection.captions)]
            self.picker = widgets.Dropdown(options=options, value=0, description="image:")
            self.picture = widgets.HTML()
            self.caption = widgets.HTML()
            super().__init__([self.picker, self.picture, self.caption])
            self.add_class("vk-image-search")
            self.picker.observe(self.update, names="value")
            self.update()

        def update(self, change=None):
            try:
                i = self.picker.value
                self.hits = self.collection.neighbours(i, self.k)
                self.show_figure(self.collection.figure(i, self.k))
            except Exception as exc:
                self.hits = []
                self.caption.value = error_html(exc)

    return ImageSearch


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
    query = check_item(query, len(collection.images), "image", "query")
    if use_static(static):
        return collection.figure(query, k)
    widget = _image_class()(collection, k)
    if query:
        widget.picker.value = query
    return widget
