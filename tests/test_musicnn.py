"""The bundled musicnn model: faithful to the original network, musically sensible, strict."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile as sf

import vectorkit as vk
from vectorkit.models import _musicnn

SR = 16000
PERCUSSIVE = {"drums", "beat", "beats", "techno"}

# Logits of the musicnn package's own TF1 graph (tf.compat.v1 session, Saver restore of
# musicnn/MTT_musicnn), measured once on the float32 log-mel patches built in `_reference`.
REF_SINE = [-6.3861, -9.9286, -2.889, -9.5068, -9.6571, -8.1577, -7.9711, -11.2889, -5.7421,
            -11.455, -5.5659, -9.3509, -12.1729, -5.8213, -8.0588, -4.9184, -4.9758, -9.5257,
            -12.0963, -6.9009, -6.791, -5.224, -10.5436, -9.7985, -3.5087, 0.6627, -5.4177,
            -12.8825, -4.6106, -11.0275, -5.1271, -8.0613, -2.4886, -13.7037, -12.6348,
            -12.8295, -6.6712, -5.8822, -11.1011, -13.5353, -5.6686, -10.072, -8.5164,
            -13.3257, -5.1072, -6.9106, -15.6446, -13.4982, -5.8546, -14.1536]
REF_PULSE = [-3.7825, -10.111, -3.8787, -0.583, -9.1622, -1.2704, -1.4574, -5.2773, -2.397,
             -5.6001, -4.6578, -0.0778, -13.212, -7.6683, -2.7453, -6.8264, -8.5562, -11.567,
             -7.9585, -7.9483, -7.4479, -3.1136, -13.1379, -6.6569, -4.1327, -9.5708, -7.3741,
             -8.1374, -2.9752, -5.7185, -5.4622, -11.1024, -5.5598, -8.2613, -11.488, -12.5502,
             -7.4078, -6.0322, -2.8927, -7.8518, -7.4342, -1.236, -9.7545, -14.8125, -3.0472,
             -5.1816, -8.8194, -8.7591, -7.9926, -12.4143]


@pytest.fixture(scope="module")
def model():
    return vk.load_model("audio")


@pytest.fixture(scope="module")
def sound_vectors(model):
    sounds = vk.datasets.load_sounds()
    names = ["sine A4", "sine A#4", "white noise", "pink noise", "brown noise",
             "clicks 60 bpm", "clicks 120 bpm", "rock beat 100 bpm", "four on the floor 124 bpm"]
    picked = [sounds.get(n) for n in names]
    vecs = model.embed(picked, cache=False)
    sim = dict(zip(names, vk.normalize(vecs), strict=True))
    return picked, vecs, lambda a, b: float(sim[a] @ sim[b])


def test_identity_and_registry(model):
    assert (model.name, model.modality, model.dim, model.source) == (
        "musicnn", "audio", 200, "bundled")
    assert len(model.labels) == 50 and "drums" in model.labels
    assert "musicnn" in [m.name for m in vk.list_models() if m.available]


def test_forward_pass_matches_the_original_graph(model):
    t = np.arange(SR * 7) / SR
    sine = model.preprocess((0.9 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
                            sample_rate=SR)
    pulse = model.preprocess((0.5 * np.sign(np.sin(2 * np.pi * 2 * t))).astype(np.float32),
                             sample_rate=SR)
    assert sine.shape == (3, 187, 96)
    _, logits = model._forward(np.stack([sine[0], pulse[0]]))
    np.testing.assert_allclose(logits.numpy(), [REF_SINE, REF_PULSE], atol=2e-3)


def test_neighbouring_pitches_are_close_noise_is_far(sound_vectors):
    _, _, cos = sound_vectors
    near = cos("sine A4", "sine A#4")
    assert near > 0.9
    for noise in ("white noise", "pink noise", "brown noise"):
        assert near - cos("sine A4", noise) > 0.4, noise


def test_click_tracks_at_different_tempos_group_together(sound_vectors):
    _, _, cos = sound_vectors
    same_rhythm = cos("clicks 60 bpm", "clicks 120 bpm")
    assert same_rhythm > cos("clicks 60 bpm", "sine A4") + 0.3
    assert same_rhythm > cos("clicks 120 bpm", "sine A4") + 0.3


def test_tags_drums_get_percussive_tags_sines_sound_like_flutes(model, sound_vectors):
    picked, _, _ = sound_vectors
    tags = model.classify(picked, top_k=5)
    by_name = {s.name: [label for label, _ in t] for s, t in zip(picked, tags, strict=True)}
    for name in ("rock beat 100 bpm", "four on the floor 124 bpm", "clicks 120 bpm"):
        assert PERCUSSIVE & set(by_name[name]), (name, by_name[name])
    assert "flute" in by_name["sine A4"][:3]
    single = model.classify(picked[0], top_k=3)
    assert len(single) == 3 and all(0 <= s <= 1 for _, s in single)
    assert [s for _, s in single] == sorted((s for _, s in single), reverse=True)


def test_embedding_is_mean_of_frames_and_frames_cover_the_clip(model):
    x = vk.datasets.load_sounds(duration=10.0).get("rock beat 130 bpm").audio
    emb, times = model.frames(x, sample_rate=SR)
    assert emb.shape == (4, 200) and emb.dtype == np.float32
    assert times[0] == 0 and (np.diff(times) > 0).all()
    assert times[-1] + model.window_seconds == pytest.approx(10.0, abs=0.02)
    np.testing.assert_allclose(model.embed(x, sample_rate=SR, cache=False), emb.mean(axis=0),
                               rtol=1e-5, atol=1e-5)


def test_file_input_streams_and_matches_array_input(model, tmp_path):
    rng = np.random.default_rng(3)
    x = (0.2 * rng.standard_normal(SR * 20)).astype(np.float32)
    x[::4000] = 0.9  # add clicks so windows differ
    path = tmp_path / "long.flac"
    sf.write(path, x, SR, subtype="PCM_24")
    e_file, t_file = model.frames(path)
    e_arr, t_arr = model.frames(vk.load_audio(path), sample_rate=SR)
    assert len(t_file) == 7  # 6 full windows (17.95 s) + one end-aligned for the rest
    np.testing.assert_allclose(t_file, t_arr)
    np.testing.assert_allclose(e_file, e_arr, atol=1e-4)


def test_other_rates_stereo_and_ints_are_converted(model):
    t = np.arange(44100 * 3) / 44100
    x = 0.5 * np.sin(2 * np.pi * 440 * t)
    ref = model.embed(vk.datasets.load_sounds().get("sine A4"), cache=False)
    stereo16 = (np.stack([x, x], axis=1) * 32767).astype(np.int16)
    got = model.embed(stereo16, sample_rate=44100, cache=False)
    assert vk.cosine_similarity(got, ref) > 0.99


def test_short_clip_is_looped_with_a_warning(model):
    with pytest.warns(UserWarning, match=r"1\.00 s long, shorter than musicnn's 2\.99 s"):
        vec = model.embed(np.zeros(SR, np.float32) + 0.01, sample_rate=SR, cache=False)
    assert vec.shape == (200,) and np.isfinite(vec).all()


def test_cached_embeddings_come_back_identical(model, tmp_path, monkeypatch):
    path = tmp_path / "a.wav"
    sf.write(path, vk.datasets.load_sounds().get("sine A4").audio, SR)
    first = model.embed([str(path)])

    def no_network(clips, scores=False):
        raise AssertionError("the network ran although the embedding was cached")

    monkeypatch.setattr(model, "_run", no_network)
    np.testing.assert_array_equal(model.embed([str(path)]), first)
    with pytest.raises(AssertionError, match="network ran"):
        model.embed([str(path)], cache=False)


def test_classify_checks_top_k_before_running_the_network(model, monkeypatch):
    def no_network(clips, scores=False):
        raise AssertionError("the network ran before top_k was checked")

    monkeypatch.setattr(model, "_run", no_network)
    for bad, error in ((0, ValueError), (-2, ValueError), (1.5, TypeError), (True, TypeError)):
        with pytest.raises(error, match="`top_k` must be a positive integer"):
            model.classify(np.zeros(SR * 3), sample_rate=SR, top_k=bad)


@pytest.mark.parametrize("call,exc,match", [
    (lambda m: m.embed(np.zeros(SR)), ValueError, "sample_rate"),
    (lambda m: m.embed([np.zeros(SR), np.array([np.nan] * SR)], sample_rate=SR), ValueError,
     r"audio\[1\].*NaN"),
    (lambda m: m.embed([]), ValueError, "empty"),
    (lambda m: m.embed(np.zeros(0), sample_rate=SR), ValueError, "empty"),
    (lambda m: m.embed(42), TypeError, "file path"),
    (lambda m: m.embed("missing.wav"), FileNotFoundError, "missing.wav"),
    (lambda m: m.embed(np.zeros(SR), sample_rate=SR, colour="red"), TypeError, "colour"),
    (lambda m: m.frames([np.zeros(SR), np.zeros(SR)], sample_rate=SR), ValueError, "one clip"),
    (lambda m: m.classify(np.zeros(SR * 3), sample_rate=SR, top_k=0), ValueError, "top_k"),
])
def test_bad_inputs_give_clear_errors(model, call, exc, match):
    with pytest.raises(exc, match=match):
        call(model)


def test_unreadable_file_is_named(model, tmp_path):
    bad = tmp_path / "song.ogg"
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="song.ogg.*could not be read"):
        model.embed(bad)


# ---- the checkpoint ---------------------------------------------------------------------------
def _write_checkpoint(folder, weights):
    """Save ``weights`` as a name-based TF checkpoint laid out like musicnn's (empty prefix)."""
    import tensorflow as tf

    folder.mkdir()
    names = sorted(weights)
    tf.raw_ops.SaveV2(prefix=str(folder) + "/", tensor_names=names,
                      shape_and_slices=[""] * len(names), tensors=[weights[n] for n in names])
    return folder


def test_checkpoint_copy_loads_and_gives_the_same_model(tmp_path, model):
    copy = tmp_path / "MTT_musicnn"
    shutil.copytree(_musicnn.default_checkpoint_dir(), copy)
    other = vk.load_model("musicnn", checkpoint_dir=copy)
    x = vk.datasets.load_sounds().get("sine A4")
    np.testing.assert_allclose(other.embed(x, cache=False), model.embed(x, cache=False),
                               atol=1e-6)


def test_missing_variable_fails_loudly_naming_it(tmp_path):
    weights = _musicnn.read_checkpoint(_musicnn.default_checkpoint_dir())
    del weights["conv2d_3/kernel"]
    folder = _write_checkpoint(tmp_path / "broken", weights)
    with pytest.raises(_musicnn.CheckpointError, match=r"missing variable 'conv2d_3/kernel'"):
        vk.load_model("musicnn", checkpoint_dir=folder)


def test_misshaped_variable_fails_loudly_naming_it(tmp_path):
    weights = _musicnn.read_checkpoint(_musicnn.default_checkpoint_dir())
    weights["dense/bias"] = weights["dense/bias"][:199]
    folder = _write_checkpoint(tmp_path / "wrong", weights)
    with pytest.raises(_musicnn.CheckpointError, match=r"'dense/bias' has shape \[199\]"):
        vk.load_model("musicnn", checkpoint_dir=folder)


def test_folder_without_checkpoint_fails(tmp_path):
    with pytest.raises(_musicnn.CheckpointError, match="one \\*.index file"):
        vk.load_model("musicnn", checkpoint_dir=tmp_path)
