"""The checks an entry's text passes: its words (for reading time and the copied-summary check) and its
quotes' place in the body, each against the plain definition its shortcut stands in for."""

from __future__ import annotations

import random

from broadsheet.entries import count_words
from broadsheet.quotes import WORD, copied_run, normalise_quote, words_of

_PIECES = ["word", "Word", "it's", "don't", "x_y", "42", " ", "  ", "\n", "\t", ", ", ". ", "—", "“", "”", "'",
           "é", "Straße", "İstanbul", "ΣΑΣ", "naïve", "马云", "\u00a0", "-", "(", ")", "\u2019"]


def _text(rng: random.Random, ascii_only: bool) -> str:
    pieces = [p for p in _PIECES if p.isascii()] if ascii_only else _PIECES
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))


def test_words_are_the_word_pattern_matches_one_space_apart() -> None:
    """words_of reads ASCII text by translating its bytes; other text by the pattern itself."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for n in range(2000):
        text = _text(rng, ascii_only=n % 2 == 0)
        assert words_of(text) == " ".join(WORD.findall(text)), text
        if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
            assert count_words(text) == len(WORD.findall(text)), text


def test_a_summary_copying_twelve_words_is_caught_whatever_the_punctuation_between_them() -> None:
    body = "Intro. The quick brown fox, it's said, jumps over the lazy dog and runs far away - into the woods!"
    summary = "As told: the QUICK brown fox it's said jumps over the lazy dog and runs far. Then more."
    assert copied_run(summary, words_of(body)) == "the QUICK brown fox it's said jumps over the lazy dog and"
    assert copied_run("The quick brown fox, it's said, jumps over a lazy dog and runs far away.", words_of(body)) == ""


def test_a_quote_found_verbatim_is_found_normalised() -> None:
    """What EntryReader.quotes relies on to skip normalising the body: any slice of a text, normalised,
    is part of the whole text normalised."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(3000):
        body = _text(rng, ascii_only=False)
        start = rng.randrange(0, len(body) + 1)
        quote = body[start: rng.randrange(start, len(body) + 1)]
        assert normalise_quote(quote) in normalise_quote(body), (quote, body)
