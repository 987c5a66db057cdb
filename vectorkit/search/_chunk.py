"""Cut text into overlapping chunks along paragraph boundaries.

Rules (the defaults are ``max_chars=500``, ``overlap=100``):

1. Paragraphs are separated by one or more blank lines; whitespace inside a paragraph is
   collapsed to single spaces.
2. Consecutive paragraphs are packed into one chunk while the chunk stays within
   ``max_chars`` characters (paragraphs joined by a blank line).
3. A paragraph longer than ``max_chars`` is cut at the last sentence end (``. ! ?``) or,
   failing that, the last space before the limit (a hard cut only for a single word longer
   than the limit).
4. Every chunk after the first starts with the end of the previous one: its last
   ``overlap`` characters at most, starting at a word boundary, so a sentence cut by a
   boundary is seen whole by one of the two chunks. The overlap is included in
   ``max_chars`` (no chunk is ever longer than ``max_chars``).

Example:
    >>> text = "Cats sleep a lot. They purr.\\n\\nDogs bark at the mailman.\\n\\nFish swim."
    >>> chunk_text(text, max_chars=48, overlap=12)
    ['Cats sleep a lot. They purr.', 'They purr.\\n\\nDogs bark at the mailman.', 'mailman.\\n\\nFish swim.']
"""

from __future__ import annotations

import re

from vectorkit._validation import check_k

__all__ = ["chunk_text", "MAX_CHARS", "OVERLAP"]

#: Default largest chunk, in characters (about 100 English words). Measured here with the
#: course's text model (use-multilingual, 2 busy cores): 1,000-character chunks embed at
#: ~4,900 characters/s, 500-character ones at ~11,300, 250 at ~14,600 -- its cost grows
#: faster than the length -- and a sentence encoder is trained on short passages anyway.
MAX_CHARS = 500
#: Default characters repeated from the end of the previous chunk.
OVERLAP = 100

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s")


def check_sizes(max_chars, overlap) -> tuple[int, int]:
    max_chars = check_k(max_chars, "max_chars")
    if isinstance(overlap, bool) or not isinstance(overlap, int) or overlap < 0:
        raise ValueError(f"`overlap` must be an integer >= 0, got {overlap!r}")
    if overlap >= max_chars // 2:
        raise ValueError(f"`overlap` must be less than half of `max_chars` ({max_chars}), "
                         f"got {overlap!r}")
    return max_chars, overlap


def _split_long(par: str, limit: int) -> list[str]:
    """Cut one paragraph into pieces of at most ``limit`` characters."""
    pieces = []
    while len(par) > limit:
        window = par[:limit + 1]
        ends = [m.end() for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends and ends[-1] > limit // 3 else window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        pieces.append(par[:cut].rstrip())
        par = par[cut:].lstrip()
    if par:
        pieces.append(par)
    return pieces


def _tail(chunk: str, overlap: int) -> str:
    """The last ``overlap`` characters of ``chunk`` at most, starting on a word."""
    if overlap == 0 or len(chunk) <= overlap:
        return "" if overlap == 0 else chunk
    tail = chunk[-overlap:]
    space = re.search(r"\s", tail)
    return tail[space.end():].lstrip() if space else ""


def chunk_text(text: str, max_chars: int = MAX_CHARS, overlap: int = OVERLAP) -> list[str]:
    """Split ``text`` into chunks of at most ``max_chars`` characters (see the module rules).

    Args:
        text: the document.
        max_chars: the longest chunk, overlap included.
        overlap: characters repeated from the previous chunk (< ``max_chars / 2``).

    Returns:
        The chunks in reading order; ``[]`` for text that is only whitespace.
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    max_chars, overlap = check_sizes(max_chars, overlap)
    paragraphs = [" ".join(p.split()) for p in _PARAGRAPH.split(text)]
    # room left for new material once the overlap is in front of it
    # (piece, separator before it): pieces of one long paragraph are joined by a space
    units = [(u, " " if i else "\n\n") for p in paragraphs if p
             for i, u in enumerate(_split_long(p, max_chars - overlap - 2))]
    chunks: list[str] = []
    current = ""
    for unit, sep in units:
        joined = f"{current}{sep}{unit}" if current else unit
        if len(joined) <= max_chars:
            current = joined
            continue
        chunks.append(current)
        head = _tail(current, overlap)
        current = f"{head}{sep}{unit}" if head else unit
    if current:
        chunks.append(current)
    return chunks
