"""A value question whose reference answer is computed on first use (it needs a model or data)."""

from __future__ import annotations

from collections.abc import Callable

from vectorkit.exercises._checker.core import ValueQuestion


class LazyValueQuestion(ValueQuestion):
    """A :class:`ValueQuestion` whose answer is ``compute()``, called at the first check.

    Importing the exercise module then stays fast (no model is loaded until a learner checks
    an answer); ``compute`` should cache its result (e.g. ``functools.lru_cache``).

    Example:
        >>> q = LazyValueQuestion("What is 6 x 7?", lambda: 42)
        >>> q.check(42).status, q.check(41).status
        ('correct', 'incorrect')
    """

    def __init__(self, prompt: str, compute: Callable[[], object], **kwargs):
        if not callable(compute):
            raise TypeError(f"`compute` must be a function returning the answer, got "
                            f"{type(compute).__name__}")
        super().__init__(prompt, 0.0, **kwargs)
        self._compute = compute

    @property
    def reference(self):
        return self._compute()

    @reference.setter
    def reference(self, value):  # ValueQuestion.__init__ stores its placeholder answer here
        pass
