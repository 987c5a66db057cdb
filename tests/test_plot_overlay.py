"""vk.plot.occlusion_heat / occlusion_overlay: an occlusion map spread back onto pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import vectorkit as vk  # noqa: E402


def _brute_heat(drops, shape, patch, stride):
    out = np.full(shape, np.nan)
    for y in range(shape[0]):
        for x in range(shape[1]):
            covering = [drops[i, j] for i in range(drops.shape[0]) for j in range(drops.shape[1])
                        if i * stride <= y < i * stride + patch
                        and j * stride <= x < j * stride + patch]
            if covering:
                out[y, x] = np.mean(covering)
    return out


@pytest.mark.parametrize("patch, stride, grid, shape", [(4, 2, (3, 4), (9, 11)),
                                                        (3, 3, (2, 2), (6, 7)),
                                                        (5, 1, (4, 2), (8, 6))])
def test_heat_is_the_mean_drop_of_the_covering_squares(patch, stride, grid, shape):
    drops = np.random.default_rng(0).normal(size=grid)
    heat = vk.plot.occlusion_heat(drops, shape, patch=patch, stride=stride)
    np.testing.assert_allclose(heat, _brute_heat(drops, shape, patch, stride), equal_nan=True)


def test_heat_refuses_a_map_larger_than_the_picture():
    with pytest.raises(ValueError, match="covers 6 x 6 pixels"):
        vk.plot.occlusion_heat(np.zeros((3, 3)), (5, 5), patch=2, stride=2)
    with pytest.raises(TypeError, match="`shape`"):
        vk.plot.occlusion_heat(np.zeros((2, 2)), 5, patch=2, stride=2)
    with pytest.raises(ValueError, match="patch"):
        vk.plot.occlusion_heat(np.zeros((2, 2)), (5, 5), patch=0, stride=2)


def test_overlay_is_described_and_names_where_the_largest_drop_is():
    drops = np.zeros((3, 3))
    drops[2, 0] = 0.25
    drops[0, 2] = -0.1
    fig = vk.plot.occlusion_overlay(np.zeros((12, 12, 3), dtype=np.uint8), drops,
                                    patch=4, stride=4, title="t")
    text = vk.plot.alt_text(fig)
    assert "largest drop 0.250 is in the bottom left" in text and "smallest -0.100" in text
    assert fig.axes[0].get_title() == "t" and fig.axes[0].get_xlabel()
    plt.close(fig)


def test_overlay_into_a_given_axes_and_bad_pictures():
    fig, ax = plt.subplots()
    assert vk.plot.occlusion_overlay(np.ones((8, 8, 3)), np.ones((1, 1)), patch=8, stride=8,
                                     ax=ax) is ax
    assert "largest drop" in vk.plot.alt_text(fig)
    plt.close(fig)
    with pytest.raises(ValueError, match="RGB picture"):
        vk.plot.occlusion_overlay(np.zeros((8, 8)), np.ones((1, 1)), patch=8, stride=8)
