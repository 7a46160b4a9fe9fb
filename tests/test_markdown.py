"""Markdown bodies: hostile input stays bounded in time, deep nesting is refused instead of losing text,
raw HTML and script links are shown as text."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from broadsheet.errors import BuildError
from broadsheet.markdown import MAX_NESTING, Body, render_body, render_page
from broadsheet.read import read_content

from .conftest import ENTRY, make_site

FRONT = ENTRY.split("---\n")[1]
PARAGRAPHS = ('The first paragraph says it.\n\nThe second paragraph quotes a founder. "Renting is cheaper than owning."'
              "\n\nThe third paragraph.\n\n")

# Each body is built inside the child process from this expression, so the test file stays small.
PATHOLOGICAL = {
    "block quotes 10,000 deep": '">" * 10_000 + " deep\\n"',
    "spaced block quotes 10,000 deep": '"> " * 10_000 + "deep\\n"',
    "bullet lists 10,000 deep on one line": '"- " * 10_000 + "deep\\n"',
    "ordered lists 10,000 deep on one line": '"1. " * 10_000 + "deep\\n"',
    "quotes and lists alternating 10,000 deep": '"> - " * 5_000 + "deep\\n"',
    "indented list 1,400 deep (2 MiB)": '"".join("  " * i + "- x\\n" for i in range(1_400))',
    "200,000 [": '"[" * 200_000 + "\\n"',
    "100,000 [a](": '"[a](" * 100_000 + "\\n"',
    "100,000 *": '"*" * 100_000 + "\\n"',
    "100,000 *a": '"*a " * 100_000 + "\\n"',
    "100,000 _a_": '"_a_ " * 100_000 + "\\n"',
    "100,000 backticks": '"`" * 100_000 + "\\n"',
    "100,000 <": '"<" * 100_000 + "\\n"',
    "100,000 entity starts": '"&#" * 100_000 + "\\n"',
    "100,000 reference links": '"[x]: /u\\n\\n" + "[x]" * 100_000 + "\\n"',
    "100,000 nested <div>": '"<div>" * 100_000 + "\\n"',
    "50,000 nested <div> blocks": '"<div>\\n\\n" * 50_000',
    "100,000 unclosed <li>": '"<ul>" + "<li>x" * 100_000 + "\\n"',
}
_CHILD = """
import json, sys
from broadsheet.markdown import render_body
body = render_body(eval(sys.argv[1]))
print(json.dumps({"too_deep": body.too_deep, "html_too_deep": body.html_too_deep}))
"""


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markdown_finishes(name: str) -> None:
    """Each takes well under 2 s here (the slowest, 200,000 `[`, about 1.5 s). It runs in a child
    process so that a hang or a quadratic blow-up fails the test, rather than stalling the suite: the
    limit is generous, for a loaded machine, and only a stop; the test asserts what the body reports."""
    try:
        result = subprocess.run([sys.executable, "-c", _CHILD, PATHOLOGICAL[name]], capture_output=True,
                                text=True, timeout=60, check=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"rendering {name} did not finish in 60 s")
    report = json.loads(result.stdout)
    assert (report["too_deep"] >= 0) == ("deep" in name)
    assert (report["html_too_deep"] >= 0) == ("nested <div>" in name)


@pytest.mark.parametrize("depth", range(1, 40))
@pytest.mark.parametrize("shape", ["> ", "- ", "1. ", "> - ", "* > "])
def test_nesting_never_loses_text_silently(depth: int, shape: str) -> None:
    body = render_body(shape * depth + "deep text\n\nafter\n")
    kept = "deep text" in body.text and "after" in body.text
    assert kept or body.too_deep == 0


def test_indented_nesting_reports_the_line_where_text_would_be_lost() -> None:
    source = "".join("  " * i + f"- level {i}\n" for i in range(12)) + "\nafter\n"
    body = render_body(source)
    assert body.too_deep == 9  # the tenth list: 2 levels per list (list, item), the cap is MAX_NESTING
    assert MAX_NESTING == 20 and "level 8" in body.text and "level 9" not in body.text


def test_deep_nesting_is_refused_with_the_file_line(tmp_path: Path) -> None:
    text = f"---\n{FRONT}---\n{PARAGRAPHS}" + "> " * 30 + "deep\n"
    content = make_site(tmp_path, {"entries/cloud-shop.md": text, "pages/about.md": "---\ntitle: About\n---\n\n"
                                   + "- " * 25 + "x\n"})
    with pytest.raises(BuildError) as caught:
        read_content(content)
    assert [str(e).replace(f"{content}/", "") for e in caught.value.errors] == [
        "entries/cloud-shop.md:29: body: block quotes and lists are nested too deeply here: the text inside "
        "would be lost (flatten the nesting: at most 9 lists or 19 block quotes deep)",
        "pages/about.md:5: body: block quotes and lists are nested too deeply here: the text inside would be lost "
        "(flatten the nesting: at most 9 lists or 19 block quotes deep)"]


def test_html_nested_too_deeply_is_refused_with_the_file_line(tmp_path: Path) -> None:
    text = f"---\n{FRONT}---\n{PARAGRAPHS}<section>\n\n" + "<div>" * 1_000 + "\n"
    content = make_site(tmp_path, {"entries/cloud-shop.md": text})
    with pytest.raises(BuildError) as caught:
        read_content(content)
    assert [str(e).replace(f"{content}/", "") for e in caught.value.errors] == [
        "entries/cloud-shop.md:31: body: raw HTML here keeps more than 1,000 elements open at once (close the "
        "tags you open, or remove the markup)"]
    assert render_body("<div>" * 999 + "x\n").html_too_deep == -1


def test_nineteen_quotes_and_nine_lists_are_fine() -> None:
    for source in ("> " * 19 + "deep\n", "".join("  " * i + "- x\n" for i in range(9)) + "  " * 9 + "deep\n"):
        body = render_body(source)
        assert body.too_deep == -1 and "deep" in body.text


def test_raw_html_is_sanitised_and_script_links_are_dropped() -> None:
    body = render_body('<script>alert(1)</script>\n\nA <img src=x onerror=alert(2)> [a](javascript:alert(3)) '
                       "[b](JaVaScRiPt:alert(4)) [c](data:text/html,x) [d](vbscript:x) [e](https://ok.example/)\n")
    assert "<script" not in body.html and "alert(1)" not in body.html
    assert '<img src="x">' in body.html and "onerror" not in body.html
    assert body.html.count("<a ") == 1 and '<a href="https://ok.example/">e</a>' in body.html
    assert "[a](javascript:alert(3))" in body.html
    assert body.removed == ((0, "<script> and its content"), (2, "the onerror attribute of <img>"))


def test_jinja_syntax_in_a_body_is_text() -> None:
    assert "{{ 7*7 }} {% if x %}" in render_body("{{ 7*7 }} {% if x %}\n").html


def test_free_pages_keep_their_headings_and_have_no_paragraph_numbers() -> None:
    assert render_page("# About\n\nText.\n").html == "<h1>About</h1>\n<p>Text.</p>\n"


# --- plain paragraphs, headings and lists skip markdown-it: the output must be exactly what it gives ---------------

PIECES = [
    "Plain words in a line.", "Another plain line, with commas; colons: and dashes - inside.",
    "Speaker One: says something.", "He Gang: 你好\uff0c世界。", "张建锋\uff1a我们做了很多事情。", "Name:", "Name: ",
    '"Quoted," she said.', "'Single' quotes.", "“Curly” quotes.", "(Parenthesised) text.", "«Guillemets» here.",
    "2020 was a year.", "1. An ordered item.", "12) Another.", "- A bullet.", "* Star bullet.", "+ Plus bullet.",
    "# Heading", "## Sub heading", "===", "---", "***", "> Quoted block.", "    indented code", "\tTabbed.",
    "Trailing two spaces.  ", "Trailing one. ", "Trailing NBSP.\u00a0", "Trailing ideographic space.\u3000",
    "\u3000Leading ideographic space.", "A [link](https://example.org) here.", "An &amp; entity.", "A \\* escape.",
    "Some `code` here.", "Some *emphasis* here.", "Some _under_ score.", "A <b>tag</b>.", "~~strike~~",
    "[ref]: https://example.org", "```", "~~~", "A line with \"quote\" inside.", "Ends with a backslash\\",
    "Wait! Really? Yes.", "Price: $5 & up", "e-mail me@example.org", "Snake_case_word", "_leading underscore",
    "Ünïcödé line.", "Ωmega start.", "٣ Arabic digit.",
    # Headings and bullet lists, plain and not, which may be rendered without markdown-it too.
    "- Plain bullet item.", "- Another plain item.", "* Star plain item.", "+ Plus plain item.", "-  Two spaces.",
    "- *Emphasised* item.", "- 1. Nested order.", "  - Indented bullet.", "  Indented continuation.", "-",
    "## Plain heading", "### Another plain heading", "# Heading with #", "#NoSpace", "####### Seven",
    "## Heading ##", "##  Two spaces", "## *Emphasis* heading", "## 1. Numbered heading", "Text: - not a list",
    # Inline markup the fast path renders, and its near misses.
    "See [the report](https://example.org/report/0) now.", "A [link](http://a.example/x?y=z#f), then text.",
    "[Leading link](https://example.org) text.", "An ![image](https://example.org/i.png) here.",
    "A [Link](https://Example.org/A) upper.", "A [link](https://example.org/a%20b) escape.",
    "A [link](https://example.org/(x)) paren.", "A [link](https://example.org \"title\") title.",
    "A [link](/relative/path) relative.", "A [link](mailto:me@example.org) mail.", "Two [a](https://a.example)[b](https://b.example).",
    "Some *notes* here.", "Some **strong** words.", "Some *two words* here.", "End with *emphasis*.",
    "Some *emphasis*, then more.", "Some *emphasis*: colon.", "Inside*word*emphasis.", "Some * spaced * stars.",
    "Some *unclosed emphasis.", "Some ***triple*** stars.", "Some **strong*mixed* here**.", "Some *x*y after.",
    "Some *emphasis*) paren.", "Quote *“curly”* inside.", "Some `code` and `a*b` and `<tag> & \"q\"`.",
    "Some ` spaced ` code.", "Some ``double`` ticks.", "Some `unclosed code.", "Mixed *em* and `code` and [l](https://x.example).",
    "Speaker Two: *Emphasis* first.", "Speaker Three: [A link](https://example.org) first.", "Name: `code`",
    "Some *multi", "line* emphasis.", "Some [multi", "line](https://example.org) link.", "Some `multi", "line` code.",
    "Some _under_ and *star*.", "Digits *123* here.", "Ünï *cödé* here.", "Some *em*!", "Some *em*?",
    # Raw HTML, which goes to markdown-it and the sanitiser, and its near misses, which may not.
    "A <br> mid-paragraph.", "Breaks <br/> and <br />here.", "<small>small text</small>", "a<b", "<3 hearts",
    "x < y and y > z", "A &lt;b&gt; entity &amp; &#60; &copy;", "<https://example.org/auto>", "<me@example.org>",
    "Annotated [link](https://example.org) <small>(via x)</small>", "Code `<br>` and `<!-- x -->` here.",
    "<!-- a comment -->", "<!--", "-->", "<!-- Dear community contributors: edit below -->", "<sup>1</sup> note",
    'An <img src="https://example.org/i.png" alt="pic"> image.', "<img src=x onerror=alert(1)>", "<details>",
    "<summary>More</summary>", "</details>", "<p>A raw paragraph.</p>", '<p class="x" onclick="y">Raw attrs</p>',
    "<div>", "</div>", "<script>alert(1)</script>", "<script>", "</script>", "<style>p{}</style>", "<pre>",
    "</pre>", "<kbd>Ctrl</kbd>+<kbd>C</kbd>", "| a | b |", "|---|:-:|", "| 1 | 2 |", "~~gone~~ text",
    "See https://example.org/x now.", "Visit www.example.com today.", "Footnote[^1] here.", "[^1]: The note.",
    "```python", "<?php echo 1; ?>", "<!DOCTYPE html>", "<![CDATA[ x ]]>", "  <!-- indented comment",
    "Text <!-- inline comment --> text.", "Name: <b>bold</b> turn.", "张建锋\uff1a我们<br>继续。", "Ma Yun:hello there",
    "<textarea>", '<a href="javascript:alert(1)">x</a>', "- <small>item</small>", "> <br> in a quote",
    "<ScRiPt>alert(2)</sCrIpT>", "<svg onload=alert(3)>", "<math><mi>x</mi></math>", "<iframe src=x></iframe>",
    "", "", "",
]


def _documents(count: int) -> list[str]:
    import os
    import random

    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"documents from seed {seed} (BROADSHEET_SEED={seed} repeats them)")
    rng = random.Random(seed)
    # Blank lines a third of the time, so that many blocks are one or two lines and many are plain.
    return ["\n".join(rng.choice(PIECES) if rng.random() < 0.66 else "" for _ in range(rng.randint(1, 16)))
            for _ in range(count)]


def _reference(source: str, dialogue: bool, monkeypatch: pytest.MonkeyPatch) -> Body:
    import re

    import broadsheet.markdown as md

    with monkeypatch.context() as patch:  # nothing is plain, a heading or a list: markdown-it does it all
        patch.setattr(md, "_plain_line", lambda line: False)
        for name in ("_INLINE", "_HEADING", "_ITEM"):
            patch.setattr(md, name, re.compile(r"(?!)"))
        scan = md._scan  # and the sanitiser sees everything
        patch.setattr(md, "_scan", lambda tokens, depth: dataclasses.replace(scan(tokens, depth), raw=True))
        return md.render_body(source, dialogue)


class _Dom(HTMLParser):
    """An HTML fragment as a browser's tree sees it: `<br />` is `<br>`, `&quot;` in text is `"`."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("<", tag, *sorted(f"{k}={v}" for k, v in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("/", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            data = self.events.pop()[1] + data
        self.events.append(("text", data))


def _seen(body: Body) -> Body:
    return dataclasses.replace(body, html=repr(_Dom(body.html).events))


@pytest.mark.parametrize("dialogue", [False, True])
def test_plain_blocks_render_exactly_as_markdown_it_would(dialogue: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast paths and sanitising only what holds raw HTML give the page a browser would build from
    markdown-it's rendering of the whole body, all of it sanitised."""
    root = Path(__file__).resolve().parent.parent
    bodies = [p.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
              for folder in (root / "content/entries", root / "tests/fixtures/seeds")
              for p in sorted(folder.iterdir()) if p.is_file()]
    for source in [*bodies, *_documents(6000)]:
        assert _seen(render_body(source, dialogue)) == _seen(_reference(source, dialogue, monkeypatch)), source


@pytest.mark.parametrize(("source", "tags"), [
    ("# A\n\ntext\n\n## B\n\n### C\n", ["h3", "h4", "h5"]),
    ("## A\n\ntext\n\n### B\n\n#### C\n", ["h3", "h4", "h5"]),  # written for a site that had its own `#`
    ("### A\n\n> # B\n", ["h5", "h3"]),
    ("#### A\n\n##### B\n\n###### C\n", ["h3", "h4", "h5"]),
])
def test_body_headings_start_at_h3_and_leave_no_gap(source: str, tags: list[str]) -> None:
    import re

    assert re.findall(r"<(h\d)>", render_body(source).html) == tags


INLINE_PIECES = ["word", "Ünïcode", "中文", "\u00a0", "&", "&amp;", "&copy;", "&#60;", "<", ">", '"', "'", "a < b",
                 "<small>", "</small>", "<sup>", "</sup>", "<br>", "<br/>", "</br>", "<b>", "</i>", "<wbr>", "<SMALL>",
                 "<small class=x>", "<hr>", "<script>", "</script>", "<!-- note -->", "*em*", "**strong**",
                 "`code & <b>`", "~~gone~~", "[a link](https://example.org/a?b=1&c=2)", "https://example.org/x",
                 "![an image](https://example.org/i.png)", "\\*", "\\<", "\n", "  \n", " ", "[^1]"]


def test_text_of_lines_with_bare_tags_is_what_the_sanitiser_leaves() -> None:
    """A line whose raw HTML is only bare inline tags and breaks has its text taken without rendering and
    sanitising it; on random lines, that text must be exactly what rendering and sanitising give."""
    import os
    import random

    from broadsheet import markdown

    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"lines from seed {seed} (BROADSHEET_SEED={seed} repeats them)")
    rng = random.Random(seed)
    md = markdown._md()
    rendered = 0  # lines whose text was read from their rendered, sanitised HTML
    html_text = markdown._html_text

    def counted(html: str) -> str:
        nonlocal rendered
        rendered += 1
        return html_text(html)

    taken = 0
    for _ in range(3000):
        source = " ".join(rng.choice(INLINE_PIECES) for _ in range(rng.randint(1, 12))) + "\n\n[^1]: A note.\n"
        for token in md.parse(source):
            if token.type != "inline" or not any(child.type == "html_inline" for child in token.children or ()):
                continue
            before = rendered
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(markdown, "_html_text", counted)
                fast = markdown._scan([token], 0).texts
            if rendered == before:
                taken += 1
                full = markdown._html_text(md.renderer.render(token.children or [], md.options, {}))
                assert fast == [full], (seed, source)
    assert taken > 500, taken  # the shortcut was tried often enough to mean something


# Markup that parsers disagree on or give up at: declarations, processing instructions, unclosed and
# misnested tags, elements the sanitiser drops with their content, broken entities, control characters.
HOSTILE_PIECES = [*INLINE_PIECES, "\n\n", "- ", "1. ", "> ", "# ", "```\n", "~~~\n", "    ", "\t", "<div>", "</div>",
                  "<details>", "<p>", "</p>", "| a | b |\n|---|---|\n| c | d |\n", "---\n", "[x]: https://e.org\n",
                  "<table>", "<td>", "<!--", "-->", "--!>", "<!-->", "<!", "<![", "<![CDATA[", "]]>", "<![if !x]>",
                  "<![endif]>", "<?", "?>", "<?xml version='1.0'?>", "<!DOCTYPE html>", "</", "</ >", "<a href=",
                  '<a href="javascript:alert(1)">', "<svg><script>alert(1)</script></svg>", "<math>", "<style>",
                  "<textarea>", "<select>", "<template>", "<iframe src=x>", "&#0;", "&#x110000;", "&#xD800;", "&#",
                  "\x00", "\ufeff", "\u2028", "\r", "\x0b", "[^", "![", "](", "<http://a.b>", "[a](http://%zz)",
                  "[a](JAVASCRIPT:x)", "*" * 30, "[" * 40, ">" * 25, "<div>" * 30, "He Gang: ", "张建锋\uff1a"]


def test_no_body_stops_the_reader() -> None:
    """Whatever a body holds, rendering it gives a page or a problem to report, never an exception:
    random bodies of hostile markup, as an entry, an interview and a free page."""
    import os
    import random
    import re

    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"bodies from seed {seed} (BROADSHEET_SEED={seed} repeats them)")
    rng = random.Random(seed)
    for _ in range(3000):
        source = "".join(rng.choice(HOSTILE_PIECES) + rng.choice([" ", "\n", "\n\n", ""])
                         for _ in range(rng.randint(1, 30)))
        for render in (render_body, lambda text: render_body(text, dialogue=True), render_page):
            try:
                body = render(source)
            except Exception as exc:
                raise AssertionError(f"seed {seed}: {exc!r} on {source!r}") from exc
            tags = [event for event in _Dom(body.html).events if event[0] == "<"]  # text may say anything
            assert not [tag for tag in tags if tag[1] == "script" or any(
                re.match(r"(?:href|src)=\s*javascript:", attribute, re.I) for attribute in tag[2:])], (seed, source)


# Addresses linkify-it links and near misses: schemes in any case, bare and escaped ones, e-mail
# addresses, and text that only looks like them. Pieces are joined with and without spaces, so that
# an address may follow a word, a tag or punctuation directly.
_ADDRESS_PIECES = [
    "http://a.example", "HTTP://B.EXAMPLE/X", "https://c.example/p?q=1#f", "Https://D.example", "ftp://f.example/x",
    "//cdn.example/lib.js", "mailto:me@example.org", "MAILTO:Me@Example.org", "me@example.org", "a_b@c-d.example",
    "user@localhost", "@handle", "a@b", "x@y.z", "http:/one-slash", "http:example", "www.example.com",
    "example.com", "see: this", "x://y.example", "http\u017f://long-s.example", "1.2.3.4", "http://1.2.3.4:8080/",
    "http://例え.jp/パス", "https://ex.example/é?q=ü", "[link](https://l.example) and", "<https://auto.example>",
    '<a href="https://x.example">https://y.example</a>', "`https://code.example`", "\\http://esc.example",
    "http&#58;//ent.example", "&#64;", "me&#64;example.org", "**https://bold.example**", "*mailto:e@example.org*",
    "| https://cell.example | me@cell.example |", "|---|---|", "- https://item.example", "  - nested me@x.example",
    "<b>x</b>@y.example", "(https://paren.example)", "https://trail.example.", "\uff1a//", "\u3000@",
    "text", "words here", ":", "/", "//", "@", "...", "", "\n", "\n\n",
]


def test_linkify_links_what_linkify_it_as_released_links() -> None:
    """The configured linkify-it skips its patterns where no address can be (`_linkifier`): every
    document renders as with linkify-it itself."""
    import os
    import random

    from linkify_it import LinkifyIt

    import broadsheet.markdown as md

    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"documents from seed {seed} (BROADSHEET_SEED={seed} repeats them)")
    rng = random.Random(seed)
    released = LinkifyIt()
    released.set(md.LINKIFY_OPTIONS)
    configured = md._md()
    ours = configured.linkify
    assert type(ours) is not LinkifyIt  # the shortcut is on, else this test compares a thing with itself
    try:
        for _ in range(3000):
            document = "".join(rng.choice(_ADDRESS_PIECES) + rng.choice(["", " ", " ", "\n"])
                               for _ in range(rng.randint(1, 12)))
            configured.linkify = ours
            fast = configured.render(document)
            configured.linkify = released
            assert fast == configured.render(document), (seed, document)
    finally:
        configured.linkify = ours


def test_plain_addresses_are_normalised_as_markdown_it_normalises_them() -> None:
    """The shortcut for plain http(s) addresses (`_PLAIN_ADDRESS`) gives what markdown-it's own
    normalizeLink gives, on random addresses in and around its pattern: long labels and hosts, ports,
    upper case, non-ASCII, escapes and characters percent-encoding changes."""
    import os
    import random

    from markdown_it.common.normalize_url import normalizeLink

    import broadsheet.markdown as md

    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"addresses from seed {seed} (BROADSHEET_SEED={seed} repeats them)")
    rng = random.Random(seed)
    shortcut = md._normalized(normalizeLink)
    schemes = ["http://", "https://", "https://", "HTTP://", "Https://", "ftp://", "//", "mailto:", "", "http:/"]
    # Half the addresses from the pattern's own characters, half with odd ones among them.
    label_chars = ["abcxyz0189-", "abcxyz0189-" * 4 + "A_é.%@:"]
    path_chars = ["abz09._~/?#=&+,;:!$'()*-", "abz09._~/?#=&+,;:!$'()*-" * 3 + "%2Fz@[]\\ é\"<>`|^{}\t"]
    plain = 0
    for _ in range(20000):
        odd = rng.random() < 0.5
        labels = [("".join(rng.choice(label_chars[odd]) for _ in range(rng.choice([0, 1, 3, 8, 62, 63, 64, 70]))))
                  for _ in range(rng.choice([1, 2, 2, 3, 4, 5, 40]))]
        port = rng.choice(["", "", ":80", ":8080", ":", ":99999", ":x1"])
        path = rng.choice(["", "/", "?", "#"]) + "".join(rng.choice(path_chars[odd]) for _ in range(rng.randint(0, 30)))
        url = rng.choice(schemes[:3] if rng.random() < 0.5 else schemes) + ".".join(labels) + port + path
        plain += md._PLAIN_ADDRESS.fullmatch(url) is not None
        assert shortcut(url) == normalizeLink(url), (seed, url)
    assert plain > 500  # the pattern's own addresses, not only the ones it leaves to markdown-it
    assert md._PLAIN_ADDRESS.fullmatch("https://papers.example.edu/protocol/36520?q=1#top")
