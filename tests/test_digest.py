"""The digest that ships in content/: it builds cleanly, and content checks of its committed files.

The `test_content_*` checks read what the curator committed: they fail when those files change, not
when the code does. The cleanup rules that take such junk out are tested on raw documents in
test_ingest.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.read import read_content

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
# What the raw documents carried that is not the article (see the curator's notes on each entry), and
# that the curated entries must not bring back.
JUNK = [
    "getUrls?link=",
    "growth of span>",  # a stray markup fragment
    "Media partners",
    "becauseRobotCan",
    "Edit :",
    "\u02fd\u03fd;\u0570\u043e",  # the start of the garbled block in the Wuzhen report
    "\u00a2\u05bb\u047e\u02b1",  # and its end
    "Alibaba Cloud Summit",  # fragments spliced into the interview's sentences
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("digest") / "site"
    build(Options(content=CONTENT, out=out, search=False, use_cache=False))
    return out


def test_the_digest_builds_with_no_warnings(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "build.py", "build", "--out", str(tmp_path / "site"), "--no-search"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stderr == ""
    assert "from 5 entries" in result.stdout


def test_content_none_of_the_source_junk_is_in_the_curated_digest(site: Path) -> None:
    found = [(str(page.relative_to(site)), junk) for page in site.rglob("*") if page.is_file()
             for junk in JUNK if junk in page.read_text(encoding="utf-8", errors="replace")]
    assert found == []


def test_content_the_interviewer_question_appears_once() -> None:
    body = (CONTENT / "entries/zhang-jianfeng-cloud-interview.md").read_text(encoding="utf-8")
    question = "The spread of the new crown epidemic has brought a particularly significant impact"
    assert body.count(question) == 1


def test_every_key_point_links_to_an_existing_paragraph(site: Path) -> None:
    pages = sorted((site / "entries").glob("*/index.html"))
    assert len(pages) == 5
    for page in pages:
        html = page.read_text(encoding="utf-8")
        targets = re.findall(r'class="see" href="#(p-\d+)"', html)
        assert 3 <= len(targets) <= 6, page
        for target in targets:
            assert f'id="{target}"' in html, f"{page}: {target}"


def test_the_interview_renders_as_speaker_turns(site: Path) -> None:
    html = (site / "entries/zhang-jianfeng-cloud-interview/index.html").read_text(encoding="utf-8")
    speakers = re.findall(r'<strong class="speaker">([^<]+)</strong>', html)
    assert set(speakers) == {"He Gang", "Zhang Jianfeng"}
    assert len(speakers) > 10


def test_jack_ma_page_shows_his_quotes_and_aliases(site: Path) -> None:
    html = (site / "people/jack-ma/index.html").read_text(encoding="utf-8")
    assert "Ma Yun" in html and "马云" in html
    assert html.count('<figure class="quote">') >= 2


def test_content_curation_meets_the_editorial_bar() -> None:
    content = read_content(CONTENT)
    assert len(content.registry.topics) in range(8, 13)
    for entry in content.entries:
        words = len(entry.summary.split())
        assert 40 <= words <= 100, f"{entry.slug}: summary of {words} words"
        assert 1 <= len(entry.quotes) <= 3, entry.slug
        assert entry.curator_note, entry.slug
    uses = {t: sum(t in e.topics for e in content.entries) for t in content.registry.topics}
    assert sum(n >= 2 for n in uses.values()) > len(uses) / 2, uses
