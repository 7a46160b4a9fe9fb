"""Searching: from the header box, on the search page with filters, by a person's other names, into an entry."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
import yaml
from playwright.sync_api import Page, expect

from .conftest import CONTENT, Digest
from .reader import BOX, results

pytestmark = pytest.mark.browser


@pytest.fixture(params=["root", "subpath", "sharded"])
def base(request: pytest.FixtureRequest, mounts: dict[str, str]) -> str:
    """The site at / and under a sub-path, and, under a sub-path, built with its index in three parts."""
    if request.param == "sharded":
        return str(request.getfixturevalue("sharded_mount"))
    return mounts[request.param]


def test_header_box_searches_from_any_page(page: Page, base: str) -> None:
    page.goto(f"{base}timeline/")
    page.fill("#site-q", "cloud")
    page.press("#site-q", "Enter")
    expect(page).to_have_url(f"{base}search/?q=cloud")
    expect(page.locator(BOX)).to_have_value("cloud")
    found = results(page)
    assert found, "searching for 'cloud' found nothing"
    for _, href in found:
        assert href.startswith((urlsplit(base).path + "entries/", urlsplit(base).path + "editions/")), href


def test_filters_narrow_the_results(page: Page, base: str, digest: Digest) -> None:
    page.goto(f"{base}search/")
    page.locator(BOX).fill("digital")
    everything = {title for title, _ in results(page)}
    assert len(everything) > 1

    topic = min((slug for slug in digest.topics if digest.titles(topics=slug) & everything),
                key=lambda slug: len(digest.titles(topics=slug) & everything))
    expected = digest.titles(topics=topic) & everything
    assert expected < everything, "no topic splits the results, so the filter cannot be shown to work"
    box = page.locator(f"input[name='topic'][value='{digest.topics[topic]['title']}']")
    box.check()
    assert {title for title, _ in results(page, len(expected))} == expected
    box.uncheck()
    results(page, len(everything))

    year = max(entry.year for entry in digest.entries)
    expected = digest.titles(year=year) & everything
    assert expected < everything
    page.locator(f"input[name='year'][value='{year}']").check()
    assert {title for title, _ in results(page, len(expected))} == expected


def test_result_opens_the_entry_with_the_words_highlighted(page: Page, base: str) -> None:
    page.goto(f"{base}search/?q=DingTalk")
    title, href = results(page)[0]
    assert re.fullmatch(rf"{urlsplit(base).path}entries/[a-z0-9-]+/\?highlight=dingtalk", href), href
    page.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(urljoin(base, href))
    expect(page.locator("h1")).to_have_text(title)
    marks = page.locator("[data-pagefind-body] mark.pagefind-highlight")
    expect(marks.first).to_be_visible()
    assert {text.lower() for text in marks.all_inner_texts()} == {"dingtalk"}


@pytest.mark.parametrize("name", ["Ma Yun", "马云", "Jack Ma"])
def test_another_name_finds_the_persons_entries_first(page: Page, base: str, digest: Digest, name: str) -> None:
    page.goto(f"{base}search/?q={quote(name)}")
    theirs = digest.titles(people="jack-ma")
    found = [title for title, _ in results(page)]
    assert set(found[: len(theirs)]) == theirs, found


def test_every_entry_is_found_by_its_title(page: Page, base: str, digest: Digest) -> None:
    # On the site whose index is in parts, each part holds some of the entries: all must be searched.
    for entry in digest.entries:
        page.goto(f"{base}search/?q={quote(entry.title)}")
        assert entry.title in {title for title, _ in results(page)}, entry.title


def dates_of(digest: Digest, titles: list[str]) -> list[str]:
    """The dates of the entries and editions titled `titles`."""
    by_title = {entry.title: entry.date for entry in digest.entries}
    for path in (CONTENT / "editions").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        by_title[f"Edition {path.stem}" + (f": {front['title']}" if front.get("title") else "")] = str(front["date"])
    return [by_title[title] for title in titles]


def test_sorting_by_date_lists_the_newest_first(page: Page, base: str, digest: Digest) -> None:
    page.goto(f"{base}search/?q=digital")
    relevant = [title for title, _ in results(page)]
    page.select_option("#sort", "date")
    expect(page).to_have_url(f"{base}search/?q=digital&sort=date")
    expect(page.locator("#results .result-title a").first).to_be_visible()
    newest = [title for title, _ in results(page)]
    assert sorted(newest) == sorted(relevant)
    assert dates_of(digest, newest) == sorted(dates_of(digest, newest), reverse=True), newest
    assert newest != relevant or dates_of(digest, relevant) == sorted(dates_of(digest, relevant), reverse=True)


def test_a_filter_alone_lists_the_topics_entries_newest_first(page: Page, base: str, digest: Digest) -> None:
    page.goto(f"{base}search/")
    topic = max(digest.topics, key=lambda slug: len(digest.titles(topics=slug)))
    expected = digest.titles(topics=topic)
    assert 1 < len(expected) < len(digest.entries)
    page.locator(f"input[name='topic'][value='{digest.topics[topic]['title']}']").check()
    listed = [title for title, _ in results(page, len(expected))]
    assert set(listed) == expected
    assert dates_of(digest, listed) == sorted(dates_of(digest, listed), reverse=True)
    assert parse_qs(urlsplit(page.url).query) == {"topic": [digest.topics[topic]["title"]]}


def test_the_address_keeps_the_search_and_back_returns_to_it(page: Page, base: str, digest: Digest) -> None:
    page.goto(f"{base}search/?q=digital")
    everything = {title for title, _ in results(page)}
    year = max(entry.year for entry in digest.entries)
    expected = digest.titles(year=year) & everything
    assert expected < everything
    page.locator(f"input[name='year'][value='{year}']").check()
    expect(page).to_have_url(f"{base}search/?q=digital&year={year}")
    assert {title for title, _ in results(page, len(expected))} == expected
    page.go_back()
    expect(page).to_have_url(f"{base}search/?q=digital")
    expect(page.locator(f"input[name='year'][value='{year}']")).not_to_be_checked()
    assert {title for title, _ in results(page, len(everything))} == everything
    page.go_forward()
    expect(page.locator(f"input[name='year'][value='{year}']")).to_be_checked()
    assert {title for title, _ in results(page, len(expected))} == expected
    # The address alone, opened afresh, gives the same search: it can be shared.
    page.goto(f"{base}search/?q=digital&year={year}&sort=date")
    expect(page.locator("#sort")).to_have_value("date")
    assert {title for title, _ in results(page, len(expected))} == expected


@pytest.mark.parametrize(("section", "slug", "field", "name"), [
    ("topics", "", "topics", "topic"), ("people", "jack-ma", "people", "person")])
def test_a_topic_or_person_page_searches_within_itself(page: Page, base: str, digest: Digest, section: str,
                                                        slug: str, field: str, name: str) -> None:
    slug = slug or max(digest.topics, key=lambda s: len(digest.titles(topics=s)))
    theirs = digest.titles(**{field: slug})
    page.goto(f"{base}search/?q=digital")
    digital = {title for title, _ in results(page)}
    assert theirs & digital < digital
    page.goto(f"{base}{section}/{slug}/")
    page.fill("#within-q", "digital")
    page.press("#within-q", "Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["digital"]
    assert {title for title, _ in results(page, len(theirs & digital))} == theirs & digital
    checked = page.locator(f"#filters input[name='{name}']:checked")
    expect(checked).to_have_count(1)
    # With no words, the box lists everything on that page, newest first.
    page.goto(f"{base}{section}/{slug}/")
    page.press("#within-q", "Enter")
    assert {title for title, _ in results(page, len(theirs))} == theirs
