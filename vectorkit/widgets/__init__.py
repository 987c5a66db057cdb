"""Interactive widgets for the course (ipywidgets), each a thin shell over a pure function.

=====================  ==============================================  =====================
widget                 what it does                                    pure part (testable)
=====================  ==============================================  =====================
similarity_explorer    2-3 text boxes, live cosine/Euclidean/dot        compare_texts
search_box             query box, keyword vs semantic toggle            SearchEngine
image_search           pick an image, see its nearest neighbours        ImageCollection
audio_explorer         pick a sound, play it, tags + nearest sounds     SoundCollection
projection_explorer    PCA/t-SNE/UMAP dropdown, perplexity and          Projection
                       neighbours sliders
=====================  ==============================================  =====================

Every widget has a static fallback: ``static=True`` returns a plain table (pandas DataFrame)
or figure instead, and a displayed widget also carries an HTML snapshot that notebook viewers
without widget support show in its place.

Example:
    >>> import vectorkit as vk
    >>> w = vk.widgets.similarity_explorer(vk.load_model("text"), ["a cat", "a kitten"])
    >>> w.boxes[0].value = "a dog"          # typing updates w.rows and the table
"""

from vectorkit.widgets._audio_explorer import SoundCollection, audio_explorer
from vectorkit.widgets._image_search import ImageCollection, image_search
from vectorkit.widgets._projection import Projection, projection_explorer
from vectorkit.widgets._search import SearchEngine, results_html, search_box
from vectorkit.widgets._similarity import compare_texts, similarity_explorer, similarity_table_html

__all__ = ["similarity_explorer", "search_box", "image_search", "audio_explorer",
           "projection_explorer", "compare_texts", "similarity_table_html", "SearchEngine",
           "results_html", "ImageCollection", "SoundCollection", "Projection"]
