"""What a reader does and sees in the browser, as small functions the journeys share."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from ..conftest import missing

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TITLES = "#results .result-title a"
STATUS = "#status"
BOX = "#search #q"


def results(page: Page, count: int | None = None) -> list[tuple[str, str]]:
    """All the search results, loaded, as (title, href): `count` of them, else as many as the page says."""
    status = page.locator(STATUS)
    if count is None:
        expect(status).to_have_text(re.compile(r"^[\d,]+ results?\b"))
        count = int(status.inner_text().split()[0].replace(",", ""))
    else:
        expect(status).to_have_text(re.compile(rf"^{count:,} results?\b"))
    links = page.locator(TITLES)
    more = page.locator("#more")  # ten are shown at a time, then "More results"
    for shown in range(10, count, 10):
        expect(links).to_have_count(shown)
        more.click()
    expect(links).to_have_count(count)
    expect(more).to_be_hidden()
    return [(link.inner_text().strip(), link.get_attribute("href") or "") for link in links.all()]


def first_results(page: Page, n: int = 10) -> list[str]:
    """The titles of the results a reader sees first (up to `n`), once the search has answered."""
    expect(page.locator(STATUS)).to_have_text(re.compile(r"^([\d,]+ results?|No results)\b"))
    links = page.locator(TITLES)
    total = page.locator(STATUS).inner_text().split()[0].replace(",", "")
    expect(links).to_have_count(min(n, int(total) if total.isdigit() else 0))
    return [text.strip() for text in links.all_inner_texts()][:n]


def axe_violations(page: Page) -> list[str]:
    """axe-core's findings on the page as it stands, one readable line per rule and element."""
    if not AXE.exists():
        missing("axe-core (node_modules/axe-core/axe.min.js)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run()).violations.flatMap(v =>
        v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`))""")
    return list(found)


def focused(page: Page) -> dict[str, str]:
    """The element holding keyboard focus: its tag, id, class, text and computed outline."""
    return dict(page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: (e.innerText || "").trim(),
                href: e.getAttribute("href") || "", outline: s.outlineStyle, width: s.outlineWidth}; }"""))


def tab_to(page: Page, selector: str, limit: int = 120) -> dict[str, str]:
    """Press Tab until the element matching `selector` has focus; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return focused(page)
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")
