"""YAMNet and other audio SavedModels, offline: stand-ins served as TF Hub archives on loopback."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import soundfile as sf
from hubtools import make_targz

import vectorkit as vk
from vectorkit.models import _hub_audio

SR = 16000
N_CLASSES = 521


def _yamnet_windows(n_samples: int) -> int:
    """How many 0.96 s windows (hop 0.48 s) YAMNet returns for ``n_samples`` samples."""
    return 1 + int(np.ceil(max(0, n_samples - 15600) / 7680))


def make_yamnet_standin(folder):
    """A SavedModel with YAMNet's interface: waveform[None] -> (scores, embeddings, log_mel).

    It frames the audio exactly like YAMNet (25 ms / 10 ms STFT frames, 64 mel bands, 0.96 s
    patches every 0.48 s, zero padding at the end) and maps each patch to a 1024-d vector
    with fixed random projections (computed from a seed, so the archive stays tiny).
    """
    import tensorflow as tf

    folder.mkdir(parents=True)
    class_map = folder.parent / "yamnet_class_map.csv"
    with open(class_map, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["index", "mid", "display_name"])
        for i in range(N_CLASSES):
            name = "Vehicle horn, car horn, honking" if i == 7 else f"Sound {i}"
            w.writerow([i, f"/m/{i:05d}", name])

    class StandIn(tf.Module):
        def __init__(self):
            super().__init__()
            self.class_map = tf.saved_model.Asset(str(class_map))

        @tf.function(input_signature=[])
        def class_map_path(self):
            return self.class_map.asset_path

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def __call__(self, waveform):
            n = tf.shape(waveform)[0]
            padded = tf.maximum(n, 15600)
            hops = (padded - 15600 + 7679) // 7680
            wave = tf.pad(waveform, [[0, 15600 + hops * 7680 - n]])
            mag = tf.abs(tf.signal.stft(wave, 400, 160, 512))
            mel_w = tf.signal.linear_to_mel_weight_matrix(64, 257, 16000, 125.0, 7500.0)
            log_mel = tf.math.log(tf.matmul(mag, mel_w) + 0.001)
            patches = tf.signal.frame(log_mel, 96, 48, axis=0)
            pooled = tf.concat([tf.reduce_mean(patches, 1), tf.reduce_max(patches, 1)], 1)
            w1 = tf.random.stateless_normal([128, 1024], seed=[1, 2]) / 10.0
            w2 = tf.random.stateless_normal([1024, N_CLASSES], seed=[3, 4]) / 30.0
            emb = tf.nn.relu(tf.matmul(pooled, w1))
            return tf.sigmoid(tf.matmul(emb, w2)), emb, log_mel

    model = StandIn()
    tf.saved_model.save(model, str(folder))
    return folder


@pytest.fixture(scope="module")
def yamnet_folder(tmp_path_factory):
    return make_yamnet_standin(tmp_path_factory.mktemp("standin") / "yamnet")


@pytest.fixture(scope="module")
def yamnet_archive(yamnet_folder):
    return make_targz(yamnet_folder)


@pytest.fixture
def yamnet(hub_server, yamnet_archive):
    server = hub_server({"google/yamnet/1": yamnet_archive})
    return vk.load_model("yamnet", handle=server.url("google/yamnet/1"))


def test_yamnet_loads_through_hub_url(yamnet):
    assert (yamnet.name, yamnet.modality, yamnet.dim, yamnet.source) == (
        "yamnet", "audio", 1024, "tfhub")
    assert len(yamnet.labels) == N_CLASSES
    assert yamnet.labels[7] == "Vehicle horn, car horn, honking"  # CSV quoting respected


def test_frames_follow_the_048_s_grid_and_embed_is_their_mean(yamnet):
    x = vk.datasets.load_sounds(duration=5.0).get("siren yelp").audio
    emb, times = yamnet.frames(x, sample_rate=SR)
    n = _yamnet_windows(len(x))
    assert emb.shape == (n, 1024) and emb.dtype == np.float32
    np.testing.assert_allclose(times, np.arange(n) * 0.48)
    assert times[-1] < 5.0 <= times[-1] + 0.96
    np.testing.assert_allclose(yamnet.embed(x, sample_rate=SR, cache=False), emb.mean(0),
                               rtol=1e-5, atol=1e-6)


def test_long_input_in_chunks_equals_one_call(yamnet, yamnet_folder, tmp_path):
    import tensorflow as tf

    rng = np.random.default_rng(5)
    x = (0.1 * rng.standard_normal(SR * 150 + 1234)).astype(np.float32)  # > 2 chunks of 60 s
    path = tmp_path / "long.wav"
    sf.write(path, x, SR, subtype="FLOAT")
    _, ref_emb, _ = tf.saved_model.load(str(yamnet_folder))(tf.constant(x))
    emb, times = yamnet.frames(path)
    assert len(times) == _yamnet_windows(len(x)) == ref_emb.shape[0]
    np.testing.assert_allclose(emb, ref_emb.numpy(), rtol=1e-4, atol=1e-4)


def test_classify_uses_the_models_class_map(yamnet):
    sounds = vk.datasets.load_sounds()
    pairs = yamnet.classify([sounds.get("sine A4"), sounds.get("white noise")], top_k=4)
    assert len(pairs) == 2 and all(len(p) == 4 for p in pairs)
    assert all(label in yamnet.labels and 0 <= s <= 1 for p in pairs for label, s in p)
    single = yamnet.classify(sounds.get("sine A4"), top_k=2)
    assert single == pairs[0][:2]


def test_log_mel_for_plotting(yamnet):
    spec = yamnet.log_mel(np.zeros(SR * 2, np.float32), sample_rate=SR)
    assert spec.ndim == 2 and spec.shape[1] == 64


def test_short_clip_is_padded_with_a_warning(yamnet):
    with pytest.warns(UserWarning, match=r"0\.50 s long, shorter than yamnet's 0\.975 s"):
        emb, times = yamnet.frames(np.zeros(SR // 2, np.float32), sample_rate=SR)
    assert emb.shape == (1, 1024) and times.tolist() == [0.0]


def test_bad_inputs(yamnet):
    with pytest.raises(ValueError, match="sample_rate"):
        yamnet.embed(np.zeros(SR))
    with pytest.raises(ValueError, match="NaN"):
        yamnet.embed(np.full(SR, np.nan), sample_rate=SR)


def test_local_folder_loads_as_generic_audio_model(yamnet_folder):
    m = vk.load_model(str(yamnet_folder))
    assert m.modality == "audio" and m.source == "local" and m.dim == 1024
    assert m.layout == "yamnet" and len(m.labels) == N_CLASSES
    assert m.embed(np.zeros(SR, np.float32), sample_rate=SR).shape == (1024,)


def test_yamnet_url_without_network_names_the_way_out(hub_server):
    server = hub_server({})
    with pytest.raises(RuntimeError, match="musicnn"):
        vk.load_model("yamnet", handle=server.url("google/yamnet/1"))


def _frames_model(folder, dim=16):
    """A plain audio SavedModel: waveform[None] -> (frames, dim), one frame per 0.5 s."""
    import tensorflow as tf

    class Frames(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def __call__(self, waveform):
            n = tf.shape(waveform)[0] // 8000 * 8000
            chunks = tf.reshape(waveform[:n], [-1, 8000])
            stats = tf.stack([tf.reduce_mean(chunks, 1), tf.math.reduce_std(chunks, 1)], 1)
            return tf.tile(stats, [1, dim // 2])

    tf.saved_model.save(Frames(), str(folder))
    return folder


def test_generic_frame_model_and_not_yamnet_error(tmp_path):
    folder = _frames_model(tmp_path / "frames")
    m = vk.load_model(str(folder))
    assert isinstance(m, _hub_audio.HubAudioModel) and m.layout == "frames" and m.dim == 16
    emb, times = m.frames(np.ones(SR * 2, np.float32) * 0.1, sample_rate=SR)
    assert emb.shape == (4, 16)
    np.testing.assert_allclose(times, [0.0, 0.5, 1.0, 1.5])
    with pytest.raises(NotImplementedError, match="classifier"):
        m.classify(np.zeros(SR, np.float32), sample_rate=SR)
    with pytest.raises(ValueError, match="not a YAMNet model"):
        vk.load_model("yamnet", handle=str(folder))
