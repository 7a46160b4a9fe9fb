"""content/ -> the source addresses the digest has already: every entry's `source.url` and every address in
`content/dismissed.txt`, in canonical form (`broadsheet.urls`), with the file and line each comes from.

`add` skips a page or feed item whose address is known, so adding the same feed twice adds nothing and a
dismissed story stays out. `dismiss` deletes a draft and adds its address to the list. `check` warns when
two entries share a source (`shared_sources`).
An entry that cannot be read is passed over here: `check` and `build` report it themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .files import decode, split_front_matter
from .urls import canonical_url
from .yamlfile import Loaded, load_yaml

DISMISSED = "dismissed.txt"


@dataclass(frozen=True, slots=True)
class Known:
    path: str  # the file naming the address
    line: int
    url: str  # canonical


def entry_sources(content: Path) -> list[Known]:
    """Each entry's source.url, in file-name order."""
    found = []
    folder = content / "entries"
    for file in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        front = _front_matter(file)
        url = _source_url(front[1]) if front else ""
        if front and url:
            found.append(Known(str(file), front[0].line("source", "url"), canonical_url(url)))
    return found


def _front_matter(file: Path) -> tuple[Loaded, dict[str, object]] | None:
    try:
        text = decode(file.read_bytes(), str(file))[0]
    except OSError:
        return None
    front, _, _, problem = split_front_matter(text or "", str(file))
    loaded = load_yaml(front, str(file), 2)[0] if text and not problem else None
    return (loaded, loaded.value) if loaded and isinstance(loaded.value, dict) else None


def _source_url(data: dict[str, object]) -> str:
    source = data.get("source")
    url = source.get("url") if isinstance(source, dict) else None
    return url.strip() if isinstance(url, str) else ""


def dismissed(content: Path) -> list[Known]:
    """The addresses in content/dismissed.txt: one a line; blank lines and `#` comments are ignored."""
    file = content / DISMISSED
    try:
        lines = file.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return []
    return [Known(str(file), n, canonical_url(line.split("#", 1)[0]))
            for n, line in enumerate(lines, 1) if line.split("#", 1)[0].strip()]


def known_sources(content: Path) -> dict[str, Known]:
    """Canonical address -> where it is known first: the entries, then the dismissed list."""
    known: dict[str, Known] = {}
    for item in entry_sources(content) + dismissed(content):
        known.setdefault(item.url, item)
    return known


def shared_sources(content: Path) -> list[str]:
    """A warning for each entry whose source is already another entry's: `file:line: source.url: …`."""
    first: dict[str, Known] = {}
    warnings = []
    for item in entry_sources(content):
        if item.url in first:
            other = first[item.url]
            warnings.append(f"{item.path}:{item.line}: source.url: the same source as {other.path}:{other.line} "
                            f"({item.url}) (keep one of the two entries)")
        first.setdefault(item.url, item)
    return warnings


class DismissError(Exception):
    """Why a draft cannot be dismissed: one line; nothing was changed."""


def dismiss(entry: Path, content: Path) -> str:
    """Add a draft's canonical source address to content/dismissed.txt, then delete the draft; the line saying
    so. Only a draft with a source.url can be dismissed."""
    front = _front_matter(entry)
    if front is None:
        raise DismissError(f"cannot dismiss {entry}: no entry with readable front matter there")
    data = front[1]
    if data.get("draft") is not True:
        raise DismissError(f"cannot dismiss {entry}: it is not a draft (only drafts are dismissed; "
                           "delete a published entry yourself)")
    url = canonical_url(_source_url(data))
    if not url:
        raise DismissError(f"cannot dismiss {entry}: it has no source.url to keep out (delete the file instead)")
    file = content / DISMISSED
    before = file.read_text(encoding="utf-8-sig", errors="replace") if file.exists() else ""
    title = " ".join(str(data.get("title", "")).split())
    line = f"{url}  # {entry.stem}: {title}\n" if title else f"{url}  # {entry.stem}\n"
    with file.open("a", encoding="utf-8", newline="\n") as f:
        f.write(("\n" if before and not before.endswith("\n") else "") + line)
    entry.unlink()
    number = before.count("\n") + (1 if before and not before.endswith("\n") else 0) + 1
    return f"dismissed {url}: deleted {entry}; add will skip it from now on ({file}:{number})"
