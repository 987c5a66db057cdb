"""An occlusion map (``vk.train.occlusion_map``) drawn over the picture it explains."""

from __future__ import annotations

import numpy as np

from vectorkit._validation import as_vectors, check_k
from vectorkit.plot._figure import finish, new_axes

__all__ = ["occlusion_heat", "occlusion_overlay"]


def occlusion_heat(drops, shape, *, patch: int, stride: int) -> np.ndarray:
    """Spread an occlusion map back onto pixels: each pixel gets the mean drop of its squares.

    Args:
        drops: the ``(H', W')`` result of ``vk.train.occlusion_map``.
        shape: ``(height, width)`` of the picture the map was computed on (224x224 for the
            course models).
        patch, stride: the values given to ``occlusion_map``.

    Returns:
        float64 ``(height, width)``; pixels no square covered are NaN. Memory: one float per
        pixel per call, time O(H' x W' x patch^2).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> heat = vk.plot.occlusion_heat(np.array([[1.0, 3.0]]), (2, 3), patch=2, stride=1)
        >>> heat.tolist()
        [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    """
    drops = as_vectors(drops, "drops", dtype=np.float64, allow_1d=False)
    patch, stride = check_k(patch, "patch"), check_k(stride, "stride")
    if not (isinstance(shape, tuple | list) and len(shape) == 2):
        raise TypeError(f"`shape` must be (height, width), got {shape!r}")
    height, width = (check_k(int(s), "shape") for s in shape)
    need = ((drops.shape[0] - 1) * stride + patch, (drops.shape[1] - 1) * stride + patch)
    if need[0] > height or need[1] > width:
        raise ValueError(f"a {drops.shape[0]} x {drops.shape[1]} map with patch={patch} and "
                         f"stride={stride} covers {need[0]} x {need[1]} pixels, more than "
                         f"`shape` {height} x {width}")
    total = np.zeros((height, width))
    count = np.zeros((height, width))
    for (i, j), value in np.ndenumerate(drops):
        total[i * stride:i * stride + patch, j * stride:j * stride + patch] += value
        count[i * stride:i * stride + patch, j * stride:j * stride + patch] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def occlusion_overlay(picture, drops, *, patch: int, stride: int, ax=None,
                      title="Which regions make the two images similar", alpha=0.55,
                      cmap="RdBu_r"):
    """Draw ``picture`` with its occlusion map on top (red: covering lowers the similarity).

    Args:
        picture: the picture the network saw, ``model.preprocess(image)`` (H, W, 3) in [0, 1]
            or uint8.
        drops: ``vk.train.occlusion_map(model, image, reference, patch, stride)``.
        patch, stride: the values given to ``occlusion_map``.
        ax: draw into this Axes instead of a new figure.
        title: the title; alpha: opacity of the map; cmap: a diverging colour map, centred at 0.

    Returns:
        the new Figure (or ``ax`` when given), described for ``vk.plot.alt_text``.

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> fig = vk.plot.occlusion_overlay(np.zeros((4, 4, 3)), np.array([[0.1, -0.1]]),
        ...                                 patch=2, stride=2)
        >>> "largest drop 0.100" in vk.plot.alt_text(fig)
        True
    """
    pic = np.asarray(picture)
    if pic.ndim != 3 or pic.shape[2] != 3:
        raise ValueError(f"`picture` must be one RGB picture (H, W, 3), got shape {pic.shape}")
    heat = occlusion_heat(drops, pic.shape[:2], patch=patch, stride=stride)
    drops = np.asarray(drops, dtype=np.float64)
    fig, ax, own = new_axes(ax, figsize=(5.2, 4.6))
    ax.imshow(pic if pic.dtype == np.uint8 else np.clip(pic, 0, 1))
    limit = float(np.nanmax(np.abs(heat))) or 1.0
    shown = ax.imshow(heat, cmap=cmap, vmin=-limit, vmax=limit, alpha=alpha)
    bar = ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label("similarity drop when covered\n(mean of the squares over each pixel)")
    ax.set_title(title)
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
    i, j = np.unravel_index(int(np.argmax(drops)), drops.shape)
    rows, cols = pic.shape[:2]
    where = (("top" if i * stride + patch / 2 < rows / 3 else "bottom"
              if i * stride + patch / 2 > 2 * rows / 3 else "middle") + " "
             + ("left" if j * stride + patch / 2 < cols / 3 else "right"
                if j * stride + patch / 2 > 2 * cols / 3 else "centre"))
    text = (f"A {cols} x {rows} picture with an occlusion map on top: {drops.size} squares of "
            f"{patch} pixels, red where covering the square lowers the similarity, blue where "
            f"it raises it. The largest drop {drops.max():.3f} is in the {where}; the "
            f"smallest {drops.min():.3f}.")
    if own:
        fig.tight_layout()
    return finish(fig, ax, own, text)
