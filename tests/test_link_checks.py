"""Links written in bodies: one to a page the site will not have fails the build with file and line, a
link to a Markdown file of the digest becomes its page's address, and `check` reports the same."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet import links, markdown
from broadsheet.build import Options, build
from broadsheet.errors import BuildError
from broadsheet.markdown import render_body, render_page
from tests.conftest import ENTRY, entry, make_site

ROOT = Path(__file__).resolve().parent.parent
OTHER = entry(title="title: Another shop", date="date: 2021-01-02")  # three paragraphs, like ENTRY
ABOUT = "---\ntitle: About\n---\nWho we are.\n\nRead [the shop story](../entries/cloud-shop.md#p-2).\n"


def with_body(*lines: str) -> str:
    """ENTRY (its body starts on line 23) followed by `lines`, one paragraph each, from line 29 on."""
    return ENTRY + "".join(f"\n{line}\n" for line in lines)


def build_errors(content: Path, out: Path) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build(Options(content=content, out=out, search=False))
    return [str(e).replace(f"{content}/", "") for e in caught.value.errors]


def test_links_to_missing_pages_fail_the_build_with_file_and_line(tmp_path: Path) -> None:
    body = with_body("See [nothing](../../entries/no-such/).",
                     "And [a missing file](no-such.md), [a missing topic](../../topics/clod/)\nor "
                     "[a root-relative one](/entries/gone/).",
                     "And [a paragraph too far](other.md#p-9), [this page's own](#p-7).")
    content = make_site(tmp_path, {"entries/cloud-shop.md": body, "entries/other.md": OTHER})
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site")
    assert build_errors(content, out) == [
        "entries/cloud-shop.md:29: body: link `../../entries/no-such/` leads to `entries/no-such/`, a page the "
        "site does not have (link to a page the site has; a relative address starts from this page's own folder)",
        "entries/cloud-shop.md:31: body: link `no-such.md` leads to `entries/no-such/`, a page the site does not "
        "have (link to a page the site has; a relative address starts from this page's own folder)",
        "entries/cloud-shop.md:31: body: link `../../topics/clod/` leads to `topics/clod/`, a page the site does "
        "not have (did you mean `../../topics/cloud/`?)",
        "entries/cloud-shop.md:32: body: link `/entries/gone/` leads to `entries/gone/`, a page the site does not "
        "have (link to a page the site has; a relative address starts from this page's own folder)",
        "entries/cloud-shop.md:34: body: link `other.md#p-9`: paragraph 9 does not exist: `entries/other/` has 3 "
        "paragraphs (count top-level paragraphs from 1; headings, lists and block quotes do not count)",
        "entries/cloud-shop.md:34: body: link `#p-7`: paragraph 7 does not exist: `entries/cloud-shop/` has 6 "
        "paragraphs (count top-level paragraphs from 1; headings, lists and block quotes do not count)"]
    assert [p.name for p in out.iterdir()] == ["index.html"]


def test_a_misspelt_markdown_link_is_offered_the_file_beside_it(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": with_body("See [it](othr.md)."),
                                   "entries/other.md": OTHER})
    assert build_errors(content, tmp_path / "site") == [
        "entries/cloud-shop.md:29: body: link `othr.md` leads to `entries/othr/`, a page the site does not have "
        "(did you mean `other.md`?)"]


def test_a_markdown_link_outside_the_entries_and_pages_is_refused_when_read(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": with_body("See [the notes](../../README.md)."),
                                   "pages/about.md": "---\ntitle: About\n---\n[Up](../../../x/)\n"})
    assert build_errors(content, tmp_path / "site") == [
        "entries/cloud-shop.md:29: body: link `../../README.md` leads to `../../README.md`, which is not an entry "
        "or page of the digest (link to a file in entries/ or pages/, e.g. `other-entry.md`)",
        "pages/about.md:4: body: link `../../../x/` leads outside the site (a relative address starts from this "
        "page's own folder)"]


def test_markdown_links_become_the_pages_addresses(tmp_path: Path) -> None:
    body = with_body("Compare [the other shop](other.md), [its second paragraph](entries/other.md#p-2),",
                     "[about us](../pages/about.md), [the topics](/topics/) and [home](/).",
                     "[Away](https://example.org/no-such.md) is not ours to check.")
    content = make_site(tmp_path, {"entries/cloud-shop.md": body, "entries/other.md": OTHER,
                                   "pages/about.md": ABOUT})
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    page = (out / "entries/cloud-shop/index.html").read_text()
    for href in ('href="../other/"', 'href="../other/#p-2"', 'href="../../about/"', 'href="../../topics/"',
                 'href="../../"', 'href="https://example.org/no-such.md"'):
        assert href in page
    assert ".md\"" not in page.replace("https://example.org/no-such.md", "")
    assert 'href="../entries/cloud-shop/#p-2"' in (out / "about/index.html").read_text()


def test_links_are_checked_again_when_the_page_they_lead_to_goes(tmp_path: Path) -> None:
    """The linking entry is unchanged and comes from the cache; the link still has to lead somewhere."""
    content = make_site(tmp_path, {"entries/cloud-shop.md": with_body("See [it](other.md#p-3)."),
                                   "entries/other.md": OTHER})
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    (content / "entries/other.md").write_text(OTHER.replace("\nThe third paragraph closes the story.\n", ""))
    assert build_errors(content, out) == [
        "entries/cloud-shop.md:29: body: link `other.md#p-3`: paragraph 3 does not exist: `entries/other/` has "
        "2 paragraphs (count top-level paragraphs from 1; headings, lists and block quotes do not count)"]
    (content / "entries/other.md").unlink()
    assert build_errors(content, out) == [
        "entries/cloud-shop.md:29: body: link `other.md#p-3` leads to `entries/other/`, a page the site does not "
        "have (link to a page the site has; a relative address starts from this page's own folder)"]


def test_a_link_to_a_draft_fails_a_build_without_drafts(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": with_body("See [it](other.md)."),
                                   "entries/other.md": OTHER.replace("curator_note:", "draft: true\ncurator_note:")})
    assert len(build_errors(content, tmp_path / "site")) == 1
    build(Options(content=content, out=tmp_path / "drafts", search=False, drafts=True))


def test_check_reports_broken_links_as_build_does(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": with_body("See [it](../../topics/clod/)."),
                                   "pages/about.md": ABOUT.replace("#p-2", "#p-7")})
    result = subprocess.run([sys.executable, "build.py", "check", "--content", str(content), "--format", "json"],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1
    assert [(e["path"].replace(f"{content}/", ""), e["line"], e["message"])
            for e in json.loads(result.stdout)["errors"]] == [
        ("entries/cloud-shop.md", 29, "link `../../topics/clod/` leads to `topics/clod/`, a page the site does "
                                      "not have"),
        ("pages/about.md", 6, "link `../entries/cloud-shop.md#p-7`: paragraph 7 does not exist: "
                              "`entries/cloud-shop/` has 4 paragraphs")]


def test_links_found_while_rendering_are_those_markdown_it_finds_in_the_whole_body() -> None:
    """The link checks take a body's links from its rendering, where plain and simply marked-up blocks
    never reach markdown-it and the rest reach it a run of blocks at a time. On random bodies, entries'
    and pages', they are the links markdown-it finds parsing the whole body, on the same lines."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    pieces = ["Plain words.", "[a](other.md)", "[b](https://example.org/x.md)", "[c]( ../../topics/x/ )",
              "![d](/assets/p.png)", "`[e](x.md)`", "[f][ref]", "[ref]: no-such.md", "[ref]: HTTPS://x.org/",
              "<https://example.org/>", "[g](//host/x)", "[h](#p-2)", "[i](mailto:x@example.org)", "\n", "\n\n",
              "> [j](../pages/about.md)", "- [k](x.md#p-1)", "](", "[ref]", "[m](<y z.md>)",
              "\n\nA plain paragraph of words.\n\n", "\n\nSee [the report](https://example.org/r/1) and *notes*.\n\n",
              "\n\n## A heading\n\n", "\n\n- one item\n- two items\n\n", "\n\nAnna: [x](y.md) said so.\n\n"]
    found = 0
    for _ in range(1000):
        body = "".join(rng.choice(pieces) + rng.choice([" ", "\n", "\n\n"]) for _ in range(rng.randrange(1, 8)))
        whole = tuple(markdown._scan(markdown._md().parse(body), 0).hrefs)
        assert render_body(body).hrefs == whole, body
        assert render_body(body, dialogue=True).hrefs == whole, body
        assert render_page(body).hrefs == whole, body
        found += bool(links.find(whole, 23, "content/entries/a.md", "entries", "entries/a/index.html")[0])
    assert found > 300  # the bodies do hold links into the site, most of the time
