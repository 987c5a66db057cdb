"""Run a learner's code under a time limit, without killing the kernel.

A check calls code the learner wrote, and that code may never return (``while True``, a
recursion that loops, a ``sleep``). A thread with a timeout cannot stop it: Python has no way
to kill a thread, so the loop would go on using the CPU and changing the notebook's state.
What can stop it is an exception raised *inside* the running code:

* on Linux and macOS, in the main thread (where Jupyter runs a cell), an interval timer
  (``signal.setitimer(ITIMER_REAL)``) delivers ``SIGALRM``; the handler raises
  :class:`CheckTimeout`, which unwinds the learner's code (its ``finally`` blocks run) and
  the check reports it. A timer set by someone else (pytest-timeout, an outer check) is
  saved and re-armed with what was left of it afterwards;
* on Windows (no ``SIGALRM``), in the main thread, a timer thread calls
  ``_thread.interrupt_main()``, which raises the same exception in the main thread through a
  ``SIGINT`` handler installed for the duration of the call (a real Ctrl-C / kernel interrupt
  during the call still raises ``KeyboardInterrupt``);
* in any other thread there is no safe way to interrupt, so the code runs without a limit
  (:func:`limit_available` says so, and the grader's own per-cell limit still applies).

The exception is raised between two Python bytecodes: a single long call into compiled code
(one huge numpy operation, a blocking read) is interrupted only when it returns.
"""

from __future__ import annotations

import _thread
import signal
import threading
import time
from collections.abc import Callable

#: Default time limit, in seconds, for one call of a learner's function.
DEFAULT_SECONDS = 30.0


class CheckTimeout(BaseException):  # noqa: N818 -- not an error of the checker: a stop signal
    """Raised inside the learner's code when its time is up (a BaseException, so that an
    ``except Exception:`` in the learner's code does not swallow it)."""


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def limit_available() -> str | None:
    """How a time limit is enforced here: ``"alarm"``, ``"interrupt"`` or ``None`` (none)."""
    if not _main_thread():
        return None
    return "alarm" if hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM") else \
        "interrupt"


def call_with_limit(func: Callable, args: tuple = (), kwargs: dict | None = None,
                    seconds: float | None = DEFAULT_SECONDS, *, how: str | None = "auto"):
    """Call ``func(*args, **kwargs)``; raise :class:`CheckTimeout` after ``seconds``.

    ``seconds=None`` (or no way to interrupt in this thread) calls it without a limit.

    Example:
        >>> call_with_limit(sum, ([1, 2, 3],), seconds=1)
        6
        >>> def forever():
        ...     while True:
        ...         pass
        >>> try:
        ...     call_with_limit(forever, seconds=0.05)
        ... except CheckTimeout:
        ...     print("stopped")
        stopped
    """
    kwargs = kwargs or {}
    how = limit_available() if how == "auto" else how
    if seconds is None or how is None:
        return func(*args, **kwargs)
    if not seconds > 0:
        raise ValueError(f"`seconds` must be a positive number or None, got {seconds!r}")
    if how == "alarm":
        return _with_alarm(func, args, kwargs, float(seconds))
    if how == "interrupt":
        return _with_interrupt(func, args, kwargs, float(seconds))
    raise ValueError(f"`how` must be 'auto', 'alarm', 'interrupt' or None, got {how!r}")


def _with_alarm(func, args, kwargs, seconds):
    state = {"armed": True}

    def on_alarm(signum, frame):
        if state["armed"]:
            state["armed"] = False
            raise CheckTimeout(seconds)

    start = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            return func(*args, **kwargs)
        finally:
            state["armed"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:  # someone else's timer: give it back what was left of it
            left = previous_delay - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), previous_interval)


def _with_interrupt(func, args, kwargs, seconds):
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def fire():
        with lock:
            if state["armed"]:
                state["fired"] = True
                _thread.interrupt_main(signal.SIGINT)

    def on_sigint(signum, frame):
        if not state["fired"]:
            raise KeyboardInterrupt  # a real interrupt (Ctrl-C, the kernel's stop button)
        if state["armed"]:
            state["armed"] = False
            raise CheckTimeout(seconds)
        # our own interrupt arriving after the call returned: nothing to stop any more

    previous_handler = signal.signal(signal.SIGINT, on_sigint)
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            return func(*args, **kwargs)
        finally:
            with lock:
                state["armed"] = False
            timer.cancel()
    finally:
        signal.signal(signal.SIGINT, previous_handler)
