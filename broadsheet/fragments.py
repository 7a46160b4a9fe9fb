"""A passage of an entry's body -> a text fragment (`#:~:text=…`) that finds it in the original page.

Input: the passage (a paragraph or a quote) and the body's plain text, which stands in for the text of
the original page. Output: the fragment directive to append to the source's address. Browsers match a
text directive case-insensitively, on word boundaries, with white space collapsed; so does `occurrences`
here. A short passage is given whole. A long one is given as `textStart,textEnd`: the fewest leading
pieces that occur only once in the body, and the fewest trailing pieces that close the passage, so the
address stays short and still highlights exactly the passage.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterator
from urllib.parse import quote

from .markdown import anchor

# A piece is a word with the white space after it, or a run of CJK text up to and including its
# punctuation: CJK is written without spaces, and browsers find word boundaries there with a
# dictionary, so a fragment that cuts between punctuation marks could fall inside a word.
_STOPS = r"\u3001-\u3003\uff01\uff0c\uff1a\uff1b\uff1f"  # CJK commas, full stops, colons and the like
_PIECE = re.compile(rf"[^\s{_STOPS}]+[{_STOPS}]*\s*|[{_STOPS}]+\s*")
WHOLE = 100  # a passage whose directive is this short, once encoded, is given whole
_QUOTE_MARKS = "\"'\u201c\u201d\u201e\u2033\u00ab\u00bb\u2018\u2019\u201a\u2032"
_SPEAKER = re.compile(r'<strong class="speaker">.*?</strong>\s*', re.S)
_TAG = re.compile(r"<[^>]+>")


def squeeze(text: str) -> str:
    return " ".join(text.split())


def paragraph(body_html: str, n: int) -> str:
    """The plain text of paragraph `n` of a rendered body, speaker names left out (the original writes
    them in another form, `Name:`), as a reader's browser would see it; '' if there is no such paragraph.
    Like the browser following `#p-n`, it takes the first element with that id."""
    opening = anchor(n)
    at = body_html.find(opening)
    end = body_html.find("</p>", at) if at >= 0 else -1
    if end < 0:
        return ""
    text = body_html[at + len(opening): end]
    text = _SPEAKER.sub("", text) if "speaker" in text else text
    return squeeze(html.unescape(_TAG.sub("", text) if "<" in text else text))


def as_written(passage: str, body: str) -> str:
    """`passage` as `body` (squeezed) writes it: quotes are checked with quote marks and spacing
    normalised, but a browser matches characters as they are, so the body's own spelling is the one to
    link to."""
    passage = squeeze(passage)
    at = _lower(body).find(passage.lower())
    if at >= 0 and len(_lower(body)) == len(body):  # spelt alike: no pattern to build (most passages)
        return body[at: at + len(passage)]
    pattern = "".join(r"\s+" if ch.isspace() else f"[{re.escape(_QUOTE_MARKS)}]" if ch in _QUOTE_MARKS
                      else re.escape(ch) for ch in passage)
    found = re.search(pattern, body, re.I)
    return squeeze(found.group()) if found else passage


def occurrences(needle: str, haystack: str, most: int = 0, start: int = 0) -> list[int]:
    """Where `needle` starts in `haystack` at or after `start`, case-insensitively and not inside a word
    at either end; only the first `most` places when `most` is set."""
    if not needle:
        return []
    low = _lower(haystack)
    if len(low) != len(haystack) or len(needle.lower()) != len(needle):  # lower-casing moved the positions
        edge_start = r"(?<!\w)" if needle[0].isalnum() else ""
        edge_end = r"(?!\w)" if needle[-1].isalnum() else ""
        pattern = re.compile(edge_start + re.escape(needle) + edge_end, re.I)
        places = [m.start() for m in pattern.finditer(haystack, start)]
        return places[:most] if most else places
    found, target = [], needle.lower()
    at = low.find(target, start)
    while at >= 0:
        end = at + len(needle)
        if not (needle[0].isalnum() and at and _word(haystack[at - 1])) \
                and not (needle[-1].isalnum() and end < len(haystack) and _word(haystack[end])):
            found.append(at)
            if len(found) == most:
                break
        at = low.find(target, at + 1)
    return found


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches


# White space as str.split sees it in ASCII text, the space aside.
_ASCII_SPACES = tuple(c for c in map(chr, range(128)) if c.isspace() and c != " ")


@functools.lru_cache(maxsize=4)
def _squeezed(text: str) -> str:
    """squeeze(text), for a whole body: each passage of an entry is looked for in the same body. Most
    bodies are ASCII with single spaces already, which a few substring tests tell without splitting
    and joining thousands of words."""
    if text.isascii() and "  " not in text and not any(space in text for space in _ASCII_SPACES):
        return text.strip(" ")
    return squeeze(text)


@functools.lru_cache(maxsize=4)
def _lower(text: str) -> str:
    return text.lower()  # a body is searched many times over, one passage and piece after another


def fragment(passage: str, body: str) -> str:
    """The text directive for `passage` in `body` (both plain text), or '' for an empty passage."""
    body = _squeezed(body)
    passage = as_written(passage, body)
    if not passage:
        return ""
    count, starts, ends = _pieces(passage)
    # Encoding never shortens text, so a passage longer than WHOLE is not given whole if avoidable.
    if (len(passage) <= WHOLE and len(directive(passage)) <= WHOLE) or count < 4:
        return directive(passage)
    for k, start in enumerate(starts(count - 2), 1):
        found = occurrences(start, body, most=2)  # is it there once, or more often?
        if len(found) != 1:
            continue
        passage_end = found[0] + len(passage)
        if body[found[0]: passage_end].lower() != passage.lower():
            break  # the body has the passage only in another spelling: give it whole
        after = found[0] + len(start)  # a browser looks for the end after the start it found
        for end in ends(count - k - 1):
            first = occurrences(end, body, most=1, start=after)
            if first and first[0] + len(end) == passage_end:
                return directive(start, end)
        break
    return directive(passage)


Cuts = Callable[[int], Iterator[str]]


def _pieces(passage: str) -> tuple[int, Cuts, Cuts]:
    """How many pieces the (squeezed) passage has, and two ways to cut it: starts(n) gives its first
    piece, then its first two, and so on to n; ends(n) its last piece, its last two, to n; both
    without the white space at their ends.

    Squeezed ASCII text holds no CJK stops and no white space but single spaces: its pieces are its
    words, and it is cut at its spaces without splitting the whole passage (most passages)."""
    if not passage.isascii():
        pieces = _PIECE.findall(passage)
        return (len(pieces), lambda n: ("".join(pieces[:k]).strip() for k in range(1, n + 1)),
                lambda n: ("".join(pieces[-m:]).strip() for m in range(1, n + 1)))

    def starts(n: int) -> Iterator[str]:
        at = -1
        for _ in range(n):
            at = passage.find(" ", at + 1)
            if at < 0:  # all the pieces
                yield passage
                return
            yield passage[:at]

    def ends(n: int) -> Iterator[str]:
        at = len(passage)
        for _ in range(n):
            at = passage.rfind(" ", 0, at)
            yield passage[at + 1:]

    return passage.count(" ") + 1, starts, ends


def directive(start: str, end: str = "") -> str:
    """`#:~:text=start[,end]`, each part percent-encoded as the text fragment syntax requires: `-`, `&`
    and `,` are part of it, so they are encoded along with everything outside the unreserved set."""
    parts = [part.translate(_ASCII) if part.isascii() else quote(part, safe="").replace("-", "%2D")
             for part in (start, end) if part]
    return ":~:text=" + ",".join(parts)


# What `quote(text, safe="")` then `-` -> `%2D` make of ASCII text, as one table: most passages are
# ASCII, and quote() turns text into bytes and looks each one up in Python.
_ASCII = {i: f"%{i:02X}" for i in range(128) if not (chr(i).isalnum() or chr(i) in "_.~")}


def link(url: str, text_directive: str) -> str:
    """`url` with the directive in its fragment (after any fragment it has already)."""
    return f"{url}{'' if '#' in url else '#'}{text_directive}" if text_directive else url
