"""The checks an entry's text passes: its words (for reading time and the copied-summary check) and its
quotes' place in the body, each against the plain definition its shortcut stands in for."""

from __future__ import annotations

import random

from broadsheet.entries import count_words
from broadsheet.fields import CONTROL, find_control
from broadsheet.quotes import COPY_RUN, WORD, copied_run, normalise_quote, words_of

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


def test_a_control_character_is_found_where_the_pattern_finds_it() -> None:
    """find_control answers ASCII text by deleting the other ASCII bytes; any other text by the pattern.
    Every ASCII character is tried, alone and among words, with and without non-ASCII text around."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    characters = [chr(c) for c in range(128)] + ["\x85", "\x9f", "\ufffe", "é", "马"]
    for n in range(5000):
        text = _text(rng, ascii_only=n % 2 == 0)
        if n % 3:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(characters) + text[at:]
        found, expected = find_control(text), CONTROL.search(text)
        assert (found and (found.start(), found.group())) == (expected and (expected.start(), expected.group())), text
    assert all(bool(find_control(c)) == bool(CONTROL.match(c)) for c in characters)
    assert find_control("fine\ttext\r\n") is None and find_control("bell\x07") is not None


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


def _first_copied_run(summary: str, body: str) -> str:
    """copied_run by its definition: every window of the summary looked for in the body's words."""
    words = list(WORD.finditer(summary))
    body_words = f" {' '.join(WORD.findall(body)).lower()} "
    for i in range(len(words) - COPY_RUN + 1):
        if f" {' '.join(w.group().lower() for w in words[i: i + COPY_RUN])} " in body_words:
            return summary[words[i].start(): words[i + COPY_RUN - 1].end()]
    return ""


def test_copied_runs_are_found_as_by_trying_every_window() -> None:
    """copied_run looks only around the blocks of words it finds; on random summaries, some copying a
    run of the body and some not, it returns the same first run as trying every window."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    vocabulary = ["the", "The", "shop", "rents", "cloud", "servers", "it's", "city", "a", "of"]
    found = 0
    for _ in range(3000):
        body = " ".join(rng.choice(vocabulary) + rng.choice(["", ",", "."]) for _ in range(rng.randrange(0, 80)))
        body_words = body.split()
        summary = " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(0, 40)))
        if body_words and rng.random() < 0.5:  # copy a run of the body into the summary
            start = rng.randrange(len(body_words))
            run = body_words[start: start + rng.randrange(8, 16)]
            words = summary.split()
            at = rng.randrange(len(words) + 1)
            summary = " ".join([*words[:at], *run, *words[at:]])
        expected = _first_copied_run(summary, body)
        assert copied_run(summary, words_of(body)) == expected, (summary, body)
        found += bool(expected)
    assert found > 300  # the copying happened often enough to test the search
