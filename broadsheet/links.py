"""Links between the pages of the digest: found and rewritten per file, checked for the whole site.

Per file (`find`), input: a body's links as its rendering found them (`Body.hrefs`), its first line in
the file, the file's path, its folder (`entries` or `pages`) and the output file it becomes. Output:
the body's links to pages of the site (`Link`s, each with the file line it is on and the output it
leads to), a map of hrefs to rewrite, and a ContentError for each link that cannot lead to a page
whatever the rest of the site holds. A link to a Markdown file of the digest (`other.md`,
`../pages/about.md#p-2`) is read relative to the file, as an editor's preview reads it, or else
relative to the content folder (`entries/x.md`); it becomes the relative address of that file's page.
A root-relative link (`/topics/`) becomes relative too, so the site still works under a sub-path. Both
need only the content folder's layout, never another entry, so the rewritten body can be cached with
the entry.

For the site (`check`), input: the Digest and the output files the site will have. Output: a
ContentError for each link to a page the site does not have, or to a paragraph `#p-N` its entry does
not have. External links (with a scheme or a host) are not fetched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable
from urllib.parse import unquote, urlsplit

from .errors import BuildError, ContentError, closest
from .model import Digest, Link, entry_output, page_output

_SOURCE = re.compile(r"^(entries|pages)/([^/]+)\.md$")
_PARAGRAPH = re.compile(r"^p-(\d+)$")
_RELATIVE_HINT = "a relative address starts from this page's own folder"
FOLDERS = {"entries": entry_output, "pages": page_output}
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})  # as markdown-it escapes


def find(hrefs: Iterable[tuple[int, str]], first_line: int, path: str, folder: str, page: str,
         ) -> tuple[tuple[Link, ...], dict[str, str], list[ContentError]]:
    """The links of a body to pages of the site, the hrefs to rewrite (old -> new), and the problems.
    `hrefs` are the body's (0-based line, href), as Body.hrefs gives them."""
    links: list[Link] = []
    rewrites: dict[str, str] = {}
    problems: list[ContentError] = []
    for line, href in hrefs:
        if href.startswith(("https://", "http://")):  # most links: elsewhere, as urlsplit would say
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or (not parts.path and not parts.fragment):
            continue
        where, written = unquote(parts.path), unquote(href)
        if where.endswith(".md"):
            target = _markdown_target(folder, where)
            if not target:
                problems.append(ContentError(
                    path, first_line + line, "body", f"link `{written}` leads to `{where}`, which is not an entry or "
                    "page of the digest", "link to a file in entries/ or pages/, e.g. `other-entry.md`"))
                continue
        elif where.startswith("/"):
            target = _normal(where.lstrip("/"))
        else:
            target = _normal(posixpath.join(posixpath.dirname(page), where)) if where else page
        if target.startswith("../"):
            problems.append(ContentError(path, first_line + line, "body", f"link `{written}` leads outside the site",
                                         _RELATIVE_HINT))
            continue
        if where.endswith(".md") or where.startswith("/"):
            rewrites[href] = relative(page, target) + (f"?{parts.query}" if parts.query else "") + (
                f"#{parts.fragment}" if parts.fragment else "")
        links.append(Link(first_line + line, written, target, parts.fragment))
    return tuple(links), rewrites, problems


def rewrite(html: str, rewrites: dict[str, str]) -> str:
    """The body's HTML with the links in `rewrites` pointing at their new addresses."""
    for old, new in rewrites.items():
        for attribute in ("href", "src"):
            html = html.replace(f'{attribute}="{old.translate(_HTML_ESCAPES)}"',
                                f'{attribute}="{new.translate(_HTML_ESCAPES)}"')
    return html


def _markdown_target(folder: str, where: str) -> str:
    """The output file of the entry or page a `.md` link names, or '' if it names none."""
    for candidate in (posixpath.join(folder, where), where.lstrip("/")):
        match = _SOURCE.match(_normal(candidate))
        if match:
            return FOLDERS[match.group(1)](match.group(2))
    return ""


def _normal(path: str) -> str:
    """`entries/a/../b/` -> `entries/b/`: a path from the site's root, keeping a folder's final `/`."""
    folder = path.endswith("/") or path in ("", ".", "..") or path.endswith(("/.", "/.."))
    normal = posixpath.normpath(path or ".")
    if normal == ".":
        return ""
    return normal + "/" if folder else normal


def relative(page: str, target: str) -> str:
    """The address of `target` from `page`'s folder, as a page of the site links it: `../other/`."""
    folder = target.endswith("index.html") or target.endswith("/") or not target
    goal = posixpath.dirname(target) if target.endswith("index.html") else target.rstrip("/")
    rel = posixpath.relpath(goal or ".", posixpath.dirname(page) or ".")
    return rel + "/" if folder else rel


def output_of(target: str, outputs: Collection[str]) -> str:
    """The output file a link target names (a folder names its index.html), or '' if there is none."""
    if not target or target.endswith("/"):
        return target + "index.html" if target + "index.html" in outputs else ""
    if target in outputs:
        return target
    return target + "/index.html" if target + "/index.html" in outputs else ""


def check(digest: Digest, outputs: Collection[str]) -> list[ContentError]:
    """Every link of the digest's bodies that leads to no page of `outputs`, or to no such paragraph."""
    paragraphs = {entry_output(e.slug): e.paragraphs for e in digest.entries}
    problems = []
    owners = [(e.path, entry_output(e.slug), e.links) for e in digest.entries if e.links]
    owners += [(p.path, page_output(p.slug), p.links) for p in digest.pages if p.links]
    for path, page, links in owners:
        for link in links:
            found = output_of(link.target, outputs)
            if not found:
                problems.append(ContentError(path, link.line, "body", f"link `{link.href}` leads to "
                                             f"`{_shown(link.target)}`, a page the site does not have",
                                             _suggestion(page, link, outputs)))
                continue
            number = _PARAGRAPH.match(link.fragment)
            if number and found in paragraphs and not 1 <= int(number.group(1)) <= paragraphs[found]:
                message, hint = paragraph_problem(int(number.group(1)), paragraphs[found], f"`{_shown(found)}`")
                problems.append(ContentError(path, link.line, "body", f"link `{link.href}`: {message}", hint))
    return sorted(problems, key=lambda e: (e.path, e.line))


def verify(digest: Digest, outputs: Collection[str]) -> None:
    """Raise BuildError listing `check`'s problems, if there are any."""
    problems = check(digest, set(outputs))
    if problems:
        raise BuildError(problems)


def paragraph_problem(see: int, paragraphs: int, whose: str = "the body") -> tuple[str, str]:
    """Message and hint for a paragraph number beyond the paragraphs of a body (`whose`)."""
    has = f"{whose} has {paragraphs} paragraph{'s' if paragraphs != 1 else ''}"
    if see < 1:
        return f"`{see}` is not a paragraph number: they count from 1 and {has}", "use 1 for the first paragraph"
    return (f"paragraph {see} does not exist: {has}",
            "count top-level paragraphs from 1; headings, lists and block quotes do not count")


def _shown(target: str) -> str:
    """An output file as the address a reader sees: `entries/x/`, `/` for the home page."""
    return target.removesuffix("index.html") or "/"


def _suggestion(page: str, link: Link, outputs: Collection[str]) -> str:
    """Did-you-mean the page beside the one `link` names whose address is most like it, written as the
    link is: a Markdown file for a `.md` link, a relative address otherwise."""
    target = link.target.removesuffix("index.html").rstrip("/")
    folder, name = posixpath.split(target)
    near = {posixpath.basename(o.removesuffix("/index.html")): o for o in outputs
            if o.endswith("/index.html") and o != page and posixpath.dirname(o.removesuffix("/index.html")) == folder}
    close = closest(name, near)
    if not close:
        return f"link to a page the site has; {_RELATIVE_HINT}"
    written = urlsplit(link.href).path
    if written.endswith(".md"):
        return f"did you mean `{posixpath.join(posixpath.dirname(written), close)}.md`?"
    return f"did you mean `{relative(page, near[close])}`?"
