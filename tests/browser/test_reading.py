"""Reading journeys: front page to topic to entry to the paragraph behind a key point, and a person's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Digest, Watch

pytestmark = pytest.mark.browser


def test_front_page_lists_the_newest_entries_first(page: Page, base: str, digest: Digest) -> None:
    page.goto(base)
    cards = page.locator("main .card")
    expect(cards.first).to_be_visible()
    dates = cards.locator("time").evaluate_all("times => times.map(t => t.dateTime)")
    assert dates == sorted(dates, reverse=True)
    newest = sorted(digest.entries, key=lambda e: e.date, reverse=True)[: len(dates)]
    assert dates == [entry.date for entry in newest]
    titles = {title.strip() for title in cards.locator(".card-title").all_inner_texts()}
    assert titles == {entry.title for entry in newest}


def test_topic_chip_leads_to_the_topic_and_its_entries(page: Page, base: str, digest: Digest) -> None:
    page.goto(base)
    chip = page.locator("main .card .chips a").first
    name = chip.inner_text()
    chip.click()
    slug = next(slug for slug, topic in digest.topics.items() if topic["title"] == name)
    expect(page).to_have_url(f"{base}topics/{slug}/")
    expect(page.locator("h1")).to_have_text(name)
    listed = {title.strip() for title in page.locator("main .card .card-title").all_inner_texts()}
    assert listed == digest.titles(topics=slug)


def test_entry_opens_from_its_topic(page: Page, base: str, digest: Digest) -> None:
    entry = digest.entries[0]
    page.goto(f"{base}topics/{entry.topics[0]}/")
    page.get_by_role("link", name=entry.title, exact=True).click()
    expect(page).to_have_url(f"{base}entries/{entry.slug}/")
    expect(page.locator("h1")).to_have_text(entry.title)
    expect(page.locator(".body p[data-n]").first).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_key_point_leads_to_its_paragraph_marked(page: Page, base: str, digest: Digest, width: int) -> None:
    entry = next(e for e in digest.entries if e.key_points)
    target = entry.key_points[-1]
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{base}entries/{entry.slug}/")
    plain = page.locator(f".body p[data-n]:not(:has(> #p-{target}))").first
    page.locator(".points a.see").last.click()
    expect(page).to_have_url(re.compile(rf"#p-{target}$"))
    paragraph = page.locator(f".body p:has(> #p-{target})")
    expect(paragraph).to_be_in_viewport()
    settled = "p => { p.getAnimations().forEach(a => a.finish()); return getComputedStyle(p).backgroundColor; }"
    marked, normal = paragraph.evaluate(settled), plain.evaluate(settled)
    assert marked != normal, "the paragraph a key point leads to looks like every other paragraph"


@pytest.mark.parametrize("width", [390, 700, 768, 1024, 1280])
def test_paragraph_numbers_are_whole_and_clear_of_the_text(page: Page, root_base: str, digest: Digest,
                                                             width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{root_base}entries/{digest.entries[0].slug}/")
    numbers = page.locator(".body p[data-n]").evaluate_all("""ps => ps.map(p => {
        const box = p.getBoundingClientRect(), n = getComputedStyle(p, "::before");
        if (n.position !== "absolute") return {shown: n.content, left: box.left, right: box.left, text: box.left};
        const left = box.left + parseFloat(n.left);
        return {shown: n.content, left, right: left + parseFloat(n.width), text: box.left};
    })""")
    for number, where in enumerate(numbers, start=1):
        assert where["shown"] == f'"{number}"', where
        assert where["left"] >= 0, f"paragraph {number}'s number is cut off at the window's edge: {where}"
        assert where["right"] <= where["text"], f"paragraph {number}'s number runs into its text: {where}"


def test_person_page_shows_their_quotes_and_other_names(page: Page, base: str, digest: Digest) -> None:
    person = digest.people["jack-ma"]
    page.goto(f"{base}people/")
    page.get_by_role("link", name=str(person["name"]), exact=True).click()
    expect(page).to_have_url(f"{base}people/jack-ma/")
    expect(page.locator("h1")).to_have_text("Jack Ma")
    for alias in ("Ma Yun", "马云"):
        expect(page.locator("main header")).to_contain_text(alias)
    quotes = [text for entry in digest.entries for text, by in entry.quotes if by == "jack-ma"]
    assert quotes, "the digest should quote Jack Ma somewhere"
    shown = [" ".join(q.split()) for q in page.locator("main blockquote").all_inner_texts()]
    assert sorted(shown) == sorted(" ".join(q.split()) for q in quotes)
    listed = set(page.locator("main section:has(#en) li a").all_inner_texts())
    assert listed == digest.titles(people="jack-ma")


def test_every_page_opens_without_errors(page: Page, base: str, built_site: Path, watch: Watch) -> None:
    pages = sorted(p.relative_to(built_site).parent.as_posix() for p in built_site.rglob("index.html"))
    assert len(pages) > 20
    for path in pages:
        response = page.goto(base + ("" if path == "." else path + "/"))
        assert response is not None and response.ok, path
        expect(page.locator("main h1")).to_be_visible()
    assert watch.problems == []
