"""Deterministic sentences for the text benchmarks (bench_text.py, bench_cache.py)."""

from __future__ import annotations


def sentences(n: int) -> list[str]:
    """``n`` distinct, ordinary English sentences (deterministic)."""
    people = ["My sister", "The new intern", "A retired pilot", "Our landlord", "The coach",
              "A street musician", "The night nurse", "Two tourists", "The baker", "Grandpa"]
    actions = ["found", "cooked", "borrowed", "painted", "sold", "photographed", "repaired",
               "lost", "described", "ordered"]
    things = ["a red bicycle", "the spicy soup", "an old map", "the broken clock",
              "a tiny kitten", "the wedding cake", "a paper kite", "the garden fence",
              "a jazz record", "the train tickets"]
    places = ["at the station", "near the harbour", "in the attic", "after lunch",
              "before the storm", "on Sunday", "at the market", "in the rain", "by the lake",
              "during the match"]
    out = []
    for i in range(n):
        a, b, c, d = i % 10, (i // 10) % 10, (i // 100) % 10, (i // 1000) % 10
        out.append(f"{people[a]} {actions[b]} {things[c]} {places[(d + a + b) % 10]}"
                   f"{'' if i < 1000 else f' (take {i // 1000})'}.")
    return out
