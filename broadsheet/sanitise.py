"""Raw HTML written in Markdown -> HTML a reader's browser can show without running anything; and, for the
curator, what was taken out.

nh3 (the Python binding of the Rust Ammonia sanitiser) parses a fragment the way a browser does, so
mixed-case tags, entity-encoded schemes, unclosed tags and broken comments are judged as the browser
would see them, then keeps only the allow-list below. `safe_url` is the one rule for addresses: the
Markdown renderer uses it for Markdown links too, so both kinds of markup accept the same links.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import TYPE_CHECKING

from .htmlreader import HTMLReader

if TYPE_CHECKING:
    import nh3

# Structure and inline markup that real documents use; anything else loses its tags and keeps its text.
TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s",
    "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
# These go with everything inside them: their content is code, styling or another document, never text.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript", "noembed", "noframes",
    "template", "textarea", "select",
})
_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "id", "class"}, "img": {"src", "alt", "width", "height", "loading"},
    "p": {"data-n", "class"}, "span": {"id"}, "strong": {"class"}, "code": {"class"}, "li": {"id", "class"},
    "sup": {"class"}, "section": {"class"}, "hr": {"class"}, "th": {"style", "align", "colspan", "rowspan"},
    "td": {"style", "align", "colspan", "rowspan"}, "ol": {"start", "reversed", "type", "class"},
    "time": {"datetime"}, "col": {"span"}, "colgroup": {"span"}, "details": {"open"},
    "del": {"cite", "datetime"}, "ins": {"cite", "datetime"}, "q": {"cite"}, "blockquote": {"cite"},
}
# Attributes the renderer writes itself (paragraph numbers, speaker turns, code languages, footnotes,
# table alignment) are allowed only in the shapes it writes them.
_SHAPES = {
    ("span", "id"): re.compile(r"p-\d+"), ("p", "data-n"): re.compile(r"\d+"), ("p", "class"): re.compile("turn"),
    ("strong", "class"): re.compile("speaker"), ("code", "class"): re.compile(r"language-[\w#+.-]+"),
    ("a", "id"): re.compile(r"fnref\d+(?::\d+)?"), ("a", "class"): re.compile("footnote-backref"),
    ("li", "id"): re.compile(r"fn\d+"), ("li", "class"): re.compile("footnote-item"),
    ("ol", "class"): re.compile("footnotes-list"), ("sup", "class"): re.compile("footnote-ref"),
    ("section", "class"): re.compile("footnotes"),
    ("hr", "class"): re.compile("footnotes-sep"),
    ("th", "style"): re.compile("text-align:(?:left|center|right)"),
    ("td", "style"): re.compile("text-align:(?:left|center|right)"),
}
# Wide code and tables scroll inside the column: keyboard readers focus them to scroll them.
FOCUSABLE = {"pre": {"tabindex": "0"}, "table": {"tabindex": "0"}}
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_IMAGE_DATA = re.compile(r"^data:image/(?:gif|png|jpeg|webp)[;,]", re.IGNORECASE)
# Browsers ignore these inside an address: `java\tscript:` is `javascript:` to them.
_IGNORED_IN_URLS = str.maketrans("", "", "\t\n\r")


# Parsing HTML nested N elements deep takes time in proportion to N for each tag (a browser's scope
# checks), so 100,000 nested <div>s take minutes. Real documents nest a few levels; a body that keeps
# more than this many elements open is refused instead (see `open_depth`).
MAX_HTML_DEPTH = 1_000
# Elements that never hold others open: void ones, and ones the parser closes when the next one starts.
_SHALLOW = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt", "thead", "tbody", "tfoot",
})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def open_depth(html: str, depth: int) -> int:
    """How many elements are open after the raw HTML `html`, when `depth` were open before it: an upper
    bound on what a browser's parser keeps open, as tags it closes by itself are not counted."""
    for tag in _TAG.finditer(html):
        if tag.group(2).lower() not in _SHALLOW:
            depth = max(depth - 1, 0) if tag.group(1) else depth + 1
    return depth


def safe_url(url: str) -> bool:
    """Whether a link or image may point at `url`: relative, http(s), mailto, tel, or an inline picture."""
    if url.startswith(("https:", "http:")):  # most links, and what the checks below say of them
        return True
    url = url.translate(_IGNORED_IN_URLS).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f "
                                                  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in _SCHEMES or _IMAGE_DATA.match(url) is not None


def _attribute(tag: str, name: str, value: str) -> str | None:
    shape = _SHAPES.get((tag, name))
    if shape is not None:
        return value if shape.fullmatch(value) else None
    if name in _URL_ATTRIBUTES and not safe_url(value):
        return None
    return value


@functools.cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(tags=set(TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT), attributes=_ATTRIBUTES,
                       attribute_filter=_attribute, strip_comments=True, link_rel=None,
                       set_tag_attribute_values=FOCUSABLE,
                       url_schemes=set(_SCHEMES | {"data"}))


def sanitise(html: str) -> str:
    """`html` with everything off the allow-list removed."""
    return _cleaner().clean(html)


class _Inventory(HTMLReader):
    """The comments, elements and attributes of a fragment, as counts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.comments = 0
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str]] = Counter()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.update((tag, name) for name, _ in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.comments += 1

    def handle_decl(self, decl: str) -> None:
        self.comments += 1

    def handle_pi(self, data: str) -> None:
        self.comments += 1

    def unknown_decl(self, data: str) -> None:
        self.comments += 1


_PLAIN_TAG = re.compile(r"</?([a-z][a-z0-9]*)\s*/?>")


@functools.lru_cache(maxsize=4096)  # archives repeat the same few tags (<br>, <small>, </small>) thousands of times
def removed(html: str) -> tuple[str, ...]:
    """What sanitising takes out of a raw HTML fragment, in words; () when it keeps everything."""
    plain = _PLAIN_TAG.fullmatch(html)
    if plain and plain.group(1) in TAGS:
        return ()
    before = _Inventory(html)
    if not before.comments and not before.tags and "<!" not in html and "<?" not in html:
        return ()
    after = _Inventory(sanitise(html))
    what = []
    if before.comments or "<!" in html or "<?" in html:
        what.append("an HTML comment" if "<!--" in html else "a markup declaration")
    for tag in before.tags:
        if after.tags[tag] >= before.tags[tag]:
            continue
        what.append(f"<{tag}> and its content" if tag in DROPPED_WITH_CONTENT or tag in ("svg", "math") else
                    f"the <{tag}> tag (its text stays)")
    for (tag, name), count in before.attributes.items():
        if after.tags[tag] and after.attributes[tag, name] < count:
            what.append(f"the {name} attribute of <{tag}>")
    return tuple(what)
