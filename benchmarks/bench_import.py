"""How long ``import vectorkit`` takes, as a ratio against ``import numpy``.

Each import runs in a fresh Python process (what a notebook's first cell pays); the figure
is the median over ``--rounds`` of the time inside that process, so interpreter start-up is
not counted. ``import numpy`` is the baseline because vectorkit imports it and nothing
heavier (tests/test_package.py checks which libraries the import loads).

    python benchmarks/bench_import.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

_TIMED = ("import time; t = time.perf_counter(); {stmt}; "
          "print(time.perf_counter() - t)")


def _seconds(stmt: str, rounds: int) -> float:
    runs = [float(subprocess.run([sys.executable, "-c", _TIMED.format(stmt=stmt)],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(rounds)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    base = _seconds("import numpy", args.rounds)
    full = _seconds("import vectorkit as vk; vk.datasets; vk.models; vk.search; vk.train",
                    args.rounds)
    print(f"import numpy                         {base * 1000:7.1f} ms (baseline)")
    print(f"import vectorkit (+ its subpackages) {full * 1000:7.1f} ms "
          f"= {full / base:.2f}x numpy")


if __name__ == "__main__":
    main()
