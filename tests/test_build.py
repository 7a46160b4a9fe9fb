"""The build end to end: pages of the map, relative links, feeds, atomic output, cache, Pagefind index."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from broadsheet.build import Options, build
from broadsheet.errors import BuildError
from tests.conftest import ENTRY, entry, make_site

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"


def run_build(content: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "build.py", "build", "--content", str(content), "--out", str(out),
                           *extra], capture_output=True, text=True, cwd=ROOT, check=False)


def second_entry(slug: str, date: str, topics: str = "[retail]") -> dict[str, str]:
    return {f"entries/{slug}.md": entry(title=f"title: Entry {slug}", date=f"date: {date}", topics=f"topics: {topics}")}


def test_every_page_of_the_map_is_written(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"pages/about.md": "---\ntitle: About\n---\nHello.\n"})
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    expected = ["index.html", "entries/cloud-shop/index.html", "topics/index.html", "topics/cloud/index.html",
                "topics/cloud/feed.xml", "people/index.html", "people/jack-ma/index.html",
                "organizations/index.html", "organizations/alibaba/index.html", "timeline/index.html",
                "timeline/2020/index.html", "search/index.html", "404.html", "feed.xml", "sitemap.xml",
                "robots.txt", "about/index.html", "assets/style.css", "assets/search.js"]
    missing = [p for p in expected if not (out / p).is_file()]
    assert missing == []


def test_no_link_in_the_site_is_root_absolute(tmp_path: Path) -> None:
    content = make_site(tmp_path, second_entry("other", "2021-01-02"))
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    offenders = []
    for page in out.rglob("*.html"):
        for link in re.findall(r'(?:href|src|action)="([^"]*)"', page.read_text()):
            if link.startswith("/") and page.name != "404.html":
                offenders.append(f"{page.relative_to(out)}: {link}")
    assert offenders == []


def test_entry_page_links_key_points_to_numbered_paragraphs(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_site(tmp_path), out=out, search=False))
    html = (out / "entries/cloud-shop/index.html").read_text()
    assert 'href="#p-2"' in html
    assert '<p data-n="2"><span id="p-2"></span>' in html
    assert "Removed a footer." in html  # the curator's note is shown to readers
    assert 'href="../../people/jack-ma/"' in html and "Ma Yun, 马云" in html


def test_home_lists_newest_first_and_paginates_past_fifty(tmp_path: Path) -> None:
    files = {}
    for i in range(51):
        files.update(second_entry(f"e-{i:02d}", f"2019-01-{(i % 28) + 1:02d}" if i < 50 else "2022-03-03"))
    out = tmp_path / "site"
    build(Options(content=make_site(tmp_path, files), out=out, search=False))
    first = (out / "index.html").read_text()
    assert first.index("Entry e-50") < first.index("Cloud comes to the corner shop")
    assert (out / "page/2/index.html").is_file()
    assert 'href="page/2/"' in first
    second = (out / "page/2/index.html").read_text()
    assert 'href="../../"' in second and "Page 2 of 2" in second


def test_feeds_are_valid_atom_with_absolute_links(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_site(tmp_path, second_entry("other", "2021-01-02")), out=out, search=False))
    feed = ET.parse(out / "feed.xml").getroot()
    links = [e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert links == ["https://digest.example.org/entries/other/", "https://digest.example.org/entries/cloud-shop/"]
    topic = ET.parse(out / "topics/cloud/feed.xml").getroot()
    assert next(t.text for t in topic.iter(f"{ATOM}title")) == "Test Digest: Cloud computing"
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    assert any(loc.text == "https://digest.example.org/entries/other/" for loc in sitemap.iter())


def test_feeds_are_left_out_with_a_warning_without_base_url(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": "title: No URL\n"})
    result = run_build(content, tmp_path / "site", "--no-search")
    assert result.returncode == 0
    assert "warning: site.yaml has no base_url: feeds and sitemap.xml are left out" in result.stderr
    assert not (tmp_path / "site/feed.xml").exists()
    assert (tmp_path / "site/index.html").exists()


def test_base_url_option_overrides_site_yaml(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=make_site(tmp_path), out=out, search=False, base_url="https://other.example/x"))
    assert "https://other.example/x/entries/cloud-shop/" in (out / "feed.xml").read_text()


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    out = tmp_path / "site"
    assert run_build(content, out, "--no-search").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content / "entries/cloud-shop.md").write_text(entry(date="date: 2020-02-30"), encoding="utf-8")
    result = run_build(content, out, "--no-search")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {content}/entries/cloud-shop.md:3: date: `2020-02-30` is not a real date")
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_all_errors_are_reported_in_one_pass(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/second.md": entry(kind="kind: blog", topics="topics: [clod]")})
    (content / "entries/cloud-shop.md").write_text(entry(title="sumary: oops"), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(Options(content=content, out=tmp_path / "site", search=False))
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 4
    assert any("sumary: unknown field (did you mean `summary`?)" in m for m in messages)
    assert any("title: missing required field" in m for m in messages)
    assert any("kind: `blog` is not one of news, interview, speech, commentary, feature" in m for m in messages)
    assert any("topics[0]: unknown topic `clod` (did you mean `cloud`? define it in topics.yaml if it is new)" in m
               for m in messages)


def test_rebuild_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    out = tmp_path / "site"
    first = build(Options(content=content, out=out, search=False))
    second = build(Options(content=content, out=out, search=False))
    assert first.written > 10
    assert (second.rendered, second.written) == (0, 0)
    third = build(Options(content=content, out=out, search=False))  # the unchanged build kept its cache
    assert (third.rendered, third.written) == (0, 0)


def test_editing_one_summary_renders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    content = make_site(tmp_path, second_entry("other", "2021-01-02", "[retail]"))
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    untouched = (out / "topics/cloud/index.html").stat().st_ino
    page = content / "entries/other.md"
    page.write_text(page.read_text().replace("A short account", "A revised account"), encoding="utf-8")
    result = build(Options(content=content, out=out, search=False))
    assert "A revised account" in (out / "entries/other/index.html").read_text()
    assert "A revised account" in (out / "topics/retail/index.html").read_text()
    # The cloud topic does not list `other`: its file is carried over (the same inode), not rewritten.
    assert (out / "topics/cloud/index.html").stat().st_ino == untouched
    assert result.rendered < result.pages
    clean = tmp_path / "clean"
    build(Options(content=content, out=clean, search=False, use_cache=False))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        p.relative_to(clean): p.read_bytes() for p in clean.rglob("*") if p.is_file()}


def test_template_change_invalidates_the_cache(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    import shutil

    shutil.copytree(ROOT / "templates", templates)
    content = make_site(tmp_path)
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False, templates=templates))
    (templates / "base.html").write_text((templates / "base.html").read_text().replace(
        "Skip to content", "Skip to the story"), encoding="utf-8")
    build(Options(content=content, out=out, search=False, templates=templates))
    assert "Skip to the story" in (out / "entries/cloud-shop/index.html").read_text()


def test_a_rebuild_parses_only_the_templates_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import broadsheet.render

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    options = Options(content=make_site(tmp_path), out=tmp_path / "site", search=False, templates=templates)
    build(options)
    parsed: list[str] = []
    original = broadsheet.render._references

    def spy(env: object, name: str, source: str) -> frozenset[str]:
        parsed.append(name)
        return original(env, name, source)  # type: ignore[arg-type]

    monkeypatch.setattr(broadsheet.render, "_references", spy)
    build(options)
    assert parsed == []
    (templates / "topic.html").write_text((templates / "topic.html").read_text() + "{# edited #}\n", encoding="utf-8")
    build(options)
    assert parsed == ["topic.html"]


def test_registry_change_re_renders_entry_pages(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    people = content / "people.yaml"
    people.write_text(people.read_text().replace("Ma Yun, 马云", "Ma Yun, 马云, Teacher Ma"), encoding="utf-8")
    build(Options(content=content, out=out, search=False))
    assert "Teacher Ma" in (out / "entries/cloud-shop/index.html").read_text()


def test_drafts_are_built_only_when_asked(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"entries/wip.md": ENTRY.replace("curator_note:", "draft: true\ncurator_note:")})
    out = tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    assert not (out / "entries/wip").exists()
    build(Options(content=content, out=out, search=False, drafts=True))
    assert (out / "entries/wip/index.html").exists()


def _fragments(out: Path) -> list[dict[str, object]]:
    fragments = []
    for path in (out / "pagefind/fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        fragments.append(json.loads(data[data.index(b"{"):]))
    return fragments


def test_pagefind_indexes_every_entry_with_filters_and_meta(tmp_path: Path) -> None:
    content = make_site(tmp_path, second_entry("other", "2021-01-02"))
    out = tmp_path / "site"
    result = run_build(content, out)
    assert result.returncode == 0, result.stderr
    assert "search indexed" in result.stdout
    fragments = {f["url"]: f for f in _fragments(out)}
    assert set(fragments) == {"/entries/cloud-shop/", "/entries/other/"}
    shop = fragments["/entries/cloud-shop/"]
    assert shop["meta"]["title"] == "Cloud comes to the corner shop"  # type: ignore[index]
    assert shop["meta"]["date"] == "2020-09-15"  # type: ignore[index]
    assert shop["meta"]["summary"].startswith("A short account")  # type: ignore[index]
    filters = shop["filters"]
    assert filters == {"topic": ["Cloud computing", "Retail"], "kind": ["news"], "year": ["2020"],
                       "person": ["Jack Ma"], "organisation": ["Alibaba Group"], "type": ["entry"]}
    assert "马云" in shop["content"]  # type: ignore[operator]


# --- entries whose file is unchanged are not read again --------------------------------------------------

def age(content: Path, seconds: int = 60) -> None:
    """Date every entry file `seconds` back, as files the curator saved a while ago."""
    for path in (content / "entries").glob("*.md"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


def opened_entries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The entry files the reader opens from now on."""
    import broadsheet.files

    opened: list[str] = []

    def spy(file: str, *args: object, **kwargs: object) -> object:
        opened.append(Path(file).name)
        return open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(broadsheet.files, "open", spy, raising=False)
    return opened


def test_an_entry_file_saved_a_while_ago_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_site(tmp_path)
    age(content)
    build(Options(content=content, out=tmp_path / "site", search=False))
    opened = opened_entries(monkeypatch)
    again = build(Options(content=content, out=tmp_path / "site", search=False))
    assert opened == [] and (again.rendered, again.written) == (0, 0)


def test_a_first_build_past_the_worker_pool_leaves_no_file_to_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build has each file read by the worker that parses it: the stamps it remembers come back
    from the workers, so the next build opens none of the published entries' files (drafts, which the
    cache does not keep, are read on every build)."""
    import random

    from broadsheet.parallel import MIN_ITEMS
    from tests.corpus import write_digest

    content = tmp_path / "content"
    write_digest(content, MIN_ITEMS + 40, random.Random(5))
    age(content)
    first = build(Options(content=content, out=tmp_path / "site", search=False))
    opened = opened_entries(monkeypatch)
    again = build(Options(content=content, out=tmp_path / "site", search=False))
    drafts = sorted(p.name for p in (content / "entries").glob("*.md") if "\ndraft: true" in p.read_text())
    assert sorted(name for name in opened if name != "about.md") == drafts  # and the free page
    assert first.entries + len(drafts) > MIN_ITEMS  # the first build read them in the worker pool
    assert (again.rendered, again.written) == (0, 0) and first.rendered == again.pages


def test_a_file_written_just_before_the_build_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its stamp may not change on a second save within the same clock tick, so it is not trusted yet.
    content = make_site(tmp_path)
    build(Options(content=content, out=tmp_path / "site", search=False))
    opened = opened_entries(monkeypatch)
    build(Options(content=content, out=tmp_path / "site", search=False))
    assert opened == ["cloud-shop.md"]


def test_a_file_built_before_and_now_a_symlink_out_of_the_content_is_refused(tmp_path: Path) -> None:
    # A rebuild skips the name checks for files it built before, but not the check on where they lead.
    content = make_site(tmp_path, second_entry("other", "2021-01-02"))
    age(content)
    options = Options(content=content, out=tmp_path / "site", search=False)
    build(options)
    secret = tmp_path / "secret.md"
    secret.write_text((content / "entries/other.md").read_text().replace("Entry other", "Leaked"))
    (content / "entries/other.md").unlink()
    (content / "entries/other.md").symlink_to(secret)
    with pytest.raises(BuildError) as raised:
        build(options)
    assert "entries/other.md:1: symlink leads outside the content folder" in str(raised.value)
    assert "Leaked" not in (tmp_path / "site/entries/other/index.html").read_text()


def test_a_file_built_before_and_now_a_folder_is_left_out(tmp_path: Path) -> None:
    content = make_site(tmp_path, second_entry("other", "2021-01-02"))
    age(content)
    options = Options(content=content, out=tmp_path / "site", search=False)
    build(options)
    (content / "entries/other.md").unlink()
    (content / "entries/other.md").mkdir()
    build(options)
    assert not (tmp_path / "site/entries/other").exists()
    assert (tmp_path / "site/entries/cloud-shop/index.html").exists()


def test_an_edit_that_keeps_the_size_and_the_time_is_still_seen(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    age(content)
    build(Options(content=content, out=tmp_path / "site", search=False))
    path = content / "entries/cloud-shop.md"
    before = path.stat()
    path.write_text(ENTRY.replace("corner shop", "corner shed"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a coarse clock or a copy tool leaves it
    assert path.stat().st_size == before.st_size
    build(Options(content=content, out=tmp_path / "site", search=False))
    assert "Cloud comes to the corner shed" in (tmp_path / "site/entries/cloud-shop/index.html").read_text()


def test_garbage_frozen_during_a_build_is_collected_after_it(tmp_path: Path) -> None:
    """A build freezes the cache it loads out of the collector's scans; a serve session or a test run
    builds many times in one process, so a cycle of garbage frozen with it must still be freed after."""
    import gc
    import weakref

    class Node:
        pass

    content, out = make_site(tmp_path), tmp_path / "site"
    build(Options(content=content, out=out, search=False))
    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    gone = weakref.ref(cycle)
    del cycle  # garbage, freed only by the cyclic collector
    assert build(Options(content=content, out=out, search=False)).rendered == 0  # the cache was loaded
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None
