"""What a reader does and sees in the browser, as small functions the journeys share."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from ..conftest import missing

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TITLES = ".pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link"
MESSAGE = ".pagefind-ui__message"


def results(page: Page, count: int | None = None) -> list[tuple[str, str]]:
    """All the search results, loaded, as (title, href): `count` of them, else as many as the page says."""
    message = page.locator(MESSAGE)
    if count is None:
        expect(message).to_have_text(re.compile(r"^[\d,]+ results? for "))
        count = int(message.inner_text().split()[0].replace(",", ""))
    else:
        expect(message).to_have_text(re.compile(rf"^{count:,} results? for "))
    links = page.locator(TITLES)
    more = page.locator("button.pagefind-ui__button")  # Pagefind shows five at a time, then "Load more"
    for shown in range(5, count, 5):
        expect(links).to_have_count(shown)
        more.click()
    expect(links).to_have_count(count)
    expect(more).to_have_count(0)
    return [(link.inner_text().strip(), link.get_attribute("href") or "") for link in links.all()]


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
