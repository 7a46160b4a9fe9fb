"""Raw document bytes -> a draft entry file (front matter skeleton + cleaned body), for `add FILE`.

`make_draft` is pure: decode the bytes, split paragraphs, run `PIPELINE` (each rule removes or repairs one kind
of junk and says what it did, for the curator's note), guess title, date, kind and source, format the entry.
`add` does the file I/O around it and never overwrites an existing entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 60


class IngestError(Exception):
    """Input that cannot become a draft; the message is one line the curator can act on."""


@dataclass(frozen=True, slots=True)
class Draft:
    slug: str
    text: str  # the whole entry file: front matter + body, UTF-8 NFC, LF line endings
    steps: tuple[str, ...]  # each cleanup done, one sentence each; also joined into curator_note


@dataclass(frozen=True, slots=True)
class Doc:
    """The document between pipeline rules."""

    paragraphs: tuple[str, ...]
    steps: tuple[str, ...] = ()
    meta: tuple[str, ...] = ()  # byline and date lines taken out of the body; the guesses still read them
    headline: str = ""
    scraped_headline: str = ""  # the " - Headline" tail of a scraper line, used when no headline line exists


# --- decoding -----------------------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", ""),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),  # before UTF-16 LE, whose BOM is its prefix
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def decoded(raw: bytes, filename: str) -> tuple[str, str]:
    """The text (NFC, LF) and the encoding's name if it was not UTF-8; IngestError if binary or empty."""
    payload, codec, label = _encoding(raw, filename)
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(f"{filename} is not valid {label} text (bad byte at offset {exc.start})") from None
    odd = sum(1 for c in text if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\t\n\r\f")
    if odd > len(text) // 100:
        raise IngestError(f"{filename} looks like a binary file (it contains control characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = "".join(" " if c in "\t\f\u00a0" or unicodedata.category(c) == "Cc" and c != "\n" else c for c in text)
    if not text.strip():
        raise IngestError(f"{filename} is empty; there is nothing to add")
    return unicodedata.normalize("NFC", text), label


def _encoding(raw: bytes, filename: str) -> tuple[bytes, str, str]:
    """BOM, then UTF-16 by its NUL pattern, strict UTF-8, GBK/GB18030, else Windows-1252/Latin-1."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):], codec, label
    if b"\x00" in raw:
        codec = _utf16_by_nuls(raw)
        if codec is None:
            raise IngestError(f"{filename} looks like a binary file (it contains NUL bytes), not text")
        return raw, codec, "UTF-16"
    for codec, label in (("utf-8", ""), ("gb18030", "GBK/GB18030"), ("cp1252", "Latin-1 (Windows-1252)")):
        if codec != "gb18030" or _mostly_gb2312_pairs(raw):
            try:
                raw.decode(codec)
                return raw, codec, label
            except UnicodeDecodeError:
                pass
    return raw, "latin-1", "Latin-1"


def _utf16_by_nuls(raw: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII spaces and line breaks put a NUL in every other byte, always the same one."""
    if len(raw) % 2:
        return None
    high = raw[0::2].count(0)
    low = raw[1::2].count(0)
    if low >= 0.95 * (high + low):
        return "utf-16-le"
    return "utf-16-be" if high >= 0.95 * (high + low) else None


def _mostly_gb2312_pairs(raw: bytes) -> bool:
    """Real Chinese text keeps to the GB2312 area (both bytes 0xA1-0xFE); Latin-1 accents before ASCII don't."""
    pairs = common = i = 0
    while i < len(raw):
        if raw[i] < 0x80 or i + 1 == len(raw):
            i += 1
            continue
        pairs += 1
        common += raw[i] >= 0xA1 and raw[i + 1] >= 0xA1
        i += 4 if 0x30 <= raw[i + 1] <= 0x39 else 2  # GB18030's four-byte form has an ASCII digit second
    return pairs > 0 and common >= 0.8 * pairs


# --- paragraphs -----------------------------------------------------------------------------------------------

_SPEAKER = re.compile(r"^(?P<name>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|[\u4e00-\u9fff]{2,4}) ?[:：] ?(?=\S)")


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Blank lines separate blocks; inside a block each line is a paragraph unless the block is hard-wrapped."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]
        wrapped = len(lines) > 1 and all(40 <= len(line) <= 100 for line in lines[:-1]) and len(lines[-1]) <= 100
        if not wrapped:
            out.extend(lines)
            continue
        for line in lines:
            if out and out[-1] is not lines[0] and not _SPEAKER.match(line) and line is not lines[0]:
                out[-1] = f"{out[-1]} {line}"
            else:
                out.append(line)
    return tuple(out)


# --- the cleanup pipeline -----------------------------------------------------------------------------------

Rule = Callable[[Doc], Doc]


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dropping(doc: Doc, keep: Callable[[str], str | None], **changes: object) -> Doc:
    """Drop the paragraphs for which `keep` returns a step sentence; record those steps."""
    kept: list[str] = []
    steps = list(doc.steps)
    for paragraph in doc.paragraphs:
        step = keep(paragraph)
        if step is None:
            kept.append(paragraph)
        else:
            steps.append(step)
    return dataclasses.replace(doc, paragraphs=tuple(kept), steps=tuple(steps), **changes)  # type: ignore[arg-type]


_SCRAPER = re.compile(r"^(?P<link>https?://\S+|www\.\S+|[\w./-]*\?\w+=\S*)(?:\s+[-–—|]\s+(?P<headline>.+))?$")


def drop_scraper_lines(doc: Doc) -> Doc:
    """Crawler link lines (`getUrls?link=…`, bare URLs); a ` - Headline` tail is kept as a title candidate."""
    found = [m for m in map(_SCRAPER.match, doc.paragraphs) if m]
    scraped = next((m["headline"] for m in found if m["headline"]), doc.scraped_headline)

    def step(p: str) -> str | None:
        m = _SCRAPER.match(p)
        if not m:
            return None
        link = m["link"]
        if "?" in link:
            return f"Removed a scraper line ({link.split('=', 1)[0]}=…)."
        return f"Removed a bare link line ({clip(link)})."

    return _dropping(doc, step, scraped_headline=scraped)


_ODD_CATEGORIES = frozenset({"So", "Sk", "Sm", "Sc", "No", "Co", "Cn", "Cs", "Cf", "Cc"})


def char_class(ch: str) -> str:
    """A letter's or mark's script (its Unicode name's first word; non-ASCII Latin apart), else its category."""
    category = unicodedata.category(ch)
    if category[0] not in "LM":
        return category
    if ch.isascii():
        return "LATIN"
    word = unicodedata.name(ch, "UNNAMED").split(" ", 1)[0]
    return "LATIN-EXTENDED" if word == "LATIN" else word


def dominant_scripts(text: str) -> frozenset[str]:
    """Scripts holding at least a tenth of the document's letters."""
    counts = Counter(char_class(c) for c in text if unicodedata.category(c)[0] in "LM")
    total = sum(counts.values())
    return frozenset(s for s, n in counts.items() if n * 10 >= total)


def garbled(token: str, dominant: frozenset[str]) -> bool:
    """Mojibake score of a space-free run: its *unusual* characters are letters or marks outside the document's
    dominant scripts, and non-ASCII symbols, private-use, unassigned and format characters. A run is garbled
    when it has at least 3 of them, they make up at least 30% of it, and they come from at least 2 different
    scripts or categories: a Russian name, a French word, "25°C" or an emoji in an English text stay, while
    decoded-wrong bytes scatter over Greek, Cyrillic, Hebrew, modifier letters and symbols at once."""
    odd = [
        char_class(c) for c in token
        if not c.isascii()
        and (char_class(c) not in dominant if unicodedata.category(c)[0] in "LM" else char_class(c) in _ODD_CATEGORIES)
    ]
    return len(odd) >= 3 and len(odd) >= 0.3 * len(token) and len(set(odd)) >= 2


def drop_garbled(doc: Doc) -> Doc:
    """A paragraph at least half garbled goes; otherwise only its garbled runs go."""
    dominant = dominant_scripts("".join(doc.paragraphs))
    kept: list[str] = []
    steps = list(doc.steps)
    for paragraph in doc.paragraphs:
        tokens = paragraph.split()
        bad = [t for t in tokens if garbled(t, dominant)]
        if not bad:
            kept.append(paragraph)
        elif sum(map(len, bad)) * 2 >= sum(map(len, tokens)):
            steps.append(f"Removed a garbled line of {len(paragraph)} characters (mojibake).")
        else:
            kept.append(" ".join(t for t in tokens if t not in bad))
            steps.append(f"Removed {_count(len(bad), 'garbled run')} from a paragraph ({clip(bad[0], 20)}).")
    return dataclasses.replace(doc, paragraphs=tuple(kept), steps=tuple(steps))


_TAGS = "span|div|font|strong|br|hr|img|table|tbody|td|tr|th|li|ul|ol|em|iframe|script|style|section|article|figure"
_MARKUP = re.compile(
    rf"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"  # a whole tag
    rf"|(?<![\w<])/?(?:{_TAGS})\s*/?>"  # the tail of a tag cut off by the scraper: `span>`
    rf"|</?(?:{_TAGS})\b[^>]*$"  # the head of a tag cut off at the end of a line
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});")


def drop_markup(doc: Doc) -> Doc:
    """Stray HTML tags and tag fragments go; character entities (`&nbsp;`, `&amp;`) become the characters."""
    found: list[str] = []

    def clean(p: str) -> str:
        hits = _MARKUP.findall(p) + _ENTITY.findall(p)
        if not hits:
            return p
        found.extend(hits)
        text = html.unescape(_MARKUP.sub(" ", p)).replace("\u00a0", " ")
        return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))

    paragraphs = tuple(q for q in map(clean, doc.paragraphs) if q)
    step = f"Removed {_count(len(found), 'markup fragment')} ({', '.join(sorted(set(found))[:3])})." if found else ""
    return _with(doc, paragraphs, step)


_BYLINE = re.compile(
    r"^(?:edit(?:or|ors|ed by|ing)?|responsible editors?|editor in charge|proofread(?:er|ing)?|author|"
    r"written by|writer|source|photo(?:graph)?s?|image|translat(?:or|ed by)|compiled by)\s*[:：]"
    r"|^by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:media partners?|partners?|related (?:articles?|news|reading|stories)|recommended(?: reading)?|"
    r"read more|more (?:news|stories)|share (?:this|to)|tags?|copyright|©|all rights reserved|disclaimer)\b",
    re.IGNORECASE,
)


def drop_bylines_and_footers(doc: Doc) -> Doc:
    """Editor and source lines go to `meta`; a footer marker goes with the short lines after it."""
    kept: list[str] = []
    meta = list(doc.meta)
    steps = list(doc.steps)
    paragraphs = doc.paragraphs
    for i, p in enumerate(paragraphs):
        if len(p) <= 80 and _FOOTER.match(p):
            tail = list(paragraphs[i:])
            end = next((j for j, q in enumerate(tail[1:], 1) if len(q) > 100), len(tail))
            steps.append(f"Removed a footer ({clip(p, 30)}, {_count(end, 'line')}).")
            kept.extend(tail[end:])
            break
        if len(p) <= 80 and _BYLINE.match(p):
            meta.append(p)
            steps.append(f"Removed a byline ({clip(p)}).")
        else:
            kept.append(p)
    return dataclasses.replace(doc, paragraphs=tuple(kept), meta=tuple(meta), steps=tuple(steps))


_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_FULL_DATES = (
    re.compile(rf"\b{_YEAR}(?:-|/|\.|年)(?P<m>\d{{1,2}})(?:-|/|\.|月)(?P<d>\d{{1,2}})(?!\d)"),
    re.compile(rf"\b(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/{_YEAR}\b"),
    re.compile(rf"\b{_MONTH} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?,? {_YEAR}\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}}) {_MONTH},? {_YEAR}\b"),
)
_MONTH_DAYS = (re.compile(rf"\b{_MONTH} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"), re.compile(rf"\b(?P<d>\d{{1,2}}) {_MONTH}\b"))
_YEAR_MONTHS = (re.compile(rf"\b{_MONTH},? {_YEAR}\b"), re.compile(rf"\b{_YEAR}(?:-|/|年)(?P<m>0?[1-9]|1[0-2])(?:月|\b)(?![-/]\d)"))
_YEAR_ALONE = re.compile(rf"^{_YEAR}$|\b(?:published|posted|updated|released|dated)\b\D{{0,20}}{_YEAR}\b", re.I)
_DATE_CUES = re.compile(r"\b(?:published|posted|updated|released|date|time|on|at)\b|\d{1,2}:\d{2}(?::\d{2})?", re.I)


def drop_date_lines(doc: Doc) -> Doc:
    """A short line that is only a date (with a time, a cue word like "Published on", a counter) goes to meta."""
    def is_date_line(p: str) -> bool:
        match = next((m for m in (r.search(p) for r in _FULL_DATES) if m and _date_of(m)), None)
        if match is None or len(p) > 60:
            return False
        rest = _DATE_CUES.sub("", p[: match.start()] + p[match.end():])
        return len(re.sub(r"[\W\d_]", "", rest)) <= 2

    dates = tuple(p for p in doc.paragraphs if is_date_line(p))
    doc = _dropping(doc, lambda p: f"Removed a date line ({clip(p)}) from the body." if p in dates else None)
    return dataclasses.replace(doc, meta=doc.meta + dates)


_TAIL_PHRASE = re.compile(r" (?P<before>[a-z]+) (?P<phrase>[A-Z][\w'-]+(?: [A-Z][\w'-]+){1,4})(?=[.?!]?$)")
_NOT_TAGS = frozenset({"said", "says", "told", "by", "wrote", "to", "according"})


def drop_tag_phrases(doc: Doc) -> Doc:
    """A capitalised phrase stuck onto the end of 3+ paragraphs, and found nowhere else, is keyword stuffing."""
    tails = [m for m in map(_TAIL_PHRASE.search, doc.paragraphs) if m and m["before"] not in _NOT_TAGS]
    counts = Counter(m["phrase"] for m in tails)
    whole = "\n".join(doc.paragraphs)
    stuffed = {p for p, n in counts.items() if n >= 3 and whole.count(p) == n}
    if not stuffed:
        return doc

    def cut(p: str) -> str:
        m = _TAIL_PHRASE.search(p)
        return p[: m.start("phrase") - 1] + p[m.end("phrase"):] if m and m["phrase"] in stuffed else p

    steps = [f"Removed a tag phrase appended to {counts[p]} paragraphs ({p})." for p in sorted(stuffed)]
    return dataclasses.replace(doc, paragraphs=tuple(map(cut, doc.paragraphs)), steps=doc.steps + tuple(steps))


_COLON = re.compile(r"(?<=[a-z)\]”’])[:：](?=[A-Z“‘\"])")
_QUOTED = re.compile(r"(?<=[\w,])”([^“”\n]{1,80}?)”")
# Words that often end up glued to the next, capitalised word; the left part of a split must be one of them.
_GLUE_WORDS = frozenset(
    "a an the and or but nor so yet for of to in on at by from with without into onto about above after "
    "before behind below between during through under over since until because although though while whereas "
    "if unless when where whether which who whom whose what that this these those there here then than as is "
    "are was were be been being am has have had do does did will would shall should can could may might must "
    "not no also only just even still very more most less much many some any each every all both either "
    "neither such other another own same new said says say told asked use used using like via per its it "
    "his her their our your my we they he she you me him them one two three first last next called named "
    "means become became make made get got see seen".split()
)
_GLUED = re.compile(r"\b(?P<left>[a-z]{2,})(?P<right>(?:[A-Z][a-z]+)+)\b")


def split_glued(text: str) -> tuple[str, list[str]]:
    """`becauseRobotCan` -> `because Robot Can`; `DingTalk`, `iPhone`, `eBay`, `WeChat` are left alone."""
    found: list[str] = []

    def split(m: re.Match[str]) -> str:
        if m["left"] not in _GLUE_WORDS:
            return m[0]
        parts = [m["left"], *re.findall(r"[A-Z][a-z]+", m["right"])]
        found.append(f"{m[0]} → {' '.join(parts)}")
        return " ".join(parts)

    return _GLUED.sub(split, text), found


def space_colons(text: str) -> tuple[str, list[str]]:
    """`said:The` -> `said: The` (full-width colons in English text too); times and links have no capital."""
    return _COLON.subn(": ", text)[0], [m[0] for m in _COLON.finditer(text)]


def repair_quotes(text: str) -> tuple[str, list[str]]:
    """`a”pioneer”` -> `a “pioneer”`: a closing mark glued to the word before it was meant to open the quote."""
    return _QUOTED.sub(r" “\1”", text), [m[0] for m in _QUOTED.finditer(text)]


def _inline_rule(fix: Callable[[str], tuple[str, list[str]]], describe: Callable[[list[str]], str]) -> Rule:
    def rule(doc: Doc) -> Doc:
        found: list[str] = []
        paragraphs = []
        for p in doc.paragraphs:
            fixed, hits = fix(p)
            paragraphs.append(fixed)
            found += hits
        return _with(doc, tuple(paragraphs), describe(found) if found else "")

    rule.__name__ = fix.__name__
    return rule


def take_headline(doc: Doc) -> Doc:
    """A short first line without closing punctuation is the headline; else the scraper line's tail, if any."""
    first = doc.paragraphs[0] if doc.paragraphs else ""
    if len(doc.paragraphs) > 1 and len(first) <= 160 and not re.search(r"[.,;:。，；：]$", first):
        return dataclasses.replace(doc, paragraphs=doc.paragraphs[1:], headline=first)
    scraped = repair_quotes(space_colons(doc.scraped_headline)[0])[0]
    return dataclasses.replace(doc, headline=scraped)


def drop_repeats(doc: Doc) -> Doc:
    """A paragraph already seen (or the headline again) goes; the first copy stays. Short lines only when
    adjacent, so an interview's second "Yes." survives."""
    seen = {_key(doc.headline)}
    previous = ""

    def step(p: str) -> str | None:
        nonlocal previous
        key = _key(p)
        repeated = key == previous or (key in seen and len(key.split()) >= 5)
        seen.add(key)
        previous = key
        return f"Removed a repeated paragraph ({clip(p)})." if repeated else None

    return _dropping(doc, step)


PIPELINE: tuple[Rule, ...] = (
    drop_scraper_lines,
    drop_garbled,
    drop_markup,
    drop_bylines_and_footers,
    drop_date_lines,
    drop_tag_phrases,
    _inline_rule(space_colons, lambda f: f"Added a space after {_count(len(f), 'colon')} ({f[0]})."),
    _inline_rule(repair_quotes, lambda f: f"Turned {_count(len(f), 'misplaced closing quotation mark')} into "
                                          "opening ones."),
    _inline_rule(split_glued, lambda f: f"Split {_count(len(f), 'run-together word')} ({'; '.join(f[:3])})."),
    take_headline,
    drop_repeats,
)


def _with(doc: Doc, paragraphs: tuple[str, ...], step: str) -> Doc:
    return dataclasses.replace(doc, paragraphs=paragraphs, steps=doc.steps + ((step,) if step else ()))


def _count(n: int, noun: str) -> str:
    return f"a {noun}" if n == 1 else f"{n} {noun}s"


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


# --- guesses --------------------------------------------------------------------------------------------------

KINDS_BY_CUE = (
    ("speech", re.compile(r"\b(?:delivered|gave|made) an? (?:\w+ )?(?:speech|address|keynote)\b|\bin an? (?:\w+ )?speech\b")),
    ("commentary", re.compile(r"\bI (?:personally )?(?:think|believe|feel)\b|\b[Pp]ersonally\b|\bin my (?:view|opinion)\b"
                              r"|\bI have to say\b|\blet(?:'s| us) wait and see\b")),
    ("feature", re.compile(r"^(?:How|Why|Inside|Behind|Deciphering|Decoding|Portrait|Profile)\b")),
)


def speakers(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Names opening two or more `Name: ` turns, in order of appearance."""
    names = [m["name"] for m in map(_SPEAKER.match, paragraphs) if m]
    counts = Counter(names)
    return tuple(dict.fromkeys(n for n in names if counts[n] >= 2))


def guess_kind(doc: Doc) -> str:
    """Interview when two speakers take turns back and forth; else the kind with the most cues; else news."""
    names = [m["name"] for m in map(_SPEAKER.match, doc.paragraphs) if m]
    who = speakers(doc.paragraphs)
    changes = sum(a != b for a, b in zip(names, names[1:], strict=False) if a in who and b in who)
    if len(who) >= 2 and changes >= 2:
        return "interview"
    text = "\n".join((doc.headline, *doc.paragraphs))
    scores = [(len(cue.findall(text)), kind) for kind, cue in KINDS_BY_CUE]
    best, kind = max(scores, key=lambda s: s[0])
    return kind if best else "news"


def _date_of(m: re.Match[str], year: str | None = None) -> str:
    """YYYY-MM-DD if the match names a real day (US order M/D/Y unless the first number is over 12)."""
    month = _month_number(m)
    day = int(m["d"])
    if "/" in m[0] and m[0].index("/") < 3 and month > 12:
        month, day = day, month
    try:
        return dt.date(int(year or m["y"]), month, day).isoformat()
    except ValueError:
        return ""


def _month_number(m: re.Match[str]) -> int:
    groups = m.groupdict()
    if groups.get("month"):
        return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(
            groups["month"][:3].lower()) + 1
    return int(groups["m"])


def guess_published(texts: tuple[str, ...]) -> str:
    """The most precise date stated: a full date; a month and day with the only year in the same paragraph
    ("On the morning of September 15, The 2020 Expo"); a month of a year; a year on a dateline. Never invented."""
    for text in texts:
        for pattern in _FULL_DATES:
            for m in pattern.finditer(text):
                if _date_of(m):
                    return _date_of(m)
    for text in texts:
        years = set(re.findall(r"\b(?:19|20)\d\d\b", text))
        for pattern in _MONTH_DAYS:
            m = pattern.search(text)
            if m and len(years) == 1 and _date_of(m, years.pop()):
                return _date_of(m, *years) if years else _date_of(m, re.findall(r"\b(?:19|20)\d\d\b", text)[0])
    for text in texts:
        for pattern in _YEAR_MONTHS:
            m = pattern.search(text)
            if m:
                return f"{m['y']}-{_month_number(m):02d}"
    for text in texts:
        m = _YEAR_ALONE.search(text)
        if m:
            return m["y"] or m[2]
    return ""


_CREDIT = re.compile(
    r"^(?P<outlet>[A-Z][\w&'-]*(?: [A-Z][\w&'-]*){0,4}?) ?(?:Report|News)"
    r"(?: \((?:Reporter|Correspondent|By) (?P<author>[^)]{2,40})\))? ?[:：]"
    r"|^[A-Z][A-Za-z .,]{2,40}\((?P<agency>[A-Z][\w ]{1,30})\) ?(?:--|—|-)"
)
_SOURCE_LINE = re.compile(r"^source\s*[:：]\s*(?P<publisher>.+)$|^(?:by|author\s*[:：]|written by)\s*(?P<author>.+)$", re.I)


def guess_source(doc: Doc, published: str) -> dict[str, str]:
    """source: the headline, the outlet named by a credit ("International Online Report (Reporter Zhao Yan):",
    "BEIJING, Dec. 2 (Xinhua) --") or a "Source:" line, an author if credited, the published date if stated."""
    found = {"publisher": "", "author": ""}
    for p in doc.meta + doc.paragraphs[:3]:
        m = _CREDIT.match(p) or _SOURCE_LINE.match(p)
        if m:
            groups = {k: v for k, v in m.groupdict().items() if v}
            found["publisher"] = found["publisher"] or groups.get("outlet", groups.get("agency", groups.get("publisher", "")))
            found["author"] = found["author"] or groups.get("author", "")
    source = {"title": doc.headline, "publisher": found["publisher"].strip()}
    if found["author"]:
        source["author"] = found["author"].strip()
    if published:
        source["published"] = published
    return source


def guess_title(doc: Doc) -> str:
    """The headline; without one, the opening sentence (clipped) as a placeholder for the curator."""
    if doc.headline:
        return doc.headline
    first = re.match(r".+?[.!?。！？](?=\s|$)", doc.paragraphs[0])
    sentence = first[0] if first else doc.paragraphs[0]
    return sentence if len(sentence) <= 90 else sentence[:90].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def slug_for(text: str) -> str:
    """ASCII-folded, lower-case words joined by hyphens, at most 60 characters, cut at a word boundary."""
    folded = unicodedata.normalize("NFKD", text.replace("'", "")).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", folded.lower()):
        if len(slug) + len(word) + 1 > SLUG_MAX:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or folded.lower()[:SLUG_MAX].strip("-")


# --- the draft ---------------------------------------------------------------------------------------------------

_MARKDOWN_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-*+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|[-*_=]{3,}|[`~]{3,}|<(?=[A-Za-z/!?]))")


def markdown_safe(paragraph: str) -> str:
    """Escape a line start Markdown would read as a heading, quote, list, rule, fence or HTML."""
    m = _MARKDOWN_START.match(paragraph)
    if not m:
        return paragraph
    at = m.end() if m[0].isdigit() else 0
    return f"{paragraph[:at]}\\{paragraph[at:]}"


def make_draft(raw: bytes, filename: str, slug: str | None = None, today: dt.date | None = None) -> Draft:
    """The draft entry for a raw document; IngestError for binary, empty or all-junk input or a bad slug."""
    if slug is not None and not SLUG.match(slug):
        raise IngestError(f"invalid slug {slug!r}: use lower-case letters, digits and single hyphens, e.g. jack-ma-speech")
    text, encoding = decoded(raw, filename)
    doc = Doc(paragraphs_of(text), steps=(f"Converted the text from {encoding} to UTF-8.",) if encoding else ())
    for rule in PIPELINE:
        doc = rule(doc)
    if not doc.paragraphs:
        raise IngestError(f"{filename} has no text left after cleanup (it looks like scraper junk only)")
    title = guess_title(doc)
    published = guess_published(doc.meta + doc.paragraphs)
    front = {
        "title": title,
        "date": dt.date.fromisoformat(published) if len(published) == 10 else today or dt.date.today(),
        "kind": guess_kind(doc),
        "source": guess_source(doc, published),
        "summary": "",
        "key_points": [],
        "quotes": [],
        "topics": [],
        "people": [],
        "organizations": [],
        "curator_note": " ".join(doc.steps),
        "draft": True,
    }
    matter = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1_000_000)
    body = "\n\n".join(map(markdown_safe, doc.paragraphs))
    slug = slug or slug_for(title) or slug_for(Path(filename).stem) or "entry"
    return Draft(slug, f"---\n{matter}---\n{body}\n", doc.steps)


def add(file: Path, entries_dir: Path, slug: str | None, out: TextIO, today: dt.date | None = None) -> int:
    """Write entries_dir/<slug>.md as a draft, reporting each cleanup step; 1 with one `error:` line if not."""
    try:
        draft = make_draft(_read(file), file.name, slug, today)
        target = entries_dir / f"{draft.slug}.md"
        _write_new(target, draft.text)
    except IngestError as exc:
        print(f"error: {exc}", file=out)
        return 1
    for step in draft.steps:
        print(f"  - {step}", file=out)
    print(f"wrote {target} (draft: true)", file=out)
    return 0


def _read(file: Path) -> bytes:
    if file.is_dir():
        raise IngestError(f"cannot read {file}: it is a directory, not a file")
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"cannot read {file}: no such file") from None
    except OSError as exc:
        raise IngestError(f"cannot read {file}: {exc.strerror}") from None


def _write_new(target: Path, text: str) -> None:
    """Create the file or fail; opening with "x" means an entry that appears meanwhile is not overwritten."""
    exists = IngestError(f"{target} already exists; choose another name with --slug (entries are never overwritten)")
    if target.exists():
        raise exists
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        raise IngestError(f"cannot write {target}: {exc.strerror}") from None
