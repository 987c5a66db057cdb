"""Plots for the course (matplotlib): every function titles and labels its figure and stores
a short alt text describing what it shows.

Each function returns the new ``Figure`` (or the ``Axes`` you passed as ``ax=``), and
``vk.plot.alt_text(fig)`` returns the description a screen-reader user needs. Figures made
here show that text as their plain-text form in Jupyter and put it in the image output's
metadata as ``alt`` (nbconvert's classic HTML template writes it as the ``<img alt>``);
``vk.plot.savefig`` writes it into the file.

Example:
    >>> import numpy as np, vectorkit as vk
    >>> fig = vk.plot.scatter(np.array([[0, 0], [1, 1], [4, 5]]), labels=["a", "a", "b"])
    >>> vk.plot.alt_text(fig).startswith("Scatter plot")
    True
"""

from vectorkit.plot._charts import similarity_heatmap, top_classes
from vectorkit.plot._figure import AltFigure, alt_text, describe, figure, savefig
from vectorkit.plot._gallery import image_grid, search_results
from vectorkit.plot._overlay import occlusion_heat, occlusion_overlay
from vectorkit.plot._scatter import scatter
from vectorkit.plot._sound import spectrogram, waveform

__all__ = ["similarity_heatmap", "scatter", "image_grid", "search_results", "waveform",
           "spectrogram", "top_classes", "alt_text", "describe", "figure", "savefig", "AltFigure",
           "occlusion_heat", "occlusion_overlay"]  # issue 17: notebook 11
