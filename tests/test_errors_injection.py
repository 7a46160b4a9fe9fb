"""Hostile text in every field comes out as text in every context: HTML elements and attributes, <title>,
Atom feeds, Pagefind's meta and filters. Raw HTML in bodies is sanitised and Jinja syntax is never run."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.errors import BuildError

from .conftest import ENTRY, ORGS, PEOPLE, SITE, TOPICS, make_site

# Closes <title>, opens a script, breaks out of a double-quoted and a single-quoted attribute, carries an
# entity, Jinja, Markdown, a CDATA end and a comment start.
HOSTILE = ("</title><script>alert(1)</script>\"onmouseover=alert(2) x='y' &amp; {{ 7*7 }} {% if 1 %}jinja{% endif %} "
           "*em* [link](https://e.example/) ]]> <!--")
# Bodies are Markdown, so their hostile text carries no Markdown of its own.
BODY = "</title><script>alert(1)</script>\"onmouseover=alert(2) x='y' {{ 7*7 }} {% if 1 %}jinja{% endif %} ]]> <!--"
# What is left of it once sanitised: the tags and the script go, the rest is text.
BODY_SANITISED = "\"onmouseover=alert(2) x='y' {{ 7*7 }} {% if 1 %}jinja{% endif %} ]]&gt; &lt;!--"
ESCAPED = ("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=alert(2) x=&#39;y&#39; &amp;amp; "
           "{{ 7*7 }} {% if 1 %}jinja{% endif %} *em* [link](https://e.example/) ]]&gt; &lt;!--")


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def hostile_site(root: Path) -> Path:
    site = (SITE.replace("title: Test Digest", f"title: {quoted('Site ' + HOSTILE)}")
            .replace("tagline: A digest for tests", f"tagline: {quoted(HOSTILE)}")
            .replace("curator: Test Desk", f"curator: {quoted(HOSTILE)}"))
    topics = (TOPICS.replace("title: Cloud computing", f"title: {quoted('Topic ' + HOSTILE)}")
              .replace("description: Renting computers by the hour.", f"description: {quoted(HOSTILE)}"))
    people = (PEOPLE.replace("name: Jack Ma", f"name: {quoted('Person ' + HOSTILE)}")
              .replace("aliases: [Ma Yun, 马云]", f"aliases: [Ma Yun, {quoted('Alias ' + HOSTILE)}]")
              .replace("role: Founder of Alibaba", f"role: {quoted(HOSTILE)}"))
    orgs = ORGS.replace("name: Alibaba Group", f"name: {quoted('Org ' + HOSTILE)}")
    front = ENTRY.split("---\n")[1]
    for old, new in (("title: Cloud comes to the corner shop", f"title: {quoted('Entry ' + HOSTILE)}"),
                     ("  title: Shops move online", f"  title: {quoted('Source ' + HOSTILE)}"),
                     ("publisher: Example Daily", f"publisher: {quoted('Publisher ' + HOSTILE)}"),
                     ("url: https://example.org/story", 'url: "https://example.org/a?b=1&c=\\"><script>alert(8)</script>"'),
                     ("summary: >-\n  A short account, in the curator's words, of small shops renting servers "
                      "instead of buying them.", f"summary: {quoted('Summary ' + HOSTILE)}"),
                     ("text: Shops rent rather than buy.", f"text: {quoted('Point ' + HOSTILE)}"),
                     ("curator_note: Removed a footer.", f"curator_note: {quoted('Note ' + HOSTILE)}")):
        assert old in front
        front = front.replace(old, new)
    body = (f"The first paragraph says {BODY} <script>alert(3)</script> <img src=x onerror=alert(4)> "
            "[a](javascript:alert(5)) [c](JaVaScRiPt:alert(7)) [d](data:text/html,x).\n\n"
            'The second paragraph quotes a founder. "Renting is cheaper than owning." He said it twice.\n\nThird.\n')
    return make_site(root, {"site.yaml": site, "topics.yaml": topics, "people.yaml": people,
                            "organizations.yaml": orgs, "entries/cloud-shop.md": f"---\n{front}---\n{body}",
                            "pages/about.md": f"---\ntitle: {quoted('Page ' + HOSTILE)}\n---\n{BODY}\n"})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    build(Options(content=hostile_site(root), out=root / "site", search=True))
    return root / "site"


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in sorted(site.rglob("*"))
            if p.suffix in (".html", ".xml")}


class _Attributes(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, name, value) for name, value in attrs)


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_no_page_contains_live_markup_from_content(site: Path) -> None:
    for path, page in pages(site).items():
        # JSON-LD is JSON inside a script element: a quote there is JSON's, and markup could only get
        # out through a `<`, which it never holds.
        assert all("<" not in block for block in JSON_LD.findall(page)), path
        text = JSON_LD.sub("", page)
        for live in ("<script>alert", "<script>", "x='y'>", ">jinja", "<em>em</em>", "<!--", "]]>", "alert(4)"):
            assert live not in text, (path, live)
        handlers = [(tag, name) for tag, name, _ in _Attributes(text).found if name.startswith("on")]
        assert handlers == [], path
        # Links are relative, http(s), or the empty favicon the templates use to spare a request.
        assert re.search(r"(href|src)=\"(?!https?:|\.|#|[a-z0-9-]+/|feed\.(?:xml|json)\"|data:,\"|[^\":/]+\")",
                         text) is None, path


def test_every_field_appears_escaped_on_the_entry_page(site: Path) -> None:
    page = (site / "entries/cloud-shop/index.html").read_text("utf-8")
    for prefix in ("Entry", "Source", "Publisher", "Summary", "Point", "Note", "Topic", "Person", "Alias", "Org",
                   "Site"):
        assert f"{prefix} {ESCAPED}" in page, prefix
    assert f"<title>Entry {ESCAPED} · Site {ESCAPED}</title>" in page
    assert f'<meta name="description" content="Summary {ESCAPED}">' in page


def test_attribute_values_cannot_be_broken_out_of(site: Path) -> None:
    home = (site / "index.html").read_text("utf-8")
    assert f'title="Site {ESCAPED}" href="feed.xml"' in home
    topic = (site / "topics/cloud/index.html").read_text("utf-8")
    assert f'title="Topic {ESCAPED} · Site {ESCAPED}" href="../../topics/cloud/feed.xml"' in topic
    entry = (site / "entries/cloud-shop/index.html").read_text("utf-8")
    assert 'href="https://example.org/a?b=1&amp;c=&#34;&gt;&lt;script&gt;alert(8)&lt;/script&gt;"' in entry


def test_body_raw_html_is_sanitised_and_script_links_are_text(site: Path) -> None:
    entry = (site / "entries/cloud-shop/index.html").read_text("utf-8")
    body = entry[entry.index('id="p-1"'): entry.index('id="p-2"')]
    assert f"The first paragraph says {BODY_SANITISED}  <img src=\"x\"> " in body
    assert "alert(1)" not in body and "alert(3)" not in body
    assert "<a " not in body  # the script links stay as the text the curator typed
    assert "[a](javascript:alert(5)) [c](JaVaScRiPt:alert(7)) [d](data:text/html,x)" in body


def test_a_page_body_and_title_are_escaped(site: Path) -> None:
    about = (site / "about/index.html").read_text("utf-8")
    assert f"<title>Page {ESCAPED} · Site {ESCAPED}</title>" in about
    # A line opening with a tag is a block of raw HTML, so the `<!--` at its end starts a comment, which goes.
    assert f"\n  {BODY_SANITISED.removesuffix('&lt;!--')}\n" in about


@pytest.mark.parametrize("feed", ["feed.xml", "topics/cloud/feed.xml"])
def test_feeds_parse_and_carry_the_literal_text(site: Path, feed: str) -> None:
    root = ET.parse(site / feed).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert entry is not None
    assert entry.findtext("a:title", namespaces=ns) == f"Entry {HOSTILE}"
    assert entry.findtext("a:summary", namespaces=ns) == f"Summary {HOSTILE}"
    assert root.findtext("a:subtitle", namespaces=ns) == HOSTILE
    labels = [c.get("label") for c in entry.findall("a:category", ns)]
    assert f"Topic {HOSTILE}" in labels


def test_sitemap_parses(site: Path) -> None:
    ET.parse(site / "sitemap.xml")


def fragments(site: Path) -> list[dict[str, object]]:
    out = []
    for path in sorted((site / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        out.append(json.loads(data[len(b"pagefind_dcd"):]))
    return out


def test_pagefind_meta_and_filters_hold_the_text_not_markup(site: Path) -> None:
    [fragment] = fragments(site)
    meta = fragment["meta"]
    assert isinstance(meta, dict)
    assert meta["title"] == f"Entry {HOSTILE}"
    assert meta["summary"] == f"Summary {HOSTILE}"
    filters = fragment["filters"]
    assert isinstance(filters, dict)
    # Pagefind decodes entities in filter values once more than in meta (its own quirk): `&amp;` in the text
    # reaches the index as `&`. It is still text: the search UI renders filter names as text.
    assert sorted(filters["topic"]) == ["Retail", f"Topic {HOSTILE}".replace("&amp;", "&")]
    assert filters["person"] == [f"Person {HOSTILE}".replace("&amp;", "&")]
    assert filters["organisation"] == [f"Org {HOSTILE}".replace("&amp;", "&")]


def test_slugs_that_climb_out_of_the_site_are_refused(tmp_path: Path) -> None:
    topics = TOPICS + '"../../escaped":\n  title: Out\n"/tmp/abs":\n  title: Abs\n'
    content = make_site(tmp_path, {"topics.yaml": topics})
    with pytest.raises(BuildError) as caught:
        build(Options(content=content, out=tmp_path / "out" / "site", search=False))
    assert [str(e).replace(f"{content}/", "") for e in caught.value.errors] == [
        "topics.yaml:7: ../../escaped: `../../escaped` is not a valid slug "
        "(use lower-case a-z, 0-9 and single hyphens, e.g. `escaped`)",
        "topics.yaml:9: /tmp/abs: `/tmp/abs` is not a valid slug (use lower-case a-z, 0-9 and single hyphens, "
        "e.g. `tmp-abs`)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "out"]
    assert not (tmp_path / "out" / "site").exists()
