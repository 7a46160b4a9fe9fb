"""What the email renditions of an edition need beyond Jinja: rendered HTML -> HTML with its CSS
inlined into `style` attributes, and rendered HTML -> plain text with numbered link references.

Mail programs (Gmail, Outlook) drop `<style>` blocks and stylesheets, so the email template is written
with a stylesheet like any page and `inline_css` moves every rule onto the elements it styles. The
renderer runs it as part of rendering the page (`FINISH`), so the page's fingerprint, which covers the
template and the inliner's version (`finisher`), covers its output too.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .htmlreader import HTMLReader

if TYPE_CHECKING:
    import css_inline

WIDTH = 78  # the plain text's longest line
_HREF = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_LEAD = re.compile(r"^( *)((?:[-*] |\[\d+\] |\d+\. )?)")  # a line's indent, and a list item's or reference's mark


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    import css_inline  # here, not above: only pages with a finishing step need it

    # Never fetch: a stylesheet the template links to would be read from the network at build time.
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False)


def inline_css(page: str) -> str:
    """The page with the rules of its `<style>` blocks moved into each element's `style` attribute."""
    return _inliner().inline(page)


FINISH: dict[str, Callable[[str], str]] = {"email.html": inline_css}  # template -> step after Jinja


def finisher(template: str) -> str:
    """What a template's output depends on besides its source: the version of its finishing step."""
    if template not in FINISH:
        return ""
    from importlib.metadata import version  # here, not above: a tenth of a rebuild's start-up

    return f"css-inline {version('css-inline')}"


def absolute(fragment: str, base: str) -> str:
    """Rendered Markdown with every link and image address made absolute against `base`: an email is
    read away from the site, where a relative address leads nowhere."""
    return _HREF.sub(lambda m: m.group(1) + html.escape(urljoin(base, html.unescape(m.group(2)))) + m.group(3),
                     fragment)


class References:
    """The numbered links of one plain-text email: `[1]` in the text, the addresses listed at the end."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1

    def listing(self) -> str:
        return "\n".join(f"[{n}] {url}" for n, url in enumerate(self.urls, 1))


class _Text(HTMLReader):
    """Rendered Markdown -> plain text: paragraphs apart, list items as `- `, links as `[n]`."""

    BLOCKS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol"))

    def __init__(self, references: References, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.references, self.base = references, base
        self.out: list[str] = []
        self.links: list[str] = []
        self.lists: list[int] = []  # per open list: 0 for bullets, else the next number

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS and not self.lists:
            self.out.append("\n\n")
        if tag in ("ul", "ol"):
            self.lists.append(0 if tag == "ul" else 1)
        elif tag == "li":
            kind = self.lists[-1] if self.lists else 0
            self.out.append("\n" + "  " * (len(self.lists) - 1) + (f"{kind}. " if kind else "- "))
            if kind:
                self.lists[-1] += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f" [{self.references.number(urljoin(self.base, href))}]")

    def handle_data(self, data: str) -> None:
        self.out.append(re.sub(r"\s+", " ", data))  # a line break inside a paragraph is a space

    def text(self) -> str:
        lines = []
        for line in "".join(self.out).split("\n"):
            nested = re.match(r"^( *)(?:- |\d+\. )", line)  # a nested list item keeps its indent
            lines.append((nested.group(1) if nested else "") + " ".join(line.split()) if line.strip() else "")
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def plain(fragment: str, references: References, base: str) -> str:
    """Rendered HTML as plain text, its links numbered in `references` (resolved against `base`)."""
    parser = _Text(references, base)
    parser.feed(fragment)
    parser.close()
    return parser.text()


def wrap(text: str, width: int = WIDTH, indent: str = "") -> str:
    """Each line of `text` wrapped at `width` columns, `indent` before every line; list items and
    references hang under their text. A word longer than a line (a long address) is cut.

    Greedy, word by word: textwrap does the same with regular expressions at five times the cost, and
    an edition's plain text wraps a few hundred paragraphs."""
    lines: list[str] = []
    for line in text.split("\n"):
        lead = _LEAD.match(line)
        assert lead is not None  # every part of the pattern is optional
        first = indent + lead.group(1)
        _wrap_words(line.split(), width, first, first + " " * len(lead.group(2)), lines)
    return "\n".join(lines)


def _wrap_words(words: list[str], width: int, first: str, rest: str, lines: list[str]) -> None:
    prefix, current = first, ""
    for word in words:
        while word:
            room = width - len(prefix)
            if not current and len(word) <= room:
                current, word = word, ""
            elif current and len(current) + 1 + len(word) <= room:
                current, word = f"{current} {word}", ""
            elif len(word) > width - len(rest):  # too long for any line: fill this one and go on
                cut = room - len(current) - (1 if current else 0)
                if cut > 0:
                    lines.append(f"{prefix}{current}{' ' if current else ''}{word[:cut]}")
                    word = word[cut:]
                else:
                    lines.append(prefix + current)
                prefix, current = rest, ""
            else:
                lines.append(prefix + current)
                prefix, current = rest, ""
    lines.append(prefix + current if current else "")


FILTERS: dict[str, Callable[..., str]] = {"plain": plain, "wrap": wrap, "absolute": absolute}
GLOBALS: dict[str, object] = {"references": References}
