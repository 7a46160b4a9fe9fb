"""Raw document bytes -> a draft entry file (front matter skeleton + cleaned body), for `add FILE`.

`make_draft` is pure: decode the bytes, split paragraphs, run the cleanup rules of `broadsheet.cleanup`
(`PIPELINE`: each rule removes or repairs one kind of junk and says what it did, for the curator's note),
guess title, date, kind and source, format the entry. `draft_from` does the same for paragraphs a web page
or feed gave, with the facts they state (`Known`). `broadsheet.intake` does the I/O around it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .charset import NotText, sniff
from .cleanup import PIPELINE, SPEAKER, Doc, speakers, take_headline
from .dates import MONTH, YEAR, YEAR_MONTHS, full_date, iso_date, month_number
from .fields import RESERVED
from .slugs import slug_problem

SLUG_MAX = 60


class IngestError(Exception):
    """Input that cannot become a draft; the message is one line the curator can act on."""


@dataclass(frozen=True, slots=True)
class Draft:
    slug: str
    text: str  # the whole entry file: front matter + body, UTF-8 NFC, LF line endings
    steps: tuple[str, ...]  # each cleanup done, one sentence each; also joined into curator_note


# --- decoding ---------------------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def decoded(raw: bytes, filename: str, declared: str = "") -> tuple[str, str]:
    """The text (NFC, LF) and the encoding's name unless it was UTF-8; IngestError if binary or empty.
    `declared` is the charset a web page names for itself (see `charset.sniff`)."""
    try:
        encoding = sniff(raw, declared)
    except NotText as exc:
        raise IngestError(f"{filename} looks like a binary file ({exc}), not text") from None
    try:
        text = raw[encoding.bom:].decode(encoding.codec)
    except UnicodeDecodeError as exc:
        raise IngestError(f"{filename} is not valid {encoding.name} text (bad byte at offset {exc.start})") from None
    odd = sum(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\t\n\r\f" for c in text)
    if odd > len(text) // 100:
        raise IngestError(f"{filename} looks like a binary file (it contains control characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.translate(_INVISIBLE)
    text = "".join(" " if c == "\u00a0" or (c != "\n" and unicodedata.category(c) == "Cc") else c
                   for c in text)
    if not text.strip():
        raise IngestError(f"{filename} is empty; there is nothing to add")
    return unicodedata.normalize("NFC", text), encoding.name


# --- paragraphs -------------------------------------------------------------------------------------------


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Blank lines separate blocks; in a block each line is a paragraph, unless the block is hard-wrapped
    (lines of 40-100 characters), where lines join up to the next speaker turn."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n") if line.strip()]
        if len(lines) < 2 or not all(40 <= len(line) <= 100 for line in lines[:-1]) or len(lines[-1]) > 100:
            out.extend(lines)
            continue
        out.append(lines[0])
        for line in lines[1:]:
            if SPEAKER.match(line):
                out.append(line)
            else:
                out[-1] = f"{out[-1]} {line}"
    return tuple(out)


# --- guesses ----------------------------------------------------------------------------------------------

KIND_CUES = (
    ("speech", re.compile(r"\b(?:delivered|gave|made) an? (?:\w+ )?(?:speech|address|keynote)\b"
                          r"|\bin an? (?:\w+ )?speech\b")),
    ("commentary", re.compile(r"\bI (?:personally )?(?:think|believe|feel)\b|\b[Pp]ersonally\b|\bin my "
                              r"(?:view|opinion)\b|\bI have to say\b|\blet(?:'s| us) wait and see\b")),
    ("feature", re.compile(r"^(?:How|Why|Inside|Behind|Deciphering|Decoding|Portrait|Profile)\b")),
)


def guess_kind(doc: Doc) -> str:
    """Interview when two speakers take turns back and forth; else the kind with most cues; else news."""
    who = speakers(doc.paragraphs)
    turns = [m["name"] for m in map(SPEAKER.match, doc.paragraphs) if m and m["name"] in who]
    if len(who) >= 2 and sum(a != b for a, b in itertools.pairwise(turns)) >= 2:
        return "interview"
    text = "\n".join((doc.headline, *doc.paragraphs))
    kind, cue = max(KIND_CUES, key=lambda kind_cue: len(kind_cue[1].findall(text)))  # ties: first listed
    return kind if cue.search(text) else "news"


_MONTH_DAYS = (
    re.compile(rf"\b{MONTH} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}}) {MONTH}\b"),
)
_YEAR_ALONE = re.compile(rf"^(?:(?:published|posted|updated|released|dated)\b\D{{0,20}})?{YEAR}$", re.I)


def guess_published(texts: tuple[str, ...]) -> str:
    """The most precise date the text states: a full date; a month and day with the only year named in the
    same paragraph ("On the morning of September 15, The 2020 Expo"); a month of a year; a dateline year."""
    for m in filter(None, map(full_date, texts)):
        return iso_date(m)
    for text in texts:
        years = set(re.findall(r"\b(?:19|20)\d\d\b", text))
        for m in filter(None, (pattern.search(text) for pattern in _MONTH_DAYS)):
            if len(years) == 1 and iso_date(m, min(years)):
                return iso_date(m, min(years))
    for text in texts:
        for m in filter(None, (pattern.search(text) for pattern in YEAR_MONTHS)):
            return f"{m['y']}-{month_number(m):02d}"
    return next((m["y"] for m in map(_YEAR_ALONE.search, texts) if m), "")


_CREDIT = re.compile(
    r"^(?P<outlet>[A-Z][\w&'-]*(?: [A-Z][\w&'-]*){0,4}?) ?(?:Report|News)"
    r"(?: \((?:Reporter|Correspondent|By) (?P<reporter>[^)]{2,40})\))? ?[:\uff1a]"
    r"|^[A-Z][A-Za-z0-9 .,]{2,40}\((?P<agency>[A-Z][\w ]{1,30})\) ?(?:--|-|\u2014)"
)
_META = re.compile(r"^source\s*[:\uff1a]\s*(?P<source>.+)"
                   r"|^(?:by|author\s*[:\uff1a]|written by)\s*(?P<byline>.+)", re.IGNORECASE)


def guess_source(doc: Doc, published: str) -> dict[str, str | dt.date]:
    """The headline; the outlet named by a "Source:" line or an opening credit ("International Online Report
    (Reporter Zhao Yan):", "BEIJING, Dec. 2 (Xinhua) --"); the author if credited; the date if stated."""
    publisher = author = ""
    for m in filter(None, map(_META.match, doc.meta)):
        publisher, author = publisher or m["source"] or "", author or m["byline"] or ""
    for m in filter(None, map(_CREDIT.match, doc.paragraphs[:3])):
        publisher, author = publisher or m["outlet"] or m["agency"] or "", author or m["reporter"] or ""
    source: dict[str, str | dt.date] = {"title": doc.headline, "publisher": publisher.strip()}
    source |= {"author": author.strip()} if author else {}
    # A full date is written as a YAML date, as the content format shows it; a year or month stays text.
    return source | ({"published": _yaml_date(published)} if published else {})


def _yaml_date(text: str) -> str | dt.date:
    return dt.date.fromisoformat(text) if len(text) == 10 else text


def guess_title(doc: Doc) -> str:
    """The headline; without one, the opening sentence (clipped) as a placeholder for the curator."""
    if doc.headline:
        return doc.headline
    first = re.match(r".+?[.!?\u3002\uff01\uff1f](?=\s|$)", doc.paragraphs[0])
    sentence = first[0] if first else doc.paragraphs[0]
    return sentence if len(sentence) <= 90 else sentence[:91].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def slug_for(text: str) -> str:
    """ASCII-folded lower-case words joined by hyphens, at most 60 characters, cut at a word boundary."""
    folded = unicodedata.normalize("NFKD", text.replace("'", "")).encode("ascii", "ignore").decode().lower()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", folded):
        if len(slug) + len(word) + 1 > SLUG_MAX:
            break
        slug = f"{slug}-{word}" if slug else word
    slug = slug or "-".join(re.findall(r"[a-z0-9]+", folded))[:SLUG_MAX].strip("-")
    return f"{slug}-1" if slug in RESERVED else slug  # a headline such as "Feed" must not become feed.md


# --- the draft --------------------------------------------------------------------------------------------

_MARKDOWN_START = re.compile(
    r"^(?:#{1,6}(?=\s|$)|>|[-*+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|[-*_=]{3,}|[`~]{3,}|<(?=[A-Za-z/!?]))"
)


def markdown_safe(paragraph: str) -> str:
    """Escape a line start Markdown would read as a heading, quote, list, rule, fence or HTML."""
    m = _MARKDOWN_START.match(paragraph)
    at = (m.end() if m[0].isdigit() else 0) if m else -1
    return paragraph if at < 0 else f"{paragraph[:at]}\\{paragraph[at:]}"


@dataclass(frozen=True, slots=True)
class Known:
    """What a web page or a feed states about the document; "" where it is silent. It wins over guesses."""

    title: str = ""
    author: str = ""
    publisher: str = ""
    url: str = ""  # canonical, see broadsheet.urls
    published: str = ""  # YYYY-MM-DD


def make_draft(raw: bytes, filename: str, slug: str | None = None, today: dt.date | None = None) -> Draft:
    """The draft entry for a raw document; IngestError for binary, empty or all-junk input or a bad slug."""
    check_slug(slug)
    text, encoding = decoded(raw, filename)
    steps = (f"Converted the text from {encoding} to UTF-8.",) if encoding else ()
    return draft_from(paragraphs_of(text), steps, filename, slug, today)


def check_slug(slug: str | None) -> None:
    problem = slug_problem(slug) if slug is not None else None
    if problem:
        raise IngestError(f"--slug: {problem[0]} ({problem[1]})")


def draft_from(paragraphs: tuple[str, ...], steps: tuple[str, ...], name: str, slug: str | None = None,
               today: dt.date | None = None, known: Known = Known()) -> Draft:
    """The draft for a document's paragraphs, after the cleanup; `known` facts replace the guesses."""
    if known.title and paragraphs and _same_words(paragraphs[0], known.title):
        paragraphs = paragraphs[1:]  # the page's own headline, already the title
    doc = Doc(paragraphs, steps, headline=known.title)
    for rule in PIPELINE:
        doc = doc if known.title and rule is take_headline else rule(doc)
    if not doc.paragraphs:
        raise IngestError(f"{name} has no text left after cleanup (it looks like scraper junk only)")
    title = guess_title(doc)
    published = known.published or guess_published(doc.meta + doc.paragraphs)
    guessed = guess_source(doc, published)
    source = {"title": guessed["title"], "publisher": known.publisher or guessed["publisher"]}
    source |= {"author": author} if (author := known.author or guessed.get("author", "")) else {}
    source |= {"url": known.url} if known.url else {}
    source |= {"published": guessed["published"]} if "published" in guessed else {}
    front = {
        "title": title,
        "date": published_date if isinstance(published_date := _yaml_date(published), dt.date)
        else today or dt.date.today(),
        "kind": guess_kind(doc),
        "source": source,
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
    body = "\n\n".join(f"# {p}" if p in doc.headings else markdown_safe(p) for p in doc.paragraphs)
    return Draft(slug or slug_for(title) or slug_for(Path(name).stem) or "entry",
                 f"---\n{matter}---\n{body}\n", doc.steps)


def _same_words(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).casefold().split() == re.sub(r"\W+", " ", b).casefold().split()


def read_file(file: Path) -> bytes:
    if file.is_dir():
        raise IngestError(f"cannot read {file}: it is a directory, not a file")
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"cannot read {file}: no such file") from None
    except OSError as exc:
        raise IngestError(f"cannot read {file}: {exc.strerror}") from None


def write_new(target: Path, text: str) -> None:
    """Create the file or fail; opening with "x" means an entry that appeared meanwhile is not overwritten."""
    exists = IngestError(f"{target} already exists; choose another name with --slug (nothing is overwritten)")
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
