"""Waveform and log-mel spectrogram plots of audio."""

from __future__ import annotations

import os

import numpy as np

from vectorkit.plot._figure import finish, new_axes

__all__ = ["waveform", "spectrogram"]


def _samples(audio, sr):
    """Mono float32 samples at their own rate (a path is read at ``sr`` or 16 kHz)."""
    from vectorkit import audio as vk_audio

    if isinstance(audio, str | os.PathLike):
        rate = vk_audio.TARGET_RATE if sr is None else sr
        return vk_audio.to_mono(audio, target_rate=rate), int(rate)
    if sr is None:
        raise ValueError("`sr` (the sample rate in Hz) is required when `audio` is an array, "
                         "e.g. waveform(samples, sr=16000)")
    return vk_audio.to_mono(audio, sample_rate=sr, target_rate=sr), int(sr)


def waveform(audio, sr=None, *, ax=None, title="Waveform"):
    """Plot audio samples against time in seconds.

    Args:
        audio: samples ``(n,)`` or ``(n, channels)`` (mixed to mono), or an audio file path.
        sr: the sample rate in Hz (required for arrays).
        ax: draw into this Axes instead of a new figure.
        title: the title.

    Returns:
        the new Figure (or ``ax`` when given).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> t = np.arange(16000) / 16000
        >>> fig = vk.plot.waveform(0.5 * np.sin(2 * np.pi * 3 * t), sr=16000)
    """
    x, rate = _samples(audio, sr)
    t = np.arange(len(x)) / rate
    fig, ax, own = new_axes(ax, figsize=(8.0, 2.8))
    ax.plot(t, x, lw=0.6, color="tab:blue")
    ax.set_xlim(0, max(t[-1], 1.0 / rate))
    peak = float(np.abs(x).max())
    ax.set_ylim(-max(1.0, peak) * 1.05, max(1.0, peak) * 1.05)
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.set_title(title)
    if own:
        fig.tight_layout()
    loud = int(np.argmax(np.abs(x)))
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
    text = (f"Waveform titled {title!r}: {len(x) / rate:.2f} s of audio at {rate} Hz, "
            f"amplitude against time; peak {peak:.2f} at {loud / rate:.2f} s, "
            f"RMS level {rms:.3f}.")
    return finish(fig, ax, own, text)


def spectrogram(audio, sr=None, *, ax=None, title="Log-mel spectrogram", n_mels=96,
                hop_length=256, n_fft=512, cmap="magma"):
    """Plot a log-mel spectrogram: time across, pitch (mel bands, labelled in Hz) up.

    Computed by :func:`vectorkit.audio.log_mel` (16 kHz mono, ``log10(1 + 10000 * mel)``), the
    same front end the bundled audio model sees.

    Args:
        audio: samples (with ``sr``) or an audio file path.
        sr: the sample rate in Hz of an array.
        ax: draw into this Axes instead of a new figure.
        title: the title.
        n_mels, hop_length, n_fft, cmap: spectrogram settings and colour map.

    Returns:
        the new Figure (or ``ax`` when given).

    Example:
        >>> import numpy as np, vectorkit as vk
        >>> t = np.arange(16000) / 16000
        >>> fig = vk.plot.spectrogram(0.5 * np.sin(2 * np.pi * 440 * t), sr=16000)
    """
    from vectorkit import audio as vk_audio

    if sr is None and not isinstance(audio, str | os.PathLike):
        raise ValueError("`sr` (the sample rate in Hz) is required when `audio` is an array, "
                         "e.g. spectrogram(samples, sr=16000)")
    rate = vk_audio.TARGET_RATE
    S = vk_audio.log_mel(audio, sample_rate=sr, n_fft=n_fft, hop_length=hop_length,
                         n_mels=n_mels)
    freqs = vk_audio.mel_frequencies(n_mels, 0.0, rate / 2)
    duration = S.shape[0] * hop_length / rate
    fig, ax, own = new_axes(ax, figsize=(8.0, 3.6))
    image = ax.imshow(S.T, origin="lower", aspect="auto", cmap=cmap,
                      extent=(0, duration, -0.5, n_mels - 0.5), interpolation="nearest")
    marks = [f for f in (100, 250, 500, 1000, 2000, 4000, 8000) if f <= freqs[-1] * 1.01]
    ax.set_yticks([int(np.argmin(np.abs(freqs - f))) for f in marks],
                  [f"{f / 1000:g}k" if f >= 1000 else str(f) for f in marks])
    ax.set_xlabel("time (s)")
    ax.set_ylabel("frequency (Hz, mel scale)")
    ax.set_title(title)
    bar = ax.figure.colorbar(image, ax=ax, pad=0.02)
    bar.set_label("log10(1 + 10000 · mel power)")
    if own:
        fig.tight_layout()
    frame, band = np.unravel_index(int(np.argmax(S)), S.shape)
    loudness = S.mean(axis=0)
    main_band = int(np.argmax(loudness))
    text = (f"Log-mel spectrogram titled {title!r}: {duration:.2f} s, {n_mels} mel bands from "
            f"0 to {rate // 2} Hz, brighter is louder. ")
    if float(S.max()) <= 0:
        text += "The recording is silent."
    else:
        text += (f"The strongest point is near {freqs[band]:.0f} Hz at "
                 f"{frame * hop_length / rate:.2f} s; over the whole clip the most energy is "
                 f"around {freqs[main_band]:.0f} Hz.")
    return finish(fig, ax, own, text)
