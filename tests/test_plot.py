"""vk.plot: every figure is drawn, titled, labelled and described by an alt text (Agg)."""

import matplotlib

matplotlib.use("Agg")

import html  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.offsetbox import AnnotationBbox  # noqa: E402

import vectorkit as vk  # noqa: E402
from vectorkit.plot import AltFigure  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _tone(freq, seconds=1.0, sr=16000, amp=0.5):
    t = np.arange(int(seconds * sr)) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


# ---- similarity_heatmap ---------------------------------------------------------------------

def test_heatmap_small_is_annotated_and_described():
    E = np.array([[1.0, 0.0], [0.9, 0.2], [0.0, 1.0]])
    S = vk.cosine_similarity(E, E)
    fig = vk.plot.similarity_heatmap(["cat", "kitten", "car"], S)
    assert isinstance(fig, AltFigure)
    ax = fig.axes[0]
    assert ax.get_title() == "Pairwise similarity"
    assert ax.get_xlabel() and ax.get_ylabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "kitten", "car"]
    assert _texts(ax) == [format(v, ".2f") for v in S.ravel()]
    np.testing.assert_allclose(ax.images[0].get_array(), S)
    alt = vk.plot.alt_text(fig)
    assert "3 x 3" in alt and f"'cat' and 'kitten' ({S[0, 1]:.2f})" in alt
    assert "lowest: 'cat' and 'car' (0.00)" in alt
    assert fig.axes[1].get_ylabel() == "cosine similarity"  # the colour bar


def test_heatmap_large_is_not_annotated_and_rectangular_needs_col_labels():
    rng = np.random.default_rng(0)
    fig = vk.plot.similarity_heatmap([f"s{i}" for i in range(13)], rng.random((13, 13)))
    assert _texts(fig.axes[0]) == []
    fig = vk.plot.similarity_heatmap(["a", "b"], rng.random((2, 3)), col_labels=["x", "y", "z"],
                                     annotate=True)
    assert len(_texts(fig.axes[0])) == 6
    with pytest.raises(ValueError, match="col_labels"):
        vk.plot.similarity_heatmap(["a", "b"], rng.random((2, 3)))


@pytest.mark.parametrize("labels, matrix, match", [
    (["a"], np.eye(2), "`labels` has 1 entries but 2"),
    (["a", "b"], [[1.0, np.nan], [0.0, 1.0]], "NaN"),
    (["a", "b"], np.ones(2), "2-D array"),
])
def test_heatmap_bad_inputs(labels, matrix, match):
    with pytest.raises(ValueError, match=match):
        vk.plot.similarity_heatmap(labels, matrix)


def test_heatmap_labels_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="`labels` must be a list"):
        vk.plot.similarity_heatmap("ab", np.eye(2))


# ---- scatter --------------------------------------------------------------------------------

def test_scatter_2d_coloured_by_label_with_legend_and_texts():
    P = np.array([[0, 0], [0, 1], [5, 5], [5, 6], [9, 0]], dtype=float)
    fig = vk.plot.scatter(P, labels=["a", "a", "b", "b", "c"], texts=["v", "w", "x", "y", "z"])
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["a", "b", "c"]
    colours = {tuple(np.round(c.get_facecolor()[0], 3)) for c in ax.collections}
    assert len(ax.collections) == 3 and len(colours) == 3
    np.testing.assert_array_equal(ax.collections[1].get_offsets(), P[2:4])
    assert _texts(ax) == ["v", "w", "x", "y", "z"]
    assert ax.get_xlabel() == "component 1" and ax.get_title()
    alt = vk.plot.alt_text(fig)
    assert "5 points in 2-D" in alt and "3 groups" in alt and "b around (5.0, 5.5)" in alt


def test_scatter_3d_and_no_labels():
    P = np.random.default_rng(0).normal(size=(6, 3))
    fig = vk.plot.scatter(P)
    ax = fig.axes[0]
    assert ax.name == "3d" and ax.get_zlabel() == "component 3"
    assert ax.get_title() == "Embeddings projected to 3-D" and ax.get_legend() is None
    assert "6 points in 3-D" in vk.plot.alt_text(fig)


def test_scatter_image_thumbnails():
    imgs = [np.full((64, 32, 3), v, np.uint8) for v in (0, 100, 200)]
    fig = vk.plot.scatter(np.array([[0, 0], [1, 1], [2, 0]]), labels=["x", "y", "y"],
                          images=imgs, thumb_px=20)
    boxes = [a for a in fig.axes[0].artists if isinstance(a, AnnotationBbox)]
    assert len(boxes) == 3
    assert boxes[0].offsetbox.get_data().shape[:2] == (20, 10)  # thumbnail keeps aspect
    assert "image thumbnail" in vk.plot.alt_text(fig)
    fig.canvas.draw()


def test_scatter_long_texts_are_cut():
    fig = vk.plot.scatter(np.eye(2), texts=["x" * 100, "short"])
    assert _texts(fig.axes[0])[0] == "x" * 29 + "…"


@pytest.mark.parametrize("kwargs, match", [
    ({"points": np.ones((3, 4))}, "2 or 3 columns"),
    ({"points": np.ones((3, 2)), "labels": ["a"]}, "`labels` has 1 entries"),
    ({"points": np.ones((3, 3)), "images": [np.zeros((4, 4))] * 3}, "2-D points only"),
    ({"points": np.ones((3, 2)), "images": [np.zeros((4, 4))]}, "list of 3 images"),
    ({"points": np.ones((2, 2)), "axis_labels": ["x"]}, "2 names"),
])
def test_scatter_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vk.plot.scatter(**kwargs)


def test_given_ax_is_returned_and_described():
    fig, (a1, a2) = plt.subplots(1, 2)
    out = vk.plot.scatter(np.eye(2), ax=a1)
    assert out is a1
    vk.plot.top_classes([("cat", 0.9)], ax=a2)
    assert vk.plot.alt_text(a1).startswith("Scatter plot")
    assert vk.plot.alt_text(a2).startswith("Horizontal bar chart")
    assert "Scatter plot" in vk.plot.alt_text(fig) and "bar chart" in vk.plot.alt_text(fig)
    # the caller's plain plt.subplots figure now shows its description in a notebook
    assert isinstance(fig, AltFigure)
    assert fig._repr_mimebundle_()[1]["image/png"]["alt"] == vk.plot.alt_text(fig)
    with pytest.raises(ValueError, match="3-D Axes"):
        vk.plot.scatter(np.ones((3, 3)), ax=a1)
    with pytest.raises(TypeError, match="`ax` must be a matplotlib Axes"):
        vk.plot.scatter(np.eye(2), ax="left")


# ---- image_grid / search_results ------------------------------------------------------------

def test_image_grid(tmp_path):
    from PIL import Image

    path = tmp_path / "red.png"
    Image.new("RGB", (10, 10), (255, 0, 0)).save(path)
    imgs = [np.zeros((8, 8, 3), np.uint8), np.ones((8, 8)), str(path)]
    fig = vk.plot.image_grid(imgs, ["black", "white", "red"], ncols=2, title="Colours")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 4 and len(shown) == 3
    assert [ax.get_title() for ax in shown] == ["black", "white", "red"]
    assert shown[2].images[0].get_array()[0, 0].tolist() == [255, 0, 0]
    assert fig._suptitle.get_text() == "Colours"
    assert vk.plot.alt_text(fig) == ("Grid titled 'Colours' of 3 images in 2 rows of 2, "
                                     "captioned: black; white; red.")


@pytest.mark.parametrize("images, captions, match", [
    ([], None, "empty"),
    (np.zeros((8, 8, 3)), None, "list of images"),
    ([np.zeros((4, 4))], ["a", "b"], "`captions` has 2 entries"),
])
def test_image_grid_bad_inputs(images, captions, match):
    with pytest.raises(ValueError, match=match):
        vk.plot.image_grid(images, captions)
    with pytest.raises(ValueError, match="`ncols`"):
        vk.plot.image_grid([np.zeros((4, 4))], ncols=0)


def test_search_results_text_pairs():
    hits = [("a cat sleeps", 0.71), ("a dog barks", 0.55), ("stocks fell", 0.05)]
    fig = vk.plot.search_results("pets", hits, k=2)
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([0.55, 0.71])  # drawn bottom-up: best on top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2. a dog barks", "1. a cat sleeps"]
    assert ax.get_title() == "Results for 'pets'" and ax.get_xlabel() == "score"
    alt = vk.plot.alt_text(fig)
    assert "2 hits" in alt and "1. a cat sleeps (0.71)" in alt and "stocks" not in alt


def test_search_results_from_index_result():
    docs = ["x axis", "y axis", "diagonal"]
    index = vk.Index(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    result = index.search(np.array([1.0, 0.2]), k=3)
    fig = vk.plot.search_results("mostly x", result, items=docs)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "cosine similarity"
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "1. x axis"
    by_key = vk.plot.search_results("q", result, items={0: "zero", 1: "one", 2: "two"})
    assert [t.get_text() for t in by_key.axes[0].get_yticklabels()][-1] == "1. zero"
    with pytest.raises(ValueError, match="several queries"):
        vk.plot.search_results("q", index.search(np.eye(2), k=2), items=docs)
    named = vk.Index(np.eye(2), ids=["x", "y"]).search(np.array([1.0, 0.0]), k=2)
    with pytest.raises(ValueError, match="`items` \\(a list of 3\\) has no entry for the "
                                         "result id 'x'"):
        vk.plot.search_results("q", named, items=docs)
    with pytest.raises(ValueError, match="`items` \\(a list of 1\\) has no entry .* id 2"):
        vk.plot.search_results("q", result, items=docs[:1])
    with pytest.raises(ValueError, match="`items` \\(a dict\\) has no entry .* id 'y'"):
        vk.plot.search_results("q", named, items={"x": "ex"})


def test_search_results_images():
    imgs = [np.full((8, 8, 3), v, np.uint8) for v in (0, 120, 240)]
    fig = vk.plot.search_results(imgs[0], [(imgs[0], 1.0), (imgs[2], 0.4)])
    assert [ax.get_title() for ax in fig.axes] == ["query", "#1  1.000", "#2  0.400"]
    assert all(ax.images for ax in fig.axes)
    assert "Nearest to the query image" in fig._suptitle.get_text()
    # a text query over images shows the text in the query cell
    fig = vk.plot.search_results("dark", [(imgs[0], 0.9)])
    assert _texts(fig.axes[0]) == ["dark"] and fig.axes[1].images


@pytest.mark.parametrize("scores", [[0.71, 0.55], [0.4, -0.2], [-0.1, -0.3]])
def test_ranked_bars_leave_room_for_their_labels(scores):
    """Text hits and top classes share one bar drawing: best on top, value labels in view."""
    fig = vk.plot.search_results("q", [(f"doc {i}", s) for i, s in enumerate(scores)])
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == pytest.approx(scores[::-1])
    assert [t.get_text() for t in ax.texts] == [f"{s:.3f}" for s in scores[::-1]]
    lo, hi = ax.get_xlim()
    span = max(0.0, max(scores)) - min(0.0, min(scores))
    assert lo <= min(0.0, min(scores)) - (0.1 * span if min(scores) < 0 else 0)
    assert hi >= max(0.0, max(scores)) + (0.1 * span if max(scores) > 0 else 0)


@pytest.mark.parametrize("results, kwargs, match", [
    ([], {}, "empty"),
    ([("a", "high")], {}, "list of \\(item, score\\) pairs"),
    ([("a", 0.5)], {"kind": "audio"}, "`kind` must be one of"),
])
def test_search_results_bad_inputs(results, kwargs, match):
    with pytest.raises(ValueError, match=match):
        vk.plot.search_results("q", results, **kwargs)


# ---- audio ----------------------------------------------------------------------------------

def test_waveform_array_and_file(tmp_path):
    import soundfile as sf

    x = _tone(5, seconds=0.5, sr=8000)
    fig = vk.plot.waveform(x, sr=8000)
    ax = fig.axes[0]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(), x)
    assert line.get_xdata()[-1] == pytest.approx((len(x) - 1) / 8000)
    assert ax.get_xlabel() == "time (s)" and ax.get_ylabel() == "amplitude"
    alt = vk.plot.alt_text(fig)
    assert "0.50 s of audio at 8000 Hz" in alt and "peak 0.50" in alt
    path = tmp_path / "tone.wav"
    sf.write(path, np.stack([x, x], axis=1), 8000)  # stereo file: mixed to mono
    fig = vk.plot.waveform(path, sr=8000)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), x, atol=1e-4)
    with pytest.raises(ValueError, match="`sr`"):
        vk.plot.waveform(x)


def test_spectrogram_matches_log_mel_and_finds_the_pitch():
    x = np.concatenate([_tone(440), _tone(2000)])
    fig = vk.plot.spectrogram(x, sr=16000)
    ax = fig.axes[0]
    S = vk.audio.log_mel(x, sample_rate=16000)
    np.testing.assert_allclose(ax.images[0].get_array(), S.T)
    assert ax.get_ylabel().startswith("frequency") and ax.get_xlabel() == "time (s)"
    assert "1k" in [t.get_text() for t in ax.get_yticklabels()]
    alt = vk.plot.alt_text(fig)
    assert "2.0" in alt and "96 mel bands" in alt
    hz = float(alt.split("strongest point is near ")[1].split(" Hz")[0])
    assert hz == pytest.approx(440, rel=0.1) or hz == pytest.approx(2000, rel=0.1)
    silent = vk.plot.spectrogram(np.zeros(8000), sr=16000)
    assert "silent" in vk.plot.alt_text(silent)
    with pytest.raises(ValueError, match="`sr`"):
        vk.plot.spectrogram(x)


def test_top_classes():
    pairs = [("espresso", 0.9), ("cup", 0.07), ("eggnog", 0.03)]
    fig = vk.plot.top_classes([pairs], xlabel="probability")  # classify() output of one item
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["eggnog", "cup", "espresso"]
    assert [p.get_width() for p in ax.patches] == pytest.approx([0.03, 0.07, 0.9])
    assert ax.get_xlabel() == "probability" and ax.get_title() == "Top classes"
    assert "espresso 0.90; cup 0.07; eggnog 0.03" in vk.plot.alt_text(fig)
    for bad in ([], [("a",)], [("a", float("nan"))], "abc"):
        with pytest.raises(ValueError, match="pairs"):
            vk.plot.top_classes(bad)


# ---- alt text in notebooks and files --------------------------------------------------------

def test_notebook_output_carries_alt_text():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"})
        fig = vk.plot.top_classes([("cat", 0.8), ("dog", 0.2)])
        assert plt.fignum_exists(fig.number)
        data, md = shell.display_formatter.format(fig)
        alt = vk.plot.alt_text(fig)
        assert data["text/plain"] == alt
        assert data["image/png"][:4] == b"\x89PNG" or data["image/png"].startswith("iVBOR")
        assert md["image/png"]["alt"] == alt
        # JupyterLab shows text/html before image/png and ignores image metadata: the same
        # picture as <img alt> is what reaches its screen-reader users
        assert data["text/html"].startswith('<img src="data:image/png;base64,' + data["image/png"][:20])
        assert f'alt="{html.escape(alt)}"' in data["text/html"]
        # shown as the cell's result, it is closed so the inline backend won't draw it twice
        assert not plt.fignum_exists(fig.number)
    finally:
        InteractiveShell.clear_instance()


def test_savefig_writes_alt_text(tmp_path):
    from PIL import Image

    fig = vk.plot.top_classes([("cat", 0.8)])
    alt = vk.plot.alt_text(fig)
    png = vk.plot.savefig(fig, tmp_path / "c.png")
    assert Image.open(png).text["Description"] == alt
    svg = vk.plot.savefig(fig, tmp_path / "c.svg")
    assert "<dc:description>Horizontal bar chart" in svg.read_text()
    ax_fig = vk.plot.savefig(fig.axes[0], tmp_path / "d.png")  # an Axes saves its figure
    assert Image.open(ax_fig).text["Description"] == alt


def test_every_plot_has_title_labels_and_alt():
    x = _tone(300, 0.3)
    figs = [
        vk.plot.similarity_heatmap(["a", "b"], np.eye(2)),
        vk.plot.scatter(np.eye(2), labels=["a", "b"]),
        vk.plot.search_results("q", [("a", 0.4)]),
        vk.plot.waveform(x, 16000),
        vk.plot.spectrogram(x, 16000),
        vk.plot.top_classes([("a", 0.5)]),
    ]
    for fig in figs:
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), fig
        assert len(vk.plot.alt_text(fig)) > 40
        fig.canvas.draw()  # renders without error


def test_alt_text_in_an_executed_notebook_and_its_html_export():
    """In a real kernel: one image per figure (no double display) with the alt in its metadata."""
    import nbclient
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nimport vectorkit as vk\n"
                                  "vk.plot.top_classes([('cat', 0.8), ('dog', 0.2)])"),
        nbformat.v4.new_code_cell("fig = vk.plot.top_classes([('owl', 0.5)])  # not returned"),
    ]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    for cell, label in zip(nb.cells, ["cat 0.80; dog 0.20", "owl 0.50"], strict=True):
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, cell.outputs
        assert label in images[0]["metadata"]["image/png"]["alt"]
        assert label in images[0]["data"]["text/plain"]
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert 'alt="Horizontal bar chart of the top 2 classes' in html


def _overlaps(fig, texts) -> list[tuple[str, str]]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [(a, b) for k, (a, box_a) in enumerate(boxes) for b, box_b in boxes[k + 1:]
            if box_a.overlaps(box_b)]


def test_scatter_texts_of_crowded_points_do_not_overlap():
    """nb05's t-SNE map: labels of nearby sounds used to sit on top of each other."""
    rng = np.random.default_rng(0)
    pts = np.concatenate([rng.normal(0, 0.3, (12, 2)), rng.normal(5, 0.3, (12, 2))])
    names = [f"noise colour {k}" for k in range(24)]
    fig = vk.plot.scatter(pts, labels=["a"] * 12 + ["b"] * 12, texts=names)
    texts = [t for t in fig.axes[0].texts if t.get_text() in names]
    assert len(texts) == 24 and _overlaps(fig, texts) == []


def test_scatter_legend_is_titled_by_what_it_labels():
    P = np.array([[0, 0], [0, 1], [5, 5]])
    fig = vk.plot.scatter(P, labels=["rain", "rain", "sun"], legend_title="weather")
    assert fig.axes[0].get_legend().get_title().get_text() == "weather"
    assert "coloured by weather: 2 groups" in vk.plot.alt_text(fig)
    untitled = vk.plot.scatter(P, labels=["rain", "rain", "sun"])
    assert untitled.axes[0].get_legend().get_title().get_text() == ""   # never "label"
    assert vk.plot.scatter(P, figsize=(9, 4)).get_size_inches().tolist() == [9, 4]
