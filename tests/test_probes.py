"""vk.train.weat against a plain-loop implementation, planted and absent associations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import vectorkit as vk


def _cos(u, v):
    return float(np.dot(u, v) / (math.sqrt(np.dot(u, u)) * math.sqrt(np.dot(v, v))))


def _s(w, xs, ys):
    return sum(_cos(w, x) for x in xs) / len(xs) - sum(_cos(w, y) for y in ys) / len(ys)


def _reference_weat(a, b, x, y):
    """Caliskan et al.'s formulas written out with loops; exact p over all partitions."""
    sa = [_s(w, x, y) for w in a]
    sb = [_s(w, x, y) for w in b]
    pooled = sa + sb
    mean = sum(pooled) / len(pooled)
    std = math.sqrt(sum((v - mean) ** 2 for v in pooled) / (len(pooled) - 1))
    observed = sum(sa) / len(sa) - sum(sb) / len(sb)
    hits = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(sa)):
        inside = [pooled[i] for i in chosen]
        outside = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        stat = sum(inside) / len(inside) - sum(outside) / len(outside)
        hits += stat >= observed - 1e-9
        total += 1
    return observed / std, hits / total


@pytest.mark.parametrize("sizes", [(4, 4, 3, 5), (3, 5, 2, 2)])
def test_matches_a_plain_implementation(sizes):
    rng = np.random.default_rng(sum(sizes))
    a, b, x, y = (rng.normal(size=(n, 6)) for n in sizes)
    d, p = _reference_weat(a, b, x, y)
    r = vk.train.weat(a, b, x, y)
    assert r.exact and r.n_permutations == math.comb(sizes[0] + sizes[1], sizes[0])
    assert r.effect_size == pytest.approx(d, rel=1e-9)
    assert r.p_value == pytest.approx(p, rel=1e-12)


def _planted(rng, n, strength):
    """Targets A lean to X's direction and B to Y's by ``strength``; noise elsewhere."""
    d = 16
    ex, ey = np.eye(d)[0], np.eye(d)[1]
    x = ex + 0.3 * rng.normal(size=(n, d))
    y = ey + 0.3 * rng.normal(size=(n, d))
    a = rng.normal(size=(n, d)) + strength * ex
    b = rng.normal(size=(n, d)) + strength * ey
    return a, b, x, y


def test_planted_association_is_large_and_significant():
    a, b, x, y = _planted(np.random.default_rng(1), 10, strength=2.0)
    r = vk.train.weat(a, b, x, y, permutations=2000)
    assert not r.exact and r.n_permutations == 2000  # C(20, 10) = 184,756 > 2,000
    assert r.effect_size > 1.5
    assert r.p_value < 0.005
    flipped = vk.train.weat(b, a, x, y, permutations=2000)
    assert flipped.effect_size == pytest.approx(-r.effect_size)
    assert flipped.p_value > 0.99


def test_no_association_gives_no_small_p():
    rng = np.random.default_rng(2)
    a, x, y = rng.normal(size=(6, 8)), rng.normal(size=(4, 8)), rng.normal(size=(4, 8))
    same = vk.train.weat(a, a.copy(), x, y)  # identical target sets: nothing to find
    assert same.effect_size == pytest.approx(0.0, abs=1e-9)
    assert same.p_value > 0.5
    # under the null the p-value is about uniform: 40 independent random problems
    ps = [vk.train.weat(*(rng.normal(size=(5, 8)) for _ in range(4))).p_value
          for _ in range(40)]
    assert 0.3 < np.mean(ps) < 0.7
    assert np.mean(np.array(ps) < 0.05) <= 0.15


def test_exact_and_sampled_p_agree():
    a, b, x, y = _planted(np.random.default_rng(3), 7, strength=0.4)
    exact = vk.train.weat(a, b, x, y, permutations=5000)  # C(14, 7) = 3,432 <= 5,000
    sampled = vk.train.weat(a, b, x, y, permutations=3000, seed=4)
    assert exact.exact and exact.n_permutations == 3432
    assert not sampled.exact and sampled.n_permutations == 3000
    assert 0.01 < exact.p_value < 0.99  # a p-value where sampling error can show
    assert sampled.p_value == pytest.approx(exact.p_value, abs=0.03)
    assert sampled.effect_size == exact.effect_size
    again = vk.train.weat(a, b, x, y, permutations=3000, seed=4)
    assert again == sampled


class _WordModel:
    """A text model whose vector of a text is the sum of fixed vectors of its words."""

    modality = "text"

    def __init__(self):
        self.table = {"he": [1, 0, 0], "she": [0, 1, 0], "doctor": [0.9, 0.1, 0.3],
                      "engineer": [0.8, 0.2, 0.3], "nurse": [0.1, 0.9, 0.3],
                      "teacher": [0.2, 0.8, 0.3], "him": [1, 0, 0.1], "her": [0, 1, 0.1]}

    def embed(self, texts):
        return np.array([np.sum([self.table[w] for w in t.split()], axis=0) for t in texts],
                        dtype=np.float32)


def test_texts_are_embedded_with_the_model():
    model = _WordModel()
    a, b, x, y = ["doctor", "engineer"], ["nurse", "teacher"], ["he", "him"], ["she", "her"]
    by_text = vk.train.weat(a, b, x, y, model=model)
    by_vector = vk.train.weat(*(model.embed(s) for s in (a, b, x, y)))
    assert by_text == by_vector
    assert by_text.effect_size > 1.0


def test_bad_inputs_name_the_argument():
    v = np.eye(3)
    with pytest.raises(ValueError, match="`targets_b` is empty"):
        vk.train.weat(v, [], v, v)
    with pytest.raises(TypeError, match="`attributes_x`.*one string"):
        vk.train.weat(v, v, "he", v)
    with pytest.raises(TypeError, match="`targets_a`"):
        vk.train.weat(3, v, v, v)
    with pytest.raises(ValueError, match="`attributes_y` holds texts: pass `model`"):
        vk.train.weat(v, v, v, ["she"])
    with pytest.raises(ValueError, match="one length"):
        vk.train.weat(v, v, v, np.eye(4))
    with pytest.raises(ValueError, match="`targets_a` row 0 is the zero vector"):
        vk.train.weat(np.zeros((2, 3)), v, v, v)
    with pytest.raises(ValueError, match="`permutations` must be a positive integer"):
        vk.train.weat(v, v, v, v, permutations=0)
    with pytest.raises(TypeError, match="`seed`"):
        vk.train.weat(v, v, v, v, seed=0.5)
    with pytest.raises(ValueError, match="`model` must be a text model"):
        vk.train.weat(["a"], ["b"], ["c"], ["d"], model=type("M", (), {
            "modality": "image", "embed": lambda self, t: None})())
    with pytest.raises(ValueError, match="effect size is undefined"):
        vk.train.weat(np.ones((2, 3)), np.ones((2, 3)), v, v)


# ---- mean_direction and project_out -------------------------------------------------


def test_mean_direction_matches_a_plain_computation():
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(7, 5)) * 10, rng.normal(size=(4, 5)) + 1.0
    unit = [[r / np.linalg.norm(r) for r in s] for s in (a, b)]
    want = np.mean(unit[0], axis=0) - np.mean(unit[1], axis=0)
    got = vk.train.mean_direction(a, b)
    np.testing.assert_allclose(got, want / np.linalg.norm(want), atol=1e-12)
    assert np.linalg.norm(got) == pytest.approx(1.0)
    # rows count by direction, not length
    np.testing.assert_allclose(vk.train.mean_direction(a * rng.uniform(1, 9, (7, 1)), b), got,
                               atol=1e-12)
    np.testing.assert_allclose(vk.train.mean_direction(b, a), -got, atol=1e-12)


def test_mean_direction_refuses_bad_input():
    with pytest.raises(ValueError, match="same mean direction"):
        vk.train.mean_direction(np.eye(2), np.eye(2)[::-1] * 3)
    with pytest.raises(ValueError, match="`b` row 1 is the zero vector"):
        vk.train.mean_direction(np.eye(2), [[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="dimension mismatch"):
        vk.train.mean_direction(np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match="`a` must be a 2-D array"):
        vk.train.mean_direction([1.0, 0.0], np.eye(2))


@pytest.mark.parametrize("r", [1, 3])
def test_project_out_is_orthogonal_and_idempotent(r):
    rng = np.random.default_rng(r)
    x = rng.normal(size=(50, 12)) * 5
    dirs = rng.normal(size=(r, 12)) * 3
    given = dirs[0] if r == 1 else dirs
    out = vk.train.project_out(x, given)
    assert out.shape == x.shape and out.dtype == np.float64
    assert np.abs(out @ (dirs / np.linalg.norm(dirs, axis=1, keepdims=True)).T).max() < 1e-6
    np.testing.assert_allclose(vk.train.project_out(out, given), out, atol=1e-9)
    # the part removed lies in the span: x - out is a combination of the directions
    coef, *_ = np.linalg.lstsq(dirs.T, (x - out).T, rcond=None)
    np.testing.assert_allclose(dirs.T @ coef, (x - out).T, atol=1e-9)
    # rows keep what is orthogonal to the span, and are not re-normalised
    assert (np.linalg.norm(out, axis=1) < np.linalg.norm(x, axis=1) + 1e-9).all()
    assert not np.allclose(np.linalg.norm(out, axis=1), 1.0)
    one = vk.train.project_out(x[3], given)
    assert one.shape == (12,)
    np.testing.assert_allclose(one, out[3], atol=1e-12)


def test_project_out_of_mean_direction_removes_the_gap():
    rng = np.random.default_rng(9)
    shift = np.zeros(6)
    shift[2] = 4.0
    a, b = rng.normal(size=(30, 6)) + shift, rng.normal(size=(30, 6)) - shift
    direction = vk.train.mean_direction(a, b)
    pa, pb = vk.train.project_out(a, direction), vk.train.project_out(b, direction)
    assert abs((pa.mean(axis=0) - pb.mean(axis=0)) @ direction) < 1e-9
    assert abs((a.mean(axis=0) - b.mean(axis=0)) @ direction) > 5


def test_project_out_refuses_bad_directions():
    x = np.eye(3)
    with pytest.raises(ValueError, match="`directions` is the zero vector"):
        vk.train.project_out(x, np.zeros(3))
    with pytest.raises(ValueError, match="`directions` row 1 is the zero vector"):
        vk.train.project_out(x, [[1.0, 0, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="row 2 lies in the span"):
        vk.train.project_out(x, [[1.0, 0, 0], [0, 1.0, 0], [2.0, -1.0, 0]])
    with pytest.raises(ValueError, match="4 rows but vectors have only 3"):
        vk.train.project_out(x, np.ones((4, 3)))
    with pytest.raises(ValueError, match="dimension mismatch"):
        vk.train.project_out(x, [1.0, 0.0])
    with pytest.raises(ValueError, match="embed"):
        vk.train.project_out(["a text"], [1.0])
