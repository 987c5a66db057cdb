"""What a check found, as data: :class:`Mismatch` (a reason with a ``kind``) and its outcomes.

The checker decides by these kinds, never by the wording of a message, so rewording a
message cannot change a verdict.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

#: The kinds of :class:`Mismatch`. "value": right kind of answer, wrong value; the others say
#: the answer is the wrong kind of thing: "type" (a str instead of a number...), "shape",
#: "length" (number of items), "nan", "keys" (a dict's keys), "choice" (not one of the
#: allowed answers), "iterator" (a generator or other one-shot iterator), "explained" (a
#: custom check's own explanation).
KINDS = ("value", "type", "shape", "length", "nan", "keys", "choice", "iterator", "explained")


class Mismatch(str):
    """Why an answer does not match: its text (a ``str``) and its :attr:`kind` (one of :data:`KINDS`).

    It is a ``str`` so that code written for the plain-text reasons of earlier versions keeps
    working; the checker itself decides by ``kind``, never by the wording.

    Example:
        >>> m = Mismatch("value", "that is not the right value")
        >>> m.kind, m == "that is not the right value", m.wrong_value
        ('value', True, True)
    """

    kind: str

    def __new__(cls, kind: str, text: str):
        if kind not in KINDS:
            raise ValueError(f"`kind` must be one of {list(KINDS)}, got {kind!r}")
        self = super().__new__(cls, text)
        self.kind = kind
        return self

    @property
    def text(self) -> str:
        return str.__str__(self)

    @property
    def outcome(self) -> str:
        """The check result's kind this reason leads to: its :attr:`kind`, unless a subclass
        says more ("mistake": a recognised typical mistake, "forbidden", "timeout")."""
        return self.kind

    @property
    def wrong_value(self) -> bool:
        """True when the answer is the right kind of thing but a wrong value."""
        return self.kind == "value"

    def with_text(self, text: str) -> Mismatch:
        """The same kind with another text (e.g. a prefix naming the test case)."""
        return Mismatch(self.kind, text)

    def __repr__(self) -> str:
        return f"Mismatch({self.kind!r}, {self.text!r})"

    def __reduce__(self):
        return (Mismatch, (self.kind, self.text))


class Recognised(Mismatch):
    """A wrong answer that a :class:`Mistake` recognised (its check result has kind "mistake")."""

    outcome = "mistake"

    def __new__(cls, text: str):
        return super().__new__(cls, "value", text)

    def __reduce__(self):
        return (Recognised, (self.text,))


class Forbidden(Mismatch):
    """The learner handed in or called a library function the exercise forbids."""

    outcome = "forbidden"

    def __new__(cls, text: str):
        return super().__new__(cls, "explained", text)

    def __reduce__(self):
        return (Forbidden, (self.text,))


class TimedOut(Mismatch):
    """The learner's function did not return within the time limit."""

    outcome = "timeout"

    def __new__(cls, text: str):
        return super().__new__(cls, "explained", text)

    def __reduce__(self):
        return (TimedOut, (self.text,))


def as_mismatch(outcome) -> Mismatch | None:
    """A custom check's outcome as a :class:`Mismatch`: ``None``/``True`` mean a match.

    ``False`` is a wrong value; a plain ``str`` is the check's own explanation (kind
    ``"explained"``); a :class:`Mismatch` is kept.

    Example:
        >>> as_mismatch(False).kind, as_mismatch("return a list").kind, as_mismatch(True)
        ('value', 'explained', None)
    """
    if outcome is None or outcome is True:
        return None
    if isinstance(outcome, Mismatch):
        return outcome
    if outcome is False:
        return Mismatch("value", "that is not right")
    return Mismatch("explained", str(outcome))


def one_shot(x) -> bool:
    """True for a generator or other iterator: it can be read only once and may never end.

    Example:
        >>> one_shot(x for x in range(3)), one_shot(range(3)), one_shot([1])
        (True, False, False)
    """
    return isinstance(x, Iterator) and not isinstance(x, (str, bytes, np.ndarray))
