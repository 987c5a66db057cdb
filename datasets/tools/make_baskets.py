"""Generate ``datasets/text/baskets.jsonl``: shopping sessions built from co-purchase rules.

The course's recommendation notebooks need baskets with believable structure (pasta with
sauce and parmesan, a tent with a sleeping bag) without real customer data. This script
makes them deterministically from the "missions" below:

- each of 150 customers has 1-4 favourite missions (a cat owner, a keen baker, a camper...);
- a session is one customer doing 1-3 missions (mostly favourites, sometimes anything else),
  each mission adding its items with the listed probabilities ("A/B" = one of the two);
- a few follow-on rules (a camping stove pulls in a gas canister) and 0-2 everyday staples
  complete the basket.

Only ``random.Random(seed).random()`` is used, the one part of Python's ``random`` whose
stream is guaranteed stable across Python versions, so the output is the same everywhere.
``tests/test_text_datasets.py`` checks that the committed file equals this script's output.

Usage: ``python datasets/tools/make_baskets.py`` (rewrites the file) or ``--check``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import random
import sys
from pathlib import Path

from vectorkit._atomic import write_text_atomic

SEED = 20240605
N_CUSTOMERS = 150
N_SESSIONS = 620
TEXT_DIR = Path(__file__).resolve().parent.parent / "text"

# mission -> (popularity weight, [(item or "A/B" alternatives, probability), ...])
MISSIONS = {
    "pasta night": (10, [
        ("Spaghetti 500 g/Penne 500 g", 1.0), ("Tomato and basil pasta sauce/Green pesto", 0.85),
        ("Parmesan wedge", 0.6), ("Garlic bread", 0.35), ("Fresh basil", 0.3),
        ("Red wine", 0.25), ("Cherry tomatoes 250 g", 0.2), ("Chopped tomatoes 400 g", 0.15)]),
    "taco night": (7, [
        ("Tortilla wraps", 0.95), ("Tomato salsa", 0.7), ("Avocados (2)", 0.55),
        ("Beef mince 500 g", 0.5), ("Mature cheddar", 0.5), ("Kidney beans 400 g", 0.45),
        ("Sour cream", 0.45), ("Limes (4)", 0.4), ("Fresh coriander", 0.25)]),
    "curry": (7, [
        ("Basmati rice 1 kg", 0.8), ("Coconut milk 400 ml", 0.75), ("Thai red curry paste", 0.7),
        ("Chicken thighs 1 kg", 0.5), ("Brown onions 1 kg", 0.4), ("Chickpeas 400 g", 0.3),
        ("Baby spinach 200 g", 0.3), ("Garlic bulbs (3)", 0.3), ("Fresh coriander", 0.25),
        ("Natural yoghurt 500 g", 0.25), ("Red lentils 500 g", 0.2)]),
    "fry-up breakfast": (8, [
        ("Free-range eggs (6)", 0.7), ("Sourdough loaf/Wholemeal sliced bread", 0.65),
        ("Smoked back bacon", 0.5), ("Salted butter 250 g", 0.45), ("Orange juice 1 l", 0.45),
        ("Pork sausages (6)", 0.3), ("Strawberry jam", 0.25), ("Croissants (4)", 0.2)]),
    "healthy breakfast": (6, [
        ("Porridge oats 1 kg/Crunchy granola", 0.9), ("Bananas (5)", 0.6),
        ("Natural yoghurt 500 g", 0.4), ("Oat drink 1 l", 0.4), ("Runny honey", 0.3),
        ("Peanut butter", 0.2), ("Apples (6)", 0.2)]),
    "cake baking": (6, [
        ("Plain flour 1.5 kg", 0.85), ("Caster sugar 1 kg", 0.75), ("Salted butter 250 g", 0.65),
        ("Free-range eggs (6)", 0.6), ("Baking powder", 0.45), ("Vanilla extract", 0.35),
        ("Chocolate chips", 0.35), ("Cocoa powder", 0.25), ("Icing sugar 500 g", 0.25),
        ("Round cake tin 20 cm", 0.08)]),
    "bread baking": (3, [
        ("Plain flour 1.5 kg", 0.9), ("Fast-action yeast", 0.85),
        ("Extra virgin olive oil 500 ml", 0.25)]),
    "salad": (6, [
        ("Little gem lettuce (2)", 0.6), ("Cucumber", 0.6), ("Cherry tomatoes 250 g", 0.6),
        ("Feta cheese", 0.5), ("Extra virgin olive oil 500 ml", 0.25), ("Lemons (3)", 0.3),
        ("Avocados (2)", 0.2)]),
    "fish supper": (4, [
        ("Salmon fillets (2)", 0.95), ("Lemons (3)", 0.6), ("New potatoes 1 kg", 0.55),
        ("Baby spinach 200 g", 0.35), ("Salted butter 250 g", 0.2)]),
    "barbecue": (6, [
        ("Barbecue charcoal 5 kg", 0.75), ("Pork sausages (6)", 0.7), ("Burger buns (6)", 0.6),
        ("Tomato ketchup", 0.5), ("Firelighters (24)", 0.4), ("Sweetcorn cobs (2)", 0.4),
        ("Beef mince 500 g", 0.3), ("Dijon mustard", 0.3), ("Cola 1.5 l", 0.3),
        ("Barbecue tongs", 0.12)]),
    "movie night": (7, [
        ("Microwave popcorn (3)", 0.7), ("Sea salt crisps", 0.6), ("Cola 1.5 l", 0.5),
        ("Dark chocolate 70%", 0.4), ("Salted peanuts", 0.25)]),
    "tea time": (6, [
        ("English breakfast tea (80)", 0.8), ("Whole milk 1 l", 0.6), ("Digestive biscuits", 0.6)]),
    "coffee": (5, [
        ("Ground coffee 250 g/Coffee beans 1 kg", 1.0), ("Whole milk 1 l/Oat drink 1 l", 0.6),
        ("Croissants (4)", 0.2)]),
    "cleaning": (7, [
        ("Washing-up liquid", 0.6), ("Scrub sponges (4)", 0.5), ("Bin bags (20)", 0.5),
        ("All-purpose cleaning spray", 0.5), ("Kitchen roll (2)", 0.5), ("Toilet roll (9)", 0.4),
        ("Dishwasher tablets (30)", 0.35), ("Laundry detergent", 0.3)]),
    "baby": (4, [
        ("Nappies size 3 (50)", 0.9), ("Baby wipes (3 x 64)", 0.8), ("Baby food pouches (4)", 0.4),
        ("Nappy cream", 0.35), ("Infant formula 800 g", 0.35), ("Baby shampoo", 0.25)]),
    "cat": (5, [
        ("Dry cat food 2 kg", 0.9), ("Clumping cat litter 10 l", 0.6), ("Catnip toy mouse", 0.15)]),
    "dog": (5, [
        ("Dry dog food 5 kg", 0.85), ("Dog training treats", 0.6), ("Dog poo bags (120)", 0.5),
        ("Reflective dog lead", 0.08)]),
    "camping": (3, [
        ("Sleeping bag (3 season)", 0.65), ("Self-inflating sleeping mat", 0.55),
        ("Two-person tent", 0.5), ("LED head torch", 0.5), ("Camping gas canister 230 g", 0.4),
        ("Steel water bottle 1 l", 0.4), ("Compact camping stove", 0.35),
        ("Insect repellent spray", 0.35), ("Sun cream SPF 30", 0.3),
        ("Cereal energy bars (5)", 0.3), ("Enamel camping mug", 0.25)]),
    "day hike": (3, [
        ("Cereal energy bars (5)", 0.7), ("Steel water bottle 1 l", 0.5), ("Sun cream SPF 30", 0.4),
        ("Bananas (5)", 0.3), ("Insect repellent spray", 0.2), ("LED head torch", 0.1)]),
    "gardening": (4, [
        ("Multi-purpose compost 40 l", 0.7), ("Tomato seeds", 0.5), ("Gardening gloves", 0.4),
        ("Liquid plant food", 0.4), ("Hand trowel", 0.3), ("Watering can 10 l", 0.2)]),
    "back to school": (3, [
        ("A4 lined notebook", 0.8), ("Ballpoint pens (10)", 0.7), ("Highlighters (4)", 0.45),
        ("Pencil case", 0.45), ("Scientific calculator", 0.3), ("School backpack", 0.3)]),
    "phone accessories": (4, [
        ("USB-C charging cable 1 m", 0.6), ("Phone case", 0.55),
        ("Tempered-glass screen protector", 0.5), ("Power bank 10000 mAh", 0.3),
        ("Wireless earbuds", 0.2), ("AA batteries (8)", 0.1)]),
    "new kitchen": (2, [
        ("Wooden chopping board", 0.6), ("Non-stick frying pan 28 cm", 0.6),
        ("Chef's knife 20 cm", 0.5), ("Washing-up liquid", 0.3), ("Scrub sponges (4)", 0.3)]),
}
# if the first item is in the basket, add the second with this probability
FOLLOW_ON = [
    ("Compact camping stove", "Camping gas canister 230 g", 0.9),
    ("Two-person tent", "Sleeping bag (3 season)", 0.8),
    ("Two-person tent", "Self-inflating sleeping mat", 0.6),
    ("Burger buns (6)", "Beef mince 500 g", 0.5),
    ("Spaghetti 500 g", "Parmesan wedge", 0.2),
    ("Nappies size 3 (50)", "Baby wipes (3 x 64)", 0.5),
]
# everyday items added on top of missions (relative weights)
STAPLES = [("Whole milk 1 l", 8), ("Bananas (5)", 6), ("Wholemeal sliced bread", 6),
           ("Free-range eggs (6)", 4), ("Apples (6)", 4), ("Carrots 1 kg", 3),
           ("Brown onions 1 kg", 3), ("Sparkling water (6 x 1 l)", 3), ("Salted butter 250 g", 2),
           ("Plain bagels (5)", 2), ("Mozzarella", 2), ("AA batteries (8)", 1)]


class _Draw:
    """The few random operations needed, built on ``Random.random()`` only."""

    def __init__(self, seed: int):
        self._rng = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def weighted(self, options: list, weights: list):
        cumulative = list(itertools.accumulate(weights))
        return options[bisect.bisect_right(cumulative, self._rng.random() * cumulative[-1])]

    def count(self, probabilities: list) -> int:
        """Pick 0, 1, 2, ... with the given probabilities (they sum to 1)."""
        return self.weighted(list(range(len(probabilities))), probabilities)


def _product_ids(products_csv: Path) -> dict[str, str]:
    with open(products_csv, encoding="utf-8", newline="") as f:
        ids = {row["name"]: row["id"] for row in csv.DictReader(f)}
    names = {n for _, rules in MISSIONS.values() for alts, _ in rules for n in alts.split("/")}
    names |= {n for a, b, _ in FOLLOW_ON for n in (a, b)} | {n for n, _ in STAPLES}
    unknown = sorted(names - set(ids))
    if unknown:
        raise ValueError(f"rules name products missing from {products_csv}: {unknown}")
    return ids


def build(products_csv: Path = TEXT_DIR / "products.csv") -> str:
    """Return the text of baskets.jsonl (one JSON object per line)."""
    ids = _product_ids(products_csv)
    draw = _Draw(SEED)
    names = list(MISSIONS)
    popularity = [MISSIONS[m][0] for m in names]
    favourites, activity = [], []
    for _ in range(N_CUSTOMERS):
        chosen: list[str] = []
        for _ in range(1 + draw.count([0.3, 0.35, 0.25, 0.1])):
            mission = draw.weighted(names, popularity)
            if mission not in chosen:
                chosen.append(mission)
        favourites.append(chosen)
        activity.append(1 + draw.count([0.4, 0.3, 0.2, 0.1]))  # some customers shop more
    lines = []
    for session in range(1, N_SESSIONS + 1):
        customer = draw.weighted(list(range(N_CUSTOMERS)), activity)
        basket: list[str] = []
        for _ in range(1 + draw.count([0.55, 0.33, 0.12])):
            own = favourites[customer]
            mission = (draw.weighted(own, [1] * len(own)) if draw.chance(0.85)
                       else draw.weighted(names, popularity))
            for alternatives, p in MISSIONS[mission][1]:
                if draw.chance(p):
                    options = alternatives.split("/")
                    basket.append(draw.weighted(options, [1] * len(options)))
        for first, second, p in FOLLOW_ON:
            if first in basket and draw.chance(p):
                basket.append(second)
        for _ in range(draw.count([0.5, 0.35, 0.15])):
            basket.append(draw.weighted([n for n, _ in STAPLES], [w for _, w in STAPLES]))
        items = list(dict.fromkeys(ids[name] for name in basket))  # drop repeats, keep order
        if not items:  # every draw failed: the customer bought one staple
            items = [ids[STAPLES[0][0]]]
        record = {"session_id": f"b{session:04d}", "customer_id": f"c{customer + 1:03d}",
                  "items": items}
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed file differs from a fresh build")
    args = parser.parse_args(argv)
    target = TEXT_DIR / "baskets.jsonl"
    text = build()
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print(f"{target}: {'up to date' if same else 'STALE - rerun make_baskets.py'}")
        return 0 if same else 1
    write_text_atomic(target, text)  # "\n" line ends on every OS, no temp file left behind
    print(f"wrote {text.count(chr(10))} sessions to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
