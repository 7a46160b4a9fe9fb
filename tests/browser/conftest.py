"""Browser fixtures: the real digest built once, served at / and under /digest/archive/, one Chromium.

The `browser` fixture (Debian's Chromium, never a downloaded one) lives in tests/conftest.py, which the
serve tests share.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
SUBPATH = "/digest/archive/"


@dataclass(frozen=True)
class Entry:
    """What the content says about one published entry, to compare pages against."""

    slug: str
    title: str
    date: str
    year: int
    topics: tuple[str, ...]
    people: tuple[str, ...]
    key_points: tuple[int, ...]
    quotes: tuple[tuple[str, str], ...]  # (text, person slug)


def read_entries(content: Path) -> list[Entry]:
    entries = []
    for path in sorted((content / "entries").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        if meta.get("draft"):
            continue
        date = str(meta["date"])
        entries.append(Entry(path.stem, meta["title"], date, int(date[:4]), tuple(meta["topics"]),
                             tuple(meta.get("people") or ()),
                             tuple(p["see"] for p in meta.get("key_points") or ()),
                             tuple((q["text"], q.get("by", "")) for q in meta.get("quotes") or ())))
    return entries


@dataclass(frozen=True)
class Digest:
    """The digest as content/ states it: published entries and the topic and people tables."""

    entries: list[Entry]
    topics: dict[str, dict[str, str]]
    people: dict[str, dict[str, object]]

    def titles(self, **match: object) -> set[str]:
        """Titles of the entries whose `field` contains (or equals) each given value."""
        def fits(entry: Entry, name: str, value: object) -> bool:
            got = getattr(entry, name)
            return value in got if isinstance(got, tuple) else got == value
        return {e.title for e in self.entries if all(fits(e, k, v) for k, v in match.items())}


@pytest.fixture(scope="session")
def digest() -> Digest:
    def table(name: str) -> dict[str, dict[str, object]]:
        return yaml.safe_load((CONTENT / name).read_text(encoding="utf-8")) or {}
    return Digest(read_entries(CONTENT), table("topics.yaml"), table("people.yaml"))  # type: ignore[arg-type]


def build_digest(out: Path, env: dict[str, str] | None = None, content: Path = CONTENT) -> Path:
    """Build the real digest (or `content`) into `out`, with search, by the command line a user runs."""
    result = subprocess.run([sys.executable, "build.py", "build", "--content", str(content), "--out", str(out),
                             "--no-cache"],
                            cwd=REPO, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})})
    assert result.returncode == 0, f"build failed:\n{result.stdout}{result.stderr}"
    assert (out / "pagefind" / "pagefind-ui.js").exists(), "the build made no search bundle"
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real digest, built once."""
    return build_digest(tmp_path_factory.mktemp("browser") / "site")


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real digest with its search index in three parts, as a digest of thousands of entries has."""
    out = build_digest(tmp_path_factory.mktemp("sharded") / "site", {"BROADSHEET_SEARCH_SHARD": "2"})
    assert len(list((out / "pagefind").glob("part-*/pagefind-entry.json"))) == 2
    return out


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def start_server(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def nest(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `site` at digest/archive/, to serve it under a sub-path."""
    nested = tmp_path_factory.mktemp("subpath")
    (nested / "digest").mkdir()
    (nested / "digest" / "archive").symlink_to(site, target_is_directory=True)
    return nested


@pytest.fixture(scope="session")
def mounts(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Base URLs of the same site served by a plain static server at / and at /digest/archive/."""
    at_root, root_url = start_server(built_site)
    at_sub, sub_url = start_server(nest(built_site, tmp_path_factory))
    yield {"root": root_url + "/", "subpath": sub_url + SUBPATH}
    for server in (at_root, at_sub):
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def sharded_mount(sharded_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the digest with a search index in parts, served under a sub-path."""
    server, url = start_server(nest(sharded_site, tmp_path_factory))
    yield url + SUBPATH
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["root", "subpath"])
def base(request: pytest.FixtureRequest, mounts: dict[str, str]) -> str:
    """The site's base URL, once at / and once under a sub-path."""
    return mounts[request.param]


@pytest.fixture
def root_base(mounts: dict[str, str]) -> str:
    return mounts["root"]


@dataclass
class Watch:
    """Everything that went wrong while a reader browsed: console errors, page errors, failed requests."""

    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", lambda m: self.note(m.type == "error", f"console error: {m.text} ({page.url})"))
        page.on("pageerror", lambda e: self.note(True, f"script error: {e} ({page.url})"))
        # A request cut short because the reader moved on (net::ERR_ABORTED) is not an error they see.
        page.on("requestfailed", lambda r: self.note(r.failure != "net::ERR_ABORTED",
                                                     f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.note(r.status >= 400, f"HTTP {r.status}: {r.url}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def note(self, wrong: bool, what: str) -> None:
        if wrong:
            self.problems.append(what)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh tab in a light-scheme desktop window; the test fails if anything broke on any page it saw."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    tab = context.new_page()
    watch.attach(tab)
    yield tab
    problems = list(watch.problems)
    context.close()
    assert problems == [], "the reader would have hit errors:\n" + "\n".join(problems)
