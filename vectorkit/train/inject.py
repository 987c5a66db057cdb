"""Known problems injected into clean data, so that data-quality tools can be measured.

A detector of near-duplicates or of wrong labels can only be scored on data whose problems
you know. These functions add them on purpose and return where they are: near-copies of
texts (small edits a scraper or a second upload would make) and flipped labels.
"""

from __future__ import annotations

import numpy as np

from vectorkit._validation import check_k

__all__ = ["near_copies", "flip_labels", "EDITS"]

#: The edits :func:`near_copies` makes, used in turn: lower-case, one pair of neighbouring
#: letters swapped (a typo), a word put in front, the final punctuation changed.
EDITS = ("lower-case", "typo", "prefix", "punctuation")


def _seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"`seed` must be an integer, got {seed!r}")
    return int(seed)


def _edit(text: str, kind: str, rng: np.random.Generator) -> str:
    if kind == "lower-case":
        return text.lower()
    if kind == "typo":
        words = text.split()
        long = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
        if not long:
            return text + " ."
        i = int(rng.choice(long))
        w = words[i]
        letters = len(w.rstrip(".,;:!?"))
        spots = [j for j in range(1, letters - 2) if w[j] != w[j + 1]] or [1]
        j = int(rng.choice(spots))
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(words)
    if kind == "prefix":
        return "Note: " + text
    stripped = text.rstrip(".!?")
    return stripped + ("!" if text.endswith(".") else ".")


def near_copies(texts, n: int, *, seed: int = 0) -> tuple[list[str], list[tuple[int, int]]]:
    """Append near-copies of ``n`` distinct texts, each with one small edit (see ``EDITS``).

    Args:
        texts: list of strings (the clean collection).
        n: how many texts to copy, ``1..len(texts)``; the edits of :data:`EDITS` are used
            in turn.
        seed: which texts are copied and where a typo goes.

    Returns:
        ``(texts + copies, pairs)``: the ``k``-th copy is at ``len(texts) + k`` and
        ``pairs[k] = (original index, copy index)``. Time and memory O(total characters).

    Example:
        >>> import vectorkit as vk
        >>> out, pairs = vk.train.near_copies(["The cat sleeps.", "Rain is coming."], 2)
        >>> len(out), sorted(i for i, _ in pairs), [j for _, j in pairs]
        (4, [0, 1], [2, 3])
    """
    if isinstance(texts, str) or not isinstance(texts, list | tuple) \
            or not all(isinstance(t, str) for t in texts):
        raise TypeError(f"`texts` must be a list of strings, got {type(texts).__name__}")
    n = check_k(n, "n")
    if n > len(texts):
        raise ValueError(f"`n` must be at most the number of texts {len(texts)}, got {n}")
    rng = np.random.default_rng(_seed(seed))
    chosen = rng.choice(len(texts), size=n, replace=False)
    copies = [_edit(texts[int(i)], EDITS[k % len(EDITS)], rng) for k, i in enumerate(chosen)]
    pairs = [(int(i), len(texts) + k) for k, i in enumerate(chosen)]
    return list(texts) + copies, pairs


def flip_labels(labels, n: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Give ``n`` distinct items a different label, drawn at random from the other labels.

    Args:
        labels: 1-D sequence of labels with at least two distinct values.
        n: how many labels to flip, ``1..len(labels)``.
        seed: which items are flipped and to what.

    Returns:
        ``(new_labels, flipped)``: a copy of the labels as an array, and the sorted indices
        that were changed (each now differs from its original label).

    Example:
        >>> import vectorkit as vk
        >>> new, flipped = vk.train.flip_labels(["a", "a", "b", "b"], 1, seed=0)
        >>> len(flipped), int((new != ["a", "a", "b", "b"]).sum())
        (1, 1)
    """
    if isinstance(labels, str) or not hasattr(labels, "__len__"):
        raise TypeError(f"`labels` must be a list or 1-D array of labels, "
                        f"got {type(labels).__name__}")
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"`labels` must be 1-D, got shape {arr.shape}")
    values = np.unique(arr)
    if len(values) < 2:
        raise ValueError(f"`labels` must hold at least two distinct labels, got {values.tolist()}")
    n = check_k(n, "n")
    if n > len(arr):
        raise ValueError(f"`n` must be at most the number of labels {len(arr)}, got {n}")
    rng = np.random.default_rng(_seed(seed))
    flipped = np.sort(rng.choice(len(arr), size=n, replace=False))
    new = arr.copy()
    for i in flipped:
        others = values[values != arr[i]]
        new[i] = others[rng.integers(len(others))]
    return new, flipped
