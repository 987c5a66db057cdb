"""Row ids of a search index: default 0..n-1, or user-given unique strings / integers."""

from __future__ import annotations

import numpy as np


def _check_id(value, where: str):
    """Return ``value`` as a plain ``str`` or ``int``, or raise naming where it was found."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"`ids` must hold strings or integers, got the boolean {value!r} {where}")
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | np.integer):
        if not -(2**63) <= int(value) < 2**63:
            raise ValueError(f"`ids` integers must fit in 64 bits, got {value!r} {where}")
        return int(value)
    raise ValueError(
        f"`ids` must hold strings or integers, got {type(value).__name__} {value!r} {where}"
    )


class IdMap:
    """Maps row positions to ids and back; refuses duplicates.

    While every id is its own position (the default ``0..n-1``), nothing is stored, so a
    million-row index with default ids costs no memory for them.
    """

    def __init__(self) -> None:
        self._list: list | None = None  # None: ids are 0..n-1
        self._pos: dict | None = None
        self._n = 0
        self._arr: np.ndarray | None = None  # cached array form of _list

    def __len__(self) -> int:
        return self._n

    @property
    def is_default(self) -> bool:
        """True while the ids are exactly 0..n-1."""
        return self._list is None

    def _materialise(self) -> None:
        if self._list is None:
            self._list = list(range(self._n))
            self._pos = {i: i for i in range(self._n)}

    def __contains__(self, value) -> bool:
        if self._list is None:
            return (isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
                    and 0 <= value < self._n)
        return value in self._pos

    def extend(self, ids, n: int) -> None:
        """Append ``n`` ids (``None``: the next positions); refuse duplicates and bad types."""
        if ids is None:
            if self._list is None:
                self._n += n
                return
            ids = range(self._n, self._n + n)
            clash = [i for i in ids if i in self._pos]
            if clash:
                raise ValueError(
                    f"the default ids {self._n}..{self._n + n - 1} of the new rows clash with "
                    f"existing ids (e.g. {clash[0]!r}); pass `ids=` explicitly"
                )
        if isinstance(ids, str | bytes) or not hasattr(ids, "__len__"):
            raise ValueError(
                f"`ids` must be a list of strings or integers (one per row), got "
                f"{type(ids).__name__}"
            )
        if len(ids) != n:
            raise ValueError(f"`ids` has {len(ids)} entries but there are {n} vectors")
        new = [_check_id(v, f"at position {i}") for i, v in enumerate(ids)]
        if self._list is None and new == list(range(self._n, self._n + n)):
            self._n += n
            return
        seen: dict = {}
        for i, v in enumerate(new):
            if v in seen:
                raise ValueError(
                    f"`ids` must be unique: {v!r} appears at positions {seen[v]} and {i}"
                )
            if v in self:
                raise ValueError(f"`ids` must be unique: {v!r} is already in the index")
            seen[v] = i
        self._materialise()
        for i, v in enumerate(new):
            self._pos[v] = self._n + i
        self._list.extend(new)
        self._n += n
        self._arr = None

    def take(self, positions: np.ndarray) -> np.ndarray:
        """Ids at ``positions`` (any shape): int64 if every id is an int, else object."""
        positions = np.asarray(positions, dtype=np.int64)
        if self._list is None:
            return positions.copy()
        if self._arr is None:
            if all(isinstance(v, int) for v in self._list):
                self._arr = np.asarray(self._list, dtype=np.int64)
            else:
                self._arr = np.empty(len(self._list), dtype=object)
                self._arr[:] = self._list
        return self._arr[positions]

    def to_list(self) -> list:
        """All ids as a Python list (a copy)."""
        return list(range(self._n)) if self._list is None else list(self._list)

    def to_json(self) -> list | None:
        """``None`` for default ids (documented in the index file format), else the list."""
        return None if self._list is None else list(self._list)
