"""content/ -> the source addresses the digest has already: every entry's `source.url` and every address in
`content/dismissed.txt`, in canonical form (`broadsheet.urls`), with the file and line each comes from.

`add` skips a page or feed item whose address is known, so adding the same feed twice adds nothing and a
dismissed story stays out. `check` warns when two entries share a source (`shared_sources`).
An entry that cannot be read is passed over here: `check` and `build` report it themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .read import decode, split_front_matter
from .urls import canonical_url
from .yamlfile import load_yaml

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
        path = str(file)
        try:
            text = decode(file.read_bytes(), path)[0]
        except OSError:
            continue
        front, _, _, problem = split_front_matter(text or "", path)
        loaded = load_yaml(front, path, 2)[0] if text and not problem else None
        data = loaded.value if loaded else None
        source = data.get("source") if isinstance(data, dict) else None
        url = source.get("url") if isinstance(source, dict) else None
        if loaded and isinstance(url, str) and url.strip():
            found.append(Known(path, loaded.line("source", "url"), canonical_url(url)))
    return found


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
