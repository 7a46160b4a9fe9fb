"""Editions: content/editions/<n>.md read and checked against the entries, their pages, the email
renditions, the feed, `edition new`, and incremental rebuilds of them."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import random
import re
import string
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from broadsheet import editions
from broadsheet.build import Options, build
from broadsheet.collect import collect
from broadsheet.editions import write_next_edition
from broadsheet.email import WIDTH, References, plain, wrap
from broadsheet.read import read_content
from tests.conftest import entry, make_site, problems

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"


def edition(date: str = "2021-01-10", sections: str = "", body: str = "The editor's introduction.\n",
            **extra: str) -> str:
    sections = sections or "  - title: Lead\n    note: A *short* note.\n    entries: [cloud-shop, other]\n"
    more = "".join(f"{key}: {value}\n" for key, value in extra.items())
    return f"---\ntitle: First issue\ndate: {date}\nsections:\n{sections}{more}---\n{body}"


def digest(tmp_path: Path, files: dict[str, str | bytes] | None = None, base: bool = True) -> Path:
    """The test digest with a second entry, `other`, dated 2021-01-02, and `files`."""
    other = {"entries/other.md": entry(title="title: Another story", date="date: 2021-01-02")}
    content = make_site(tmp_path, {**other, **(files or {})})
    if not base:
        site = content / "site.yaml"
        site.write_text(re.sub(r"base_url: .*\n", "", site.read_text()))
    return content


def draft_entry(title: str, **changes: str) -> str:
    return entry(title=title, **changes).replace("curator_note:", "draft: true\ncurator_note:")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "build.py", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=300)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- reading and checking ------------------------------------------------------------------------------

def test_a_good_edition_reads_with_its_sections(tmp_path: Path) -> None:
    collected = collect(read_content(digest(tmp_path, {"editions/1.md": edition()})))
    (one,) = collected.editions
    assert (one.number, one.title, one.date, one.entry_count) == (1, "First issue", dt.date(2021, 1, 10), 2)
    assert one.sections[0].note_html == "A <em>short</em> note."
    assert one.intro_html == "<p>The editor's introduction.</p>\n"
    assert collected.carried == {"cloud-shop": (1,), "other": (1,)}


def test_every_mistake_in_editions_is_reported_in_one_pass(tmp_path: Path) -> None:
    content = digest(tmp_path, {
        "entries/idea.md": draft_entry("title: An idea"),
        "editions/1.md": edition(sections="  - title: Lead\n    entries: [cloud-shop, clod-shop, idea]\n"
                                          "  - title: Twice\n    entries: [other, cloud-shop]\n"
                                          "  - title: Empty\n    entries: []\n"),
        "editions/2.md": edition(date="2021-01-05", sumary="x"),
        "editions/3.md": "---\ntitle: No sections\ndate: 2021-02-01\n---\nIntro.\n",
        "editions/4.md": "---\ndate: 2021-02-01\nsections: []\n---\n",
        "editions/012.md": edition(),
        "editions/next.md": edition(),
        "editions/0.md": edition(),
    })
    assert problems(content) == [
        "editions/0.md:1: `0` is not an edition number: they count from 1 (name the first edition `1.md`)",
        "editions/012.md:1: `012.md` has a leading zero (rename it to `12.md`; edition numbers have no leading "
        "zeros)",
        "editions/1.md:6: sections[0].entries[1]: unknown entry `clod-shop` (did you mean `cloud-shop`?)",
        "editions/1.md:6: sections[0].entries[2]: `idea` is a draft entry (publish it by setting draft: false in "
        "its file, or take it out of this edition; build with --drafts to preview both)",
        "editions/1.md:8: sections[1].entries[1]: `cloud-shop` is already in this edition, on line 6 (an entry "
        "appears once per edition; remove one of them)",
        "editions/1.md:10: sections[2].entries: is empty (list at least one entry's slug, or remove the section)",
        "editions/2.md:3: date: 2021-01-05 is before the date of edition 1 (2021-01-10, editions/1.md) (a later "
        "edition cannot be dated before an earlier one: fix the date or renumber the files)",
        "editions/2.md:8: sumary: unknown field (allowed fields: title, date, sections, draft)",
        "editions/3.md:2: sections: missing required field (add `sections:` with at least one `- title: ...` "
        "and its `entries: [slug, ...]`)",
        "editions/4.md:3: sections: is empty (give the edition at least one section with entries)",
        "editions/next.md:1: `next` is not an edition number (name an edition's file by its number only, "
        "e.g. `1.md`, `2.md`)",
    ]


def test_an_unknown_field_gets_a_did_you_mean(tmp_path: Path) -> None:
    content = digest(tmp_path, {"editions/1.md": edition(drafts="true")})
    assert problems(content) == ["editions/1.md:8: drafts: unknown field (did you mean `draft`?)"]


def test_editions_need_a_base_url_and_say_how_to_give_one(tmp_path: Path) -> None:
    content = digest(tmp_path, {"editions/1.md": edition()}, base=False)
    assert problems(content) == [
        "site.yaml:1: base_url: missing, and the digest has 1 edition: the email renditions need absolute "
        "links (add `base_url: https://your.domain/` to site.yaml, or build with --base-url URL)"]
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False, base_url="https://example.net/news"))
    assert "https://example.net/news/editions/1/" in (out / "editions/1/email.html").read_text()


def test_a_draft_edition_is_built_only_with_drafts_and_may_carry_draft_entries(tmp_path: Path) -> None:
    content = digest(tmp_path, {
        "entries/idea.md": draft_entry("title: An idea"),
        "editions/1.md": edition(sections="  - title: Lead\n    entries: [idea, other]\n", draft="true"),
    }, base=False)
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))  # no edition built: no base_url needed
    assert not (out / "editions").exists()
    build(Options(content=content, out=out, search=False, drafts=True, base_url="https://example.org/"))
    assert "An idea" in (out / "editions/1/index.html").read_text()


def test_a_bad_edition_leaves_the_last_site_untouched(tmp_path: Path) -> None:
    content = digest(tmp_path, {"editions/1.md": edition()})
    out = tmp_path / "site"
    assert cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    before = tree(out)
    (content / "editions/1.md").write_text(edition(sections="  - title: Lead\n    entries: [gone]\n"))
    result = cli("build", "--content", str(content), "--out", str(out), "--no-search")
    assert result.returncode == 1
    assert result.stderr == (f"error: {content}/editions/1.md:6: sections[0].entries[0]: unknown entry `gone` "
                             "(name an entry by its file name in content/entries/, without .md)\n")
    assert tree(out) == before


# --- pages ---------------------------------------------------------------------------------------------

def built(tmp_path: Path, files: dict[str, str | bytes], search: bool = False) -> Path:
    out = tmp_path / "site"
    build(Options(content=digest(tmp_path, files), out=out, search=search))
    return out


def test_the_pages_of_editions(tmp_path: Path) -> None:
    out = built(tmp_path, {
        "editions/1.md": edition(),
        "editions/2.md": edition(date="2021-02-01", sections="  - title: Again\n    entries: [other]\n")
        .replace("First issue", "Second issue"),
    })
    listing = (out / "editions/index.html").read_text()
    assert re.findall(r'<a href="(\d)/">([^<]*)</a>', listing) == [("2", "#2: Second issue"), ("1", "#1: First issue")]
    assert "1 February 2021</time> · 1 entry" in listing and "10 January 2021</time> · 2 entries" in listing
    one = (out / "editions/1/index.html").read_text()
    assert "<p>The editor's introduction.</p>" in one
    assert '<p class="section-note" data-pagefind-weight="0.1">A <em>short</em> note.</p>' in one
    assert '<a href="../../entries/other/">Another story</a>' in one and "Example Daily" in one
    assert '<a href="../2/" rel="next"><span class="muted">Next edition</span> #2: Second issue</a>' in one
    assert 'rel="prev"' not in one
    assert '<p class="carried">Carried in <a href="../../editions/1/">edition #1</a>, ' \
           '<a href="../../editions/2/">edition #2</a>.</p>' in (out / "entries/other/index.html").read_text()
    assert "carried" not in (out / "entries/cloud-shop/index.html").read_text().replace(
        'class="carried">Carried in <a href="../../editions/1/">edition #1</a>.', "")
    home = (out / "index.html").read_text()
    assert '<a href="editions/2/">#2: Second issue</a>' in home and "Latest edition" in home


def test_the_feed_carries_each_whole_edition(tmp_path: Path) -> None:
    out = built(tmp_path, {"editions/1.md": edition(body="Read [this](../../entries/other/) first.\n")})
    feed = ET.parse(out / "editions/feed.xml").getroot()
    (item,) = feed.findall(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == "Edition 1: First issue"
    content = item.findtext(f"{ATOM}content") or ""
    assert '<a href="https://digest.example.org/entries/other/">this</a>' in content
    assert '<a href="https://digest.example.org/entries/cloud-shop/"><strong>Cloud comes to the corner shop' in content
    assert "<h2>Lead</h2>" in content and "A short account, in the curator" in content


def test_the_email_has_its_css_inlined_and_every_link_absolute(tmp_path: Path) -> None:
    out = built(tmp_path, {"editions/1.md": edition(body="See [the timeline](../../timeline/) and [a site]"
                                                         "(https://example.org/x).\n")})
    email = (out / "editions/1/email.html").read_text()
    assert "<style" not in email and "stylesheet" not in email and "<script" not in email
    links = re.findall(r'(?:href|src)="([^"]*)"', email)
    assert links and all(link.startswith(("https://digest.example.org/", "https://example.org/")) for link in links)
    assert "https://digest.example.org/timeline/" in links
    assert re.search(r'<a href="https://digest.example.org/editions/1/"[^>]*>Read it on the web</a>', email)
    assert re.search(r'<table[^>]*role="presentation"[^>]*width="600"[^>]*style="[^"]*max-width: 600px', email)
    assert re.search(r'<div class="preheader" style="display: none;[^"]*">First issue: 2 entries · Lead</div>', email)
    # Every cell and text block has its own colours: a client that inverts them keeps them apart.
    for tag in re.findall(r"<(?:td|body)\b[^>]*>", email):
        assert "background-color:" in tag and "color:" in tag.replace("background-color:", ""), tag


def test_the_plain_text_stays_within_78_columns(tmp_path: Path) -> None:
    long_title = "title: " + "A headline that goes on and on " * 5
    out = built(tmp_path, {
        "entries/other.md": entry(title=long_title, date="date: 2021-01-02"),
        "editions/1.md": edition(body=("Word " * 200) + "[a very long link](https://example.org/" + "x" * 150
                                 + ")\n\n- a list item " + "that wraps " * 20 + "\n"),
    })
    text = (out / "editions/1/email.txt").read_text()
    assert max(len(line) for line in text.split("\n")) <= WIDTH
    assert "Read it on the web: https://digest.example.org/editions/1/" in text
    assert "\nLinks:\n[1] https://example.org/xxx" in text
    assert "\n[2] https://digest.example.org/entries/cloud-shop/\n" in text
    assert "\n- a list item that wraps" in text and "\n  wraps that wraps" in text  # list items hang


def test_html_becomes_text_with_numbered_references() -> None:
    refs = References()
    text = plain('<p>One <a href="../x/">link</a> and <a href="https://a.org/">another</a>,\nthen '
                 '<a href="../x/">the first</a> &amp; more.</p>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>',
                 refs, "https://ex.org/editions/3/")
    assert text == "One link [1] and another [2], then the first [1] & more.\n\n1. first\n2. second"
    assert refs.listing() == "[1] https://ex.org/editions/x/\n[2] https://a.org/"
    assert wrap("[1] " + "y" * 100, 40) == "[1] " + "y" * 36 + "\n    " + "y" * 36 + "\n    " + "y" * 28


def test_edition_pages_are_searchable_with_a_type_filter(tmp_path: Path) -> None:
    out = built(tmp_path, {"editions/1.md": edition()}, search=True)
    fragments = {}
    for path in (out / "pagefind/fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        fragments[fragment["url"]] = fragment
    assert set(fragments) == {"/entries/cloud-shop/", "/entries/other/", "/editions/1/"}
    assert fragments["/editions/1/"]["filters"] == {"type": ["edition"]}
    assert "introduction" in fragments["/editions/1/"]["content"]
    assert "Another story" not in fragments["/editions/1/"]["content"]  # found on its own page, not here
    assert fragments["/editions/1/"]["meta"]["title"] == "Edition 1: First issue"
    assert fragments["/entries/other/"]["filters"]["type"] == ["entry"]


# --- incremental -----------------------------------------------------------------------------------------

def test_editing_an_intro_renders_its_pages_again_and_equals_a_clean_build(tmp_path: Path) -> None:
    second = edition(date="2021-02-01").replace("First issue", "Second issue")
    content = digest(tmp_path, {"editions/1.md": edition(), "editions/2.md": second})
    out, clean = tmp_path / "site", tmp_path / "clean"
    build(Options(content=content, out=out, search=False))

    def edit(text: str) -> set[str]:
        before = tree(out)
        (content / "editions/2.md").write_text(text)
        result = build(Options(content=content, out=out, search=False))
        changed = {path for path, data in tree(out).items() if before.get(path) != data}
        assert result.rendered == len(changed)
        build(Options(content=content, out=clean, search=False, use_cache=False))
        assert tree(out) == tree(clean)
        return changed

    own = {"editions/2/index.html", "editions/2/email.html", "editions/2/email.txt", "editions/feed.xml"}
    assert edit(second.replace("The editor's introduction.", "A new introduction.")) == own
    assert "A new introduction." in (out / "editions/2/email.txt").read_text()
    # A new title shows wherever the edition is linked: the list, its neighbour and the home page.
    assert edit(second.replace("Second issue", "Renamed")) == own | {
        "editions/index.html", "editions/1/index.html", "index.html"}


# --- edition new ---------------------------------------------------------------------------------------

def test_edition_new_drafts_the_entries_since_the_last_edition(tmp_path: Path) -> None:
    content = digest(tmp_path, {
        "editions/1.md": edition(sections="  - title: Lead\n    entries: [cloud-shop]\n", date="2020-12-01"),
        "entries/later.md": entry(title="title: Later", date="date: 2021-03-01", topics="topics: [retail, cloud]"),
        "entries/draft.md": draft_entry("title: Unfinished", date="date: 2021-03-02"),
    })
    out, err = io.StringIO(), io.StringIO()
    assert write_next_edition(content, dt.date(2021, 3, 5), out, err) == 0
    path = content / "editions/2.md"
    assert out.getvalue() == f"{path}\n" and err.getvalue() == ""
    text = path.read_text()
    assert "date: 2021-03-05\n" in text and "draft: true\n" in text
    # `other` (cloud, retail) and `later` (retail, cloud): each once, under its first topic only.
    assert re.findall(r'- title: "([^"]+)"\n    entries:\n((?:      - .+\n)+)', text) == [
        ("Cloud computing", "      - other\n"), ("Retail", "      - later\n")]
    assert write_next_edition(content, dt.date(2021, 3, 5), out, err) == 1  # all drafted: nothing new
    assert [e.number for e in read_content(content, drafts=True).editions] == [1, 2]


def test_edition_new_with_nothing_to_add_says_so_and_writes_nothing(tmp_path: Path) -> None:
    content = digest(tmp_path, {"editions/1.md": edition()})
    result = cli("edition", "new", "--content", str(content))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "error: no published entry dated after edition 1 (2021-01-10): nothing for a new edition\n"
    assert sorted(p.name for p in (content / "editions").iterdir()) == ["1.md"]


def test_edition_new_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = digest(tmp_path, {"editions/1.md": edition()})
    kept = (content / "editions/1.md").read_text()
    monkeypatch.setattr(editions, "next_edition", lambda *_: (1, "---\n"))  # as if 1.md appeared meanwhile
    err = io.StringIO()
    assert editions.write_next_edition(content, dt.date(2021, 3, 5), io.StringIO(), err) == 1
    assert err.getvalue() == f"error: {content}/editions/1.md exists already; edition new never overwrites a file\n"
    assert (content / "editions/1.md").read_text() == kept


def test_wrap_breaks_lines_where_textwrap_does() -> None:
    """`wrap` is a faster textwrap: on random paragraphs, list items and references, the same lines."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(2000):
        words = [rng.choice(string.ascii_lowercase) * rng.choice((1, 2, 5, 9, 30, 90))
                 for _ in range(rng.randrange(1, 40))]
        mark = rng.choice(("", "- ", "* ", "[12] ", "3. "))
        width, indent = rng.choice((20, 40, 78)), rng.choice(("", "  "))
        line = mark + " ".join(words)
        expected = textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent + " " * len(mark),
                                 break_long_words=True, break_on_hyphens=False)
        # textwrap can leave a space after a cut word; a line never needs one
        assert wrap(line, width, indent) == "\n".join(x.rstrip() for x in expected), (line, width, indent)


def test_check_lists_draft_editions(tmp_path: Path) -> None:
    content = digest(tmp_path, {"editions/1.md": edition(), "editions/2.md": edition(draft="true")})
    result = cli("check", "--content", str(content))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-2:] == [
        f"draft: {content}/editions/2.md is an edition not yet published (set draft: false when it is ready)",
        "ok: 2 entries, 0 drafts, no problems found"]
