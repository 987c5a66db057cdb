"""Notebook conveniences, applied only when a notebook asks for them."""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def _silenced_fd2():
    """Send the process's C-level stderr (fd 2) to /dev/null for the duration of the block.

    TensorFlow's C++ start-up messages (oneDNN notice, CUDA probing) are written straight to
    fd 2 before any Python logging setting applies; in a notebook they show up as alarming red
    text in the first model cell. Python exceptions are unaffected: they still propagate.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 (some embedded interpreters): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            sys.stderr.flush()
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def setup_notebook(seed: int = 0, quiet_tensorflow: bool = True) -> None:
    """Prepare a course notebook: readable figures, a fixed random seed, quiet TensorFlow.

    Nothing here runs at import time; call it in a notebook's setup cell.

    Args:
        seed: seed for Python's and numpy's global random generators.
        quiet_tensorflow: load TensorFlow now with its C++ start-up messages hidden and its
            log level set to warnings-and-errors only (adds a few seconds to this cell; the
            first model cell is that much faster).

    Example:
        >>> import vectorkit as vk
        >>> vk.setup_notebook(quiet_tensorflow=False)
    """
    import random

    import matplotlib as mpl
    import numpy as np

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
    if quiet_tensorflow:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        if "tensorflow" not in sys.modules:
            import importlib.util

            if importlib.util.find_spec("tensorflow") is not None:
                with _silenced_fd2():
                    import tensorflow as tf

                    tf.config.list_physical_devices()  # the CUDA probe logs here, once
                    tf.random.set_seed(seed)
        else:
            import tensorflow as tf

            tf.random.set_seed(seed)
