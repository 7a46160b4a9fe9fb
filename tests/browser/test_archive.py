"""An archive written by others, as real weekly digests are: link lists annotated with <small>, editors'
HTML comments, <br>, <sup>, <img>, tables, code, nested lists. Every entry page reads as its authors
meant it: no markup shows as text, nothing runs, and a phone shows it without a sideways scroll."""

from __future__ import annotations

import base64
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from ..conftest import ENTRY, make_site
from ..test_sanitise import BYPASSES
from .conftest import REPO, start_server
from .reader import axe_violations

pytestmark = pytest.mark.browser

HEAD = ENTRY.rpartition("---\n")[0].replace("kind: news", "kind: commentary")
SEEN_AS_MARKUP = ("<br", "<small", "<img", "<sup", "<!--", "-->")
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")  # a 1x1 GIF
ISSUES = 36


def _issue(n: int, rng: random.Random) -> str:
    """One weekly issue, as contributors write them."""
    words = ["cloud", "shop", "rust", "python", "editor", "database", "compiler", "terminal", "browser", "font"]
    links = "\n".join(
        f"{i}. [{rng.choice(words).title()} {n}-{i}](https://example.org/{n}/{i}) <small>(via @reader{i}, "
        f"{rng.choice(words)})</small>\uff1aa {rng.choice(words)} worth a look.<br>Second line {i}."
        for i in range(1, rng.randint(8, 25)))
    nested = "\n".join(f"- {rng.choice(words)} <sup>new</sup>\n  - nested {i} <small>note</small>\n"
                       f"    - deeper {i}<br>with a break" for i in range(rng.randint(2, 5)))
    rows = "\n".join(f"| {rng.choice(words)} | {rng.randint(1, 9999)} | <small>{rng.choice(words)}</small> "
                     f"https://example.org/{n}/table/{i}/with/a/very/long/address/that/does/not/fit/on/a/phone |"
                     for i in range(rng.randint(2, 6)))
    parts = [
        f"Issue {n} of the weekly, gathered by readers.",
        "<!-- Dear community contributors: add new links at the end of each section, one per line -->",
        "## News",
        links,
        f'<img src="https://example.org/covers/{n}.png" alt="Cover of issue {n}" width="600"><br>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="">',
        "### Tools <small>(and toys)</small>",
        nested,
        "| Name | Stars | Notes |\n|:-----|------:|-------|\n" + rows,
        "```html\n<!-- code keeps its markup -->\n<img src=\"x.png\"><br><small>shown as written</small>\n"
        + "x" * 300 + "\n```",
        "Inline `<br>` and `<small>` in code, 2<sup>10</sup>, H<sub>2</sub>O, <kbd>Ctrl</kbd>+<kbd>C</kbd>, "
        "~~old~~ new, a<b and <3 and 1 < 2.",
        "<details>\n<summary>Older links</summary>\n\n- https://example.org/old/1\n- <small>via</small> "
        "https://example.org/old/2\n\n</details>",
        "<!--\nA longer editors' note\n\nspanning blank lines\n-->",
        'The second paragraph quotes a founder. "Renting is cheaper than owning." He said it twice.',
    ]
    if n % 3 == 0:
        parts.insert(2, "A claim with a source[^1].\n\n[^1]: Where it comes from, <small>in small print</small>.")
    if n % 4 == 0:
        parts.append(list(BYPASSES.values())[n // 4 % len(BYPASSES)])
    return "\n\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"archive from seed {seed} (BROADSHEET_SEED={seed} repeats it)")
    rng = random.Random(seed)
    root = tmp_path_factory.mktemp("archive")
    files = {f"entries/issue-{n:03d}.md": HEAD.replace("title: Cloud comes to the corner shop", f"title: Issue {n}")
             .replace("see: 2", "see: 3" if n % 3 == 0 else "see: 2") + "---\n" + _issue(n, rng)
             for n in range(1, ISSUES + 1)}
    make_site(root, files)
    built = subprocess.run([sys.executable, "build.py", "build", "--content", str(root / "content"), "--out",
                            str(root / "site"), "--no-search", "--no-cache"], cwd=REPO, capture_output=True,
                           text=True, check=False)
    assert built.returncode == 0, built.stderr
    server, url = start_server(root / "site")
    yield url + "/"
    server.shutdown()
    server.server_close()


def _offline(page: Page) -> list[str]:
    """Pictures on other sites are answered locally (tests never use the internet); dialogs are recorded."""
    dialogs: list[str] = []

    def picture(route: Route) -> None:
        route.fulfill(status=200, content_type="image/gif", body=PIXEL)

    page.route(re.compile(r"^https://example\.org/"), picture)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


VISIBLE_TEXT = """() => {
  const body = document.querySelector("section.body").cloneNode(true);
  body.querySelectorAll("pre, code").forEach(e => e.remove());
  document.body.appendChild(body);  // innerText needs the copy laid out
  const text = body.innerText;
  body.remove();
  return text;
}"""


def test_no_entry_page_shows_markup_as_text_or_runs_anything(page: Page, archive: str, tmp_path: Path) -> None:
    dialogs = _offline(page)
    for n in range(1, ISSUES + 1):
        page.goto(f"{archive}entries/issue-{n:03d}/")
        text = page.evaluate(VISIBLE_TEXT)
        assert f"Issue {n} of the weekly" in text and "Renting is cheaper than owning." in text
        assert [shown for shown in SEEN_AS_MARKUP if shown in text] == [], n
        assert "Dear community" not in text and "spanning blank lines" not in text
        assert page.locator("section.body pre code.language-html").inner_text().startswith("<!-- code keeps")
    assert dialogs == []
    page.goto(f"{archive}entries/issue-003/")
    shot = tmp_path / "issue-003.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # The pictures arrived, the footnote and the details work, the table is a table.
    assert page.locator("section.body img[alt='Cover of issue 3']").evaluate("i => i.complete && i.naturalWidth") == 1
    assert page.locator("section.body .footnotes li#fn1").inner_text().startswith("Where it comes from")
    page.locator("section.body summary").click()
    assert page.locator("section.body details a[href='https://example.org/old/2']").is_visible()
    assert page.locator("section.body table th").all_inner_texts() == ["Name", "Stars", "Notes"]


def test_a_phone_scrolls_wide_tables_and_code_not_the_page(page: Page, archive: str) -> None:
    _offline(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{archive}entries/issue-004/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for wide in ("section.body table", "section.body pre"):
        box = page.locator(wide).first.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert box[0] > box[1], wide  # it scrolls inside the column
    sizes = page.evaluate("""() => ["h3", "h4", "p"].map(t => parseFloat(getComputedStyle(
        document.querySelector("section.body " + t)).fontSize))""")
    assert sizes[0] >= sizes[1] >= sizes[2] * 0.99  # headings are no smaller than the text


def test_an_archive_page_passes_axe(page: Page, archive: str) -> None:
    _offline(page)
    page.goto(f"{archive}entries/issue-003/")
    assert axe_violations(page) == []
