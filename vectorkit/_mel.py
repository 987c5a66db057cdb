"""Mel filters and a streaming log-mel spectrogram (numpy/scipy only), re-exported by
:mod:`vectorkit.audio`.

Example:
    >>> import numpy as np
    >>> from vectorkit.audio import LogMelStream
    >>> stream = LogMelStream()
    >>> frames = [stream.feed(np.zeros(8000, np.float32)), stream.finish()]
    >>> sum(len(f) for f in frames)
    32
"""

from __future__ import annotations

import numpy as np

#: The sample rate every vectorkit audio model works at (re-exported as ``vk.audio.TARGET_RATE``).
TARGET_RATE = 16000


def _hz_to_mel(f):
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    lin = f / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log, lin)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)),
                    (200.0 / 3) * m)


def mel_frequencies(n_mels: int = 96, fmin: float = 0.0, fmax: float = 8000.0) -> np.ndarray:
    """Centre frequencies (Hz) of ``n_mels`` Slaney mel bands between ``fmin`` and ``fmax``."""
    edges = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    return edges[1:-1]


def mel_filterbank(sample_rate: int = TARGET_RATE, n_fft: int = 512, n_mels: int = 96,
                   fmin: float = 0.0, fmax: float | None = None) -> np.ndarray:
    """Triangular Slaney-normalised mel filters, shape ``(n_mels, n_fft // 2 + 1)`` float32.

    The same filters as ``librosa.filters.mel`` with its defaults (``htk=False``,
    ``norm="slaney"``): each triangle has unit area per Hz.
    """
    fmax = sample_rate / 2 if fmax is None else fmax
    fft_hz = np.linspace(0, sample_rate / 2, n_fft // 2 + 1)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


class LogMelStream:
    """Streaming log-mel spectrogram: ``feed(samples)`` and ``finish()`` return new frames.

    Frames are centred (reflect padding at both ends, as in librosa < 0.10, which musicnn
    was trained with), Hann window, power spectrum, Slaney mel, then ``log10(1 + 10000*mel)``.
    The concatenated output equals :func:`log_mel` on the whole signal.
    """

    def __init__(self, sample_rate: int = TARGET_RATE, n_fft: int = 512, hop_length: int = 256,
                 n_mels: int = 96, fmin: float = 0.0, fmax: float | None = None):
        self.n_fft, self.hop = int(n_fft), int(hop_length)
        # periodic Hann window (scipy.signal.get_window("hann", n_fft), without importing it)
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(self.n_fft) / self.n_fft)
                       ).astype(np.float32)
        from scipy.sparse import csr_array

        # ~2 non-zeros per FFT bin: the sparse product does ~1/48 of the dense multiply-adds
        # and runs single-threaded (no BLAS thread pool competing with TensorFlow's)
        self.filters = csr_array(mel_filterbank(sample_rate, n_fft, n_mels, fmin, fmax).T)
        self.n_mels = n_mels
        self.half = self.n_fft // 2
        self.buf = np.zeros(0, np.float32)
        self.started = False
        self.tail = np.zeros(0, np.float32)  # the last half+1 input samples (end padding)
        self.n_samples = 0

    def _frames(self) -> np.ndarray:
        from scipy.fft import rfft  # float32 in, complex64 out; much faster than numpy's

        n = 0 if len(self.buf) < self.n_fft else 1 + (len(self.buf) - self.n_fft) // self.hop
        if n == 0:
            return np.zeros((0, self.n_mels), np.float32)
        view = np.lib.stride_tricks.sliding_window_view(self.buf, self.n_fft)[::self.hop][:n]
        spec = rfft(view * self.window, axis=1)
        self.buf = self.buf[n * self.hop:]
        mel = np.asarray((spec.real ** 2 + spec.imag ** 2) @ self.filters)
        return np.log10(1.0 + 10000.0 * mel).astype(np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        samples = np.asarray(samples, np.float32)
        self.n_samples += len(samples)
        self.tail = np.concatenate([self.tail, samples])[-(self.half + 1):]
        self.buf = np.concatenate([self.buf, samples])
        if not self.started:
            if len(self.buf) <= self.half:
                return np.zeros((0, self.n_mels), np.float32)
            self.buf = np.concatenate([self.buf[1:self.half + 1][::-1], self.buf])
            self.started = True
        return self._frames()

    def finish(self) -> np.ndarray:
        if self.n_samples == 0:
            raise ValueError("no audio samples were fed to the spectrogram")
        if not self.started:  # shorter than half a window: zero padding (reflect impossible)
            self.buf = np.concatenate([np.zeros(self.half, np.float32), self.buf])
            end = np.zeros(self.half, np.float32)
        else:
            end = self.tail[-self.half - 1:-1][::-1]
        self.buf = np.concatenate([self.buf, end])
        return self._frames()
