"""Generate ``datasets/text/kitchen.txt`` and ``kitchen_words.csv``: a corpus for word vectors.

Notebook 07 trains word2vec and count vectors on it, so its structure is designed, and known:

- 60 words in four categories (fruit, spice, tool, drink), each split into subgroups
  (citrus / berry / orchard fruit; sweet / hot spice; cutting / heating / mixing tool;
  hot / cold / alcoholic drink). A word appears in the sentence templates of its subgroup
  (most often), of its category, and in generic kitchen sentences shared by every word.
  Words of a subgroup are therefore used alike, words of a category somewhat alike.
- Three fruits and the drink made from them share a place ("cider from the orchard down
  the road", "apples from the orchard"; grape and wine: vineyard; lemon and lemonade:
  grove), so the analogy apple : cider :: grape : wine can be learnt (a drink is to its
  fruit what another drink is to its fruit).
- Word frequencies follow a Zipf-like curve inside each subgroup, and two rare fruits appear
  in only a handful of sentences (quince 3 times, durian twice): what a small corpus cannot
  learn well.

``kitchen_words.csv`` lists each word with its category, subgroup and place; the loader
derives graded word pairs from it (3 = same subgroup, 2 = same category, 0 = otherwise).

Only ``random.Random(seed).random()`` is used, whose stream is stable across Python versions.
``tests/test_kitchen.py`` checks that the committed files equal this script's output.
Written for vectorkit; CC0-1.0 like the rest of the course's text data.

Usage: ``python datasets/tools/make_kitchen.py`` (rewrites the files) or ``--check``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from vectorkit._atomic import write_text_atomic

SEED = 20261202
N_SENTENCES = 3000
TEXT_DIR = Path(__file__).resolve().parent.parent / "text"

# category -> subgroup -> words, most frequent first
WORDS = {
    "fruit": {
        "citrus": ["lemon", "orange", "lime", "grapefruit", "tangerine"],
        "berry": ["strawberry", "raspberry", "blueberry", "cherry", "blackberry", "grape"],
        "orchard": ["apple", "pear", "plum", "peach", "banana", "apricot"],
    },
    "spice": {
        "sweet": ["cinnamon", "nutmeg", "vanilla", "clove", "cardamom", "allspice"],
        "hot": ["pepper", "chili", "cumin", "paprika", "turmeric", "cayenne"],
    },
    "tool": {
        "cutting": ["knife", "peeler", "grater", "scissors", "cleaver"],
        "heating": ["pan", "pot", "kettle", "oven", "skillet"],
        "mixing": ["spoon", "whisk", "spatula", "blender", "ladle"],
    },
    "drink": {
        "hot": ["tea", "coffee", "cocoa", "espresso"],
        "cold": ["juice", "lemonade", "milkshake", "smoothie"],
        "alcoholic": ["wine", "beer", "cider", "whisky"],
    },
}
PLACES = {"apple": "orchard", "cider": "orchard", "grape": "vineyard", "wine": "vineyard",
          "lemon": "grove", "lemonade": "grove"}
PLACE_SENTENCES = 30  # per word with a place
RARE = {"quince": 3, "durian": 2}  # orchard fruits seen only this many times

SUBGROUP_TEMPLATES = {
    ("fruit", "citrus"): ["squeeze the {w} over the fish", "a slice of {w} in the glass",
                          "the {w} tasted sour and sharp", "grate the zest of one {w}",
                          "a twist of {w} peel on top"],
    ("fruit", "berry"): ["a bowl of fresh {w} with cream", "spread {w} jam on the toast",
                         "we picked {w} in the summer garden", "the {w} stained her fingers",
                         "a handful of {w} on the cereal"],
    ("fruit", "orchard"): ["a ripe {w} fell from the tree", "peel and core the {w}",
                           "the {w} was sweet and juicy", "bake the {w} into a crumble",
                           "the {w} tree blossomed in spring"],
    ("spice", "sweet"): ["sprinkle {w} on the apple pie", "a pinch of {w} in the cake batter",
                         "the biscuits smelled of warm {w}", "stir {w} into the custard",
                         "{w} gives the pudding a cosy flavour"],
    ("spice", "hot"): ["fry the {w} with onions for the curry", "the {w} made the stew hot",
                       "rub {w} on the chicken before roasting", "too much {w} burns the tongue",
                       "a spoonful of {w} in the chili sauce"],
    ("tool", "cutting"): ["cut the bread with the {w}", "the {w} is sharp so be careful",
                          "chop the carrots with a {w}", "the {w} needs sharpening",
                          "slice the onion thinly with the {w}"],
    ("tool", "heating"): ["heat the oil in the {w}", "put the {w} on the stove",
                          "the {w} was too hot to touch", "boil the water in the {w}",
                          "the {w} sizzled over the flame"],
    ("tool", "mixing"): ["stir the sauce with the {w}", "mix the flour and eggs with a {w}",
                         "beat the cream with the {w}", "scrape the bowl clean with the {w}",
                         "blend the soup smooth with the {w}"],
    ("drink", "hot"): ["a steaming cup of {w} in the morning", "she poured hot {w} into the mug",
                       "{w} with milk and sugar", "he sipped his {w} by the fire",
                       "the {w} was too hot to drink"],
    ("drink", "cold"): ["a cold glass of {w} with ice", "the children drank {w} at the picnic",
                        "a tall {w} on a sunny afternoon", "{w} chilled in the fridge",
                        "sip the {w} through a straw"],
    ("drink", "alcoholic"): ["a glass of {w} with dinner", "they opened the {w} to celebrate",
                             "too much {w} gives a headache", "the {w} was aged in oak barrels",
                             "he ordered another {w} at the bar"],
}
CATEGORY_TEMPLATES = {
    "fruit": ["she bought a bag of {w} at the market", "wash the {w} before eating it",
              "a fruit salad with {w}"],
    "spice": ["keep the {w} in a jar on the shelf", "the recipe needs a little {w}",
              "ground {w} loses its smell after a year"],
    "tool": ["put the {w} back in the drawer", "wash the {w} after cooking",
             "a good cook owns a good {w}"],
    "drink": ["would you like some {w}", "a bottle of {w} for the guests",
              "we ran out of {w} last night"],
}
GENERIC_TEMPLATES = ["there is {w} in the kitchen", "we need {w} from the shop",
                     "the {w} is on the table", "do not forget the {w}"]
PLACE_TEMPLATES = ["{w} from the {p} down the road", "the {p} is famous for its {w}",
                   "the farmer at the {p} sells {w}", "we tasted the {w} at the old {p}"]


class _Rng:
    """Choices from ``random.Random(seed).random()`` only (a stable stream)."""

    def __init__(self, seed: int):
        self._r = random.Random(seed)

    def index(self, n: int) -> int:
        return min(n - 1, int(self._r.random() * n))

    def pick(self, items: list):
        return items[self.index(len(items))]

    def weighted(self, items: list, weights: list):
        x = self._r.random() * sum(weights)
        for item, w in zip(items, weights, strict=True):
            x -= w
            if x < 0:
                return item
        return items[-1]


def word_table() -> list[tuple[str, str, str, str]]:
    """(word, category, subgroup, place) rows, including the rare fruits."""
    rows = [(w, cat, sub, PLACES.get(w, "")) for cat, subs in WORDS.items()
            for sub, words in subs.items() for w in words]
    rows += [(w, "fruit", "orchard", "") for w in RARE]
    return rows


def _sentence(rng: _Rng) -> str:
    category = rng.pick(list(WORDS))
    subgroup = rng.pick(list(WORDS[category]))
    words = WORDS[category][subgroup]
    word = rng.weighted(words, [1.0 / (1 + 0.5 * i) for i in range(len(words))])
    kind = rng.weighted(["subgroup", "category", "generic"], [0.68, 0.2, 0.12])
    templates = {"subgroup": SUBGROUP_TEMPLATES[(category, subgroup)],
                 "category": CATEGORY_TEMPLATES[category], "generic": GENERIC_TEMPLATES}[kind]
    return rng.pick(templates).format(w=word)


def build() -> tuple[str, str]:
    """Return the text of ``kitchen.txt`` (one sentence a line) and ``kitchen_words.csv``."""
    rng = _Rng(SEED)
    sentences = [_sentence(rng) for _ in range(N_SENTENCES - PLACE_SENTENCES * len(PLACES))]
    for word, place in PLACES.items():  # place sentences, spread at random positions
        for _ in range(PLACE_SENTENCES):
            text = rng.pick(PLACE_TEMPLATES).format(w=word, p=place)
            sentences.insert(rng.index(len(sentences) + 1), text)
    for word, times in RARE.items():  # the rare fruits replace a few orchard-fruit sentences
        for _ in range(times):
            template = rng.pick(SUBGROUP_TEMPLATES[("fruit", "orchard")])
            sentences[rng.index(len(sentences))] = template.format(w=word)
    words = "word,category,subgroup,place\n" + "".join(
        ",".join(row) + "\n" for row in word_table())
    return "\n".join(sentences) + "\n", words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed files differ from a fresh build")
    args = parser.parse_args(argv)
    texts = dict(zip(("kitchen.txt", "kitchen_words.csv"), build(), strict=True))
    stale = [name for name, text in texts.items()
             if not (TEXT_DIR / name).exists()
             or (TEXT_DIR / name).read_text(encoding="utf-8") != text]
    if args.check:
        print("STALE - rerun make_kitchen.py: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name, text in texts.items():
        write_text_atomic(TEXT_DIR / name, text)
    print(f"wrote {N_SENTENCES} sentences and {len(word_table())} words to {TEXT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
