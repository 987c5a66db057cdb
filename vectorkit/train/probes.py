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

Two helpers go with it: :func:`mean_direction` (the direction from one set's centre to
another's, e.g. a "gender direction") and :func:`project_out` (remove such directions from
vectors, the "hard debiasing" step of Bolukbasi et al. 2016). Removing a direction removes
what a probe along it can see, not every trace of the association: it may remain in other
directions.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from vectorkit._validation import (
    as_vectors,
    check_k,
    check_model,
    check_nonzero_rows,
    check_same_dim,
    refuse_text,
    row_norms,
    unit_rows,
)

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


_ROW_CHUNK = 65_536  # rows projected at once in project_out


def _unit_mean(x: np.ndarray) -> np.ndarray:
    """Mean of the rows of ``x`` scaled to length 1, summed in blocks of rows."""
    total = np.zeros(x.shape[1])
    for s in range(0, len(x), _ROW_CHUNK):
        total += unit_rows(x[s:s + _ROW_CHUNK]).sum(axis=0)
    return total / len(x)


def mean_direction(a, b) -> np.ndarray:
    """The unit vector from the centre of ``b`` to the centre of ``a``.

    Each row is scaled to length 1 first (so long vectors do not dominate), then the
    direction is ``mean(rows of a) - mean(rows of b)`` scaled to length 1.

    Args:
        a, b: ``(m, d)`` and ``(n, d)`` arrays of vectors (no zero rows).

    Returns:
        float64 array ``(d,)`` of length 1.

    Limits: memory is one block of at most 65,536 unit rows at a time (plus the float64
    copy of the inputs); time is ``O((m + n) d)``.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> a = np.array([[1.0, 0.0], [2.0, 0.0]])   # unit rows: both (1, 0)
        >>> b = np.array([[0.0, 1.0], [0.0, 3.0]])   # unit rows: both (0, 1)
        >>> vk.train.mean_direction(a, b).round(3).tolist()
        [0.707, -0.707]
    """
    arrays = {}
    for name, x in (("a", a), ("b", b)):
        refuse_text(x, name, "model.embed(texts)")
        arrays[name] = as_vectors(x, name, dtype=np.float64, allow_1d=False)
        check_nonzero_rows(arrays[name], name)
    check_same_dim(arrays["a"], arrays["b"], "a", "b")
    diff = _unit_mean(arrays["a"]) - _unit_mean(arrays["b"])
    length = float(np.linalg.norm(diff))
    if not length > 1e-12:
        raise ValueError("`a` and `b` have the same mean direction (their unit rows average "
                         "to the same point): there is no direction between them")
    return diff / length


def project_out(vectors, directions) -> np.ndarray:
    """``vectors`` with the span of ``directions`` removed from every row.

    Each row ``x`` becomes ``x - Q Q^T x`` where the columns of ``Q`` are an orthonormal
    basis of the directions (numpy's QR decomposition), so the result is orthogonal to
    every direction and projecting again changes nothing. Rows are NOT scaled back to
    length 1: a row that lay mostly along a direction comes out short (cosine similarities
    between the results are still defined unless a row lay wholly in the span).

    Args:
        vectors: ``(n, d)`` array, or one ``(d,)`` vector.
        directions: one direction ``(d,)`` or several as rows ``(r, d)``, ``r <= d``; none
            may be the zero vector, and none may lie in the span of the ones before it.

    Returns:
        float64 array of the shape of ``vectors``.

    Limits: memory is the float64 output (``8 n d`` bytes), a float64 copy of float32
    input, plus blocks of 65,536 rows (measured: 44 MiB extra for 5,000 x 384 float64
    input); time is ``O(n d r)``.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> x = np.array([[3.0, 4.0, 1.0], [1.0, 0.0, 2.0]])
        >>> vk.train.project_out(x, [1.0, 0.0, 0.0]).tolist()
        [[0.0, 4.0, 1.0], [0.0, 0.0, 2.0]]
        >>> vk.train.project_out(x, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]).tolist()
        [[0.0, 0.0, 1.0], [0.0, 0.0, 2.0]]
    """
    refuse_text(vectors, "vectors", "model.embed(texts)")
    x = as_vectors(vectors, "vectors", dtype=np.float64)
    refuse_text(directions, "directions", "vk.train.mean_direction(a, b)")
    dirs = as_vectors(directions, "directions", dtype=np.float64)
    dirs2 = dirs[None, :] if dirs.ndim == 1 else dirs
    x2 = x[None, :] if x.ndim == 1 else x
    check_same_dim(x2, dirs2, "vectors", "directions")
    norms = row_norms(dirs2)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        where = "is the zero vector" if dirs.ndim == 1 else \
            f"row {int(zero[0])} is the zero vector"
        raise ValueError(f"`directions` {where}: it spans no direction to remove")
    r, d = dirs2.shape
    if r > d:
        raise ValueError(f"`directions` has {r} rows but vectors have only {d} dimensions: "
                         f"at most {d} directions can be independent")
    q, upper = np.linalg.qr((dirs2 / norms[:, None]).T)  # q: (d, r) orthonormal columns
    lost = np.flatnonzero(np.abs(np.diag(upper)) < 1e-9)
    if lost.size:
        j = int(lost[0])
        raise ValueError(f"`directions` row {j} lies in the span of the rows before it "
                         "(the directions are linearly dependent): leave it out")
    out = np.empty_like(x2)
    for s in range(0, len(x2), _ROW_CHUNK):
        block = x2[s:s + _ROW_CHUNK]
        out[s:s + _ROW_CHUNK] = block - (block @ q) @ q.T
    return out[0] if x.ndim == 1 else out
