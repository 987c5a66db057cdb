"""Every exception a user or a notebook may want to catch, in one public place.

Each class says what went wrong; the message of each raised instance says what to do.
The built-in exceptions (``ValueError`` for a bad value, ``TypeError`` for a bad type,
``FileNotFoundError``, ``ModuleNotFoundError`` for a missing optional package) are used
everywhere else and are not repeated here.

Example:
    >>> import vectorkit as vk
    >>> issubclass(vk.errors.HubUnavailableError, RuntimeError)
    True
"""

from __future__ import annotations

import pickle

__all__ = ["HubUnavailableError", "CorruptCacheError", "CheckpointError", "UnsafePickleError",
           "MarkupError"]


class HubUnavailableError(RuntimeError):
    """A TF Hub model could not be downloaded (no network, blocked host, HTTP error)."""


class CorruptCacheError(RuntimeError):
    """A cached TF Hub model is incomplete or unreadable."""


class CheckpointError(RuntimeError):
    """A model checkpoint is missing a variable, has a wrong shape, or is unreadable."""


class UnsafePickleError(pickle.UnpicklingError):
    """A weights file asked for a Python object that is not a tensor, storage or OrderedDict."""


class MarkupError(ValueError):
    """A solution notebook's exercise markers are malformed (the message says where)."""
