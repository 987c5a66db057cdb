"""Audio in: files and arrays to 16 kHz mono, log-mel spectrograms, the sound and speech sets."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

import vectorkit as vk
from vectorkit import audio
from vectorkit.datasets import _sounds

SR = 16000


def tone(freq=440.0, seconds=1.0, sr=SR, amp=0.5):
    t = np.arange(int(seconds * sr)) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(x, sr=SR):
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / sr)[int(np.argmax(spec))]


# ---- reading files ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt,subtype", [("WAV", "PCM_16"), ("FLAC", "PCM_16"),
                                         ("OGG", "VORBIS")])
def test_load_audio_reads_stereo_files_at_any_rate(tmp_path, fmt, subtype):
    left = tone(440, 1.0, sr=44100)
    path = tmp_path / f"clip.{fmt.lower()}"
    sf.write(path, np.stack([left, left], axis=1), 44100, format=fmt, subtype=subtype)
    x = vk.load_audio(path)
    assert x.dtype == np.float32 and x.ndim == 1
    assert abs(len(x) - SR) <= 1
    assert abs(peak_hz(x) - 440) < 3
    assert 0.4 < np.abs(x).max() < 0.6  # int16 file scaled back to [-1, 1]


def test_load_audio_other_target_rate(tmp_path):
    path = tmp_path / "a.wav"
    sf.write(path, tone(440, 1.0), SR)
    assert len(vk.load_audio(path, sample_rate=8000)) == 8000


def test_streaming_a_file_equals_reading_it_whole(tmp_path):
    rng = np.random.default_rng(0)
    x = (0.3 * rng.standard_normal(3 * 44100 + 123)).astype(np.float32)
    path = tmp_path / "n.wav"
    sf.write(path, x, 44100, subtype="FLOAT")
    blocks = list(audio.stream_file(path, block_frames=5000))
    assert len(blocks) > 10
    whole = audio.resample(x, 44100, SR)
    np.testing.assert_allclose(np.concatenate(blocks), whole, atol=1e-6)


@pytest.mark.parametrize("orig,target", [(44100, 16000), (8000, 16000), (48000, 16000),
                                         (16000, 22050)])
def test_block_resampler_matches_resample_poly_on_whole_signal(orig, target):
    x = np.random.default_rng(1).standard_normal(30011).astype(np.float32)
    rs = audio._Resampler(orig, target)
    parts = [rs.feed(x[i:i + 777]) for i in range(0, len(x), 777)]
    parts.append(rs.feed(np.zeros(0, np.float32), final=True))
    np.testing.assert_allclose(np.concatenate(parts), audio.resample(x, orig, target),
                               atol=1e-6)


def test_load_audio_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.wav"):
        vk.load_audio(tmp_path / "nope.wav")
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio")
    with pytest.raises(ValueError, match="could not be read as audio"):
        vk.load_audio(bad)
    empty = tmp_path / "empty.wav"
    sf.write(empty, np.zeros(0, np.float32), SR)
    with pytest.raises(ValueError, match="empty"):
        vk.load_audio(empty)
    nan = tmp_path / "nan.wav"
    sf.write(nan, np.array([0.0, np.nan, 0.1] * 100, np.float32), SR, subtype="FLOAT")
    with pytest.raises(ValueError, match="NaN"):
        vk.load_audio(nan)
    with pytest.raises(ValueError, match="`sample_rate` must be a positive"):
        vk.load_audio(nan, sample_rate=0)


def test_to_mono_and_log_mel_name_the_audio_argument_for_a_missing_file(tmp_path):
    missing = tmp_path / "nope.wav"
    with pytest.raises(FileNotFoundError, match="`audio` file .*nope.wav"):
        audio.to_mono(missing)
    with pytest.raises(FileNotFoundError, match="`clip` file .*nope.wav"):
        audio.to_mono(str(missing), name="clip")
    with pytest.raises(FileNotFoundError, match="`audio` file .*nope.wav"):
        audio.log_mel(missing)
    with pytest.raises(FileNotFoundError, match=r"'hello world'.*vk.load_model\('text'\)"):
        audio.to_mono("hello world")


# ---- arrays -------------------------------------------------------------------------------
def test_to_mono_scales_integers_and_mixes_channels():
    x = tone(440, 0.5)
    ints = np.round(x * 32767).astype(np.int16)
    np.testing.assert_allclose(audio.to_mono(ints, SR), x, atol=1e-4)
    u8 = np.round(x * 127 + 128).astype(np.uint8)
    np.testing.assert_allclose(audio.to_mono(u8, SR), x, atol=1e-2)
    stereo = np.stack([x, np.zeros_like(x)], axis=1)
    np.testing.assert_allclose(audio.to_mono(stereo, SR), x / 2, atol=1e-7)
    np.testing.assert_allclose(audio.to_mono(stereo.T, SR), x / 2, atol=1e-7)  # (ch, n)
    assert audio.to_mono(list(x[:100]), SR).shape == (100,)


def test_to_mono_resamples_keeping_pitch():
    y = audio.to_mono(tone(1000, 1.0, sr=22050), 22050)
    assert len(y) == SR and abs(peak_hz(y) - 1000) < 2


@pytest.mark.parametrize("bad,kwargs,exc,match", [
    (np.zeros(0, np.float32), {"sample_rate": SR}, ValueError, "empty"),
    (np.array([0.0, np.nan]), {"sample_rate": SR}, ValueError, "NaN"),
    (np.array([0.0, np.inf]), {"sample_rate": SR}, ValueError, "NaN or infinity"),
    (np.zeros(100), {}, ValueError, "sample_rate.*required"),
    (np.zeros(100), {"sample_rate": 0}, ValueError, "sample_rate"),
    (np.zeros(100), {"sample_rate": 22050.5}, ValueError, "sample_rate"),
    (np.zeros(100), {"sample_rate": True}, TypeError, "sample_rate"),
    (np.zeros(100), {"sample_rate": float("inf")}, ValueError, "`sample_rate`.*inf"),
    (np.zeros(100), {"sample_rate": float("nan")}, ValueError, "`sample_rate`.*nan"),
    (np.zeros(100), {"sample_rate": "16000"}, TypeError, "`sample_rate`.*'16000'"),
    (np.zeros(100) + 1000.0, {"sample_rate": SR}, ValueError, "32768"),
    (np.zeros((2, 3, 100)), {"sample_rate": SR}, ValueError, "shape"),
    (np.zeros((40, 60, 3), np.uint8), {}, ValueError, r"`audio` must be.*shape \(40, 60, 3\)"),
    (np.zeros(100, complex), {"sample_rate": SR}, TypeError, "real-valued"),
    (np.array(["a", "b"]), {"sample_rate": SR}, TypeError, "real-valued"),
])
def test_to_mono_bad_inputs(bad, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        audio.to_mono(bad, **kwargs)


# ---- log-mel --------------------------------------------------------------------------------
def test_mel_filterbank_matches_librosa_slaney_defaults():
    # Reference numbers from librosa 0.11 `librosa.filters.mel(sr=16000, n_fft=512, n_mels=96)`
    fb = audio.mel_filterbank(SR, 512, 96)
    assert fb.shape == (96, 257) and fb.dtype == np.float32 and (fb >= 0).all()
    assert fb.sum() == pytest.approx(3.071914, rel=1e-5)
    assert int(fb[10].argmax()) == 11 and fb[10].max() == pytest.approx(0.0304135, rel=1e-5)
    assert int(fb[95].argmax()) == 248 and fb[95].max() == pytest.approx(0.00398456, rel=1e-5)
    assert fb[50].sum() == pytest.approx(0.0318232, rel=1e-5)


def test_log_mel_shape_peak_band_and_float32_on_loud_tones():
    x = tone(440, 2.0, amp=1.0)
    S = audio.log_mel(x, SR)
    assert S.shape == (1 + len(x) // 256, 96) and S.dtype == np.float32
    centres = audio.mel_frequencies(96, 0, SR / 2)
    band = int(np.argmax(S[20:-20].mean(axis=0)))
    assert abs(centres[band] - 440) < 40
    loud = audio.log_mel(np.sign(x), SR)  # a full-scale square wave: float16 would give inf
    assert np.isfinite(loud).all() and loud.max() > 5
    assert not np.allclose(loud, audio.log_mel(np.sign(tone(880, 2.0)), SR))
    np.testing.assert_array_equal(audio.log_mel(np.zeros(SR), SR), 0.0)


def test_log_mel_stream_equals_whole_and_paths_work(tmp_path):
    x = np.random.default_rng(2).standard_normal(SR * 2 + 77).astype(np.float32) * 0.2
    whole = audio.log_mel(x, SR)
    stream = audio.LogMelStream()
    parts = [stream.feed(x[i:i + 1000]) for i in range(0, len(x), 1000)] + [stream.finish()]
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-5)
    path = tmp_path / "x.wav"
    sf.write(path, x, SR, subtype="FLOAT")
    np.testing.assert_allclose(audio.log_mel(path), whole, atol=1e-5)
    assert audio.log_mel(x[:100], SR).shape == (1, 96)  # shorter than half a window


# ---- datasets ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sounds():
    return vk.datasets.load_sounds()


def test_sound_set_is_labelled_and_deterministic(sounds):
    assert len(sounds) == 45 and len(set(sounds.names)) == 45
    assert set(sounds.groups) == set(_sounds.GROUPS)
    again = vk.datasets.load_sounds()
    for a, b in zip(sounds, again, strict=True):
        np.testing.assert_array_equal(a.audio, b.audio)
    for s in sounds:
        assert s.audio.dtype == np.float32 and s.sample_rate == SR
        assert s.duration == pytest.approx(3.0) and 0.05 < np.abs(s.audio).max() <= 1.0
        assert np.isfinite(s.audio).all() and isinstance(s.params, dict) and s.params
    assert len(sounds.where("noise")) == 3
    with pytest.raises(KeyError, match="sine A4"):
        sounds.get("sine A 4")
    with pytest.raises(ValueError, match="group"):
        sounds.where("jazz")


def test_sounds_have_the_pitch_and_tempo_they_claim(sounds):
    assert peak_hz(sounds.get("sine A4").audio) == pytest.approx(440, abs=1)
    assert peak_hz(sounds.get("sine A#4").audio) == pytest.approx(466.16, abs=1)
    assert peak_hz(sounds.get("sine A5").audio) == pytest.approx(880, abs=1)
    assert peak_hz(sounds.get("plucked A3").audio) == pytest.approx(220, abs=1)
    for bpm in (60, 120, 180):
        loud = np.flatnonzero(np.abs(sounds.get(f"clicks {bpm} bpm").audio) > 0.1)
        n_clicks = 1 + int((np.diff(loud) > SR * 0.05).sum())
        assert n_clicks == len(np.arange(0, 3.0, 60 / bpm))
    rise = sounds.get("chirp rising").audio
    assert peak_hz(rise[:SR // 2]) < peak_hz(rise[-SR // 2:])


def test_noise_colours_have_their_spectral_slopes(sounds):
    slopes = {}
    for colour in ("white", "pink", "brown"):
        x = sounds.get(f"{colour} noise").audio
        f = np.fft.rfftfreq(len(x), 1 / SR)
        p = np.abs(np.fft.rfft(x)) ** 2
        keep = (f > 50) & (f < 5000)
        slopes[colour] = np.polyfit(np.log10(f[keep]), np.log10(p[keep]), 1)[0]
    assert abs(slopes["white"]) < 0.2
    assert abs(slopes["pink"] + 1) < 0.2
    assert abs(slopes["brown"] + 2) < 0.2


def test_load_sounds_bad_arguments():
    with pytest.raises(ValueError, match="duration"):
        vk.datasets.load_sounds(duration=0)
    with pytest.raises(ValueError, match="sample_rate"):
        vk.datasets.load_sounds(sample_rate=100)


def test_speech_clips_two_languages_several_voices():
    speech = vk.datasets.load_speech()
    assert len(speech) >= 6
    assert {s.params["language"] for s in speech} == {"en", "de"}
    assert len({s.params["voice"] for s in speech}) >= 4
    for s in speech:
        info = sf.info(s.path)
        assert (info.samplerate, info.channels) == (SR, 1)
        assert 1.0 < s.duration < 5.0 and s.params["text"]
        assert s.group == "speech" and s.audio.dtype == np.float32
