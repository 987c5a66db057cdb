"""Images in (files, PIL, arrays; every mode; bad input) and the packaged image datasets."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image

import vectorkit as vk
from vectorkit import images
from vectorkit.images import as_images, resize_and_crop, to_rgb_uint8


def _save(img: Image.Image, path, **kwargs):
    img.save(path, **kwargs)
    return path


def test_load_image_reads_png_like_skimage():
    path = skimage.data.__path__[0] + "/coffee.png"
    arr = vk.load_image(path)
    assert arr.dtype == np.uint8 and arr.shape == (400, 600, 3)
    np.testing.assert_array_equal(arr, skimage.data.coffee())


def test_grayscale_file_becomes_three_equal_channels(tmp_path):
    gray = np.arange(60, dtype=np.uint8).reshape(6, 10) * 4
    arr = vk.load_image(_save(Image.fromarray(gray, mode="L"), tmp_path / "g.png"))
    assert arr.shape == (6, 10, 3)
    for c in range(3):
        np.testing.assert_array_equal(arr[..., c], gray)


def test_rgba_transparency_goes_on_white(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 200  # red-ish
    rgba[:2, :, 3] = 255  # top half opaque, bottom half fully transparent
    arr = vk.load_image(_save(Image.fromarray(rgba, mode="RGBA"), tmp_path / "a.png"))
    np.testing.assert_array_equal(arr[0, 0], [200, 0, 0])
    np.testing.assert_array_equal(arr[3, 3], [255, 255, 255])


def test_palette_images_with_and_without_transparency(tmp_path):
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[:, 4:] = (0, 0, 255)
    pal = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    arr = vk.load_image(_save(pal, tmp_path / "p.png"))
    np.testing.assert_array_equal(arr[0, 7], [0, 0, 255])
    black_index = pal.getpixel((0, 0))
    arr = vk.load_image(_save(pal, tmp_path / "pt.png", transparency=black_index))
    np.testing.assert_array_equal(arr[0, 0], [255, 255, 255])  # transparent -> white
    np.testing.assert_array_equal(arr[0, 7], [0, 0, 255])


def test_sixteen_bit_png_is_scaled_not_clipped(tmp_path):
    a16 = np.array([[0, 32896, 65535]], dtype=np.uint16)
    img = Image.fromarray(a16)
    assert img.mode.startswith("I;16")
    arr = vk.load_image(_save(img, tmp_path / "d.png"))
    np.testing.assert_array_equal(arr[0, :, 0], [0, 128, 255])


def test_exif_rotation_is_applied(tmp_path):
    rgb = np.zeros((20, 40, 3), np.uint8)  # wide: 40 x 20
    rgb[:, :20] = 255  # left half white
    img = Image.fromarray(rgb)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    arr = vk.load_image(_save(img, tmp_path / "r.jpg", exif=exif, quality=95))
    assert arr.shape == (40, 20, 3)  # now tall
    assert arr[:15].mean() > 200 and arr[-15:].mean() < 50  # left half became the top


def test_pil_inputs_and_modes():
    assert to_rgb_uint8(Image.new("L", (5, 3), 7)).shape == (3, 5, 3)
    assert to_rgb_uint8(Image.new("CMYK", (5, 3))).shape == (3, 5, 3)
    arr = to_rgb_uint8(Image.new("LA", (2, 2), (0, 0)))
    np.testing.assert_array_equal(arr, 255)


@pytest.mark.parametrize("arr, expected", [
    (np.full((2, 2), 1.0), 255),
    (np.full((2, 2, 3), 0.5, np.float32), 128),
    (np.full((2, 2), 65535, np.uint16), 255),
    (np.full((2, 2), True), 255),
    (np.full((2, 2, 1), 9, np.int64), 9),
])
def test_array_dtypes_accepted(arr, expected):
    out = to_rgb_uint8(arr)
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    assert (out == expected).all()


@pytest.mark.parametrize("arr, match", [
    (np.full((4, 4, 3), 200.0), r"\[0, 1\].*0\.\.255"),
    (np.full((4, 4, 3), -0.5), r"\[-1, 1\]"),
    (np.full((4, 4), 3000.0), r"rescale"),
    (np.zeros((0, 4, 3), np.uint8), "empty"),
    (np.zeros((3, 8, 8), np.uint8), "channels-first"),
    (np.zeros((4, 4, 5), np.uint8), r"\(H, W, 3\)"),
    (np.zeros(10, np.uint8), r"shape \(10,\)"),
    (np.full((4, 4), 300, np.int32), r"0\.\.255"),
    (np.array([[np.nan, 0.5]]), "NaN"),
])
def test_bad_arrays_get_clear_errors(arr, match):
    with pytest.raises(ValueError, match=match):
        to_rgb_uint8(arr)


def test_bad_types_and_paths(tmp_path):
    with pytest.raises(TypeError, match="`image` must be"):
        to_rgb_uint8(5)
    with pytest.raises(TypeError, match="got None"):
        to_rgb_uint8(None)
    with pytest.raises(TypeError, match="dtype"):
        to_rgb_uint8(np.zeros((2, 2), complex))
    missing = tmp_path / "nope.png"
    with pytest.raises(FileNotFoundError, match="nope.png'$"):
        vk.load_image(missing)
    with pytest.raises(FileNotFoundError, match=r"`image`.*'a cat'.*vk.load_model\('text'\)"):
        to_rgb_uint8("a cat")
    text = tmp_path / "notes.png"
    text.write_text("this is not a picture")
    with pytest.raises(ValueError, match="notes.png.*not a readable image"):
        vk.load_image(text)
    with pytest.raises(IsADirectoryError):
        vk.load_image(tmp_path)
    with pytest.raises(TypeError, match="`path` must be a file path.*got NoneType"):
        vk.load_image(None)
    with pytest.raises(TypeError, match="got ndarray.*to_rgb_uint8"):
        vk.load_image(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="download it"):
        vk.load_image("https://example.org/cat.jpg")


def test_huge_images_are_shrunk_before_the_model(tmp_path):
    wide = np.zeros((50, 9000, 3), np.uint8)
    assert max(to_rgb_uint8(wide).shape[:2]) == images.MAX_SIDE
    assert to_rgb_uint8(wide, max_side=None).shape == (50, 9000, 3)
    path = _save(Image.new("RGB", (5000, 40), (10, 20, 30)), tmp_path / "big.jpg")
    arr = vk.load_image(path)
    assert max(arr.shape[:2]) <= images.MAX_SIDE and arr.shape[2] == 3
    assert vk.load_image(path, max_side=1000).shape[1] <= 1000
    assert resize_and_crop(arr).shape == (224, 224, 3)


def test_as_images_single_list_and_batch():
    single, out = as_images(np.zeros((5, 5, 3), np.uint8))
    assert single and len(out) == 1
    single, out = as_images(np.zeros((3, 5, 5, 3), np.uint8))
    assert not single and len(out) == 3
    single, out = as_images([np.zeros((5, 5)), Image.new("RGB", (4, 4))])
    assert not single and [o.shape for o in out] == [(5, 5, 3), (4, 4, 3)]
    with pytest.raises(ValueError, match=r"`images\[1\]`"):
        as_images([np.zeros((5, 5)), np.full((5, 5), 7.0)])
    with pytest.raises(TypeError, match="list of them"):
        as_images({"a": 1})


def test_many_images_convert_in_order_and_name_the_bad_one():
    batch = [np.full((6, 6), i, np.uint8) for i in range(12)]
    single, out = as_images(batch, transform=lambda im: im[:2, :2])
    assert not single and [int(o[0, 0, 0]) for o in out] == list(range(12))
    assert all(o.shape == (2, 2, 3) for o in out)
    batch[7] = np.full((6, 6), 2.0)
    with pytest.raises(ValueError, match=r"`images\[7\]`"):
        as_images(batch)


def test_resize_and_crop_keeps_the_centre():
    img = np.zeros((300, 600, 3), np.uint8)
    img[100:200, 250:350] = 255  # a white square in the middle
    out = resize_and_crop(img)
    assert out.shape == (224, 224, 3) and out.dtype == np.uint8
    assert out[112, 112].min() > 240 and out[5, 5].max() < 15
    squashed = resize_and_crop(img, shorter_side=None)
    assert squashed.shape == (224, 224, 3)


def test_load_images_catalogue():
    items = vk.datasets.load_images()
    assert len(items) >= 14
    names = [it.name for it in items]
    assert len(set(names)) == len(names)
    assert {"coffee", "chelsea", "camera", "china", "flower", "grace_hopper"} <= set(names)
    assert {it.source for it in items} == {"scikit-image", "scikit-learn", "matplotlib"}
    for it in items:
        assert it.image.dtype == np.uint8 and it.image.ndim == 3 and it.image.shape[2] == 3
        assert it.caption and it.license
    coffee = vk.datasets.load_images(["coffee"])[0]
    np.testing.assert_array_equal(coffee.image, skimage.data.coffee())
    with pytest.raises(ValueError, match="unknown.*lily"):
        vk.datasets.load_images(["coffee", "lily"])


def test_image_views_are_deterministic_and_labelled():
    originals = vk.datasets.load_images(["chelsea", "coffee"])
    a = vk.datasets.image_views(originals, n_views=3, seed=7)
    b = vk.datasets.image_views([o.image for o in originals], n_views=3, seed=7)
    c = vk.datasets.image_views(originals, n_views=3, seed=8)
    assert a.source.tolist() == [0, 0, 0, 1, 1, 1] and len(a.descriptions) == 6
    for x, y in zip(a.images, b.images, strict=True):
        np.testing.assert_array_equal(x, y)
    assert any(x.shape != y.shape or not np.array_equal(x, y)
               for x, y in zip(a.images, c.images, strict=True))
    for view, src in zip(a.images, a.source, strict=True):
        assert view.dtype == np.uint8 and view.shape[2] == 3
        assert view.shape != originals[src].image.shape  # cropped and rescaled
    first_only = vk.datasets.image_views(originals[:1], n_views=3, seed=7)
    np.testing.assert_array_equal(first_only.images[2], a.images[2])


@pytest.mark.parametrize("kwargs, err", [
    ({"n_views": 0}, ValueError), ({"n_views": 2.5}, ValueError),
    ({"seed": -1}, ValueError), ({"n_views": True}, ValueError),
])
def test_image_views_bad_arguments(kwargs, err):
    with pytest.raises(err, match="`(n_views|seed)`"):
        vk.datasets.image_views([np.zeros((8, 8), np.uint8)], **kwargs)


def test_image_views_rejects_non_list():
    with pytest.raises(TypeError, match="`images` must be a list"):
        vk.datasets.image_views(np.zeros((8, 8), np.uint8))
