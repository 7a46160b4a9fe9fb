"""Links in the built digest: none is root-absolute, and every internal link and #anchor leads somewhere."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
LINKING = {"href", "src", "action", "poster", "srcset"}


class Links(HTMLParser):
    """The URLs one page points at, the ids it defines, and its <base href> if any."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in LINKING and value is not None:
                self.urls.append((f"<{tag} {name}>", value))
        if tag == "base":
            self.base = dict(attrs).get("href")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("links") / "site"
    result = subprocess.run([sys.executable, "build.py", "build", "--out", str(out), "--no-cache"],
                            cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Links]:
    """Every HTML page of the site (the search bundle's own files aside), keyed by its path from the root."""
    found = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("pagefind/"):
            continue
        links = Links()
        links.feed(path.read_text(encoding="utf-8"))
        found[rel] = links
    assert "index.html" in found and any(rel.startswith("entries/") for rel in found)
    return found


def test_no_link_is_root_absolute(pages: dict[str, Links]) -> None:
    """A link starting with "/" would break the site when it is hosted under a sub-path."""
    absolute = [f"{rel}: {where} {url}" for rel, links in pages.items() for where, url in links.urls
                if url.startswith("/")]
    assert absolute == []


def test_every_internal_link_and_anchor_resolves(site: Path, pages: dict[str, Links]) -> None:
    broken = []
    for rel, links in pages.items():
        # The 404 page is served at any depth, so it links from the site's root through <base href>.
        page_url = "http://site/" + ("" if links.base else rel)
        for where, url in links.urls:
            if where == "<link href>" and url.startswith("data:"):
                continue
            target = urlsplit(urljoin(page_url, url))
            if target.netloc != "site":
                assert target.scheme in ("http", "https", "mailto"), f"{rel}: {where} {url}"
                continue
            path = unquote(target.path).lstrip("/")
            if path == "" or path.endswith("/"):
                path += "index.html"
            if not (site / path).is_file():
                broken.append(f"{rel}: {where} {url} (no {path})")
            elif target.fragment and target.fragment not in pages.get(path, Links()).ids:
                broken.append(f"{rel}: {where} {url} (no id {target.fragment!r} in {path})")
    assert broken == []


def test_links_checker_sees_the_links(pages: dict[str, Links]) -> None:
    """Guard against a checker that passes because it found nothing: entries link into their own paragraphs."""
    entry = next(links for rel, links in pages.items() if rel.startswith("entries/"))
    assert any(url.startswith("#p-") for _, url in entry.urls)
    assert any(url.startswith("../../topics/") for _, url in entry.urls)
