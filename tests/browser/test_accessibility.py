"""Accessibility: axe-core finds nothing on the main page types in either colour scheme; the keyboard suffices."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from .conftest import Digest
from .reader import axe_violations, focused, results, tab_to

pytestmark = pytest.mark.browser

PAGES = {
    "home": lambda d: "",
    "topic": lambda d: f"topics/{d.entries[0].topics[0]}/",
    "entry": lambda d: f"entries/{max(d.entries, key=lambda e: len(e.key_points)).slug}/",
    "person": lambda d: "people/jack-ma/",
    "timeline": lambda d: "timeline/",
    "search": lambda d: "search/?q=cloud",
    "browse": lambda d: f"search/?topic={quote(d.topics[d.entries[0].topics[0]]['title'])}&sort=date",
    "organisation": lambda d: "organizations/alibaba/",
    "editions": lambda d: "editions/",
    "edition": lambda d: "editions/2/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violations(page: Page, root_base: str, digest: Digest, kind: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(root_base + PAGES[kind](digest))
    if kind in ("search", "browse"):
        results(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marked_paragraph_stays_readable_on_a_phone(page: Page, root_base: str, digest: Digest, scheme: str) -> None:
    entry = next(e for e in digest.entries if e.key_points)
    page.set_viewport_size({"width": 390, "height": 800})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{root_base}entries/{entry.slug}/?highlight=digital#p-{entry.key_points[0]}")
    expect(page.locator("mark.pagefind-highlight").first).to_be_attached()
    assert axe_violations(page) == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Page, root_base: str,
                                                                    digest: Digest) -> None:
    page.goto(f"{root_base}entries/{digest.entries[0].slug}/")
    page.keyboard.press("Tab")
    stop = focused(page)
    assert (stop["tag"], stop["text"]) == ("a", "Skip to content")
    expect(page.locator("a.skip")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_focus_is_always_visible(page: Page, root_base: str, digest: Digest) -> None:
    page.goto(f"{root_base}entries/{digest.entries[0].slug}/")
    seen = 0
    for _ in range(25):
        page.keyboard.press("Tab")
        stop = focused(page)
        assert stop["outline"] != "none" and float(stop["width"].removesuffix("px")) >= 2, stop
        seen += 1
    assert seen == 25


def test_search_works_without_a_mouse(page: Page, base: str) -> None:
    page.goto(base)
    tab_to(page, "#site-q")
    page.keyboard.type("DingTalk")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}search/?q=DingTalk")
    title, _ = results(page)[0]
    stop = tab_to(page, "#results .result-title a")
    assert stop["text"] == title
    assert stop["outline"] != "none" and float(stop["width"].removesuffix("px")) >= 2, stop
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}entries/.+\?highlight=dingtalk"))
    expect(page.locator("h1")).to_have_text(title)
