"""Shared test helpers: a minimal valid digest written into tmp_path, edited per test."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from broadsheet.errors import BuildError
from broadsheet.read import read_content

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing(what: str) -> None:
    """Skip on a workstation, fail in CI: a browser suite that skips in CI proves nothing."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing and CI is set; install it (make browser-deps)")
    pytest.skip(f"{what} is missing (make browser-deps installs it)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Debian Chromium for the whole run: Playwright's sync API allows one driver at a time."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        missing(str(CHROMIUM))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

SITE = """\
title: Test Digest
tagline: A digest for tests
description: Entries written for the test suite.
language: en
base_url: https://digest.example.org/
curator: Test Desk
"""
TOPICS = """\
cloud:
  title: Cloud computing
  description: Renting computers by the hour.
retail:
  title: Retail
  description: Shops, online and off.
"""
PEOPLE = """\
jack-ma:
  name: Jack Ma
  aliases: [Ma Yun, 马云]
  role: Founder of Alibaba
he-gang:
  name: He Gang
  aliases: []
  role: Reporter
"""
ORGS = """\
alibaba:
  name: Alibaba Group
  aliases: [Alibaba]
  description: A Chinese technology company.
"""
ENTRY = """\
---
title: Cloud comes to the corner shop
date: 2020-09-15
kind: news
source:
  title: Shops move online
  publisher: Example Daily
  url: https://example.org/story
  published: 2020-09
summary: >-
  A short account, in the curator's words, of small shops renting servers instead of buying them.
key_points:
  - text: Shops rent rather than buy.
    see: 2
quotes:
  - text: "Renting is cheaper than owning."
    by: jack-ma
topics: [cloud, retail]
people: [Ma Yun]
organizations: [alibaba]
curator_note: Removed a footer.
---
The first paragraph says that shops in the city are changing how they work.

The second paragraph quotes a founder. "Renting is cheaper than owning." He said it twice.

The third paragraph closes the story.
"""


def entry(**changes: str) -> str:
    """ENTRY with front-matter lines replaced: entry(title="title: Other") swaps the `title:` line."""
    lines = ENTRY.split("\n")
    for key, line in changes.items():
        lines = [line if current.startswith(f"{key}:") else current for current in lines]
    return "\n".join(lines)


def many_entries(count: int) -> dict[str, str]:
    """`count` distinct valid entries, a few paragraphs each: enough work for a build to use its worker pool."""
    filler = " ".join(["Shops, clinics and farms describe what renting computers changed for them."] * 6)
    files = {}
    for n in range(count):
        date = f"20{10 + n % 12:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        text = entry(title=f"title: Corner shop number {n}", date=f"date: {date}")
        files[f"entries/shop-{n:04d}.md"] = text + "".join(f"\nParagraph {k} of entry {n}. {filler}\n"
                                                           for k in range(8))
    return files


def make_site(root: Path, files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
    """Write a content folder under `root` (the default digest plus `files`, a path -> text map) and return it."""
    content = root / "content"
    defaults: dict[str, str | bytes] = {
        "site.yaml": SITE, "topics.yaml": TOPICS, "people.yaml": PEOPLE, "organizations.yaml": ORGS,
        "entries/cloud-shop.md": ENTRY,
    } if base else {}
    for rel, text in {**defaults, **(files or {})}.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return content


def problems(content: Path) -> list[str]:
    """Every error read_content reports, with paths relative to the content folder."""
    with pytest.raises(BuildError) as caught:
        read_content(content)
    return [str(e).replace(f"{content}/", "") for e in caught.value.errors]


def entry_problems(tmp_path: Path, text: str | bytes) -> list[str]:
    return problems(make_site(tmp_path, {"entries/cloud-shop.md": text}))


@pytest.fixture
def site_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    def factory(files: dict[str, str | bytes] | None = None, base: bool = True) -> Path:
        return make_site(tmp_path, files, base=base)
    return factory
