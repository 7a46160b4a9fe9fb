"""Raw HTML in bodies: what real documents use renders, nothing executable reaches a built page, what is
taken out is told to the curator by `check`, and the Markdown that archives use renders as GitHub shows it."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.markdown import render_body

from .conftest import ENTRY, make_site
from .test_errors_cli import cli

HEAD, _, _ = ENTRY.rpartition("---\n")
INTRO = "The first paragraph says that shops in the city are changing how they work.\n\n"
OUTRO = '\n\nThe second paragraph quotes a founder. "Renting is cheaper than owning." He said it twice.\n'

# Each is a known way past sanitisers that look at text instead of parsing it as a browser does.
BYPASSES = {
    "mixed-case script": "<ScRiPt>alert(1)</sCrIpT>",
    "script split over lines": "<script\n>alert(1)</script\n>",
    "entity-encoded javascript:": '<a href="&#106;avascript:alert(1)">link</a>',
    "hex entity javascript:": '<a href="&#x6A;&#x61;vascript:alert(1)">link</a>',
    "tab inside javascript:": '<a href="java&#x09;script:alert(1)">link</a>',
    "newline inside javascript:": '<a href="java\nscript:alert(1)">link</a>',
    "leading space javascript:": '<a href=" javascript:alert(1)">link</a>',
    "vbscript:": '<a href="vbscript:msgbox(1)">link</a>',
    "svg onload": "<svg onload=alert(1)><circle r=1 /></svg>",
    "svg script": "<svg><script>alert(1)</script></svg>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "img onerror without quotes or spaces": "<img/src=x/onerror=alert(1)>",
    "body onload": "<body onload=alert(1)>",
    "nested comments": "<!-- <!-- --> <script>alert(1)</script> -->",
    "unterminated comment": "<!-- <script>alert(1)</script>",
    "comment closed early": "<!--> <img src=x onerror=alert(1)> -->",
    "unclosed tags": "<div><span><a href='javascript:alert(1)'>link",
    "unclosed attribute": '<img src="x onerror=alert(1)',
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "style": "<style>body { background: url(javascript:alert(1)) }</style>",
    "style attribute": '<p style="background:url(javascript:alert(1))">styled</p>',
    "math": '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "math href": '<math href="javascript:alert(1)">click</math>',
    "data:text/html link": '<a href="data:text/html,<script>alert(1)</script>">link</a>',
    "data:text/html base64": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "form action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base href": '<base href="javascript:alert(1)//">',
    "noscript breakout": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template": "<template><script>alert(1)</script></template>",
    "details ontoggle": "<details open ontoggle=alert(1)><summary>s</summary>x</details>",
    "markdown javascript: link": "[link](javascript:alert(1))",
    "markdown autolink javascript:": "<javascript:alert(1)>",
    "markdown image onerror": '![x](https://example.org/x.png" onerror="alert(1))',
}
_EXECUTABLE_TAGS = {"script", "iframe", "frame", "object", "embed", "style", "svg", "math", "form", "meta", "base",
                    "link", "template", "noscript", "body", "button"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "background", "poster"}


class _Live(HTMLParser):
    """Everything in a page a browser could run."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _EXECUTABLE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", html.unescape(value or "")).lower()
            if name.startswith("on") or name == "style":
                self.found.append(f"{name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and re.match(r"(?:javascript|vbscript|data:(?!image/(?:png|gif|jpeg|webp)))",
                                                      url):
                self.found.append(f"{name}={value} on <{tag}>")

    def handle_comment(self, data: str) -> None:
        self.found.append("<!--")


def _article(page: str) -> str:
    return page[page.index('<section class="body"'): page.index('<section class="tags"')]


@pytest.fixture(scope="module")
def bypass_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bypass")
    # The payload comes last: an unterminated comment or script hides the rest of the body, as in a browser.
    files = {f"entries/bypass-{n}.md": f"{HEAD}---\n{INTRO}{OUTRO.strip()}\n\n{payload}\n" for n, payload in
             enumerate(BYPASSES.values())}
    build(Options(content=make_site(root, files), out=root / "site", search=False, use_cache=False))
    return root / "site"


@pytest.mark.parametrize(("n", "name"), list(enumerate(BYPASSES)))
def test_known_bypasses_leave_nothing_executable_on_the_page(bypass_site: Path, n: int, name: str) -> None:
    page = (bypass_site / f"entries/bypass-{n}/index.html").read_text("utf-8")
    article = _article(page)
    assert _Live(article).found == [], name
    assert "alert(1)" not in re.sub(r"<[^>]*>", "", html.unescape(article)) or name.startswith("markdown"), name
    assert 'id="p-1"' in article and "Renting is cheaper than owning." in article  # the text around it stays


def test_what_real_documents_use_is_kept() -> None:
    source = ("Line one<br>line two <small>(via Example)</small> H<sub>2</sub>O E=mc<sup>2</sup> "
              "<kbd>Ctrl</kbd> <abbr title=\"HyperText\">HTML</abbr> <mark>marked</mark> <del>old</del> "
              "<ins>new</ins> <s>struck</s> <img src=\"https://example.org/a.png\" alt=\"A\" width=\"20\"> "
              "<img src=\"images/b.png\" alt=\"B\">\n\n"
              "<details>\n<summary>More</summary>\n\nHidden **text**.\n\n</details>\n\n"
              "<figure><img src=\"/c.png\" alt=\"C\"><figcaption>Caption</figcaption></figure>\n\n"
              "<table><tr><th>H</th></tr><tr><td>D</td></tr></table>\n")
    body = render_body(source)
    for kept in ("Line one<br>line two", "<small>(via Example)</small>",
                 "H<sub>2</sub>O", "<sup>2</sup>", "<kbd>Ctrl</kbd>", '<abbr title="HyperText">HTML</abbr>',
                 "<mark>marked</mark>", "<del>old</del>", "<ins>new</ins>", "<s>struck</s>",
                 '<img src="https://example.org/a.png" alt="A" width="20">', '<img src="images/b.png" alt="B">',
                 "<summary>More</summary>", "<strong>text</strong>", "<figcaption>Caption</figcaption>",
                 '<img src="/c.png" alt="C">', "<th>H</th>", "<td>D</td>"):
        assert kept in body.html, kept
    assert re.search(r"<details>.*Hidden <strong>text</strong>.*</details>", body.html, re.S)  # wraps the Markdown
    assert body.removed == ()
    assert "Line one line two (via Example) H2O" in body.text


def test_an_html_paragraph_is_numbered_and_other_html_blocks_are_not() -> None:
    body = render_body('First.\n\n<p class="lead" onclick="x()">Raw <b>paragraph</b>.</p>\n\n<div>A div.</div>\n\n'
                       "Last.\n")
    assert body.paragraphs == 3
    assert '<p data-n="2"><span id="p-2"></span>Raw <b>paragraph</b>.</p>' in body.html
    assert '<div>A div.</div>' in body.html and '<p data-n="3"><span id="p-3"></span>Last.</p>' in body.html
    assert body.removed == ((2, "the class attribute of <p>, the onclick attribute of <p>"),)


def test_check_tells_what_readers_will_not_see(tmp_path: Path) -> None:
    body = (f"{INTRO}<!-- Dear community contributors: add links below -->\n\nA tip <img src=x onerror=alert(1)> "
            "and\n<script>alert(2)</script> then.\n" + OUTRO)
    make_site(tmp_path, {"entries/cloud-shop.md": f"{HEAD}---\n{body}",
                         "pages/about.md": "---\ntitle: About\n---\n\n<style>p{}</style>\n\nWho we are.\n"})
    result = cli(tmp_path, "check", "--content", "content")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "note: content/entries/cloud-shop.md:25: body: raw HTML left out of the page: an HTML comment\n"
        "note: content/entries/cloud-shop.md:27: body: raw HTML left out of the page: the onerror attribute of <img>\n"
        "note: content/entries/cloud-shop.md:28: body: raw HTML left out of the page: <script> and its content\n"
        "note: content/pages/about.md:5: body: raw HTML left out of the page: <style> and its content\n"
        "ok: 1 entries, 0 drafts, no problems found\n")
    built = cli(tmp_path, "build", "--content", "content", "--no-search")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site/entries/cloud-shop/index.html").read_text("utf-8")
    assert "Dear community" not in page and "alert(" not in page
    # A <script> opening a line ends the paragraph, as CommonMark says; the script goes, its tail stays.
    assert '<p data-n="2"><span id="p-2"></span>A tip <img src="x"> and</p>\n then.\n' in page


@pytest.mark.parametrize("declaration", ["<![an image](https://example.org/x.png)", "<![ x", "<![foo[bar]]>"])
def test_a_markup_declaration_of_no_known_kind_is_told_and_left_out(tmp_path: Path, declaration: str) -> None:
    """`<!` and `[` then anything but CDATA or an Office condition: browsers read a comment up to the
    next `>`, and so does the build, which tells the curator instead of stopping with a traceback."""
    body = f"{INTRO}<div>\n{declaration}\n</div>\n\nAfter <b>it</b>.\n{OUTRO}"
    make_site(tmp_path, {"entries/cloud-shop.md": f"{HEAD}---\n{body}"})
    result = cli(tmp_path, "build", "--content", "content", "--no-search")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("warning: content/entries/cloud-shop.md:25: body: raw HTML left out of the page: "
                             "a markup declaration\n")
    page = (tmp_path / "site/entries/cloud-shop/index.html").read_text("utf-8")
    assert "<![" not in page and "After <b>it</b>." in page


def test_quotes_and_the_summary_check_read_what_readers_see(tmp_path: Path) -> None:
    body = (f"{INTRO}He said: <q>renting<br>is <b>cheaper</b></q><!-- owning --> than owning.\n\n"
            "<p>A raw paragraph says renting beats owning for the corner shops we visited this spring.</p>\n" + OUTRO)
    text = (f"{HEAD}---\n{body}").replace('  - text: "Renting is cheaper than owning."',
                                          '  - text: "renting is cheaper than owning."')
    summary = "summary: A raw paragraph says renting beats owning for the corner shops we visited this spring."
    text = re.sub(r"summary: >-\n  .*\n", summary + "\n", text)
    make_site(tmp_path, {"entries/cloud-shop.md": text})
    result = cli(tmp_path, "check", "--content", "content")
    assert result.returncode == 1
    assert result.stderr == (
        "error: content/entries/cloud-shop.md:10: summary: copies 12+ consecutive words from the source text: "
        "\"A raw paragraph says renting beats owning for the corner shops we\" "
        "(write the summary in your own words)\n")


MARKDOWN = """\
| Project | Stars |
|:--------|------:|
| broadsheet | 12 |

~~Old~~ news, see https://example.org/page and <https://example.org/auto> or write to me@example.org.

```python
print("<b>not a tag</b>")
```

A claim[^1].

[^1]: Where it comes from.
"""


def test_archive_markdown_renders_as_on_github() -> None:
    body = render_body(MARKDOWN)
    for rendered in ('<th style="text-align:left">Project</th>', '<td style="text-align:right">12</td>',
                     "<s>Old</s> news", '<a href="https://example.org/page">https://example.org/page</a>',
                     '<a href="https://example.org/auto">https://example.org/auto</a>',
                     '<a href="mailto:me@example.org">me@example.org</a>',
                     '<pre tabindex="0"><code class="language-python">print(&quot;&lt;b&gt;not a tag&lt;/b&gt;&quot;)',
                     '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>',
                     '<li id="fn1" class="footnote-item"><p>Where it comes from. <a href="#fnref1" '
                     'class="footnote-backref">'):
        assert rendered in body.html, rendered
    assert body.paragraphs == 2 and body.removed == ()


# --- one speaker rule: `add` guesses interviews with it and entry pages show the turns ----------------------

SPEAKER_CASES = [
    ("张建锋\uff1a我们做了很多事情。", "张建锋"), ("Ma Yun:hello", "Ma Yun"), ("He Gang: 你好\uff0c世界。", "He Gang"),
    ("Speaker One: says something.", "Speaker One"), ("Jack Ma : spaced colon.", "Jack Ma"),
    ("马云 \uff1a 空格。", "马云"), ("Dr. Li: a title.", "Dr. Li"), ("O'Brien: an apostrophe.", "O'Brien"),
    ("Name:", ""), ("Name: ", ""), ("lowercase: not a name.", ""),
    ("Four Capital Words Here: yes.", "Four Capital Words Here"),
    ("Five Capital Words Are Here: no.", ""), ("张: one hanzi.", ""), ("欧阳建国同志: five hanzi.", ""),
    ("Price: $5 & up", "Price"), ("2020: a year.", ""), ("Note - no colon", ""), ("A sentence. Then: this.", ""),
    ("Mr Smith said: yes.", ""),
]


@pytest.mark.parametrize(("text", "name"), SPEAKER_CASES)
def test_add_and_the_entry_page_agree_on_speaker_turns(text: str, name: str) -> None:
    from broadsheet.cleanup import SPEAKER

    found = SPEAKER.match(text)
    assert (found["name"] if found else "") == name
    shown = re.search(r'<strong class="speaker">(.*?)</strong>', render_body(text + "\n", dialogue=True).html)
    assert (html.unescape(shown.group(1)) if shown else "") == name


def test_add_guesses_an_interview_the_page_shows_as_one(tmp_path: Path) -> None:
    raw = tmp_path / "talk.txt"
    raw.write_text("Cloud talk with a founder\n\n张建锋\uff1a我们做了很多事情。\n\n马云\uff1a是的\uff0c我们做了。\n\n"
                   "张建锋\uff1a还有呢\uff1f\n\n马云\uff1a还有很多。\n", encoding="utf-8")
    make_site(tmp_path)
    result = cli(tmp_path, "add", str(raw), "--content", "content")
    assert result.returncode == 0, result.stderr
    written = next(p for p in (tmp_path / "content/entries").iterdir() if p.name != "cloud-shop.md")
    text = written.read_text("utf-8")
    assert "kind: interview" in text
    body = render_body(text.split("\n---\n", 1)[1], dialogue=True)
    assert body.html.count('class="turn"') == 4
