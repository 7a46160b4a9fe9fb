"""Editions in a browser: the email rendition in a phone-sized and a 600 px mail window, its links
answering on the built site, and a reader's way from the home page to an edition and back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from .conftest import CONTENT
from .reader import axe_violations, results

pytestmark = pytest.mark.browser

BASE_URL = yaml.safe_load((CONTENT / "site.yaml").read_text())["base_url"]
EDITIONS = sorted(int(path.stem) for path in (CONTENT / "editions").glob("*.md"))


def front(number: int) -> dict[str, object]:
    text = (CONTENT / "editions" / f"{number}.md").read_text()
    loaded: dict[str, object] = yaml.safe_load(text.split("---\n")[1])
    return loaded


def section_titles(number: int) -> list[str]:
    return [str(section["title"]) for section in front(number)["sections"]]  # type: ignore[attr-defined]


@pytest.fixture
def mail(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A tab as narrow as a mail window (width from the test's parameter)."""
    context = browser.new_context(viewport={"width": request.param, "height": 800}, color_scheme="light")
    yield context.new_page()
    context.close()


def test_the_shipped_digest_has_editions() -> None:
    assert EDITIONS == [1, 2]


@pytest.mark.parametrize("mail", [375, 600], indirect=True)
@pytest.mark.parametrize("number", EDITIONS)
def test_the_email_fits_the_window_and_shows_every_section(mail: Page, root_base: str, number: int) -> None:
    requests: list[str] = []
    mail.on("request", lambda r: requests.append(r.url))
    mail.goto(f"{root_base}editions/{number}/email.html")
    width = mail.evaluate("innerWidth")
    assert mail.evaluate("document.documentElement.scrollWidth") <= width, "the email scrolls sideways"
    frame = mail.locator("table[width='600']")
    assert frame.evaluate("t => t.getBoundingClientRect().width") <= min(width, 600)
    headings = mail.locator("h2")
    assert headings.all_inner_texts() == section_titles(number)
    for i in range(headings.count()):
        expect(headings.nth(i)).to_be_visible()
        box = headings.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    expect(mail.get_by_role("link", name="Read it on the web").first).to_be_visible()
    # The preheader is in the file for the inbox's preview line, never on screen.
    expect(mail.locator("div[role=main] > div").first).to_be_hidden()
    assert requests == [f"{root_base}editions/{number}/email.html"], "the email loaded something else"


@pytest.mark.parametrize("mail", [375, 600], indirect=True)
def test_axe_finds_no_violations_in_the_email(mail: Page, root_base: str) -> None:
    mail.goto(f"{root_base}editions/{EDITIONS[-1]}/email.html")
    assert axe_violations(mail) == []


@pytest.mark.parametrize("number", EDITIONS)
def test_the_email_lays_out_without_classes_or_a_stylesheet(page: Page, root_base: str, number: int) -> None:
    page.set_viewport_size({"width": 600, "height": 900})
    page.goto(f"{root_base}editions/{number}/email.html")
    assert page.locator("style, link[rel~='stylesheet'], script").count() == 0
    unstyled = page.locator("table, td").evaluate_all("cells => cells.filter(c => !c.getAttribute('style')).length")
    assert unstyled == 0
    boxes = "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"
    before = page.locator("body *").evaluate_all(boxes)
    page.evaluate("document.querySelectorAll('[class]').forEach(e => e.removeAttribute('class'))")
    assert page.locator("body *").evaluate_all(boxes) == before, "the layout changed without the classes"


@pytest.mark.parametrize("number", EDITIONS)
def test_every_email_link_is_absolute_and_answers(page: Page, root_base: str, number: int) -> None:
    page.goto(f"{root_base}editions/{number}/email.html")
    links = page.locator("[href], [src]").evaluate_all(
        "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
    text = page.request.get(f"{root_base}editions/{number}/email.txt").text()
    listed = re.findall(r"^\[\d+\] (\S+)$", text.split("\nLinks:\n")[1], re.MULTILINE)
    assert links and listed
    for link in links + listed:
        assert link.startswith(BASE_URL), f"{link} is not on the site at {BASE_URL}"
        response = page.request.get(root_base + link.removeprefix(BASE_URL))
        assert response.status == 200, link
    assert f"{BASE_URL}editions/{number}/" in links


@pytest.mark.parametrize("number", EDITIONS)
def test_the_plain_text_fits_78_columns(root_base: str, page: Page, number: int) -> None:
    text = page.request.get(f"{root_base}editions/{number}/email.txt").text()
    assert max(len(line) for line in text.split("\n")) <= 78
    for title in section_titles(number):
        assert f"\n{title.upper()}\n" in text


def test_from_the_home_page_to_an_edition_and_back(page: Page, base: str) -> None:
    latest = EDITIONS[-1]
    title = f"#{latest}: {front(latest)['title']}"
    page.goto(base)
    page.locator(".edition-box").get_by_role("link", name=title).click()
    expect(page).to_have_url(f"{base}editions/{latest}/")
    expect(page.locator("h1")).to_have_text(f"Edition {latest}: {front(latest)['title']}")
    assert page.locator("main h2").all_inner_texts() == section_titles(latest)
    page.get_by_role("link", name="Previous edition").click()
    expect(page).to_have_url(f"{base}editions/{latest - 1}/")
    page.get_by_role("link", name="Next edition").click()
    card = page.locator(".card-title a").first
    headline = card.inner_text()
    card.click()
    expect(page.locator("h1")).to_have_text(headline)
    page.get_by_role("link", name=f"edition #{latest}").click()
    expect(page).to_have_url(f"{base}editions/{latest}/")
    email = page.get_by_role("link", name="as an email")
    assert email.get_attribute("href") == "email.html"
    assert page.request.get(f"{base}editions/{latest}/email.html").status == 200


def test_the_editions_page_lists_every_edition_newest_first(page: Page, base: str) -> None:
    page.goto(f"{base}editions/")
    listed = page.locator("main .editions > li > a").all_inner_texts()
    assert listed == [f"#{n}: {front(n)['title']}" for n in reversed(EDITIONS)]


def test_search_finds_an_edition_by_its_introduction_and_filters_by_type(page: Page, base: str) -> None:
    page.goto(f"{base}search/?q={quote('shrimp')}")
    found = [href.split("?")[0] for _, href in results(page)]
    edition = f"{urlsplit(base).path}editions/{EDITIONS[-1]}/"
    assert edition in found and any("/entries/" in href for href in found), found
    page.locator("input[name='type'][value='edition']").check()
    assert [href.split("?")[0] for _, href in results(page, 1)] == [edition]
    page.locator("input[name='type'][value='edition']").uncheck()
    page.locator("input[name='type'][value='entry']").check()
    assert all("/entries/" in href for _, href in results(page, len(found) - 1))
