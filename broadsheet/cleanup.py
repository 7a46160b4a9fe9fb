"""The cleanup rules `add FILE` runs on a raw document's paragraphs: `PIPELINE`, in order.

Each rule takes a `Doc` and returns it cleaner: it removes or repairs one kind of junk (scraper lines,
mojibake, stray markup, bylines, footers, date lines, stuffed keywords, missing spaces after colons,
misplaced quotation marks, run-together words, repeats), takes the headline, marks section headings,
and says what it did in one sentence each, for the curator's note. Pure: no I/O. Bylines and date lines
leave the body for `Doc.meta`, where the guesses in `broadsheet.ingest` still read them; `speakers`
is shared with those guesses, and the dates both read are `broadsheet.dates`'.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .dates import full_date
from .markdown import SPEAKER as SPEAKER  # the one speaker rule: entry pages show turns with it too


@dataclass(frozen=True, slots=True)
class Doc:
    """The document between pipeline rules."""

    paragraphs: tuple[str, ...]
    steps: tuple[str, ...] = ()
    meta: tuple[str, ...] = ()  # byline and date lines taken out of the body; the guesses still read them
    headline: str = ""
    scraped_headline: str = ""  # the " - Headline" tail of a scraper line, used when no headline line exists
    headings: tuple[str, ...] = ()  # paragraphs that are section headings, written as Markdown headings


def speakers(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Names opening two or more `Name: ` turns, in order of appearance."""
    names = [m["name"] for m in map(SPEAKER.match, paragraphs) if m]
    counts = Counter(names)
    return tuple(dict.fromkeys(n for n in names if counts[n] >= 2))


# --- the cleanup pipeline: each rule takes a Doc and returns it cleaner, with its steps added ------------

Rule = Callable[[Doc], Doc]


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count(n: int, noun: str) -> str:
    return f"a {noun}" if n == 1 else f"{n} {noun}s"


def _dropping(doc: Doc, step_for: Callable[[str], str | None], to_meta: bool = False) -> Doc:
    """Drop each paragraph for which `step_for` gives a step sentence; with `to_meta`, keep it as meta."""
    kept: list[str] = []
    dropped: list[str] = []
    steps = list(doc.steps)
    for paragraph in doc.paragraphs:
        step = step_for(paragraph)
        (kept if step is None else dropped).append(paragraph)
        steps += [step] if step else []
    meta = doc.meta + tuple(dropped) if to_meta else doc.meta
    return dataclasses.replace(doc, paragraphs=tuple(kept), steps=tuple(steps), meta=meta)


_SCRAPER = re.compile(r"^(?P<link>https?://\S+|www\.\S+|[\w./-]*\?\w+=\S*)(?:\s+[-|\u2013\u2014]\s+(?P<headline>.+))?$")


def drop_scraper_lines(doc: Doc) -> Doc:
    """Crawler link lines (`getUrls?link=…`, bare URLs); a ` - Headline` tail is kept as a title candidate."""
    found = [m for m in map(_SCRAPER.match, doc.paragraphs) if m]
    scraped = next((m["headline"] for m in found if m["headline"]), doc.scraped_headline)

    def step(p: str) -> str | None:
        link = m["link"] if (m := _SCRAPER.match(p)) else ""
        if "?" in link:
            return f"Removed a scraper line ({link.split('=', 1)[0]}=…)."
        return f"Removed a bare link line ({clip(link)})." if link else None

    return dataclasses.replace(_dropping(doc, step), scraped_headline=scraped)


_ODD_CATEGORIES = frozenset({"So", "Sk", "Sm", "Sc", "No", "Co", "Cn", "Cs", "Cf", "Cc"})


def char_class(ch: str) -> str:
    """A letter's or mark's script (first word of its Unicode name, non-ASCII Latin apart), or category."""
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
    return frozenset(s for s, n in counts.items() if n * 10 >= counts.total())


def _unusual(ch: str, dominant: frozenset[str]) -> bool:
    if ch.isascii():
        return False
    is_letter = unicodedata.category(ch)[0] in "LM"
    return char_class(ch) not in dominant if is_letter else char_class(ch) in _ODD_CATEGORIES


def garbled(token: str, dominant: frozenset[str]) -> bool:
    """The mojibake score of a space-free run. Its *unusual* characters are letters or marks outside the
    document's dominant scripts, and non-ASCII symbols, private-use, unassigned and format characters. The run
    is garbled when it has at least 3 of them, they are at least 30% of it, and they come from at least 2
    scripts or categories: a Russian name, a French word, "25°C" or an emoji in English text stay, while bytes
    decoded the wrong way scatter over Greek, Cyrillic, Hebrew, modifier letters and symbols at once."""
    odd = [char_class(c) for c in token if _unusual(c, dominant)]
    return len(odd) >= 3 and len(odd) >= 0.3 * len(token) and len(set(odd)) >= 2


def drop_garbled(doc: Doc) -> Doc:
    """A paragraph at least half garbled goes; otherwise only its garbled runs go."""
    dominant = dominant_scripts("".join(doc.paragraphs))
    kept, steps = [], list(doc.steps)
    for paragraph in doc.paragraphs:
        tokens = paragraph.split()
        bad = [t for t in tokens if garbled(t, dominant)]
        if bad and sum(map(len, bad)) * 2 >= sum(map(len, tokens)):
            steps.append(f"Removed a garbled line of {len(paragraph)} characters (mojibake).")
            continue
        if bad:
            steps.append(f"Removed {_count(len(bad), 'garbled run')} of characters ({clip(bad[0], 12)}).")
        kept.append(" ".join(t for t in tokens if t not in bad))
    return dataclasses.replace(doc, paragraphs=tuple(kept), steps=tuple(steps))


_TAGS = "span|div|font|strong|br|hr|img|table|tbody|td|tr|th|li|ul|ol|em|iframe|script|style|section|article"
_MARKUP = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"  # a whole tag
    rf"|(?<![\w<])/?(?:{_TAGS})\s*/?>"  # the tail of a tag the scraper cut: `span>`
    rf"|</?(?:{_TAGS})\b[^>]*$"  # the head of a tag cut off at the end of a line
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});")


def drop_markup(doc: Doc) -> Doc:
    """Stray HTML tags and tag fragments go; character entities (`&nbsp;`, `&amp;`) become the characters."""
    found: list[str] = []

    def clean(p: str) -> str:
        hits = _MARKUP.findall(p) + [e for e in _ENTITY.findall(p) if html.unescape(e) != e]
        found.extend(hits)
        text = html.unescape(_MARKUP.sub(" ", p)).replace("\u00a0", " ") if hits else p
        return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())) if hits else p

    paragraphs = tuple(q for q in map(clean, doc.paragraphs) if q)
    step = f"Removed {_count(len(found), 'markup fragment')} ({', '.join(sorted(set(found))[:3])})."
    return _with(doc, paragraphs, step if found else "")


_BYLINE = re.compile(
    r"^(?:edit(?:or|ors|ed by|ing)?|responsible editors?|editor in charge|proofread(?:er|ing)?|author|"
    r"written by|writer|source|photo(?:graph)?s?|image|translat(?:or|ed by)|compiled by|"
    r"\u6765\u6e90|\u4f5c\u8005|(?:\u8d23\u4efb)?\u7f16\u8f91)\s*[:\uff1a]"  # 来源 source, 作者 author, 编辑 editor
    r"|^by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:media partners?|partners?|related (?:articles?|news|reading|stories)|recommended(?: reading)?|"
    r"read more|more (?:news|stories)|share (?:this|to)|tags?|copyright|©|all rights reserved|disclaimer|"
    r"the post .{1,300} appeared first on)\b",  # the line blog software appends to each feed item
    re.IGNORECASE,
)


def drop_bylines(doc: Doc) -> Doc:
    """Editor, author and source lines ("Edit :", "Source: Xinhua") go from the body to meta."""
    return _dropping(doc, lambda p: f"Removed a byline ({clip(p)})." if len(p) <= 80 and _BYLINE.match(p)
                     else None, to_meta=True)


def drop_footer(doc: Doc) -> Doc:
    """A footer marker ("Media partners:", "Related articles") goes with the short lines after it."""
    start = next((i for i, p in enumerate(doc.paragraphs) if len(p) <= 80 and _FOOTER.match(p)), None)
    if start is None:
        return doc
    tail = doc.paragraphs[start:]
    end = next((j for j, p in enumerate(tail) if j and len(p) > 100), len(tail))
    step = f"Removed a footer ({clip(tail[0], 30)}, {_count(end, 'line')})."
    return _with(doc, doc.paragraphs[:start] + tail[end:], step)


_DATE_WORDS = re.compile(r"\b(?:published|posted|updated|released|date|time|on|at)\b|\d\d?:\d\d(?::\d\d)?",
                         re.IGNORECASE)


def _is_date_line(p: str) -> bool:
    """Only a date, give or take a time, a cue word ("Published on") and a counter."""
    m = full_date(p)
    rest = _DATE_WORDS.sub("", p[: m.start()] + p[m.end():]) if m and len(p) <= 60 else "not a date line"
    return len(re.sub(r"[\W\d_]", "", rest)) <= 2


def drop_date_lines(doc: Doc) -> Doc:
    """Date lines leave the body; the date guess still reads them, from meta."""
    return _dropping(doc, lambda p: f"Removed a date line ({clip(p)})." if _is_date_line(p) else None,
                     to_meta=True)


_TAIL_PHRASE = re.compile(r" (?P<before>[a-z]+) (?P<phrase>[A-Z][\w'-]+(?: [A-Z][\w'-]+){1,4})(?=[.?!]?$)")
_NOT_TAGS = frozenset({"said", "says", "told", "by", "wrote", "to", "according"})


def drop_tag_phrases(doc: Doc) -> Doc:
    """A capitalised phrase stuck onto the end of 3+ paragraphs and found nowhere else is keyword stuffing."""
    tails = [m for m in map(_TAIL_PHRASE.search, doc.paragraphs) if m and m["before"] not in _NOT_TAGS]
    counts = Counter(m["phrase"] for m in tails)
    whole = "\n".join(doc.paragraphs)
    stuffed = sorted(p for p, n in counts.items() if n >= 3 and whole.count(p) == n)

    def cut(p: str) -> str:
        m = _TAIL_PHRASE.search(p)
        return p[: m.start("phrase") - 1] + p[m.end("phrase"):] if m and m["phrase"] in stuffed else p

    steps = tuple(f"Removed a phrase stuck onto the end of {counts[p]} paragraphs ({p})." for p in stuffed)
    return dataclasses.replace(doc, paragraphs=tuple(map(cut, doc.paragraphs)), steps=doc.steps + steps)


_COLON = re.compile(r"\b(?P<before>\w*[a-z][)\]\u201d\u2019]?)[:\uff1a](?P<after>[A-Z\u201c\u2018\"]\w*)")
_QUOTED = re.compile(r"(?<=[\w,])\u201d(?P<quoted>[^\u201c\u201d\n]{1,80}?)\u201d")
# The left part of a run-together word must be one of these: words that often get glued to the next one.
_GLUE_TEXT = """
    a an the and or but nor so yet for of to in on at by from with without into onto about above after before
    behind below between during through under over since until because although though while whereas if
    unless when where whether which who whom whose what that this these those there here then than as is are
    was were be been being am has have had do does did will would shall should can could may might must not
    no also only just even still very more most less much many some any each every all both either neither
    such other another own same new said says say told asked use used using like via per its it his her their
    our your my we they he she you me him them one two three first last next called named means become became
    make made get got see seen
"""
_GLUE_WORDS = frozenset(_GLUE_TEXT.split())
_GLUED = re.compile(r"\b(?P<left>[a-z]{2,})(?P<right>(?:[A-Z][a-z]+)+)\b")


def _subbed(pattern: re.Pattern[str], template: str, text: str) -> tuple[str, list[str]]:
    """`pattern.sub(template, text)`, with each change as "old → new" for the step's example."""
    changes = [f"{m[0]} → {m.expand(template).strip()}" for m in pattern.finditer(text)]
    return pattern.sub(template, text), changes


def space_colons(text: str) -> tuple[str, list[str]]:
    """`speech:If` -> `speech: If`, also for a full-width colon; times and links have no capital after it."""
    return _subbed(_COLON, r"\g<before>: \g<after>", text)


def repair_quotes(text: str) -> tuple[str, list[str]]:
    """`a”pioneer”` -> `a “pioneer”`: a closing mark glued to the word before it was meant to open a quote."""
    return _subbed(_QUOTED, " \u201c\\g<quoted>\u201d", text)


def split_glued(text: str) -> tuple[str, list[str]]:
    """`becauseRobotCan` -> `because Robot Can`; `DingTalk`, `iPhone`, `eBay`, `WeChat` are left alone."""
    found: list[str] = []

    def split(m: re.Match[str]) -> str:
        if m["left"] not in _GLUE_WORDS:
            return m[0]
        words = " ".join([m["left"], *re.findall(r"[A-Z][a-z]+", m["right"])])
        found.append(f"{m[0]} → {words}")
        return words

    return _GLUED.sub(split, text), found


def _inline(fix: Callable[[str], tuple[str, list[str]]], verb: str, noun: str) -> Rule:
    """A rule applying `fix` inside every paragraph, with one step saying how often, and the first change."""
    def rule(doc: Doc) -> Doc:
        fixed = [fix(p) for p in doc.paragraphs]
        found = [hit for _, hits in fixed for hit in hits]
        step = f"{verb} {_count(len(found), noun)}: {found[0]}." if found else ""
        return _with(doc, tuple(text for text, _ in fixed), step)

    rule.__name__ = fix.__name__
    return rule


def take_headline(doc: Doc) -> Doc:
    """A short first line without closing punctuation is the headline; else the scraper line's tail."""
    first = doc.paragraphs[0] if doc.paragraphs else ""
    turn = SPEAKER.match(first)
    unfinished = not re.search(r"[.,;:\u3002\uff0c\uff1b\uff1a]$", first)
    short = len(doc.paragraphs) > 1 and len(first) <= 160 and unfinished
    if short and not (turn and turn["name"] in speakers(doc.paragraphs)):
        return dataclasses.replace(doc, paragraphs=doc.paragraphs[1:], headline=first)
    return dataclasses.replace(doc, headline=repair_quotes(space_colons(doc.scraped_headline)[0])[0])


def drop_repeats(doc: Doc) -> Doc:
    """A paragraph already seen (or the headline again) goes and the first copy stays; a short one (under five
    words) only right after itself, so an interview's second "Yes." survives."""
    seen = {_key(doc.headline)}
    kept: list[str] = []
    repeats: list[str] = []
    for p in doc.paragraphs:
        key = _key(p)
        repeated = key == (_key(kept[-1]) if kept else "") or (key in seen and len(key.split()) >= 5)
        (repeats if repeated else kept).append(p)
        seen.add(key)
    step = f"Removed {_count(len(repeats), 'repeated paragraph')} ({clip(repeats[0])})." if repeats else ""
    return _with(doc, tuple(kept), step)


_NUMBERED = re.compile(r"^(?P<n>\d{1,2})[.)\u3001] ")


def mark_headings(doc: Doc) -> Doc:
    """Section headings, each followed by a longer paragraph: a short line of 2+ words without closing
    punctuation (not a speaker's turn), or one of a run of lines numbered 1., 2., 3. They become Markdown
    headings, which the site does not number as paragraphs and never shows as a speaker's turn."""
    numbers = [int(m["n"]) for m in map(_NUMBERED.match, doc.paragraphs) if m]
    numbered = len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))
    who = speakers(doc.paragraphs)

    def is_heading(p: str, following: str) -> bool:
        turn = SPEAKER.match(p)
        unfinished = len(p) <= 100 and len(p.split()) >= 2 and not re.search(r"[.,;:!?\"')\u201d\u2019]$", p)
        numbered_line = numbered and len(p) <= 160 and _NUMBERED.match(p) is not None
        return len(following) > len(p) and (numbered_line or (unfinished and not (turn and turn["name"] in who)))

    headings = tuple(p for p, following in itertools.pairwise(doc.paragraphs) if is_heading(p, following))
    step = f"Marked {_count(len(headings), 'section heading')} ({clip(headings[0], 30)})." if headings else ""
    return dataclasses.replace(_with(doc, doc.paragraphs, step), headings=headings)


PIPELINE: tuple[Rule, ...] = (
    drop_scraper_lines,
    drop_garbled,
    drop_markup,
    drop_bylines,
    drop_footer,
    drop_date_lines,
    drop_tag_phrases,
    _inline(space_colons, "Added a space after", "colon"),
    _inline(repair_quotes, "Repaired", "misplaced quotation mark"),
    _inline(split_glued, "Split", "run-together word"),
    take_headline,
    drop_repeats,
    mark_headings,
)


def _with(doc: Doc, paragraphs: tuple[str, ...], step: str) -> Doc:
    return dataclasses.replace(doc, paragraphs=paragraphs, steps=doc.steps + ((step,) if step else ()))


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())
