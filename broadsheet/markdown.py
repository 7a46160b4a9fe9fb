"""Markdown text -> HTML with numbered top-level paragraphs, and the plain text the checks read.

One configured MarkdownIt: raw HTML off (it is shown as text), markdown-it's link validation on (no
`javascript:`, `vbscript:`, `file:` or `data:` links), nesting capped so hostile input stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": 20})
_SPEAKER = re.compile(r"^([A-Z\u4e00-\u9fff][^:：.!?]{0,38}?)\s*[:：]\s+")


@dataclass(frozen=True, slots=True)
class Body:
    html: str
    paragraphs: int  # top-level paragraphs, numbered from 1
    text: str  # plain text of the whole body, for quote and originality checks


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
    return Body(html, count, text)


def render_text(source: str) -> str:
    """Render a free page's Markdown."""
    return _MD.render(source)


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
