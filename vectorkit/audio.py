"""Audio in: read files, turn arrays into 16 kHz mono float32, and compute log-mel spectrograms.

Everything the audio models see passes through here. Files are read with ``soundfile``
(WAV, FLAC, OGG, ...) in blocks, so a long recording never has to fit in memory at once;
resampling uses ``scipy.signal.resample_poly`` and gives the same samples block by block as
on the whole signal.

Example:
    >>> import numpy as np, vectorkit as vk
    >>> tone = np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)   # 1 s at 8 kHz
    >>> vk.audio.to_mono(tone, sample_rate=8000).shape               # resampled to 16 kHz
    (16000,)
    >>> vk.audio.log_mel(tone, sample_rate=8000).shape               # (frames, mel bands)
    (63, 96)
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from vectorkit._mel import TARGET_RATE, LogMelStream, mel_filterbank, mel_frequencies

__all__ = ["TARGET_RATE", "load_audio", "to_mono", "resample", "stream_file", "log_mel",
           "mel_filterbank", "mel_frequencies", "LogMelStream"]

#: Frames read from a file per block when streaming (about 4 s at 16 kHz).
BLOCK_FRAMES = 65536
_MAX_CHANNELS = 16
_INT_SCALE = {"int8": 128.0, "int16": 32768.0, "int32": 2147483648.0, "int64": 2.0 ** 63}


def _describe(audio) -> str:
    if isinstance(audio, np.ndarray):
        return f"an array of shape {audio.shape} and dtype {audio.dtype}"
    return f"{type(audio).__name__}"


#: Sample rates accepted, in Hz: from telephone-grade 1 kHz to 768 kHz studio audio. Outside
#: this a rate is a mistake, and resampling would allocate absurd memory (a 1 s tone at
#: sample_rate=1 resampled to 16 kHz needed 9 GiB).
MIN_RATE, MAX_RATE = 1_000, 768_000


def _check_rate(sample_rate, name: str = "sample_rate") -> int:
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int | np.integer | float):
        raise TypeError(f"`{name}` must be a positive whole number of samples per second, "
                        f"got {sample_rate!r}")
    if (not math.isfinite(sample_rate) or sample_rate <= 0
            or float(sample_rate) != int(sample_rate)):
        raise ValueError(f"`{name}` must be a positive whole number of samples per second, "
                         f"got {sample_rate!r}")
    if not MIN_RATE <= sample_rate <= MAX_RATE:
        raise ValueError(f"`{name}` must be from {MIN_RATE:,} to {MAX_RATE:,} Hz (samples per "
                         f"second), got {sample_rate!r}")
    return int(sample_rate)


def _as_float_channels(audio, name: str) -> np.ndarray:
    """Array-like -> float32 array (n,) or (n, channels); ints scaled to [-1, 1]."""
    arr = np.asarray(audio)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) and
                                   not np.issubdtype(arr.dtype, np.complexfloating)):
        raise TypeError(f"`{name}` must be a path or a real-valued array of samples, "
                        f"got {_describe(audio)}")
    if arr.ndim == 2:
        if arr.shape[1] <= _MAX_CHANNELS and arr.shape[0] >= arr.shape[1]:
            pass  # (samples, channels): soundfile's layout
        elif arr.shape[0] <= _MAX_CHANNELS:
            arr = arr.T  # (channels, samples): librosa's layout
        else:
            raise ValueError(f"`{name}` must be mono (n,) or multichannel (n, channels) with "
                             f"at most {_MAX_CHANNELS} channels, got shape {arr.shape}")
    elif arr.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D (mono) or 2-D (multichannel) array, "
                         f"got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty (shape {arr.shape}): no audio samples")
    if np.issubdtype(arr.dtype, np.unsignedinteger):
        half = float(2 ** (8 * arr.dtype.itemsize - 1))
        return ((arr.astype(np.float64) - half) / half).astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer):
        return (arr.astype(np.float64) / _INT_SCALE[arr.dtype.name]).astype(np.float32)
    arr = arr.astype(np.float32, copy=False)
    if not np.isfinite(arr).all():
        pos = int(np.flatnonzero(~np.isfinite(arr.reshape(-1)))[0])
        raise ValueError(f"`{name}` contains NaN or infinity (first at flat position {pos})")
    peak = float(np.abs(arr).max())
    if peak > 2.0:
        raise ValueError(
            f"`{name}` holds float samples up to {peak:.4g}; expected values in [-1, 1]. "
            "Integer-range samples stored as floats? Divide by 32768 (16-bit) first, or pass "
            "the integer array itself")
    return arr


def resample(audio: np.ndarray, orig_rate: int, target_rate: int = TARGET_RATE) -> np.ndarray:
    """Resample a mono float array with ``scipy.signal.resample_poly`` -> float32."""
    orig_rate, target_rate = _check_rate(orig_rate, "orig_rate"), _check_rate(target_rate,
                                                                              "target_rate")
    if orig_rate == target_rate:
        return np.asarray(audio, dtype=np.float32)
    from scipy.signal import resample_poly

    g = math.gcd(orig_rate, target_rate)
    return resample_poly(np.asarray(audio, np.float32), target_rate // g,
                         orig_rate // g).astype(np.float32)


def to_mono(audio, sample_rate=None, target_rate: int = TARGET_RATE, name: str = "audio"
            ) -> np.ndarray:
    """Turn an array (or a file path) into float32 mono samples at ``target_rate``.

    Args:
        audio: samples as (n,), (n, channels) or (channels, n); int arrays are scaled to
            [-1, 1]; or the path of an audio file.
        sample_rate: the rate of ``audio`` in Hz (required for arrays).
        target_rate: the rate to resample to (default 16 kHz).
        name: the argument name used in error messages.

    Example:
        >>> import numpy as np
        >>> stereo = np.zeros((44100, 2), dtype=np.int16)
        >>> to_mono(stereo, sample_rate=44100).shape
        (16000,)
    """
    if isinstance(audio, str | os.PathLike):
        return _read_whole(audio, target_rate, name)
    arr = _as_float_channels(audio, name)  # first: an image or text array is not "missing a rate"
    if sample_rate is None:
        raise ValueError(f"`sample_rate` is required when `{name}` is an array "
                         f"(got {_describe(audio)} and sample_rate=None), e.g. sample_rate=16000")
    rate = _check_rate(sample_rate)
    return resample(_mix(arr) if arr.ndim == 2 else arr, rate, target_rate)


def _mix(frames: np.ndarray) -> np.ndarray:
    """Average the channels of a (n, channels) float32 array (column sums: fast for few)."""
    out = frames[:, 0].copy()
    for c in range(1, frames.shape[1]):
        out += frames[:, c]
    if frames.shape[1] > 1:
        out *= np.float32(1.0 / frames.shape[1])
    return out


class _Resampler:
    """Block-wise ``resample_poly`` whose output equals resampling the whole signal at once."""

    def __init__(self, orig_rate: int, target_rate: int):
        g = math.gcd(orig_rate, target_rate)
        self.up, self.down = target_rate // g, orig_rate // g
        # resample_poly's filter reaches 10*max(up, down) upsampled samples either side.
        reach = math.ceil(10 * max(self.up, self.down) / self.up) + 1
        self.context = self.down * math.ceil(reach / self.down)
        if self.up != self.down:  # the filter resample_poly would design, made once
            from scipy.signal import firwin

            taps = 2 * 10 * max(self.up, self.down) + 1
            self.fir = firwin(taps, 1.0 / max(self.up, self.down),
                              window=("kaiser", 5.0)).astype(np.float32)
        self.buf = np.zeros(0, np.float32)
        self.buf_start = 0  # input index of buf[0]; always a multiple of `down`
        self.emitted = 0  # output samples already returned

    def feed(self, block: np.ndarray, final: bool = False) -> np.ndarray:
        if self.up == self.down:
            return block
        self.buf = np.concatenate([self.buf, block])
        total = self.buf_start + len(self.buf)
        if final:
            end_in, out_end = total, math.ceil(total * self.up / self.down)
        else:
            end_in = ((total - self.context) // self.down) * self.down
            out_end = end_in * self.up // self.down
        if out_end <= self.emitted:
            return np.zeros(0, np.float32)
        from scipy.signal import resample_poly

        y = resample_poly(self.buf, self.up, self.down, window=self.fir)
        offset = self.buf_start * self.up // self.down
        out = y[self.emitted - offset:out_end - offset].astype(np.float32)
        self.emitted = out_end
        keep = max(self.buf_start, ((end_in - self.context) // self.down) * self.down)
        self.buf, self.buf_start = self.buf[keep - self.buf_start:], keep
        return out


def _open(path, name: str = "audio"):
    import soundfile as sf

    p = Path(os.fspath(path)).expanduser()
    if not p.is_file():
        hint = "" if p.suffix else " (if this is text, embed it with vk.load_model('text'))"
        raise FileNotFoundError(f"`{name}` file {str(path)!r} does not exist{hint}")
    try:
        handle = sf.SoundFile(str(p))
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise ValueError(f"`{name}` file {str(path)!r} could not be read as audio "
                         f"(WAV, FLAC, OGG, ... via soundfile): {exc}") from None
    if handle.frames == 0:
        handle.close()
        raise ValueError(f"`{name}` file {str(path)!r} is empty: it holds no audio samples")
    return handle


def audio_info(path, name: str = "audio") -> tuple[int, int, int]:
    """Return ``(frames, sample_rate, channels)`` of an audio file, checking it is readable."""
    with _open(path, name) as f:
        return f.frames, f.samplerate, f.channels


def stream_file(path, target_rate: int = TARGET_RATE, block_frames: int = BLOCK_FRAMES,
                name: str = "audio") -> Iterator[np.ndarray]:
    """Yield a file's samples as float32 mono blocks at ``target_rate`` (bounded memory)."""
    target_rate = _check_rate(target_rate, "target_rate")
    with _open(path, name) as f:
        rs = _Resampler(f.samplerate, target_rate)
        for i, block in enumerate(f.blocks(blocksize=block_frames, dtype="float32",
                                           always_2d=True)):
            if not np.isfinite(block).all():
                raise ValueError(f"`{name}` file {str(path)!r} contains NaN or infinity "
                                 f"(in block {i})")
            out = rs.feed(_mix(block))
            if out.size:
                yield out
        tail = rs.feed(np.zeros(0, np.float32), final=True)
        if tail.size:
            yield tail


def load_audio(path, sample_rate: int = TARGET_RATE) -> np.ndarray:
    """Read an audio file as float32 mono samples in [-1, 1] at ``sample_rate`` Hz.

    Args:
        path: a WAV, FLAC, OGG (anything libsndfile reads) file.
        sample_rate: the rate to resample to; default 16000, what the models expect.

    Example:
        >>> import vectorkit as vk
        >>> clip = vk.datasets.load_speech()[0]
        >>> vk.load_audio(clip.path).dtype
        dtype('float32')
    """
    return _read_whole(path, _check_rate(sample_rate), "path")


def _read_whole(path, target_rate: int, name: str) -> np.ndarray:
    return np.concatenate(list(stream_file(path, target_rate=target_rate, name=name)))


# ---- log-mel spectrograms (the filters and the streaming STFT live in vectorkit._mel) ----
def log_mel(audio, sample_rate=None, *, n_fft: int = 512, hop_length: int = 256,
            n_mels: int = 96, fmin: float = 0.0, fmax: float | None = None,
            target_rate: int = TARGET_RATE) -> np.ndarray:
    """Log-mel spectrogram ``(frames, n_mels)`` float32, the front end of musicnn.

    Audio (a path or an array with its ``sample_rate``) is mixed to mono and resampled to
    ``target_rate`` first; then ``log10(1 + 10000 * mel_power)``, computed in float32 (the
    musicnn package's float16 cast overflows on loud tones). Frame ``i`` is centred at
    ``i * hop_length / target_rate`` seconds.

    Example:
        >>> import numpy as np
        >>> S = log_mel(np.zeros(16000, np.float32), sample_rate=16000)
        >>> S.shape, float(S.max())
        ((63, 96), 0.0)
    """
    stream = LogMelStream(target_rate, n_fft, hop_length, n_mels, fmin, fmax)
    if isinstance(audio, str | os.PathLike):
        parts = [stream.feed(b) for b in stream_file(audio, target_rate)]
    else:
        parts = [stream.feed(to_mono(audio, sample_rate, target_rate))]
    parts.append(stream.finish())
    return np.concatenate(parts, axis=0)
