"""Markdown text -> HTML with numbered top-level paragraphs, and the plain text the checks read.

One configured MarkdownIt: raw HTML off (it is shown as text), markdown-it's link validation on (no
`javascript:`, `vbscript:`, `file:` or `data:` links), nesting capped so hostile input stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

# markdown-it stops parsing blocks nested this deep and silently drops the rest of the document, so
# `deepest_line` reports where that would happen and the reader refuses the file instead. The cap also
# bounds inline work: 200,000 `[` take ~1.5 s at 20 and ~6 s at 100.
MAX_NESTING = 20
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                "maxNesting": MAX_NESTING})
_LEAVES = ("paragraph_open", "heading_open")  # their text is parsed inline, so nothing is dropped
_SPEAKER = re.compile(r"^([A-Z\u4e00-\u9fff][^:\uff1a.!?]{0,38}?)\s*[:\uff1a]\s+")


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    paragraphs: int  # top-level paragraphs, numbered from 1
    text: str  # plain text of the whole body, for quote and originality checks
    too_deep: int = -1  # 0-based source line where nesting reaches the cap and text would be lost, or -1


def render_body(source: str, dialogue: bool = False) -> Body:
    """Render an entry body; with `dialogue`, a paragraph opening with `Name:` becomes a speaker turn."""
    tokens = _MD.parse(source)
    text = " ".join(_plain(t) for t in tokens if t.type == "inline")
    count = 0
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            # The page's own headline is the h1 and the body sits under an h2.
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        if token.type != "paragraph_open" or token.level != 0:
            continue
        count += 1
        token.attrSet("id", f"p-{count}")
        token.attrSet("data-n", str(count))
        if dialogue:
            _mark_speaker(token, tokens[i + 1])
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Body(html, count, text, deepest_line(tokens))


def render_text(source: str) -> str:
    """Render a free page's Markdown."""
    return render_page(source).html


def render_page(source: str) -> Body:
    """A free page's Markdown as it stands: no paragraph numbers, headings at their own level."""
    tokens = _MD.parse(source)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Body(html, 0, "", deepest_line(tokens))


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
    paragraph.attrJoin("class", "turn")
    children[0].content = children[0].content[match.end():]
    opener = Token("strong_open", "strong", 1, attrs={"class": "speaker"})
    label = Token("text", "", 0, content=match.group(1))
    closer = Token("strong_close", "strong", -1)
    space = Token("text", "", 0, content=" ")
    inline.children = [opener, label, closer, space, *children]
