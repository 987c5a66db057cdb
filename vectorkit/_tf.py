"""The one place vectorkit imports TensorFlow: lazily, once, without start-up noise.

TensorFlow's C++ start-up notices (the oneDNN notice, CUDA probing on a machine without a
GPU) are written straight to file descriptor 2 before any Python logging setting applies;
in a notebook they show up as alarming red text in the first model cell. vectorkit hides
them while TensorFlow loads, unless you ask for them with ``TF_CPP_MIN_LOG_LEVEL=0``.
Python exceptions are not affected: a broken install still raises.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

_lock = threading.Lock()


@contextlib.contextmanager
def silenced_fd2():
    """Send the process's C-level stderr (fd 2) to /dev/null for the duration of the block."""
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


def tensorflow():
    """Return the ``tensorflow`` module, importing it quietly on first use.

    Example:
        >>> from vectorkit._tf import tensorflow
        >>> tf = tensorflow()
        >>> int(tf.reduce_sum(tf.ones(3)))
        3
    """
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "config"):
        return tf
    with _lock:
        if os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0":
            import tensorflow as tf

            return tf
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        with silenced_fd2():
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe logs here, once
        return tf
