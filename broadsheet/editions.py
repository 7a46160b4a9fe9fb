"""content/editions/<n>.md -> Edition records, checked against the entries they carry; and the
content -> the file of the next edition, drafted (`broadsheet edition new`).

Each file is read on its own (`read_edition` is pure given its bytes) and remembered by a digest of
them. The checks that need the other files (every entry listed exists and is published, dates rise
with the numbers, a base_url for the email's absolute links) run on every build over the line numbers
the editions keep, so an edition read on an earlier build is still checked against today's entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TextIO

from .entries import entry_digest
from .errors import ContentError, did_you_mean
from .fields import Fields
from .files import body_problems, front_matter, list_markdown
from .markdown import render_inline, render_page
from .model import Edition, Section, Site
from .read import Content, read_content
from .yamlfile import dotted

FOLDER = "editions"
FIELDS = ("title", "date", "sections", "draft")
SECTION_FIELDS = ("title", "note", "entries")
_NUMBER = re.compile(r"^[1-9][0-9]*$")


def number_problem(name: str, _taken: set[str]) -> tuple[str, str] | None:
    """(message, hint) when a file name (without .md) is not an edition number such as `12`, else None."""
    if _NUMBER.match(name):
        return None
    if re.fullmatch(r"0+", name):
        return f"`{name}` is not an edition number: they count from 1", "name the first edition `1.md`"
    if name.isdigit():
        return (f"`{name}.md` has a leading zero",
                f"rename it to `{int(name)}.md`; edition numbers have no leading zeros")
    digits = re.sub(r"[^0-9]", "", name)
    example = f"`{int(digits)}.md`" if digits and int(digits) else "`1.md`, `2.md`"
    return f"`{name}` is not an edition number", f"name an edition's file by its number only, e.g. {example}"


def read_editions(content: Path, root: Path, errors: list[ContentError], notes: list[str],
                  known: Mapping[str, Edition]) -> list[Edition]:
    """Every edition under content/editions/, drafts included, oldest first; `known` maps
    Edition.digest to editions read before, which are not parsed again."""
    editions = []
    for rel, raw, _ in list_markdown(content, FOLDER, root, errors, notes, check=number_problem):
        assert raw is not None  # every edition is read: nothing is asked to be skipped
        digest = entry_digest(rel, hashlib.sha256(raw).hexdigest(), FOLDER)
        edition = known.get(digest) or read_edition(rel, raw, errors, digest)
        if edition is not None:
            editions.append(edition)
    return sorted(editions, key=lambda e: e.number)


def read_edition(rel: str, raw: bytes, errors: list[ContentError], digest: str = "") -> Edition | None:
    """One edition file, with every problem found in it added to `errors`; None if it has no date."""
    opened = front_matter(rel, raw, errors)
    if opened is None:
        return None
    f, body_text, body_line = opened
    f.refuse_unknown(FIELDS)
    title, date, draft = f.text("title", False), f.date("date"), f.boolean("draft")
    sections = _sections(f)
    intro = render_page(body_text)
    errors.extend(body_problems(rel, body_text, intro, body_line))
    if date is None:  # reported; without it, the checks against the other editions have nothing to go on
        return None
    # With other problems reported, the edition is still returned, for the checks against the entries
    # and the other editions: the build stops anyway, but the curator hears of everything at once.
    return Edition(number=int(Path(rel).name[:-3]), path=rel, title=title, date=date, sections=sections,
                   intro_html=intro.html, draft=draft, digest=digest, date_line=f.loaded.line("date"))


def _sections(f: Fields) -> tuple[Section, ...]:
    items = f.mappings("sections")
    if "sections" not in f.data:
        f.missing("sections", "add `sections:` with at least one `- title: ...` and its `entries: [slug, ...]`")
    elif f.data["sections"] in (None, []):
        f.error("sections", "is empty", "give the edition at least one section with entries")
    sections = []
    first: dict[str, int] = {}  # entry slug -> the line that lists it first
    for item in items:
        item.refuse_unknown(SECTION_FIELDS)
        title, note = item.text("title"), item.text("note", False)
        listed = item.strings("entries")
        if "entries" not in item.data:
            item.missing("entries", "list the entries' slugs, e.g. `entries: [a-slug, another-slug]`")
        elif item.data["entries"] in (None, []):
            item.error("entries", "is empty", "list at least one entry's slug, or remove the section")
        entries = Fields({}, item.loaded, item.path, item.errors, (*item.key, "entries"))
        slugs, lines = [], []
        for i, slug in listed:
            line = item.loaded.line(*entries.key, i)
            if slug in first:
                entries.error(i, f"`{slug}` is already in this edition, on line {first[slug]}",
                              "an entry appears once per edition; remove one of them")
                continue
            first[slug] = line
            slugs.append(slug)
            lines.append(line)
        sections.append(Section(title=title, note_html=render_inline(note) if note else "",
                                entries=tuple(slugs), lines=tuple(lines)))
    return tuple(sections)


def check_editions(editions: Iterable[Edition], published: Collection[str], drafts: Collection[str],
                   unreadable: Collection[str], include_drafts: bool) -> list[ContentError]:
    """What is wrong between the editions (oldest first) and the entries: listed entries that do not
    exist or are drafts, and a later number dated before an earlier one.

    A draft edition may list draft entries (the editor readies both); so may any edition when drafts
    are built. An entry in `unreadable` has had its own problems reported, so it is not reported again.
    """
    errors = []
    latest: Edition | None = None
    for edition in editions:
        for i, section in enumerate(edition.sections):
            for j, (slug, line) in enumerate(zip(section.entries, section.lines, strict=True)):
                field = dotted(("sections", i, "entries", j))
                if slug in published or slug in unreadable or (slug in drafts and (include_drafts or edition.draft)):
                    continue
                if slug in drafts:
                    errors.append(ContentError(edition.path, line, field, f"`{slug}` is a draft entry",
                                               "publish it by setting draft: false in its file, or take it out of "
                                               "this edition; build with --drafts to preview both"))
                else:
                    errors.append(ContentError(edition.path, line, field, f"unknown entry `{slug}`",
                                               did_you_mean(slug, [*published, *drafts]) or
                                               "name an entry by its file name in content/entries/, without .md"))
        if latest is not None and edition.date < latest.date:
            errors.append(ContentError(
                edition.path, edition.date_line, "date",
                f"{edition.date.isoformat()} is before the date of edition {latest.number} "
                f"({latest.date.isoformat()}, {latest.path})",
                "a later edition cannot be dated before an earlier one: fix the date or renumber the files"))
        if latest is None or edition.date >= latest.date:
            latest = edition
    return errors


def base_url_problem(content: Path, site: Site, editions: Collection[Edition]) -> ContentError | None:
    """Editions need base_url: the email is read away from the site, so its links must be absolute."""
    if not editions or site.base_url:
        return None
    count = f"{len(editions)} edition{'s' if len(editions) != 1 else ''}"
    return ContentError(str(content / "site.yaml"), 1, "base_url",
                        f"missing, and the digest has {count}: the email renditions need absolute links",
                        "add `base_url: https://your.domain/` to site.yaml, or build with --base-url URL")


def next_edition(content: Content, today: dt.date) -> tuple[int, str] | None:
    """The next edition's number and file text, as a draft: every published entry dated after the last
    edition, in sections by topic (each entry under its first topic only, biggest section first), or
    None when there is nothing to put in it. `content` must be read with its drafts."""
    last = max(content.editions, key=lambda e: e.number, default=None)
    since = last.date if last else dt.date.min
    fresh = sorted((e for e in content.entries if not e.draft and e.date > since),
                   key=lambda e: (-e.date.toordinal(), e.slug))
    if not fresh:
        return None
    by_topic: dict[str, list[str]] = {}
    for entry in fresh:
        by_topic.setdefault(entry.topics[0], []).append(entry.slug)
    topics = content.registry.topics
    order = sorted(by_topic, key=lambda t: (-len(by_topic[t]), topics[t].title.lower(), t))
    number = last.number + 1 if last else 1
    after = f"filed after edition {last.number} ({last.date.isoformat()})" if last else "published so far"
    lines = ["---",
             f"# Drafted by `broadsheet edition new` from the {len(fresh)} entries {after}.",
             "# Give it a title, cut and reorder the entries, write a note per section and the",
             "# introduction below the closing ---, then set draft: false.",
             "title: \"\"", f"date: {today.isoformat()}", "sections:"]
    for topic in order:
        lines += [f"  - title: {json.dumps(topics[topic].title, ensure_ascii=False)}",
                  "    entries:", *(f"      - {slug}" for slug in by_topic[topic])]
    lines += ["draft: true", "---", "", "The editor's introduction: what this edition is about and why these "
              "entries matter.", ""]
    return number, "\n".join(lines)


def write_next_edition(content_dir: Path, today: dt.date, out: TextIO, err: TextIO) -> int:
    """`broadsheet edition new`: write content/editions/<n>.md as a draft and print its path.

    Exit status 0 with the path; 1 with one line on stderr when the content has errors, when no
    published entry is newer than the last edition, or when the file exists already (it never
    overwrites)."""
    content = read_content(content_dir, drafts=True)
    drafted = next_edition(content, today)
    if drafted is None:
        last = max(content.editions, key=lambda e: e.number, default=None)
        since = f"dated after edition {last.number} ({last.date.isoformat()})" if last else "yet"
        print(f"error: no published entry {since}: nothing for a new edition", file=err)
        return 1
    number, text = drafted
    path = content_dir / FOLDER / f"{number}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        print(f"error: {path} exists already; edition new never overwrites a file", file=err)
        return 1
    print(path, file=out)
    return 0
