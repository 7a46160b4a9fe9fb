"""An entry's quote or summary and its body text -> whether the quote is in the body (else the sentence
closest to it) and the run of words a summary copies from the body: the checks that keep quotes
verbatim and summaries the curator's own.
"""

from __future__ import annotations

import re

from .errors import closest

WORD = re.compile(r"[\w']+")
_SENTENCE = re.compile(r"[^.!?\u3002\uff01\uff1f]+(?:[.!?\u3002\uff01\uff1f]+[\"'\u201d\u2019\u300d\u300f)]*|$)")
_QUOTE_MARKS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"',
                              "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'"})
COPY_RUN = 12  # a summary sharing this many consecutive words with the body is not the curator's own
_HALF = COPY_RUN // 2
# WORD's characters among the bytes of ASCII text; every other byte becomes a space (see words_of).
_ASCII_WORDS = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) in "_'") else 32 for c in range(256))


def normalise_quote(text: str) -> str:
    return " ".join(text.translate(_QUOTE_MARKS).split())


def closest_sentence(quote: str, body: str) -> str:
    """The body sentence most like `quote` (a misremembered word, a changed tense), or ''."""
    sentences = [s for s in (normalise_quote(s) for s in _SENTENCE.findall(body)) if s]
    close = closest(normalise_quote(quote), sentences)
    return close if len(close) <= 160 else close[:159] + "…"


def words_of(text: str) -> str:
    """The words of `text` (WORD's matches), one space apart."""
    if text.isascii():  # most bodies: translating bytes and splitting is a few times faster than WORD
        return " ".join(text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split())
    return " ".join(WORD.findall(text))


def copied_run(summary: str, body_words: str) -> str:
    """The first run of COPY_RUN consecutive words the summary shares with the body (given as
    words_of its text), regardless of case, as the summary writes it, or ''."""
    words = list(WORD.finditer(summary))
    if len(words) < COPY_RUN:
        return ""
    # Substring searches of the body, far cheaper than a set of every window of it. Every window of
    # COPY_RUN words holds a whole block of HALF words that starts at a multiple of HALF, so only the
    # windows around a block found in the body can be in it: most summaries need a search per block.
    body_text = f" {body_words.lower()} "
    lower = [w.group().lower() for w in words]
    last = len(words) - COPY_RUN
    candidates = sorted({i for block in range(0, len(words) - _HALF + 1, _HALF)
                         if f" {' '.join(lower[block: block + _HALF])} " in body_text
                         for i in range(max(0, block + _HALF - COPY_RUN), min(block, last) + 1)})
    for i in candidates:
        if f" {' '.join(lower[i: i + COPY_RUN])} " in body_text:
            return summary[words[i].start(): words[i + COPY_RUN - 1].end()]
    return ""
