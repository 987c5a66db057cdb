"""How the synthesised sounds of :func:`vectorkit.datasets.load_sounds` are made.

``recipes()`` lists every sound as ``(name, group, params)``; ``render()`` computes one from its
parameters with numpy/scipy (noise and drums use seeds derived from the name), so the set is
identical on every machine.

Example:
    >>> from vectorkit.datasets._synth import note_hz, recipes, render
    >>> round(note_hz("A4")), round(note_hz("C#5"), 1)
    (440, 554.4)
    >>> name, group, params = next(recipes())
    >>> name, group, render(name, params, 16000, 0.5).shape
    ('sine A2', 'pitch', (8000,))
"""

from __future__ import annotations

import zlib

import numpy as np

_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def note_hz(note: str) -> float:
    """Equal-tempered frequency of a note name such as ``"A4"`` or ``"C#5"`` (A4 = 440 Hz)."""
    name, octave = note[:-1], int(note[-1])
    return 440.0 * 2.0 ** ((_NAMES.index(name) + 12 * (octave + 1) - 69) / 12)


def _fade(x: np.ndarray, sr: int, ms: float = 10.0) -> np.ndarray:
    n = min(int(sr * ms / 1000), len(x) // 2)
    ramp = np.linspace(0.0, 1.0, n)
    x[:n] *= ramp
    x[len(x) - n:] *= ramp[::-1]
    return x


def _waveform(kind: str, freq: float, t: np.ndarray) -> np.ndarray:
    from scipy import signal

    phase = 2 * np.pi * freq * t
    if kind == "sine":
        return np.sin(phase)
    if kind == "square":
        return signal.square(phase)
    if kind == "sawtooth":
        return signal.sawtooth(phase)
    if kind == "triangle":
        return signal.sawtooth(phase, width=0.5)
    t_rel = t - t[0]
    partials = np.arange(1, 16)
    partials = partials[partials * freq < 7500]  # stay below Nyquist at 16 kHz
    if kind == "plucked":  # bright attack, upper harmonics die away first
        return sum(np.sin(k * phase) / k * np.exp(-t_rel * (2.0 + 1.5 * k)) for k in partials)
    if kind == "bowed":  # slow attack, steady harmonics, gentle vibrato
        vib = 2 * np.pi * freq * (t + 0.004 / 5.5 * np.sin(2 * np.pi * 5.5 * t))
        attack = np.minimum(1.0, t_rel / 0.15)
        return attack * sum(np.sin(k * vib) / k for k in partials)
    if kind == "organ":  # a few steady harmonics, used for chords
        return sum(np.sin(k * phase) / k ** 2 for k in (1, 2, 3, 4))
    raise ValueError(f"unknown waveform {kind!r}")


def _normalise(x: np.ndarray, peak: float = 0.5) -> np.ndarray:
    return (x * (peak / max(np.abs(x).max(), 1e-12))).astype(np.float32)


def _notes(notes, kind: str, sr: int, duration: float) -> np.ndarray:
    """A sequence of equally long notes (a melody); ``None`` is a rest."""
    n = int(sr * duration)
    out, edges = np.zeros(n), np.linspace(0, n, len(notes) + 1).astype(int)
    for note, a, b in zip(notes, edges[:-1], edges[1:], strict=True):
        if note is not None:
            t = np.arange(b - a) / sr
            out[a:b] = _fade(_waveform(kind, note_hz(note), t), sr, 5)
    return out


def _noise(colour: str, n: int, seed: int) -> np.ndarray:
    """White, pink (1/f power) or brown (1/f^2 power) noise, shaped in the frequency domain."""
    spec = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    f = np.arange(len(spec), dtype=float)
    f[0] = 1.0
    spec *= {"white": 1.0, "pink": f ** -0.5, "brown": f ** -1.0}[colour]
    spec[0] = 0.0
    return np.fft.irfft(spec, n)


def _hits(times, sr: int, n: int, make) -> np.ndarray:
    out = np.zeros(n)
    for t0 in times:
        a = int(t0 * sr)
        hit = make()
        b = min(n, a + len(hit))
        out[a:b] += hit[:b - a]
    return out


def _drum(kind: str, sr: int, seed: int) -> np.ndarray:
    t = np.arange(int(0.25 * sr)) / sr
    rng = np.random.default_rng(seed)
    if kind == "kick":  # pitch drops from 150 to 50 Hz
        freq = 50 + 100 * np.exp(-t * 30)
        return np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t * 12)
    if kind == "snare":
        return (0.7 * rng.standard_normal(len(t)) + 0.5 * np.sin(2 * np.pi * 190 * t)) * \
            np.exp(-t * 25)
    if kind == "hat":
        from scipy.signal import butter, sosfilt

        sos = butter(4, 6000, "highpass", fs=sr, output="sos")
        return 0.5 * sosfilt(sos, rng.standard_normal(len(t))) * np.exp(-t * 80)
    if kind == "click":  # a 5 ms broadband tick
        return rng.standard_normal(int(0.005 * sr)) * np.exp(-np.arange(int(0.005 * sr)) / 20)
    raise ValueError(kind)


def _pattern(bpm: float, steps: dict, sr: int, duration: float, seed: int) -> np.ndarray:
    """A one-bar, 8-step (eighth notes) drum pattern looped: steps maps drum -> step list."""
    n, eighth = int(sr * duration), 30.0 / bpm
    out = np.zeros(n)
    for k, (drum, on) in enumerate(steps.items()):
        times = [i * eighth for i in range(int(duration / eighth) + 1) if i % 8 in on]
        out += _hits(times, sr, n, lambda d=drum, k=k: _drum(d, sr, seed + k))
    return out


_CHORDS = {"C major": ["C4", "E4", "G4"], "A minor": ["A3", "C4", "E4"],
           "G major": ["G3", "B3", "D4"], "C major 7": ["C4", "E4", "G4", "B4"],
           "B diminished": ["B3", "D4", "F4"], "C major (high)": ["C5", "E5", "G5"]}
_MELODIES = {"scale up": ["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"],
             "scale down": ["C5", "B4", "A4", "G4", "F4", "E4", "D4", "C4"],
             "frere jacques": ["C4", "D4", "E4", "C4", "C4", "D4", "E4", "C4"],
             "frere jacques (up a fifth)": ["G4", "A4", "B4", "G4", "G4", "A4", "B4", "G4"],
             "arpeggio": ["C4", "E4", "G4", "C5", "G4", "E4", "C4", None]}
_ROCK = {"kick": [0, 4], "snare": [2, 6], "hat": list(range(8))}
_DISCO = {"kick": [0, 2, 4, 6], "hat": [1, 3, 5, 7]}


def recipes():
    """(name, group, params) of every synthesised sound, in the order they are returned."""
    for note in ["A2", "A3", "A4", "A#4", "B4", "C5", "E5", "A5", "A6"]:
        yield f"sine {note}", "pitch", {"kind": "tone", "waveform": "sine", "note": note}
    for chord, notes in _CHORDS.items():
        yield f"chord {chord}", "pitch", {"kind": "chord", "chord": chord, "notes": notes,
                                          "waveform": "organ"}
    for note in ["A4", "A3"]:
        for wave in ["triangle", "square", "sawtooth", "plucked", "bowed"]:
            if note == "A3" and wave in ("triangle", "sawtooth"):
                continue
            yield f"{wave} {note}", "timbre", {"kind": "tone", "waveform": wave, "note": note}
    for bpm in [60, 90, 120, 150, 180]:
        yield f"clicks {bpm} bpm", "rhythm", {"kind": "clicks", "bpm": bpm}
    for style, steps, bpms in [("rock beat", _ROCK, [100, 130]), ("four on the floor", _DISCO,
                                                                   [124]),
                               ("kick only", {"kick": [0, 2, 4, 6]}, [120])]:
        for bpm in bpms:
            yield f"{style} {bpm} bpm", "rhythm", {"kind": "drums", "style": style,
                                                   "bpm": bpm, "steps": steps}
    for colour in ["white", "pink", "brown"]:
        yield f"{colour} noise", "noise", {"kind": "noise", "colour": colour}
    for title, notes in _MELODIES.items():
        yield f"melody {title}", "melody", {"kind": "melody", "notes": notes,
                                            "waveform": "plucked"}
    yield "melody frere jacques (sine)", "melody", {"kind": "melody", "waveform": "sine",
                                                    "notes": _MELODIES["frere jacques"]}
    for direction, (f0, f1) in [("rising", (200, 2000)), ("falling", (2000, 200))]:
        yield f"chirp {direction}", "melody", {"kind": "chirp", "f0": f0, "f1": f1}
    for style, rate in [("wail", 0.5), ("yelp", 4.0)]:
        yield f"siren {style}", "melody", {"kind": "siren", "low": 600, "high": 1200,
                                           "sweeps_per_second": rate}


def render(name: str, p: dict, sr: int, duration: float) -> np.ndarray:
    from scipy.signal import chirp

    n, seed = int(sr * duration), zlib.crc32(name.encode())
    t = np.arange(n) / sr
    kind = p["kind"]
    if kind == "tone":
        x = _waveform(p["waveform"], note_hz(p["note"]), t)
    elif kind == "chord":
        x = sum(_waveform("organ", note_hz(m), t) for m in p["notes"])
    elif kind == "melody":
        x = _notes(p["notes"], p["waveform"], sr, duration)
    elif kind == "chirp":
        x = chirp(t, f0=p["f0"], t1=duration, f1=p["f1"], method="logarithmic")
    elif kind == "siren":
        mid, half = (p["low"] + p["high"]) / 2, (p["high"] - p["low"]) / 2
        rate = p["sweeps_per_second"]
        phase = 2 * np.pi * (mid * t - half / (2 * np.pi * rate) * np.cos(2 * np.pi * rate * t))
        x = np.sin(phase)
    elif kind == "noise":
        return _normalise(_fade(_noise(p["colour"], n, seed), sr), peak=0.4)
    elif kind == "clicks":
        beats = np.arange(0, duration, 60.0 / p["bpm"])
        return _normalise(_hits(beats, sr, n, lambda: _drum("click", sr, seed)), peak=0.8)
    else:  # drums
        return _normalise(_pattern(p["bpm"], p["steps"], sr, duration, seed), peak=0.8)
    return _normalise(_fade(np.asarray(x, dtype=float), sr))
