"""Markdown text -> HTML with numbered top-level paragraphs, the plain text the checks read, and what
raw HTML the page leaves out.

One configured MarkdownIt: CommonMark with GitHub's tables, strikethrough and bare-address links, and
footnotes; raw HTML is parsed and then sanitised (`broadsheet.sanitise`), links pass `safe_url` (no
`javascript:`, `vbscript:`, `file:` or non-image `data:` links), nesting is capped so hostile input
stays fast.
"""

from __future__ import annotations

import functools
import html as htmllib
import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .sanitise import MAX_HTML_DEPTH, open_depth, removed, safe_url, sanitise

if TYPE_CHECKING:
    from linkify_it import LinkifyIt
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import OptionsDict

# markdown-it stops parsing blocks nested this deep and silently drops the rest of the document, so
# `_scan` reports where that would happen and the reader refuses the file instead. The cap also
# bounds inline work: 200,000 `[` take ~1.5 s at 20 and ~6 s at 100.
MAX_NESTING = 20


@functools.cache
def _md() -> MarkdownIt:
    """The one configured MarkdownIt, made on first use: a rebuild that parses nothing never imports it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough", "linkify"]).use(footnote_plugin)
    md.linkify = _linkifier()
    md.validateLink = safe_url  # type: ignore[method-assign]  # markdown-it's documented way to vet links
    md.normalizeLink = _normalized(md.normalizeLink)  # type: ignore[method-assign,assignment]
    # Wide code and tables scroll inside the column (see style.css): keyboard readers must be able to
    # focus them to scroll them. The sanitiser gives raw HTML's <pre> and <table> the same.
    for name in ("fence", "code_block"):
        md.add_render_rule(name, _focusable(cast("RendererHTML", md.renderer).rules[name]))
    md.add_render_rule("table_open", lambda self, tokens, idx, options, env: '<table tabindex="0">\n')
    md.add_render_rule("paragraph_open", _paragraph_open)
    return md


# Addresses written out with their scheme (and e-mail addresses) become links, as on GitHub; a bare
# `example.com` stays text, so prose mentioning a file name or a domain is left alone.
LINKIFY_OPTIONS = {"fuzzy_link": False}
_SCHEMES = {"http:", "https:", "ftp:", "//", "mailto:"}  # linkify-it's own, which _linkable knows


def _linkifier() -> LinkifyIt:
    """linkify-it with LINKIFY_OPTIONS, skipping its patterns where `_linkable` rules an address out.

    markdown-it asks it about every paragraph, list item and table cell, then about each piece of
    text in those it may link: its patterns cover every script's punctuation and every top-level
    domain, and the link lists of archive-shaped bodies make most of them ask. A substring test
    answers most of them: the links are the same (a test compares the two on random text)."""
    from linkify_it import LinkifyIt

    class Linkifier(LinkifyIt):  # type: ignore[misc]  # linkify-it-py has no type hints
        def pretest(self, text: str) -> bool:
            return _linkable(text)  # text with no address in it has no piece with one

        def test(self, text: str) -> bool:
            return _linkable(text) and bool(super().test(text))

    linkifier = Linkifier()
    linkifier.set(LINKIFY_OPTIONS)
    # _linkable knows these schemes and no fuzzy links: a linkify-it that knew others would link more.
    if {name for name in linkifier._compiled if name} != _SCHEMES or linkifier._opts["fuzzy_link"] \
            or linkifier._opts["fuzzy_ip"]:
        raise RuntimeError("linkify-it links more than _linkable knows: update _linkable and _SCHEMES")
    return linkifier


# An http(s) address that markdown-it's normalizeLink gives back as it is: a lowercase ASCII host of
# dotted labels of at most 63 characters (a longer label, or a host past 255, is cut), an optional
# port, then only characters its percent-encoding keeps (no `%`, `@`, `[` or backslash).
_PLAIN_ADDRESS = re.compile(r"https?://(?=[a-z0-9.-]{1,255}(?:[:/?#]|$))(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}"
                            r"(?::[0-9]{1,5})?(?:[/?#][A-Za-z0-9._~/?#=&+,;:!$'()*-]*)?")


def _normalized(normalize: Callable[[str], str]) -> Callable[[str], str]:
    """markdown-it's normalizeLink, answering at once for plain http(s) addresses (_PLAIN_ADDRESS).

    It parses every link's address, re-encodes its host and percent-encodes the rest; the links of
    archive-shaped bodies are nearly all plain addresses, which come back unchanged. A test compares
    the two on random addresses."""
    def normalize_link(url: str) -> str:
        return url if _PLAIN_ADDRESS.fullmatch(url) else normalize(url)
    return normalize_link


def _focusable(render: Callable[..., str]) -> Callable[..., str]:
    def rule(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
        return render(tokens, idx, options, env).replace("<pre", '<pre tabindex="0"', 1)
    return rule


def prepare() -> None:
    """Set markdown-it up now: before forking workers that will all need it, it is done once."""
    _md()


_LEAVES = ("paragraph_open", "heading_open")  # their text is parsed inline, so nothing is dropped
# A line markdown-it would read as plain text whatever surrounds it: it starts with a letter, digit
# or opening quote (but is no ordered-list item), has no inline syntax, entity or escape, and no
# trailing or leading white space (hard breaks, indentation) and no tab.
_OPENS_PARAGRAPH = r"""^(?!\d{1,9}[.)])(?:[^\W_]|["'(\u201c\u2018\u00ab])"""
_SYNTAX = "`*_[]<>&\\~\t"  # what inline syntax, entities and escapes start with, and the tab
# Fenced code, link reference definitions and footnotes, and the raw HTML blocks that run on past a blank
# line: comments, declarations, and <script>, <pre>, <style> and <textarea>.
_FAR_REACHING = re.compile(r"^ {0,3}(?:```|~~~|\[|<[!?]|<(?i:script|pre|style|textarea)(?:[\s>]|$))")
# A one-line heading and a bullet list item whose text is as plain as a plain line.
_HEADING = re.compile(r"^(#{1,6}) (?!#)([^#]*)$")
_ITEM = re.compile(r"^([-*+]) (.*)$")
# Inline markup in its simplest forms, rendered here as markdown-it renders it: a link with plain text
# to an http(s) address of plain characters, not an image; *emphasis* and **strong emphasis** of plain
# words, opening after a space and closing before a space or a full stop, comma and the like; and
# `code` without a backtick or space at its ends. A line with only these and plain text is "inline".
_INLINE = re.compile(
    r"(?<!!)\[(?P<text>[^\W_][^`*_\[\]<>&\\~\t]*)\]\((?P<url>https?://[a-z0-9/:._~?=#+-]+)\)"
    r"|(?<= )(?P<stars>\*\*?)(?P<em>[^\W_](?:[^`*_\[\]<>&\\~\t]*[^\W_])?)(?P=stars)(?=[ .,;:!?]|$)"
    r"|`(?P<code>[^`\s](?:[^`]*[^`\s])?)`")
# An opening <p> tag as markdown-it reads one (its attributes may hold `>` in quotes).
_P_OPEN = re.compile(r"""^ {0,3}<[pP](?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*"""
                     r"""(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)*\s*>""")
# A line that can only begin or continue a paragraph: after it, a blank line closes every block.
_PARAGRAPH_START = re.compile(_OPENS_PARAGRAPH)
# A name opening a paragraph ("He Gang: ", or "张建锋" and a full-width colon): up to four capitalised
# words or 2-4 hanzi, then a colon, then the words spoken. `add` reads interviews with it and entry
# pages show the turns with it.
SPEAKER = re.compile(r"^(?P<name>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}|[\u4e00-\u9fff]{2,4})"
                     r" ?[:\uff1a] ?(?=\S)")


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    paragraphs: int  # top-level paragraphs, numbered from 1
    text: str  # plain text of the whole body, as readers see it, for quote and originality checks
    too_deep: int = -1  # 0-based source line where nesting reaches the cap and text would be lost, or -1
    removed: tuple[tuple[int, str], ...] = ()  # (0-based source line, what) of raw HTML the page leaves out
    html_too_deep: int = -1  # 0-based source line where raw HTML opens more than MAX_HTML_DEPTH elements, or -1
    # (0-based source line, href) of each link and image, as markdown-it normalises the href: the
    # link checks read them here rather than parse the Markdown a second time.
    hrefs: tuple[tuple[int, str], ...] = ()


def render_body(source: str, dialogue: bool = False) -> Body:
    """Render an entry body; with `dialogue`, a paragraph opening with `Name:` becomes a speaker turn.

    Most of a source document is plain paragraphs, with a heading or a short list here and there.
    Those are rendered directly, exactly as markdown-it would render them; everything else goes
    through markdown-it, a run of such blocks at a time, and a run with raw HTML in it through the
    sanitiser too.
    """
    html: list[str] = []
    texts: list[str] = []
    gone: list[tuple[int, str]] = []
    hrefs: list[tuple[int, str]] = []
    count = 0
    too_deep = -1
    raw_html = False
    depth, html_too_deep = 0, -1
    md = _md()
    pieces = [(first_line, chunk, kind, md.parse(chunk) if kind == MARKDOWN else [])
              for first_line, chunk, kind in segments(source)]
    # The body's own top heading level becomes h3, under the page's h2, and the others follow it.
    top = min((int(t.tag[1]) for *_, tokens in pieces for t in tokens if t.type == "heading_open"), default=6)
    top = min([top, *(chunk.index(" ") for _, chunk, kind, _ in pieces if kind == HEADING)])
    for first_line, chunk, kind, tokens in pieces:
        if kind == PLAIN:
            count += 1
            text = chunk.replace("\n", " ")
            texts.append(text)
            html.append(_plain_paragraph(chunk, text, count, dialogue))
        elif kind == INLINE:
            count += 1
            html.append(_inline_paragraph(chunk, count, dialogue, texts, hrefs, first_line))
        elif kind == HEADING:
            html.append(_heading(chunk, top, texts))
        elif kind == LIST:
            html.append(_list(chunk, texts))
        else:
            scan = _scan(tokens, depth)
            depth = scan.depth
            if scan.html_too_deep >= 0 and html_too_deep < 0:
                html_too_deep = scan.html_too_deep + first_line
            if html_too_deep < 0:  # else the body is refused: reading its HTML would take too long
                gone.extend((first_line + line, what) for line, what in scan.removed)
                texts.extend(scan.texts)
            count = _number(tokens, count, top, dialogue)
            hrefs.extend((first_line + line, href) for line, href in scan.hrefs)
            html.append(md.renderer.render(tokens, md.options, {}))
            raw_html = raw_html or scan.raw
            if scan.too_deep >= 0 and too_deep < 0:
                too_deep = scan.too_deep + first_line
    # The whole body at once: a tag opened in one block of raw HTML and closed in a later one
    # (<details> around Markdown) wraps what is between, as it does where the author previewed it.
    # A body refused for its depth is not sanitised (that is what would take too long) and shows nothing.
    safe = "" if html_too_deep >= 0 else sanitise("".join(html)) if raw_html else "".join(html)
    return Body(safe, count, " ".join(texts), too_deep, tuple(gone), html_too_deep, tuple(hrefs))


@dataclass(slots=True)
class _Scan:
    """What one pass over a run of markdown-it's tokens finds (`_scan`); lines are 0-based in the run."""

    depth: int  # elements raw HTML leaves open after the run
    html_too_deep: int = -1  # line where raw HTML opens more than MAX_HTML_DEPTH elements, or -1
    too_deep: int = -1  # line of the first container opened at the nesting cap (its content is dropped), or -1
    # Whether the run holds raw HTML. Only raw HTML can bring what the sanitiser removes: markdown-it's
    # own output is on its allow-list (tests check that sanitising it changes nothing a browser sees),
    # so a body without raw HTML skips the sanitiser, which keeps builds fast.
    raw: bool = False
    removed: list[tuple[int, str]] = field(default_factory=list)  # (line, what) the sanitiser takes out
    texts: list[str] = field(default_factory=list)  # each block's text as the reader sees it
    hrefs: list[tuple[int, str]] = field(default_factory=list)  # (line, href) of each link and image


def _scan(tokens: list[Token], depth: int) -> _Scan:
    """Read a run of tokens, with `depth` elements left open by raw HTML before it, in one pass: a body
    has thousands of tokens, and one walk over them serves the link checks, the raw-HTML checks and
    the text the quote checks read.

    Once raw HTML opens more than MAX_HTML_DEPTH elements, its removals and texts are no longer read:
    the body is refused, and reading HTML that deep is what would take too long.
    """
    scan = _Scan(depth)
    for token in tokens:
        kind = token.type
        if kind == "inline":
            _scan_inline(token, scan)
        elif kind == "html_block":
            scan.raw = True
            if scan.html_too_deep < 0 and _deeper(token, token.content, scan):
                if what := removed(token.content):
                    scan.removed.append((token.map[0] if token.map else 0, ", ".join(what)))
                scan.texts.append(_html_text(token.content))
        elif token.nesting == 1 and token.level >= MAX_NESTING - 1 and scan.too_deep < 0 and kind not in _LEAVES:
            scan.too_deep = token.map[0] if token.map else 0
    return scan


def _deeper(token: Token, html: str, scan: _Scan) -> bool:
    """Count the elements raw `html` (in `token`) leaves open; False once they are too many."""
    scan.depth = open_depth(html, scan.depth)
    if scan.depth > MAX_HTML_DEPTH:
        scan.html_too_deep = token.map[0] if token.map else 0
        return False
    return True


_BREAKS = {"softbreak": " ", "hardbreak": "  "}  # as _html_text leaves "\n" and "<br />\n"
_BARE_TAG = re.compile(r"</?([a-z][a-z0-9]*)\s*/?>\Z")  # a tag with no attributes


def _scan_inline(inline: Token, scan: _Scan) -> None:
    """An inline token's links, raw HTML and text, for `_scan`.

    Its text is taken from its children when its raw HTML, if any, is only bare inline tags and line
    breaks (`<small>`, `</sup>`, `<br>`), as _html_text gives it, without rendering and sanitising the
    line: the inline tags, markdown-it's (emphasis, links) and the raw ones, vanish, a break is a
    space, text stays as it is. Archived pages are full of such lines. Any other markup has the line
    rendered and read by _html_text."""
    line = inline.map[0] if inline.map else 0
    parts: list[str] = []
    html = hard = False
    tagged = True  # the text can be taken from the children
    for child in inline.children or ():
        kind = child.type
        if kind == "text" or kind == "code_inline":
            parts.append(child.content)
        elif kind in _BREAKS:
            line += 1
            parts.append(_BREAKS[kind])
            hard = hard or kind == "hardbreak"
        elif kind == "html_inline":
            html = scan.raw = True
            if scan.html_too_deep < 0 and _deeper(inline, child.content, scan) and (what := removed(child.content)):
                scan.removed.append((line, ", ".join(what)))
            tag = _BARE_TAG.match(child.content) if tagged else None
            if tag is not None and tag[1] in _INLINE_TAGS:
                parts.append("")
            elif tag is not None and tag[1] == "br":
                parts.append(" ")
            else:
                tagged = False
        else:
            if kind == "link_open" or kind == "image":
                href = child.attrGet("href" if kind == "link_open" else "src")
                if isinstance(href, str) and inline.map:
                    scan.hrefs.append((line, href))
            if not (child.nesting and child.tag in _INLINE_TAGS):
                tagged = False
    if scan.html_too_deep >= 0:
        return
    if not html:  # a line break is one space, as in _plain
        scan.texts.append(_plain(inline) if hard else "".join(parts))
    elif tagged:
        scan.texts.append("".join(parts))
    else:
        md = _md()
        scan.texts.append(_html_text(md.renderer.render(inline.children or [], md.options, {})))


_INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
                          "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup",
                          "time", "u", "var", "wbr"})


# A tag in the sanitiser's output, which quotes every attribute value with `"` and escapes `"` in it.
_SAFE_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:[^>"]|"[^"]*")*>')


def _html_text(html: str) -> str:
    """The text of an HTML fragment as its reader sees it once sanitised; line breaks and the edges of
    blocks are spaces, so the words on either side stay apart."""
    text = _SAFE_TAG.sub(lambda tag: "" if tag.group(2) in _INLINE_TAGS else " ", sanitise(html))
    return htmllib.unescape(text).replace("\n", " ")


PLAIN, INLINE, HEADING, LIST, MARKDOWN = "plain", "inline", "heading", "list", "markdown"


def segments(source: str) -> list[tuple[int, str, str]]:
    """The body as (first line, text, kind) pieces, in order; kind says who renders the piece.

    Blocks are separated by blank lines. A plain paragraph or a heading starts a new block at column 0
    after a blank line, so no open list, quote or code block can claim it. A list is rendered here
    only between such blocks, where nothing before it can continue and nothing after it can join it.
    The only things that reach across blocks, fenced code and link reference definitions, send the
    whole body to markdown-it instead.
    """
    lines = source.split("\n")
    if any(_FAR_REACHING.match(line) for line in lines):
        return [(0, source, MARKDOWN)]
    blocks = _blocks(lines)
    kinds = [_kind(lines[start:end]) for start, end in blocks]
    for n in range(len(blocks)):
        if kinds[n] == LIST and not (_closed(lines, blocks, kinds, n - 1) and _closed(lines, blocks, kinds, n + 1)):
            kinds[n] = MARKDOWN
    pieces: list[tuple[int, str, str]] = []
    pending = 0  # first line of the run of markdown-it blocks not yet emitted
    for (start, end), kind in zip(blocks, kinds, strict=True):
        if kind != MARKDOWN:
            _markdown_run(pieces, lines, pending, start)
            pieces.append((start, "\n".join(lines[start:end]), kind))
            pending = end
    _markdown_run(pieces, lines, pending, len(lines))
    return pieces


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, past last) line of each run of lines that are not blank, as markdown-it sees blank."""
    blocks = []
    i = 0
    while i < len(lines):
        if not lines[i].strip(" \t"):
            i += 1
            continue
        end = i
        while end < len(lines) and lines[end].strip(" \t"):
            end += 1
        blocks.append((i, end))
        i = end
    return blocks


def _markdown_run(pieces: list[tuple[int, str, str]], lines: list[str], start: int, end: int) -> None:
    """Add lines[start:end] as one piece for markdown-it, unless they are all blank."""
    if any(line.strip(" \t") for line in lines[start:end]):
        pieces.append((start, "\n".join(lines[start:end]), MARKDOWN))


def _linkable(text: str) -> bool:
    """Whether linkify may find an address in `text`. With no fuzzy links (LINKIFY_OPTIONS) it needs an
    e-mail address's `@`, `mailto:`, or the `//` that its http(s), ftp and protocol-relative addresses
    all have; plain substring tests, as this runs on every line of every body."""
    return "//" in text or "@" in text or (":" in text and "mailto:" in text.lower())


def _plain_line(line: str) -> bool:
    """Whether markdown-it would read `line` as plain text (see _OPENS_PARAGRAPH). A search for each
    character of _SYNTAX takes a fifth of the time a pattern takes to match the line character by
    character, and every line of every body is looked at."""
    if _PARAGRAPH_START.match(line) is None or line[-1].isspace():  # a line it matches is not empty
        return False
    for character in _SYNTAX:  # noqa: SIM110  # a loop: all() over a generator takes twice as long
        if character in line:
            return False
    return True


def _simplified(line: str) -> str:
    """The line with its simple inline markup (_INLINE) replaced by a plain word. Each kind of it
    starts with `[`, `*` or a backtick: a line with none of them is left as it is, unsearched."""
    return _INLINE.sub("x", line) if "[" in line or "*" in line or "`" in line else line


def _kind(block: list[str]) -> str:
    if all(_plain_line(line) and not _linkable(line) for line in block):
        return PLAIN
    if all(_plain_line(text := _simplified(line)) and not _linkable(text) for line in block):
        return INLINE
    if (len(block) == 1 and (heading := _HEADING.match(block[0])) and _plain_line(heading.group(2))
            and not _linkable(heading.group(2))):
        return HEADING
    items = [_ITEM.match(line) for line in block]
    if all(item and item.group(1) == block[0][0] and _plain_line(item.group(2))
           and not _linkable(item.group(2)) for item in items):
        return LIST
    return MARKDOWN


def _closed(lines: list[str], blocks: list[tuple[int, int]], kinds: list[str], n: int) -> bool:
    """Whether block n leaves nothing open for a list after it to join, and would itself close a list
    before it: the document's edge, a heading, or a block of paragraph lines."""
    if not 0 <= n < len(blocks) or kinds[n] in (PLAIN, INLINE, HEADING):
        return True
    start, end = blocks[n]
    return all(_PARAGRAPH_START.match(line) for line in lines[start:end])


def _plain_paragraph(chunk: str, text: str, n: int, dialogue: bool) -> str:
    """A plain paragraph as markdown-it renders it: soft line breaks kept, `"` escaped."""
    opening, at = _opening(n, dialogue, chunk.partition("\n")[0], text)
    return f"{opening}{_quotes(chunk[at:])}</p>\n"


def speaker(lead: str, text: str) -> re.Match[str] | None:
    """The speaker whose turn a paragraph is, or None. `text` is the paragraph's plain text and `lead`
    its start before any markup or line break: the name and its colon must be there."""
    found = SPEAKER.match(text)
    return found if found and found.end() <= len(lead) else None


def _opening(n: int, dialogue: bool, lead: str, text: str) -> tuple[str, int]:
    """Paragraph n's opening tag, naming the speaker when the paragraph opens with one; and where the
    lead goes on after the name."""
    turn = speaker(lead, text) if dialogue else None
    if turn is None:
        return _numbered(n), 0
    return (f'<p data-n="{n}" class="turn">{anchor(n)}<strong class="speaker">{_quotes(turn["name"])}</strong> ',
            turn.end())


def _numbered(n: int) -> str:
    """The opening of paragraph n, as markdown-it's rule below writes it for a paragraph with no class."""
    return f'<p data-n="{n}">{anchor(n)}'


def anchor(n: int) -> str:
    """What `#p-n` leads to: an empty element opening paragraph n. The id is not on the paragraph
    itself because the search indexer keeps, for every element with an id, that element's whole text
    beside the page's text, which nearly doubled what it stored and wrote for each entry."""
    return f'<span id="p-{n}"></span>'


def _paragraph_open(self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict,
                    env: MutableMapping[str, Any]) -> str:
    """A paragraph's opening tag, and the anchor of a numbered (top-level) one."""
    n = tokens[idx].meta.get("n")
    return self.renderToken(tokens, idx, options, env) + (anchor(n) if n else "")


def _inline_paragraph(text: str, n: int, dialogue: bool, texts: list[str], hrefs: list[tuple[int, str]],
                      first_line: int) -> str:
    """A paragraph of plain text and simple inline markup as markdown-it renders it; its plain text,
    as markdown-it's tokens give it, goes to `texts`, and its links to `hrefs` (its first line is
    `first_line` of the body)."""
    lines = [_inline_pieces(line, hrefs, first_line + k) for k, line in enumerate(text.split("\n"))]
    texts.append(" ".join("".join(plain for _, plain in pieces) for pieces in lines))
    lead = lines[0][0][1]
    opening, at = _opening(n, dialogue, lead, texts[-1])
    lines[0][0] = (_quotes(lead[at:]), lead[at:])
    return opening + "\n".join("".join(markup for markup, _ in pieces) for pieces in lines) + "</p>\n"


def _inline_pieces(line: str, hrefs: list[tuple[int, str]], line_number: int) -> list[tuple[str, str]]:
    """A line of an inline paragraph as (html, plain text) pieces; the first is the text before any markup.
    Each link's (line_number, href) goes to `hrefs`."""
    pieces = []
    at = 0
    for found in _INLINE.finditer(line):
        pieces.append((_quotes(line[at:found.start()]), line[at:found.start()]))
        at = found.end()
        if found["url"]:
            hrefs.append((line_number, found["url"]))
            pieces.append((f'<a href="{found["url"]}">{_quotes(found["text"])}</a>', found["text"]))
        elif found["code"]:
            code = found["code"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            pieces.append((f"<code>{_quotes(code)}</code>", found["code"]))
        else:
            tag = "em" if found["stars"] == "*" else "strong"
            pieces.append((f"<{tag}>{_quotes(found['em'])}</{tag}>", found["em"]))
    pieces.append((_quotes(line[at:]), line[at:]))
    return pieces


def _heading(line: str, top: int, texts: list[str]) -> str:
    """A one-line heading as markdown-it renders it in a body, at its level below the body's `top`."""
    marks, text = line.split(" ", 1)
    texts.append(text)
    tag = _shifted(len(marks), top)
    return f"<{tag}>{_quotes(text)}</{tag}>\n"


def _list(block: str, texts: list[str]) -> str:
    """A tight bullet list of plain items as markdown-it renders it."""
    items = [line[2:] for line in block.split("\n")]
    texts.extend(items)
    return "<ul>\n" + "".join(f"<li>{_quotes(item)}</li>\n" for item in items) + "</ul>\n"


def _shifted(level: int, top: int) -> str:
    """A body heading's tag: the body's top level (`#` for most, `##` for documents written for a site
    that had its own `#`) is h3, as the page's own headline is the h1 and the body sits under an h2;
    the levels below follow without a gap, which screen readers' heading lists rely on."""
    return f"h{min(level - top + 3, 6)}"


def _quotes(text: str) -> str:
    """What markdown-it's escaping does to text that has no `&`, `<` or `>`."""
    return text.replace('"', "&quot;")


def _number(tokens: list[Token], count: int, top: int, dialogue: bool) -> int:
    """Number top-level paragraphs on from `count` and shift headings down; returns the new count.
    A top-level block of raw HTML that opens with <p> is a paragraph to the reader, so it is numbered."""
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = _shifted(int(token.tag[1]), top)
        if token.level != 0:
            continue
        if token.type == "html_block" and (opening := _P_OPEN.match(token.content)):
            count += 1
            token.content = _numbered(count) + token.content[opening.end():]
        elif token.type == "paragraph_open":
            count += 1
            token.attrSet("data-n", str(count))
            token.meta["n"] = count
            if dialogue:
                _mark_speaker(token, tokens[i + 1])
    return count


def render_page(source: str) -> Body:
    """A free page's Markdown as it stands: no paragraph numbers, headings at their own level."""
    md = _md()
    tokens = md.parse(source)
    html = md.renderer.render(tokens, md.options, {})
    scan = _scan(tokens, 0)
    if scan.html_too_deep >= 0:  # refused: reading its HTML would take too long
        return Body("", 0, "", scan.too_deep, (), scan.html_too_deep, tuple(scan.hrefs))
    return Body(sanitise(html) if scan.raw else html, 0, "", scan.too_deep, tuple(scan.removed),
                hrefs=tuple(scan.hrefs))


def render_inline(source: str) -> str:
    """One line of inline Markdown (emphasis, links, code) as HTML, with no paragraph around it."""
    html: str = _md().renderInline(source)
    return html


def _plain(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _mark_speaker(paragraph: Token, inline: Token) -> None:
    children = inline.children or []
    if not children or children[0].type != "text":
        return
    match = speaker(children[0].content, _plain(inline))
    if not match:
        return
    from markdown_it.token import Token
    paragraph.attrJoin("class", "turn")
    children[0].content = children[0].content[match.end():]
    opener = Token("strong_open", "strong", 1, attrs={"class": "speaker"})
    label = Token("text", "", 0, content=match["name"])
    closer = Token("strong_close", "strong", -1)
    space = Token("text", "", 0, content=" ")
    inline.children = [opener, label, closer, space, *children]
