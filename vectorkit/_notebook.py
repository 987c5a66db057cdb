"""Notebook conveniences, applied only when a notebook asks for them."""

from __future__ import annotations

import os
import sys


def setup_notebook(seed: int = 0, quiet_tensorflow: bool = True) -> None:
    """Prepare a course notebook: readable figures and fixed random seeds.

    Nothing here runs at import time; call it in a notebook's setup cell. TensorFlow is not
    loaded here: vectorkit loads it, with its start-up notices hidden, when a model first
    needs it (see :mod:`vectorkit._tf`).

    Args:
        seed: seed for Python's, numpy's and (once loaded) TensorFlow's random generators.
        quiet_tensorflow: keep TensorFlow's C++ logs to warnings and errors
            (``TF_CPP_MIN_LOG_LEVEL=2``, unless you set it yourself); ``False`` shows them all.

    Example:
        >>> import vectorkit as vk
        >>> vk.setup_notebook()
    """
    import random

    import matplotlib as mpl
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2" if quiet_tensorflow else "0")
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "random"):
        tf.random.set_seed(seed)
    mpl.rcParams.update({
        "figure.figsize": (7.0, 4.5),
        "figure.dpi": 100,
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": "viridis",
    })
