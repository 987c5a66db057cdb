"""Association probes on embeddings: the WEAT effect size and its permutation test.

WEAT (Caliskan, Bryson and Narayanan, *Science* 2017) asks whether two sets of *target*
items (e.g. career words, family words) differ in how close they sit to two sets of
*attribute* items (e.g. male names, female names). For one target ``w``::

    s(w, X, Y) = mean_x cos(w, x) - mean_y cos(w, y)

and the effect size is the difference of the mean of ``s`` over the two target sets divided
by the sample standard deviation (``ddof=1``) of ``s`` over all targets. The p-value is
one-sided: the share of re-partitions of the pooled targets into two sets of the original
sizes whose difference of means is at least the observed one. A probe measures geometry in
one model on the items you chose; it does not show why, nor what the model does downstream.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from vectorkit._validation import as_vectors, check_k, check_model, check_nonzero_rows

#: More targets than this (both sets together) are refused: each permutation costs O(n).
MAX_TARGETS = 10_000
#: More permutations than this are refused (time is O(permutations x targets)).
MAX_PERMUTATIONS = 1_000_000
_CHUNK_CELLS = 1_000_000  # indices held at once (8 MB): permutations per chunk x targets


@dataclass(frozen=True)
class WEATResult:
    """What :func:`weat` measured.

    Attributes:
        effect_size: Caliskan et al.'s d (in standard deviations of ``s`` over all targets).
        p_value: one-sided permutation p-value for "set A is closer to X than set B is".
        n_permutations: how many re-partitions were compared.
        exact: True when every re-partition was enumerated, False when they were sampled.
    """

    effect_size: float
    p_value: float
    n_permutations: int
    exact: bool


def _vectors(items, name: str, model) -> np.ndarray:
    if isinstance(items, str):
        raise TypeError(f"`{name}` must be a list of texts or a 2-D array of vectors, "
                        f"got one string {items!r:.40}")
    if not hasattr(items, "__len__"):
        raise TypeError(f"`{name}` must be a list of texts or a 2-D array of vectors, "
                        f"got {type(items).__name__}")
    if len(items) == 0:
        raise ValueError(f"`{name}` is empty; expected at least one item")
    first = items[0]
    if isinstance(first, str):
        if model is None:
            raise ValueError(f"`{name}` holds texts: pass `model` (e.g. "
                             "vk.load_model('text')) to embed them, or pass vectors")
        if not all(isinstance(t, str) for t in items):
            raise TypeError(f"`{name}` mixes texts and other values; give texts only")
        items = model.embed(list(items))
    arr = as_vectors(items, name, dtype=np.float64, allow_1d=False)
    check_nonzero_rows(arr, name)
    return arr / np.linalg.norm(arr, axis=1, keepdims=True)


def _association(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """s(w, X, Y) for each (unit) row of ``w``."""
    return (w @ x.T).mean(axis=1) - (w @ y.T).mean(axis=1)


def weat(targets_a, targets_b, attributes_x, attributes_y, *, model=None,
         permutations: int = 10_000, seed: int = 0) -> WEATResult:
    """WEAT effect size and one-sided permutation p-value for targets A, B and attributes X, Y.

    Args:
        targets_a, targets_b: the two target sets: lists of texts (embedded with ``model``)
            or 2-D arrays of vectors ``(n, d)``. Sizes may differ; together at most
            ``MAX_TARGETS``.
        attributes_x, attributes_y: the two attribute sets, the same kinds of input.
        model: a text model with ``embed`` (needed only when a set holds texts).
        permutations: if the number of distinct re-partitions of the pooled targets is at
            most this, all of them are enumerated (``exact=True``); otherwise this many are
            sampled at random (``exact=False``, p-value ``(k + 1) / (permutations + 1)``).
        seed: seed of the sampling (ignored when exact).

    Returns:
        :class:`WEATResult`; a positive effect size means A sits closer to X (and B to Y).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> x, y = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
        >>> a, b = np.array([[1.0, 0.1], [1.0, 0.3]]), np.array([[0.1, 1.0], [0.2, 1.0]])
        >>> r = vk.train.weat(a, b, x, y)
        >>> round(r.effect_size, 2), r.p_value, r.n_permutations, r.exact
        (1.72, 0.16666666666666666, 6, True)
    """
    if model is not None:
        check_model(model, "text")
    permutations = check_k(permutations, "permutations")
    if permutations > MAX_PERMUTATIONS:
        raise ValueError(f"`permutations` must be at most {MAX_PERMUTATIONS:,}, "
                         f"got {permutations:,}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"`seed` must be an integer, got {seed!r}")
    sets = {name: _vectors(items, name, model) for name, items in [
        ("targets_a", targets_a), ("targets_b", targets_b),
        ("attributes_x", attributes_x), ("attributes_y", attributes_y)]}
    dims = {name: arr.shape[1] for name, arr in sets.items()}
    if len(set(dims.values())) > 1:
        raise ValueError(f"all four sets must have vectors of one length, got {dims}")
    a, b = sets["targets_a"], sets["targets_b"]
    n_a, n = len(a), len(a) + len(b)
    if n > MAX_TARGETS:
        raise ValueError(f"`targets_a` and `targets_b` together hold {n:,} items; "
                         f"at most {MAX_TARGETS:,} are allowed")
    s = _association(np.vstack([a, b]), sets["attributes_x"], sets["attributes_y"])
    spread = float(np.std(s, ddof=1))
    if not spread > 1e-12 * max(1.0, float(np.abs(s).max())):
        raise ValueError("every target has the same association s(w, X, Y) "
                         f"({float(s[0]):.3g}): the effect size is undefined")
    observed = float(s[:n_a].mean() - s[n_a:].mean())
    total = float(s.sum())
    n_partitions = math.comb(n, n_a)
    exact = n_partitions <= permutations
    count, done = 0, 0
    tol = 1e-9 * max(1.0, float(np.abs(s).sum()))  # the observed partition must count itself
    rng = np.random.default_rng(seed)
    combos = itertools.combinations(range(n), n_a) if exact else None
    todo = n_partitions if exact else permutations
    while done < todo:
        m = min(max(1, _CHUNK_CELLS // n), todo - done)
        if exact:
            idx = np.fromiter(itertools.chain.from_iterable(itertools.islice(combos, m)),
                              dtype=np.int64, count=m * n_a).reshape(m, n_a)
        else:
            idx = rng.permuted(np.tile(np.arange(n), (m, 1)), axis=1)[:, :n_a]
        sum_a = s[idx].sum(axis=1)
        stats = sum_a / n_a - (total - sum_a) / (n - n_a)
        count += int(np.count_nonzero(stats >= observed - tol))
        done += m
    p = count / n_partitions if exact else (count + 1) / (permutations + 1)
    return WEATResult(effect_size=observed / spread, p_value=float(p),
                      n_permutations=int(todo), exact=bool(exact))
