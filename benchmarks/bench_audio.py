"""Audio benchmark: musicnn speed (real-time factor) and memory that stays flat in file length.

    python benchmarks/bench_audio.py            # about 1-2 minutes on 2 cores

1. Real-time factor: seconds of audio embedded per wall-clock second for a 60 s clip, as a
   16 kHz array and as a 44.1 kHz stereo WAV file (decoding + resampling included). The
   baseline is real time itself (ratio 1.0); the target is >= 30x on 2 CPU cores. Best and
   median of several runs (the machine may be shared), after one warm-up call.
2. Memory: a 1-minute and a 10-minute 44.1 kHz stereo WAV are embedded from their paths in
   fresh subprocesses. Each reports how far the process RSS rose above its level before the
   call (sampled every 5 ms; a first and a second pass, because the C allocator's pools can
   grow in steps of ~70 MB the first time, at random points, under a loaded machine) and, in a
   third pass, tracemalloc's peak (numpy buffers). The baseline, measured in the same child, is reading
   the whole file with soundfile (what a non-streaming pipeline would hold). Flat means the
   10-minute peak is about the 1-minute peak.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np

SR = 16000
FILE_RATE = 44100


def _music(seconds: float, rate: int, offset: float = 0.0) -> np.ndarray:
    """A deterministic 'song': kick/hat pattern at 120 bpm under a plucked arpeggio."""
    t = offset + np.arange(int(seconds * rate)) / rate
    beat = (t * 2.0) % 1.0  # position inside a beat (0.5 s)
    kick = np.sin(2 * np.pi * 55 * t) * np.exp(-beat * 12)
    hat = np.sin(2 * np.pi * 7919 * t * (1 + 0.01 * np.sin(311 * t))) * np.exp(-((beat + 0.5)
                                                                                % 1.0) * 60)
    notes = np.array([261.63, 329.63, 392.0, 523.25])[(t * 4).astype(int) % 4]
    pluck = np.sin(2 * np.pi * notes * t) * np.exp(-((t * 4) % 1.0) * 3)
    return (0.4 * kick + 0.1 * hat + 0.3 * pluck).astype(np.float32)


def _write_song(path: Path, seconds: float) -> None:
    import soundfile as sf

    with sf.SoundFile(path, "w", FILE_RATE, 2, subtype="PCM_16") as f:
        block = 30.0
        done = 0.0
        while done < seconds:
            x = _music(min(block, seconds - done), FILE_RATE, offset=done)
            f.write(np.stack([x, 0.8 * x], axis=1))
            done += block


def _rss_mb() -> float:
    """Current resident set size (Linux /proc; elsewhere the peak so far from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _RssSampler(threading.Thread):
    """Sample the process RSS every 5 ms and keep the maximum."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self._stop_event = _rss_mb(), threading.Event()

    def run(self):
        while not self._stop_event.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return max(self.peak, _rss_mb())


def memory_child(path: str) -> None:
    """Run in a subprocess: peak memory of embedding one file (and of reading it whole)."""
    import soundfile as sf

    import vectorkit as vk

    model = vk.load_model("audio")
    # warm-up: trace the graph and let TensorFlow allocate a full batch of windows
    model.embed(_music(30.0, SR), sample_rate=SR, cache=False)
    rss0 = _rss_mb()
    sampler = _RssSampler()
    sampler.start()
    t0 = time.perf_counter()
    vec = model.embed(path, cache=False)
    seconds = time.perf_counter() - t0
    rss1 = sampler.stop()
    sampler = _RssSampler()  # a second pass: allocator pools are warm now
    sampler.start()
    model.embed(path, cache=False)
    rss2 = sampler.stop()
    tracemalloc.start()  # second pass, numpy buffers only (tracemalloc slows things down)
    model.embed(path, cache=False)
    _, tm_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    whole, _ = sf.read(path, dtype="float32")
    _, whole_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"rss_growth_mb": rss1 - rss0, "rss_peak_mb": max(rss1, rss2),
                      "rss_growth2_mb": rss2 - rss0, "tracemalloc_peak_mb": tm_peak / 2**20,
                      "read_whole_peak_mb": whole_peak / 2**20, "seconds": seconds,
                      "audio_seconds": len(whole) / FILE_RATE, "finite": bool(np.isfinite(
                          vec).all())}))


def real_time_factor(folder: Path) -> None:
    import vectorkit as vk

    model = vk.load_model("audio")
    clip = _music(60.0, SR)
    path = folder / "song60.wav"
    _write_song(path, 60.0)
    model.embed(clip[:SR * 3], sample_rate=SR, cache=False)  # warm-up (graph tracing)
    for label, item, kwargs in [("16 kHz array", clip, {"sample_rate": SR}),
                                ("44.1 kHz stereo WAV", str(path), {})]:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            model.embed(item, cache=False, **kwargs)
            times.append(time.perf_counter() - t0)
        print(f"musicnn, 60 s {label:<20} real-time factor: best {60 / min(times):6.1f}x, "
              f"median {60 / statistics.median(times):6.1f}x  (baseline: real time = 1.0x; "
              "target >= 30x)")
    t0 = time.perf_counter()
    vk.audio.log_mel(clip, SR)
    front = time.perf_counter() - t0
    print(f"  of which the float32 log-mel front end: {front * 1000:.0f} ms "
          f"({60 / front:.0f}x real time)")


def memory(folder: Path) -> None:
    results = {}
    for minutes in (1, 10):
        path = folder / f"song{minutes}min.wav"
        _write_song(path, 60.0 * minutes)
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(path)],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        results[minutes] = r = json.loads(out.stdout.strip().splitlines()[-1])
        path.unlink()
        print(f"{minutes:>2}-minute 44.1 kHz stereo file: RSS peak {r['rss_peak_mb']:6.0f} MB "
              f"(rise above the warmed-up process: {r['rss_growth_mb']:5.1f} MB first pass, "
              f"{r['rss_growth2_mb']:5.1f} MB second), tracemalloc peak {r['tracemalloc_peak_mb']:5.1f} MB (baseline, reading "
              f"the file whole: {r['read_whole_peak_mb']:6.1f} MB); "
              f"{r['audio_seconds'] / r['seconds']:.0f}x real time")
    a, b = results[1], results[10]
    print(f"10-min / 1-min peak: tracemalloc {b['tracemalloc_peak_mb'] / a['tracemalloc_peak_mb']:.2f}x"
          f", RSS rise (second pass) {b['rss_growth2_mb'] - a['rss_growth2_mb']:+.1f} MB; reading whole "
          f"would grow {b['read_whole_peak_mb'] / a['read_whole_peak_mb']:.1f}x")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2])
        return
    print(f"CPU cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="vk-bench-audio-") as tmp:
        real_time_factor(Path(tmp))
        memory(Path(tmp))


if __name__ == "__main__":
    main()
