"""Notebook conveniences, applied only when a notebook asks for them."""

from __future__ import annotations


def setup_notebook(seed: int = 0, quiet_tensorflow: bool = True) -> None:
    """Prepare a course notebook: readable figures, a fixed random seed, quiet TensorFlow logs.

    Nothing here runs at import time; call it in a notebook's setup cell.

    Example:
        >>> import vectorkit as vk
        >>> vk.setup_notebook()
    """
    import os
    import random

    import matplotlib as mpl
    import numpy as np

    if quiet_tensorflow:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    random.seed(seed)
    np.random.seed(seed)
    mpl.rcParams.update({
        "figure.figsize": (7.0, 4.5),
        "figure.dpi": 100,
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": "viridis",
    })
