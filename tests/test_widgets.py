"""vk.widgets: pure functions and widgets driven by setting values, with small fake models."""

import matplotlib

matplotlib.use("Agg")

import html  # noqa: E402
import importlib.util  # noqa: E402
import re  # noqa: E402
import zlib  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import vectorkit as vk  # noqa: E402
from vectorkit.widgets import _common  # noqa: E402

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class FakeText:
    """Deterministic text 'model': hashed character trigram counts (similar spelling = close)."""

    dim = 64

    def __init__(self):
        self.calls = []

    def embed(self, items, **kwargs):
        self.calls.append(list(items))
        out = np.zeros((len(items), self.dim), np.float32)
        for r, text in enumerate(items):
            if "boom" in text:
                raise RuntimeError("the model exploded")
            t = f"  {text.lower()}  "
            for i in range(len(t) - 2):
                out[r, zlib.crc32(t[i:i + 3].encode()) % self.dim] += 1
        return out


class FakeImage:
    """Mean colour of an image as its 'embedding'."""

    def embed(self, images, **kwargs):
        return np.array([[im[..., 0].mean(), im[..., 1].mean(), im[..., 2].mean()]
                         for im in images], dtype=np.float32) + 1.0


class FakeAudio:
    """Dominant frequency and loudness of a 16 kHz clip; tags 'high'/'low'."""

    def __init__(self):
        self.rates = []

    def _freq(self, x):
        return float(np.argmax(np.abs(np.fft.rfft(x)))) * 16000 / len(x)

    def embed(self, sounds, sample_rate=None, **kwargs):
        self.rates.append(sample_rate)
        return np.array([[np.log(self._freq(x) + 1), np.sqrt(np.mean(x ** 2)) * 10]
                         for x in sounds], dtype=np.float32)

    def classify(self, sound, top_k=5, sample_rate=None):
        high = min(1.0, self._freq(sound) / 2000)
        return sorted([("high", high), ("low", 1 - high)], key=lambda p: -p[1])[:top_k]


def tone(freq, sr=8000, seconds=0.5, amp=0.5):
    t = np.arange(int(sr * seconds)) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


DOCS = ["the cat sat on the mat", "stock markets fell sharply today",
        "a cat plays with yarn", "how to bake sourdough bread"]


# ---- similarity ---------------------------------------------------------------------------

def test_compare_texts_scores_match_the_similarity_functions():
    m = FakeText()
    rows = vk.widgets.compare_texts(m, ["a cat", "a cat!", "tax law"])
    assert [(r["a"], r["b"]) for r in rows] == [("A", "B"), ("A", "C"), ("B", "C")]
    E = m.embed(["a cat", "a cat!", "tax law"])
    assert rows[1]["cosine"] == pytest.approx(vk.cosine_similarity(E[0], E[2]))
    assert rows[1]["euclidean"] == pytest.approx(vk.euclidean_distance(E[0], E[2]))
    assert rows[1]["dot"] == pytest.approx(vk.dot_product(E[0], E[2]))
    assert rows[0]["cosine"] > rows[1]["cosine"]


def test_compare_texts_empty_box_and_bad_input():
    rows = vk.widgets.compare_texts(FakeText(), ["a cat", "   "])
    assert rows[0]["cosine"] is None
    assert "type a sentence in box B" in vk.widgets.similarity_table_html(rows)
    for bad in (["one"], ["a", "b", "c", "d"], "ab", ["a", 3]):
        with pytest.raises(ValueError, match="`texts`"):
            vk.widgets.compare_texts(FakeText(), bad)


def test_similarity_explorer_updates_when_typing():
    m = FakeText()
    w = vk.widgets.similarity_explorer(m, ["a cat sleeps", "a cat naps"])
    assert len(w.boxes) == 2 and w.boxes[1].continuous_update
    before_rows, before_html = w.rows, w.table.value
    assert f"<b>{before_rows[0]['cosine']:.3f}</b>" in before_html
    w.boxes[1].value = "stock markets"
    assert w.rows[0]["cosine"] < before_rows[0]["cosine"]
    assert w.table.value != before_html and f"<b>{w.rows[0]['cosine']:.3f}</b>" in w.table.value
    assert m.calls[-1] == ["stock markets"]  # only the changed text is embedded again
    w.boxes[0].value = "boom"
    assert "the model exploded" in w.table.value and w.rows == []  # shown, not raised
    w.boxes[0].value = "stock market"
    assert w.rows[0]["cosine"] > 0.5


def test_similarity_explorer_three_boxes_static_and_fallback_bundle():
    m = FakeText()
    w = vk.widgets.similarity_explorer(m, ["a", "b", "c"])
    assert len(w.boxes) == 3 and len(w.rows) == 3
    bundle = w._repr_mimebundle_()
    assert WIDGET_MIME in bundle and bundle["text/html"] == w.table.value
    assert bundle["text/plain"].startswith("Similarity explorer. A-B: cosine")
    df = vk.widgets.similarity_explorer(m, ["a cat", "a dog"], static=True)
    assert list(df["pair"]) == ["A-B"]
    assert df["cosine"][0] == pytest.approx(vk.widgets.compare_texts(m, ["a cat", "a dog"])
                                            [0]["cosine"])


def test_static_when_ipywidgets_is_missing(monkeypatch):
    def missing():
        raise ImportError("no ipywidgets")

    monkeypatch.setattr(_common, "require_ipywidgets", missing)
    out = vk.widgets.similarity_explorer(FakeText(), ["a", "b"])
    assert out.__class__.__name__ == "DataFrame"


# ---- search -------------------------------------------------------------------------------

def test_search_engine_semantic_and_keyword_over_documents():
    m = FakeText()
    eng = vk.widgets.SearchEngine(DOCS, m)
    assert eng.modes == ["semantic", "keyword"]
    hits = eng.search("cats", "semantic", k=4)
    E = m.embed(DOCS)
    q = m.embed(["cats"])[0]
    expected = np.argsort(-vk.cosine_similarity(q, E), kind="stable")
    assert [h["id"] for h in hits] == expected.tolist()
    assert hits[0]["text"] == DOCS[hits[0]["id"]] and hits[0]["rank"] == 1
    kw = eng.search("cat", "keyword", k=4)
    assert sorted(h["text"] for h in kw) == sorted([DOCS[0], DOCS[2]])  # only word matches
    assert eng.search("   ", "keyword") == []


def test_search_engine_with_indexes():
    m = FakeText()
    index = vk.Index(m.embed(DOCS), ids=["a", "b", "c", "d"])
    docs = dict(zip(["a", "b", "c", "d"], DOCS, strict=True))
    eng = vk.widgets.SearchEngine(index, m, documents=docs,
                                  keyword_index=vk.KeywordIndex(docs))
    assert eng.modes == ["semantic", "keyword"]
    assert eng.search("bread", "semantic", k=1)[0]["text"] == DOCS[3]
    assert eng.search("bread", "keyword", k=1)[0]["id"] == "d"
    kw_only = vk.widgets.SearchEngine(vk.KeywordIndex(DOCS))
    assert kw_only.modes == ["keyword"] and kw_only.search("yarn")[0]["text"] == "2"


@pytest.mark.parametrize("args, kwargs, match", [
    (([],), {}, "non-empty list of strings"),
    (([1, 2],), {}, "non-empty list of strings"),
    ((DOCS,), {"documents": DOCS}, "only for an index"),
    ((DOCS,), {"keyword_index": "bm25"}, "keyword_index"),
    ((vk.Index(np.eye(3)),), {}, "needs `model` to embed the query"),
])
def test_search_engine_bad_inputs(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        vk.widgets.SearchEngine(*args, **kwargs)


def test_search_engine_bad_queries():
    eng = vk.widgets.SearchEngine(DOCS)
    with pytest.raises(ValueError, match="`mode` must be one of \\['keyword'\\]"):
        eng.search("cat", "semantic")
    with pytest.raises(ValueError, match="`k`"):
        eng.search("cat", k=0)
    with pytest.raises(ValueError, match="`query` must be a string"):
        eng.search(["cat"])


def test_search_box_widget_query_and_toggle():
    import ipywidgets

    box = vk.widgets.search_box(DOCS, FakeText(), k=2, query="cat on a mat")
    assert any(isinstance(c, ipywidgets.ToggleButtons) for c in box.children)
    first = box.hits
    assert first[0]["text"] == DOCS[0] and len(first) == 2
    box.query.value = "sourdough bread"
    assert box.hits[0]["text"] == DOCS[3] and "sourdough bread" in box.results.value
    box.mode.value = "keyword"
    assert [h["text"] for h in box.hits] == [DOCS[3]]  # keyword: only the shared word
    assert "keyword results" in box.results.value
    box.query.value = "zebra"
    assert box.hits == [] and "No keyword match" in box.results.value
    assert box._repr_mimebundle_()["text/plain"].startswith("Search box (keyword)")
    keyword_only = vk.widgets.search_box(DOCS)
    assert not any(isinstance(c, ipywidgets.ToggleButtons) for c in keyword_only.children)


def test_search_box_static():
    df = vk.widgets.search_box(DOCS, FakeText(), k=1, query="bread", static=True)
    assert list(df["mode"]) == ["semantic", "keyword"] and list(df["text"]) == [DOCS[3]] * 2
    with pytest.raises(ValueError, match="needs a `query`"):
        vk.widgets.search_box(DOCS, static=True)


# ---- images -------------------------------------------------------------------------------

def _images():
    colours = [(250, 10, 10), (240, 30, 20), (10, 10, 250), (20, 200, 30)]
    return [np.full((16, 16, 3), c, np.uint8) for c in colours], ["red", "red2", "blue", "green"]


def test_image_search_widget():
    imgs, names = _images()
    w = vk.widgets.image_search(FakeImage(), imgs, names, k=2)
    assert w.hits[0][0] == 1  # red's nearest is red2
    png = w.png
    assert png[:4] == b"\x89PNG"
    w.picker.value = 2
    assert w.hits[0][0] != 2 and w.png != png
    assert "Nearest to 'blue'" in w.summary()
    bundle = w._repr_mimebundle_()
    assert 'alt="Search results titled' in bundle["text/html"]


def test_figure_widgets_describe_the_picture_only_in_its_alt_text(clusters):
    """The alt text reaches screen readers through <img alt>, never as a visible caption."""
    imgs, names = _images()
    explorer = vk.widgets.projection_explorer(*clusters, perplexity=5)
    for w in (vk.widgets.image_search(FakeImage(), imgs, names, k=2), explorer):
        assert w.alt and w.picture.value.startswith("<img ")
        assert f'alt="{html.escape(w.alt)}"' in w.picture.value
        visible = re.sub(r"<[^>]+>", "", w.picture.value + w.caption.value)
        assert w.alt[:30] not in visible and not visible.strip()
        static = w._repr_mimebundle_()["text/html"]
        assert re.sub(r"<[^>]+>", "", static).strip() == ""


def test_image_search_static_and_bad_input():
    imgs, names = _images()
    fig = vk.widgets.image_search(FakeImage(), imgs, names, k=1, static=True, query=2)
    assert "Nearest to 'blue'" in vk.plot.alt_text(fig)
    coll = vk.widgets.ImageCollection(FakeImage(), imgs, names)
    with pytest.raises(ValueError, match="image number 0..3"):
        coll.neighbours(4)
    with pytest.raises(ValueError, match="at least 2 images"):
        vk.widgets.image_search(FakeImage(), imgs[:1])
    with pytest.raises(ValueError, match="`captions` has 1 entries but 4 are needed"):
        vk.widgets.image_search(FakeImage(), imgs, ["a"])
    with pytest.raises(ValueError, match="`query` must be an image number 0..3, got 4"):
        vk.widgets.image_search(FakeImage(), imgs, query=4)  # not a TraitError from the picker
    with pytest.raises(ValueError, match="at least 2 images, got a single image"):
        vk.widgets.image_search(FakeImage(), imgs[0])


def test_neighbours_use_the_index_and_leave_the_item_out():
    """Duplicates tie at cosine 1: the item itself is left out wherever the tie puts it."""
    imgs, names = _images()
    imgs = [imgs[0], imgs[0], imgs[0], imgs[2]]  # three identical red images, one blue
    coll = vk.widgets.ImageCollection(FakeImage(), imgs, names)
    for i in range(3):
        hits = coll.neighbours(i, k=3)
        assert [j for j, _ in hits] == [j for j in range(4) if j != i]
        assert [s for _, s in hits][:2] == pytest.approx([1.0, 1.0])
    E = FakeImage().embed(imgs)
    assert coll.neighbours(3, k=1)[0][1] == pytest.approx(vk.cosine_similarity(E[3], E[0]))


class _Stated:
    """A model that states its modality, as every vectorkit model does."""

    def __init__(self, modality):
        self.modality, self.name = modality, f"fake-{modality}"

    def embed(self, items, **kwargs):
        raise AssertionError("a model of the wrong modality must be refused before embedding")


@pytest.mark.parametrize("make, wanted", [
    (lambda m: vk.widgets.image_search(m, _images()[0]), "image"),
    (lambda m: vk.widgets.audio_explorer(m, [tone(200), tone(300)], sample_rate=8000), "audio"),
    (lambda m: vk.widgets.search_box(DOCS, m), "text"),
    (lambda m: vk.widgets.similarity_explorer(m, ["a", "b"]), "text"),
])
def test_a_model_of_the_wrong_modality_is_named(make, wanted):
    other = "text" if wanted != "text" else "image"
    with pytest.raises(ValueError, match=f"`model` must be an? {wanted} model, e.g. "
                                         rf"vk.load_model\('{wanted}'\); got 'fake-{other}', "
                                         f"an? {other} model"):
        make(_Stated(other))
    with pytest.raises(TypeError, match=r"`model` must have an embed\(\) method"):
        make("not a model")


def test_a_zero_embedding_names_the_collection():
    class Zero(FakeImage):
        def embed(self, images, **kwargs):
            out = super().embed(images)
            out[1] = 0
            return out

    with pytest.raises(ValueError, match="embeddings of `images`.*row 1 is the zero vector"):
        vk.widgets.ImageCollection(Zero(), *_images())


# ---- audio --------------------------------------------------------------------------------

def test_audio_explorer_widget():
    m = FakeAudio()
    sounds = [tone(220), tone(230), tone(1800), tone(1900)]
    w = vk.widgets.audio_explorer(m, sounds, ["A3", "A3+", "high", "higher"], sample_rate=8000,
                                  k=1)
    assert m.rates == [16000]  # everything resampled to 16 kHz first
    assert [j for j, _ in w.hits] == [1]
    wav = w.player.value
    assert wav[:4] == b"RIFF" and "low" in w.report.value
    w.picker.value = 3
    assert [j for j, _ in w.hits] == [2] and w.player.value != wav
    assert "<td>high</td>" in w.report.value
    assert w.summary().startswith("Sound 'higher': tags high, low; nearest: high")
    assert "<audio controls" in w._repr_mimebundle_()["text/html"]


def test_audio_explorer_static_dict_and_no_classifier():
    class NoTags(FakeAudio):
        def classify(self, *args, **kwargs):
            raise NotImplementedError

    sounds = {"low": tone(200), "mid": tone(600), "high": tone(1800)}
    df = vk.widgets.audio_explorer(NoTags(), sounds, sample_rate=8000, k=1, static=True)
    assert list(df["sound"]) == ["low", "mid", "high"] and list(df["tags"]) == ["", "", ""]
    assert df["nearest"][0].startswith("mid")
    w = vk.widgets.audio_explorer(NoTags(), sounds, sample_rate=8000)
    assert "this model has no tags" in w.report.value
    with pytest.raises(ValueError, match="at least 2 sounds"):
        vk.widgets.audio_explorer(FakeAudio(), [tone(200)], sample_rate=8000)
    with pytest.raises(ValueError, match="sample_rate"):
        vk.widgets.audio_explorer(FakeAudio(), [tone(200), tone(300)])
    with pytest.raises(ValueError, match="`top_k` must be a positive integer"):
        vk.widgets.audio_explorer(FakeAudio(), [tone(200), tone(300)], sample_rate=8000,
                                  top_k=0)


# ---- projections --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clusters():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 5
    X = np.concatenate([c + rng.normal(size=(8, 8)) for c in centres])
    return X, ["a"] * 8 + ["b"] * 8 + ["c"] * 8


def test_projection_explorer_widget(clusters):
    X, labels = clusters
    w = vk.widgets.projection_explorer(X, labels, perplexity=5)
    assert w.method.value == "pca" and w.perplexity.disabled
    assert w.perplexity.max == 7  # (24 - 1) // 3
    np.testing.assert_allclose(w.points, vk.reduce(X, "pca"))
    pca_png = w.png
    w.method.value = "tsne"
    assert not w.perplexity.disabled and w.png != pca_png
    np.testing.assert_array_equal(w.points, vk.reduce(X, "tsne", perplexity=5))
    tsne5 = w.points
    w.perplexity.value = 2
    assert not np.allclose(w.points, tsne5)
    assert "t-SNE (perplexity 2)" in w.summary()
    options = [v for _, v in w.method.options]
    assert ("umap" in options) == vk.reduction.umap_available()


needs_umap = pytest.mark.skipif(importlib.util.find_spec("umap") is None, reason="umap-learn missing")


@needs_umap
def test_projection_explorer_neighbours_slider(clusters):
    X, labels = clusters
    w = vk.widgets.projection_explorer(X, labels, n_neighbors=5)
    assert w.n_neighbors.disabled and w.n_neighbors.value == 5 and w.n_neighbors.max == 23
    w.method.value = "tsne"
    assert w.n_neighbors.disabled and not w.perplexity.disabled
    w.method.value = "umap"
    assert not w.n_neighbors.disabled and w.perplexity.disabled
    np.testing.assert_allclose(w.points, vk.reduce(X, "umap", n_neighbors=5), atol=1e-6)
    assert "UMAP (5 neighbours)" in w.summary()
    umap5 = w.points
    w.n_neighbors.value = 20
    np.testing.assert_allclose(w.points, vk.reduce(X, "umap", n_neighbors=20), atol=1e-6)
    assert not np.allclose(w.points, umap5) and "UMAP (20 neighbours)" in w.summary()
    w.perplexity.value = 3  # the t-SNE slider does not touch the UMAP picture
    np.testing.assert_allclose(w.points, vk.reduce(X, "umap", n_neighbors=20), atol=1e-6)


@needs_umap
def test_projection_static_umap_uses_n_neighbors(clusters):
    X, labels = clusters
    fig = vk.widgets.projection_explorer(X, labels, method="umap", n_neighbors=4, static=True)
    assert fig.axes[0].get_title() == "UMAP (4 neighbours)"
    assert fig.axes[0].get_xlabel() == "UMAP 1"
    expected = vk.reduce(X, "umap", n_neighbors=4)[np.array(labels) == "a"]
    np.testing.assert_allclose(fig.axes[0].collections[0].get_offsets(), expected, atol=1e-5)


def test_projection_neighbours_are_limited_and_checked(clusters):
    X, labels = clusters
    p = vk.widgets.Projection(X[:6], labels[:6])
    assert (p.umap_neighbours(), p.umap_neighbours(3), p.umap_neighbours(50)) == (5, 3, 5)
    assert vk.widgets.Projection(X, labels).umap_neighbours() == 15
    assert p.max_neighbours == 5
    for bad in (1, 0, True, 2.5, "15"):
        with pytest.raises(ValueError, match="`n_neighbors` must be an integer >= 2"):
            vk.widgets.projection_explorer(X, labels, n_neighbors=bad)
    fig = vk.widgets.projection_explorer(X, labels, n_neighbors=3, static=True)
    assert fig.axes[0].get_title() == "PCA"  # n_neighbors matters for UMAP only


def test_projection_static_and_bad_input(clusters):
    X, labels = clusters
    fig = vk.widgets.projection_explorer(X, labels, static=True)
    assert fig.axes[0].get_xlabel() == "PCA 1" and fig.axes[0].get_legend() is not None
    with pytest.raises(ValueError, match="`method` must be one of"):
        vk.widgets.projection_explorer(X, method="lda")
    with pytest.raises(ValueError, match="`labels` has 1 entries but 24 are needed \\(one per "
                                         "row of `X`\\)"):
        vk.widgets.projection_explorer(X, ["a"])
    with pytest.raises(ValueError, match="`X` must be a 2-D array"):
        vk.widgets.projection_explorer(X.reshape(4, 6, 8))
    with pytest.raises(ValueError, match="`perplexity`"):
        vk.widgets.projection_explorer(X, perplexity=0)


# ---- the real text model ------------------------------------------------------------------

def test_similarity_explorer_with_the_real_text_model():
    model = vk.load_model("text")
    w = vk.widgets.similarity_explorer(model, ["A cat is sleeping on the sofa.",
                                               "A kitten naps on the couch.",
                                               "The tax return is due in April."])
    close, far, _ = (r["cosine"] for r in w.rows)
    assert close > far + 0.2
    w.boxes[2].value = "A young cat dozes on a settee."
    assert w.rows[1]["cosine"] > far + 0.2


def test_projection_umap_without_umap_learn_names_the_install(clusters, monkeypatch):
    import builtins

    from vectorkit import reduction

    real_import = builtins.__import__

    def no_umap(name, *args, **kwargs):
        if name == "umap" or name.startswith("umap."):
            raise ImportError("No module named 'umap'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(reduction, "umap_available", lambda: False)
    monkeypatch.setattr(builtins, "__import__", no_umap)
    X, labels = clusters
    with pytest.raises(ImportError, match=r'pip install "vectorkit\[umap\]"'):
        vk.widgets.projection_explorer(X, labels, method="umap")


# ---- score bars (issue 12) ----------------------------------------------------------------

def _fill(html_bar: str) -> tuple[float, float]:
    """(left %, width %) of the coloured fill of one bar."""
    left, width = re.search(r"left:([\d.]+)%;width:([\d.]+)%", html_bar).groups()
    return float(left), float(width)


@pytest.mark.parametrize("value, left, width", [
    (0.04, 50.0, 2.0),      # a sliver right of the zero tick, not a half-full bar
    (-0.5, 25.0, 25.0),     # negative: from the value to zero, left of the tick
    (1.0, 50.0, 50.0),
    (0.0, 50.0, 0.0),
    (3.0, 50.0, 50.0),      # clipped to the scale
])
def test_a_bar_on_a_scale_through_zero_fills_from_a_zero_tick(value, left, width):
    b = _common.bar(value, -1, 1)
    assert _fill(b) == pytest.approx((left, width))
    assert "left:calc(50.0% - 1px)" in b                       # the zero tick
    assert f'aria-label="{_common.fmt(value)} on a scale from -1 to 1"' in b


def test_a_bar_on_a_scale_from_zero_has_no_tick():
    b = _common.bar(0.25, 0, 1)
    assert _fill(b) == (0.0, 25.0) and "calc(" not in b


def test_audio_report_keeps_probabilities_and_cosines_apart():
    w = vk.widgets.audio_explorer(FakeAudio(), [tone(220), tone(230), tone(1800)],
                                  ["A3", "A3+", "high"], sample_rate=8000, k=1)
    tags, near = w.report.value.split('<table class="vk-nearest">')
    assert "from 0 to 1" in tags and "-1 to 1" not in tags and "calc(" not in tags
    assert "from -1 to 1" in near and "calc(50.0% - 1px)" in near
    colours = {re.search(r"background:(#\w+)\"></div>", b).group(1)
               for b in re.findall(r'<div style="display:inline-block.*?</div>', tags)}
    assert "#2a7ab0" not in colours  # tag bars are not drawn like cosine bars


def test_semantic_results_use_the_cosine_scale_and_keyword_results_say_relative():
    from vectorkit.widgets._search import results_html

    eng = vk.widgets.SearchEngine(DOCS, FakeText())
    semantic = results_html("cat", "semantic", eng.search("cat", "semantic"))
    assert "cosine, -1 to 1" in semantic and "calc(50.0% - 1px)" in semantic
    keyword = results_html("cat", "keyword", eng.search("cat", "keyword"))
    assert "relative to the best" in keyword and "calc(" not in keyword
