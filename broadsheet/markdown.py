"""Markdown text -> HTML with numbered top-level paragraphs, and the plain text the checks read.

One configured MarkdownIt: raw HTML off (it is shown as text), markdown-it's link validation on (no
`javascript:`, `vbscript:`, `file:` or `data:` links), nesting capped so hostile input stays fast.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# markdown-it stops parsing blocks nested this deep and silently drops the rest of the document, so
# `deepest_line` reports where that would happen and the reader refuses the file instead. The cap also
# bounds inline work: 200,000 `[` take ~1.5 s at 20 and ~6 s at 100.
MAX_NESTING = 20


@functools.cache
def _md() -> MarkdownIt:
    """The one configured MarkdownIt, made on first use: a rebuild that parses nothing never imports it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                     "maxNesting": MAX_NESTING})


def prepare() -> None:
    """Set markdown-it up now: before forking workers that will all need it, it is done once."""
    _md()


_LEAVES = ("paragraph_open", "heading_open")  # their text is parsed inline, so nothing is dropped
# A line markdown-it would read as plain text whatever surrounds it: it starts with a letter, digit
# or opening quote (but is no ordered-list item), has no inline syntax, entity or escape, and no
# trailing or leading white space (hard breaks, indentation) and no tab.
_OPENS_PARAGRAPH = r"""^(?!\d{1,9}[.)])(?:[^\W_]|["'(\u201c\u2018\u00ab])"""
_PLAIN_LINE = re.compile(_OPENS_PARAGRAPH + r"""[^`*_\[\]<>&\\~\t]*(?<!\s)$""")
_FAR_REACHING = re.compile(r"^ {0,3}(?:```|~~~|\[)")  # fenced code, link reference definitions
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
# A line that can only begin or continue a paragraph: after it, a blank line closes every block.
_PARAGRAPH_START = re.compile(_OPENS_PARAGRAPH)
_SPEAKER = re.compile(r"^([A-Z\u4e00-\u9fff][^:\uff1a.!?]{0,38}?)\s*[:\uff1a]\s+")


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    paragraphs: int  # top-level paragraphs, numbered from 1
    text: str  # plain text of the whole body, for quote and originality checks
    too_deep: int = -1  # 0-based source line where nesting reaches the cap and text would be lost, or -1


def render_body(source: str, dialogue: bool = False) -> Body:
    """Render an entry body; with `dialogue`, a paragraph opening with `Name:` becomes a speaker turn.

    Most of a source document is plain paragraphs, with a heading or a short list here and there.
    Those are rendered directly, exactly as markdown-it would render them; everything else goes
    through markdown-it, a run of such blocks at a time.
    """
    html: list[str] = []
    texts: list[str] = []
    count = 0
    too_deep = -1
    for first_line, chunk, kind in segments(source):
        if kind == PLAIN:
            count += 1
            texts.append(chunk.replace("\n", " "))
            html.append(_plain_paragraph(chunk, count, dialogue))
        elif kind == INLINE:
            count += 1
            html.append(_inline_paragraph(chunk, count, dialogue, texts))
        elif kind == HEADING:
            html.append(_heading(chunk, texts))
        elif kind == LIST:
            html.append(_list(chunk, texts))
        else:
            md = _md()
            tokens = md.parse(chunk)
            texts.extend(_plain(t) for t in tokens if t.type == "inline")
            count = _number(tokens, count, dialogue)
            html.append(md.renderer.render(tokens, md.options, {}))
            deepest = deepest_line(tokens)
            if deepest >= 0 and too_deep < 0:
                too_deep = deepest + first_line
    return Body("".join(html), count, " ".join(texts), too_deep)


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


def _kind(block: list[str]) -> str:
    if all(_PLAIN_LINE.match(line) for line in block):
        return PLAIN
    if all(_PLAIN_LINE.match(_INLINE.sub("x", line)) for line in block):
        return INLINE
    if len(block) == 1 and (heading := _HEADING.match(block[0])) and _PLAIN_LINE.match(heading.group(2)):
        return HEADING
    items = [_ITEM.match(line) for line in block]
    if all(item and item.group(1) == block[0][0] and _PLAIN_LINE.match(item.group(2)) for item in items):
        return LIST
    return MARKDOWN


def _closed(lines: list[str], blocks: list[tuple[int, int]], kinds: list[str], n: int) -> bool:
    """Whether block n leaves nothing open for a list after it to join, and would itself close a list
    before it: the document's edge, a heading, or a block of paragraph lines."""
    if not 0 <= n < len(blocks) or kinds[n] in (PLAIN, INLINE, HEADING):
        return True
    start, end = blocks[n]
    return all(_PARAGRAPH_START.match(line) for line in lines[start:end])


def _plain_paragraph(text: str, n: int, dialogue: bool) -> str:
    """A plain paragraph as markdown-it renders it: soft line breaks kept, `"` escaped."""
    opening, at = _opening(n, dialogue, text.partition("\n")[0])
    return f"{opening}{_quotes(text[at:])}</p>\n"


def _opening(n: int, dialogue: bool, lead: str) -> tuple[str, int]:
    """Paragraph n's opening tag, naming the speaker when `lead` starts with one; and where the text
    goes on after the name. `lead` is the text before the first line break or markup: markdown-it
    looks for the speaker there."""
    attrs = f' id="p-{n}" data-n="{n}"'
    speaker = _SPEAKER.match(lead) if dialogue else None
    if speaker is None:
        return f"<p{attrs}>", 0
    return f'<p{attrs} class="turn"><strong class="speaker">{_quotes(speaker.group(1))}</strong> ', speaker.end()


def _inline_paragraph(text: str, n: int, dialogue: bool, texts: list[str]) -> str:
    """A paragraph of plain text and simple inline markup as markdown-it renders it; its plain text,
    as markdown-it's tokens give it, goes to `texts`."""
    lines = [_inline_pieces(line) for line in text.split("\n")]
    texts.append(" ".join("".join(plain for _, plain in pieces) for pieces in lines))
    lead = lines[0][0][1]
    opening, at = _opening(n, dialogue, lead)
    lines[0][0] = (_quotes(lead[at:]), lead[at:])
    return opening + "\n".join("".join(markup for markup, _ in pieces) for pieces in lines) + "</p>\n"


def _inline_pieces(line: str) -> list[tuple[str, str]]:
    """A line of an inline paragraph as (html, plain text) pieces; the first is the text before any markup."""
    pieces = []
    at = 0
    for found in _INLINE.finditer(line):
        pieces.append((_quotes(line[at:found.start()]), line[at:found.start()]))
        at = found.end()
        if found["url"]:
            pieces.append((f'<a href="{found["url"]}">{_quotes(found["text"])}</a>', found["text"]))
        elif found["code"]:
            code = found["code"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            pieces.append((f"<code>{_quotes(code)}</code>", found["code"]))
        else:
            tag = "em" if found["stars"] == "*" else "strong"
            pieces.append((f"<{tag}>{_quotes(found['em'])}</{tag}>", found["em"]))
    pieces.append((_quotes(line[at:]), line[at:]))
    return pieces


def _heading(line: str, texts: list[str]) -> str:
    """A one-line heading as markdown-it renders it in a body: two levels down, under the page's h2."""
    marks, text = line.split(" ", 1)
    texts.append(text)
    tag = _shifted(len(marks))
    return f"<{tag}>{_quotes(text)}</{tag}>\n"


def _list(block: str, texts: list[str]) -> str:
    """A tight bullet list of plain items as markdown-it renders it."""
    items = [line[2:] for line in block.split("\n")]
    texts.extend(items)
    return "<ul>\n" + "".join(f"<li>{_quotes(item)}</li>\n" for item in items) + "</ul>\n"


def _shifted(level: int) -> str:
    """A body heading's tag: two levels down, as the page's own headline is the h1 and the body sits
    under an h2."""
    return f"h{min(level + 2, 6)}"


def _quotes(text: str) -> str:
    """What markdown-it's escaping does to text that has no `&`, `<` or `>`."""
    return text.replace('"', "&quot;")


def _number(tokens: list[Token], count: int, dialogue: bool) -> int:
    """Number top-level paragraphs on from `count` and shift headings down; returns the new count."""
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = _shifted(int(token.tag[1]))
        if token.type != "paragraph_open" or token.level != 0:
            continue
        count += 1
        token.attrSet("id", f"p-{count}")
        token.attrSet("data-n", str(count))
        if dialogue:
            _mark_speaker(token, tokens[i + 1])
    return count


def render_text(source: str) -> str:
    """Render a free page's Markdown."""
    return render_page(source).html


def render_page(source: str) -> Body:
    """A free page's Markdown as it stands: no paragraph numbers, headings at their own level."""
    md = _md()
    tokens = md.parse(source)
    html = md.renderer.render(tokens, md.options, {})
    return Body(html, 0, "", deepest_line(tokens))


def render_inline(source: str) -> str:
    """One line of inline Markdown (emphasis, links, code) as HTML, with no paragraph around it."""
    html: str = _md().renderInline(source)
    return html


def deepest_line(tokens: list[Token]) -> int:
    """The source line of the first container opened at the nesting cap (its content is dropped), or -1."""
    for token in tokens:
        if token.nesting == 1 and token.level >= MAX_NESTING - 1 and token.type not in _LEAVES:
            return token.map[0] if token.map else 0
    return -1


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
    match = _SPEAKER.match(children[0].content)
    if not match:
        return
    from markdown_it.token import Token
    paragraph.attrJoin("class", "turn")
    children[0].content = children[0].content[match.end():]
    opener = Token("strong_open", "strong", 1, attrs={"class": "speaker"})
    label = Token("text", "", 0, content=match.group(1))
    closer = Token("strong_close", "strong", -1)
    space = Token("text", "", 0, content=" ")
    inline.children = [opener, label, closer, space, *children]
