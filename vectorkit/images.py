"""Images in: files, PIL images and arrays of any size or mode -> RGB uint8 arrays.

Every image model in vectorkit accepts the same inputs, converted here:

- a path (``str`` or ``pathlib.Path``) of a PNG, JPEG, GIF, TIFF, BMP or WebP file
  (grayscale, RGBA, palette and 16-bit files; the EXIF orientation of phone photos is applied);
- a PIL image;
- a numpy array of shape ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)`` or ``(H, W, 4)``: ``uint8``
  (0-255), ``uint16`` (16-bit, 0-65535), ``bool``, or float in ``[0, 1]``.

Transparent pixels are composited onto white. Images larger than ``max_side`` pixels on their
longer side are shrunk first, so a 100-megapixel photo never becomes a giant tensor.

Example:
    >>> import numpy as np
    >>> from vectorkit.images import to_rgb_uint8
    >>> to_rgb_uint8(np.zeros((4, 6))).shape
    (4, 6, 3)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["load_image", "to_rgb_uint8", "as_images", "resize_and_crop", "MAX_SIDE"]

#: Longest side (pixels) an image keeps when it is loaded; larger images are shrunk.
MAX_SIDE = 4096
_EXPECTED = ("a file path, a PIL image, or an array of shape (H, W), (H, W, 3) or (H, W, 4) "
             "with uint8 values or floats in [0, 1]")


def _pil():
    from PIL import Image, ImageOps

    return Image, ImageOps


def load_image(path, max_side: int | None = MAX_SIDE) -> np.ndarray:
    """Read an image file as an RGB ``uint8`` array of shape ``(H, W, 3)``.

    Args:
        path: the file (PNG, JPEG, GIF, TIFF, BMP, WebP ...). EXIF rotation is applied,
            grayscale/palette/16-bit images become RGB, transparency is put on white.
        max_side: shrink images whose longer side exceeds this many pixels (``None``: never).

    Example:
        >>> import vectorkit as vk, skimage
        >>> path = skimage.data.__path__[0] + "/coffee.png"
        >>> vk.load_image(path).shape
        (400, 600, 3)
    """
    if not isinstance(path, str | bytes | os.PathLike):
        hint = " (to convert an array or a PIL image, use vk.images.to_rgb_uint8)" if (
            path is not None) else ""
        raise TypeError(f"`path` must be a file path (str or pathlib.Path), got "
                        f"{type(path).__name__}{hint}")
    return _from_path(path, "path", max_side)


_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")


def _check_max_side(max_side) -> None:
    if max_side is not None and (isinstance(max_side, bool)
                                 or not isinstance(max_side, int | np.integer) or max_side < 1):
        raise ValueError(f"`max_side` must be a positive number of pixels or None, got "
                         f"{max_side!r}")


def _from_path(path, name: str, max_side: int | None) -> np.ndarray:
    Image, ImageOps = _pil()
    _check_max_side(max_side)
    if isinstance(path, bytes | bytearray) and (len(path) > 4096 or path.startswith(_MAGIC)):
        raise TypeError(f"`{name}` must be a file path, got {len(path):,} bytes that look like "
                        "the contents of an image file; open them first: "
                        "PIL.Image.open(io.BytesIO(data))")
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if text.startswith(("http://", "https://")):
        raise ValueError(f"`{name}` must be a local file, got the URL {text!r}: download it "
                         "first (vectorkit never fetches images from the internet)")
    p = Path(text).expanduser()
    if not p.exists():
        hint = "" if p.suffix else " (if this is text, embed it with vk.load_model('text'))"
        raise FileNotFoundError(f"`{name}`: no such image file {text!r}{hint}")
    if p.is_dir():
        raise IsADirectoryError(f"`{name}` must be an image file, got the directory {text!r}")
    try:
        with Image.open(p) as img:
            if max_side and max(img.size) > max_side:
                img.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size
            img.load()
            return _from_pil(img, name, max_side)
    except Image.DecompressionBombError as exc:
        raise ValueError(f"`{name}` {text!r} has more pixels than PIL will decode safely "
                         f"({exc}); shrink it with an image editor first") from exc
    except (Image.UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"`{name}` {text!r} is not a readable image file (expected PNG, JPEG, "
                         f"GIF, TIFF, BMP or WebP): {exc}") from exc


def _from_pil(img, name: str, max_side: int | None) -> np.ndarray:
    Image, ImageOps = _pil()
    img = ImageOps.exif_transpose(img)
    if img.width == 0 or img.height == 0:
        raise ValueError(f"`{name}` is an empty image (size {img.size})")
    if max_side and max(img.size) > max_side:
        img = img.copy()
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    mode = img.mode
    if mode.startswith(("I", "F")):  # 16/32-bit integer or float grayscale
        arr = np.asarray(img).astype(np.float64)
        if mode.startswith("I;16"):
            arr = arr / 65535.0
        elif mode == "F" and arr.size and np.nanmax(arr) <= 1.0:
            pass
        else:
            arr = arr / (65535.0 if arr.size and np.nanmax(arr) > 255 else 255.0)
        return _from_array(np.clip(np.nan_to_num(arr), 0.0, 1.0), name, None)
    transparent = mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        mode == "P" and "transparency" in img.info)
    if transparent:
        return _from_array(np.asarray(img.convert("RGBA")), name, None)
    return np.array(img.convert("RGB"), dtype=np.uint8)


def _composite_on_white(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha.astype(np.float32)[..., None] / 255.0
    out = rgb.astype(np.float32) * a + 255.0 * (1.0 - a)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _to_uint8(arr: np.ndarray, name: str) -> np.ndarray:
    kind = arr.dtype.kind
    if kind == "b":
        return arr.astype(np.uint8) * 255
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.uint16:
        return np.rint(arr / 257.0).astype(np.uint8)
    if kind in "iu":
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi > 255:
            raise ValueError(f"`{name}` is an integer array with values in [{lo}, {hi}]; "
                             "expected 0..255 (uint8) or a uint16 array (0..65535)")
        return arr.astype(np.uint8)
    if kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"`{name}` contains NaN or infinite values; expected floats in [0, 1]")
        lo, hi = float(arr.min()), float(arr.max())
        if lo < 0.0 or hi > 1.0:
            hint = ("it looks like 0..255 values: pass arr.astype(np.uint8) or arr / 255"
                    if lo >= 0 and hi <= 255 else
                    "it looks like [-1, 1] values: pass (arr + 1) / 2" if lo >= -1 and hi <= 1
                    else "rescale it to [0, 1] first")
            raise ValueError(f"`{name}` is a float array with values in [{lo:.3g}, {hi:.3g}]; "
                             f"float images must be in [0, 1] ({hint})")
        return np.rint(arr * 255.0).astype(np.uint8)
    raise TypeError(f"`{name}` must have a numeric dtype (uint8, uint16, bool or float), "
                    f"got {arr.dtype}")


def _from_array(arr: np.ndarray, name: str, max_side: int | None) -> np.ndarray:
    if arr.size == 0:
        raise ValueError(f"`{name}` is an empty array (shape {arr.shape}); expected {_EXPECTED}")
    if arr.ndim == 3 and arr.shape[0] in (1, 3, 4) and arr.shape[-1] not in (1, 2, 3, 4):
        raise ValueError(f"`{name}` has shape {arr.shape}, which looks channels-first; "
                         "expected (H, W, 3): use np.moveaxis(image, 0, -1)")
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (1, 2, 3, 4)):
        raise ValueError(f"`{name}` has shape {arr.shape}; expected (H, W), (H, W, 1), "
                         "(H, W, 3) or (H, W, 4)")
    img = _to_uint8(arr, name)
    if img.ndim == 2:
        img = img[..., None]
    if img.shape[-1] in (2, 4):
        img = _composite_on_white(img[..., :-1], img[..., -1])
    if img.shape[-1] == 1:
        img = np.repeat(img, 3, axis=-1)
    if max_side and max(img.shape[:2]) > max_side:
        Image, _ = _pil()
        small = Image.fromarray(img)
        small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        img = np.asarray(small)
    return np.ascontiguousarray(img)


def to_rgb_uint8(image, name: str = "image", max_side: int | None = MAX_SIDE) -> np.ndarray:
    """Convert one image (path, PIL image or array) to an RGB ``uint8`` array ``(H, W, 3)``.

    Args:
        image: the image; see the module docstring for what is accepted.
        name: how errors refer to the argument (e.g. ``"images[3]"``).
        max_side: shrink images whose longer side exceeds this (``None``: never).
    """
    Image, _ = _pil()
    _check_max_side(max_side)
    if isinstance(image, str | bytes | bytearray | os.PathLike):
        return _from_path(image, name, max_side)
    if isinstance(image, Image.Image):
        return _from_pil(image, name, max_side)
    if isinstance(image, np.ndarray):
        return _from_array(image, name, max_side)
    what = "None" if image is None else type(image).__name__
    raise TypeError(f"`{name}` must be {_EXPECTED}; got {what}")


def as_images(items, name: str = "images", transform=None) -> tuple[bool, list[np.ndarray]]:
    """Return ``(is_single, [RGB uint8 arrays])`` for one image or a list/batch of images.

    A path, a PIL image or a 2-D/3-D array is one image; a list, a tuple or a 4-D array
    ``(N, H, W, C)`` is several. ``transform`` (e.g. :func:`resize_and_crop`) is applied to
    each converted image; many images are converted on a few threads (PIL releases the GIL).
    """
    Image, _ = _pil()
    if isinstance(items, str | bytes | os.PathLike | Image.Image) or (
            isinstance(items, np.ndarray) and items.ndim != 4):
        single, named = True, [(items, name)]
    elif isinstance(items, np.ndarray | list | tuple):
        single, named = False, [(x, f"{name}[{i}]") for i, x in enumerate(items)]
    else:
        what = "None" if items is None else type(items).__name__
        raise TypeError(f"`{name}` must be one image ({_EXPECTED}) or a list of them; got {what}")

    def convert(pair):
        img = to_rgb_uint8(*pair)
        return transform(img) if transform is not None else img

    if len(named) < 8:
        return single, [convert(p) for p in named]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return single, list(pool.map(convert, named))


def resize_and_crop(image: np.ndarray, size: int = 224, shorter_side: int | None = 256
                    ) -> np.ndarray:
    """Resize so the shorter side is ``shorter_side``, then cut the central ``size``x``size``.

    ``shorter_side=None`` squashes the whole image to ``size``x``size`` instead. Uses PIL's
    bicubic filter (antialiased when shrinking). Returns an RGB uint8 array.
    """
    Image, _ = _pil()
    img = Image.fromarray(np.asarray(image, dtype=np.uint8))
    w, h = img.size
    if shorter_side is None:
        return np.asarray(img.resize((size, size), Image.Resampling.BICUBIC))
    scale = shorter_side / min(w, h)
    if max(w, h) * scale > 4 * shorter_side:
        # a very long, thin image (1 x 4096 would become 256 x 1,048,576 = 1 GiB): keep only
        # the centre part the crop can reach (plus a margin for the filter) before resizing
        reach = int(np.ceil((size + 16) / scale))
        left, top = max(0, (w - reach) // 2), max(0, (h - reach) // 2)
        img = img.crop((left, top, left + min(w, reach), top + min(h, reach)))
        w, h = img.size
    nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
    img = img.resize((nw, nh), Image.Resampling.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    return np.asarray(img.crop((left, top, left + size, top + size)))
