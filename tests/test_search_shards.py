"""A large digest's search index in parts: every entry in exactly one, and an edit re-indexes one part."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from broadsheet import pagefind, search
from broadsheet.build import PROJECT, Options, PageResult, PageWriter, build
from broadsheet.errors import BuildError
from broadsheet.render import PageSpec
from tests.conftest import entry, make_site


def pages(count: int) -> list[str]:
    return [f"entries/e{n:05d}/index.html" for n in range(count)]


def shards(paths: list[str], shas: dict[str, str]) -> list[search.Shard]:
    return [search.shard(part, shas) for part in search.parts(paths)]


def test_pages_are_shared_out_evenly_and_each_lands_in_one_index() -> None:
    parts = search.parts(pages(10_000))  # 2,000 per index by default
    assert [s.folder for s in parts] == ["pagefind", *(f"pagefind/part-{n}" for n in range(1, 5))]
    assert sorted(p for s in parts for p in s.pages) == pages(10_000)
    for part in parts:
        assert 1_800 < len(part.pages) < 2_200, (part.folder, len(part.pages))


def test_one_changed_or_added_page_changes_one_index() -> None:
    shas = {path: f"sha of {path}" for path in pages(5_000)}
    before = shards(pages(5_000), shas)
    assert shards(pages(5_000), dict(shas)) == before
    edited = {**shas, pages(5_000)[1234]: "changed"}
    new = "entries/new/index.html"
    for after in (shards(pages(5_000), edited), shards([*pages(5_000), new], {**shas, new: "sha"})):
        changed = [a.folder for a, b in zip(after, before, strict=True) if a.fingerprint != b.fingerprint]
        assert len(changed) == 1, changed


def test_no_index_is_ever_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind refuses to write an empty index, so a hash bucket that gets no page is left out.
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", "1")
    parts = search.parts(pages(50))
    assert all(part.pages for part in parts) and 1 < len(parts) < 50
    assert [s.folder for s in parts] == search.shard_folders(pages(50))
    assert [s.folder for s in parts][1:] == [f"pagefind/part-{n}" for n in range(1, len(parts))]


def test_a_small_digest_has_one_index_and_an_empty_one_indexes_its_front_page() -> None:
    assert [s.folder for s in search.parts(pages(5))] == ["pagefind"]
    assert search.parts([])[0].pages == ("index.html",)


# --- built sites ---------------------------------------------------------------------------------------

SLUGS = ("cloud-shop", "alpha", "bravo", "charlie", "delta")


def five_entries(tmp_path: Path) -> Path:
    extra = {f"entries/{slug}.md": entry(title=f"title: Entry {slug}") for slug in SLUGS[1:]}
    return make_site(tmp_path, extra)


def indexed(bundle: Path) -> set[str]:
    """The addresses of the pages one index folder holds."""
    urls = set()
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        urls.add(json.loads(data[data.index(b"{"):])["url"])
    return urls


def folders(out: Path) -> list[Path]:
    return [out / "pagefind", *sorted((out / "pagefind").glob("part-*"))]


@pytest.fixture
def two_per_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", "2")


@pytest.mark.usefixtures("two_per_index")
def test_every_entry_is_searchable_in_exactly_one_index(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(Options(content=five_entries(tmp_path), out=out))
    parts = [indexed(folder) for folder in folders(out)]
    assert len(parts) == 3 and all(parts)
    assert sorted(url for part in parts for url in part) == sorted(f"/entries/{s}/" for s in SLUGS)
    page = (out / "search/index.html").read_text(encoding="utf-8")
    assert re.search(r'data-merge="part-1/ part-2/"', page)


def test_one_entry_per_index_builds_and_the_search_page_merges_them_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", "1")
    out = tmp_path / "site"
    build(Options(content=five_entries(tmp_path), out=out))
    parts = folders(out)
    assert sorted(url for f in parts for url in indexed(f)) == sorted(f"/entries/{s}/" for s in SLUGS)
    merged = re.search(r'data-merge="([^"]*)"', (out / "search/index.html").read_text(encoding="utf-8"))
    assert merged and merged.group(1).split() == [f"{f.name}/" for f in parts[1:]]


@pytest.mark.usefixtures("two_per_index")
def test_editing_an_entry_re_indexes_only_its_part(tmp_path: Path) -> None:
    content, out = five_entries(tmp_path), tmp_path / "site"
    build(Options(content=content, out=out))
    before = {folder.name: (folder / "pagefind-entry.json").stat().st_ino for folder in folders(out)}
    home = next(f for f in folders(out) if "/entries/bravo/" in indexed(f))
    text = (content / "entries/bravo.md").read_text(encoding="utf-8")
    (content / "entries/bravo.md").write_text(text.replace("A short account", "A fresh account"), encoding="utf-8")

    result = build(Options(content=content, out=out))

    assert result.indexed
    after = {folder.name: (folder / "pagefind-entry.json").stat().st_ino for folder in folders(out)}
    assert [name for name in before if before[name] != after[name]] == [home.name]
    fragments = [gzip.decompress(p.read_bytes()) for p in (home / "fragment").iterdir()]
    assert any(b"A fresh account" in data for data in fragments)


@pytest.mark.usefixtures("two_per_index")
def test_fewer_entries_leave_no_stale_index_behind(tmp_path: Path) -> None:
    content, out = five_entries(tmp_path), tmp_path / "site"
    build(Options(content=content, out=out))
    for slug in SLUGS[3:]:
        (content / f"entries/{slug}.md").unlink()

    build(Options(content=content, out=out))

    assert [f.name for f in folders(out)] == ["pagefind", "part-1"]
    assert sorted(url for f in folders(out) for url in indexed(f)) == sorted(f"/entries/{s}/" for s in SLUGS[:3])
    assert 'data-merge="part-1/"' in (out / "search/index.html").read_text(encoding="utf-8")


def build_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Build five entries, logging each page as it is rendered and each part as it goes to Pagefind."""
    events: list[tuple[str, str]] = []
    render, add = PageWriter.__call__, pagefind.Indexing.add

    def rendering(self: PageWriter, spec: PageSpec) -> PageResult:
        events.append(("page", spec.path))
        return render(self, spec)

    def adding(self: pagefind.Indexing, shard: search.Part) -> None:
        events.append(("index", shard.folder))
        add(self, shard)

    monkeypatch.setattr(PageWriter, "__call__", rendering)
    monkeypatch.setattr(pagefind.Indexing, "add", adding)
    build(Options(content=five_entries(tmp_path), out=tmp_path / "site"))
    return events


@pytest.mark.usefixtures("two_per_index")
def test_each_part_is_indexed_as_soon_as_its_pages_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = build_logged(tmp_path, monkeypatch)

    parts = {part.folder: part.pages for part in search.parts([f"entries/{s}/index.html" for s in SLUGS])}
    assert len(parts) > pagefind.RUNS  # so they are indexed one after the other
    assert [name for kind, name in events if kind == "index"] == list(parts)  # all three parts, in turn
    order = list(parts)
    for at, (kind, name) in enumerate(events):
        if kind == "index":  # right after its pages: those rendered so far are of it and the parts before
            rendered = {page for kind, page in events[:at] if kind == "page"}
            assert rendered == {page for folder in order[: order.index(name) + 1] for page in parts[folder]}
    first_list_page = next(at for at, (kind, name) in enumerate(events) if kind == "page" and "entries/" not in name)
    assert events[first_list_page - 1] == ("index", "pagefind/part-2")


def test_parts_indexed_at_once_go_together_once_every_entry_page_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs started together end together; a part handed over first would end first, and leave a
    core idle while the other finished."""
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", "3")
    events = build_logged(tmp_path, monkeypatch)

    parts = search.parts([f"entries/{s}/index.html" for s in SLUGS])
    assert len(parts) == pagefind.RUNS
    handed = [at for at, (kind, _) in enumerate(events) if kind == "index"]
    assert [events[at][1] for at in handed] == [part.folder for part in parts]
    assert handed == [handed[0] + k for k in range(len(parts))]  # one after the other, no page between
    rendered = [page for kind, page in events[: handed[0]] if kind == "page"]
    assert sorted(rendered) == sorted(page for part in parts for page in part.pages)  # every entry, no list


def test_a_build_that_fails_while_pagefind_runs_stops_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind starts on the entry pages while the other pages render; a template error in one of
    # those must stop it, not leave it running or wait for it.
    started = tmp_path / "pagefind.pid"
    slow = tmp_path / "slow-pagefind"
    slow.write_text(f"#!/bin/sh\necho $$ > {started}.tmp\nmv {started}.tmp {started}\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setenv("BROADSHEET_PAGEFIND", str(slow))
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    (templates / "topic.html").write_text("{{ no_such_value }}")
    content, out = five_entries(tmp_path), tmp_path / "site"
    # Give Pagefind time to start before the topic pages render (they come after the entry pages).
    render = PageWriter.__call__

    def slow_topics(self: PageWriter, spec: PageSpec) -> PageResult:
        if spec.template == "topic.html":
            deadline = time.monotonic() + 10
            while not started.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return render(self, spec)

    monkeypatch.setattr(PageWriter, "__call__", slow_topics)

    with pytest.raises(BuildError, match=r"topic\.html"):
        build(Options(content=content, out=out, templates=templates))

    assert started.exists(), "Pagefind was not started before the other pages rendered"
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)
    left = sorted(p.name for p in tmp_path.iterdir())  # no staging folder, no Pagefind configuration
    assert left == [".site.lock", "content", "pagefind.pid", "slow-pagefind", "templates"]


def fake_pagefind(tmp_path: Path, waits: dict[str, tuple[str, float]]) -> Path:
    """A stand-in for Pagefind that logs when it starts and ends, and writes an index of one file.
    The run writing part `p` ends only once the line `waits[p] = (line, seconds)` is in the log, or
    else after that many seconds: a line that must not come before that run's end is waited out that
    way, and shows in the log first if the runs are started at the wrong time."""
    cases = "".join(f'  */{part}) wait_for "{line}" {round(seconds * 100)};;\n'
                    for part, (line, seconds) in waits.items())
    script = tmp_path / "fake-pagefind"
    script.write_text(f"""#!/bin/sh
while [ "$1" != --output-path ]; do shift; done
out=$2
log={tmp_path}/log
wait_for() {{
  n=0
  until grep -qx "$1" $log || [ $n -ge $2 ]; do sleep 0.01; n=$((n + 1)); done
}}
echo "start ${{out#*/site/}}" >> $log
case $out in
{cases}esac
mkdir -p "$out" && echo > "$out/pagefind.js"
echo "end ${{out#*/site/}}" >> $log
""")
    script.chmod(0o755)
    return script


def runs(tmp_path: Path) -> list[str]:
    """The fake Pagefind's log so far: none before its first run."""
    log = tmp_path / "log"
    return log.read_text().splitlines() if log.exists() else []


def test_two_parts_are_indexed_at_once_and_the_third_when_the_first_ends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first run waits for part 1 to start, which must come before its end. Part 1 ends only after
    # part 2; its run waits out part 2's start, which must come after the first run's end.
    waits = {"pagefind": ("start pagefind/part-1", 10), "part-1": ("end pagefind/part-2", 60)}
    monkeypatch.setenv("BROADSHEET_PAGEFIND", str(fake_pagefind(tmp_path, waits)))
    (tmp_path / "site").mkdir()
    shards = [search.Part(search.folder(n), ("index.html",)) for n in range(3)]

    pagefind.index(tmp_path / "site", shards)

    log = runs(tmp_path)
    # The first two start at once, so either may log its start first.
    assert sorted(log[:2]) == ["start pagefind", "start pagefind/part-1"]
    assert log[2:] == ["end pagefind", "start pagefind/part-2", "end pagefind/part-2", "end pagefind/part-1"]
    assert all((tmp_path / "site" / shard.folder / "pagefind.js").is_file() for shard in shards)
    assert not list(tmp_path.glob(".pagefind-*"))


def test_one_part_is_indexed_at_a_time_until_the_build_widens_the_indexing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # While pages render, the first run waits out part 1's start, which must come after its end. Once
    # widened, part 1 ends only after part 2, which must then run beside it.
    waits = {"pagefind": ("start pagefind/part-1", 2), "part-1": ("end pagefind/part-2", 60)}
    monkeypatch.setenv("BROADSHEET_PAGEFIND", str(fake_pagefind(tmp_path, waits)))
    (tmp_path / "site").mkdir()
    shards = [search.Part(search.folder(n), ("index.html",)) for n in range(3)]

    with pagefind.Indexing(tmp_path / "site") as indexing:
        indexing.add(shards[0])
        indexing.add(shards[1])
        deadline = time.monotonic() + 10
        while runs(tmp_path) != ["start pagefind", "end pagefind", "start pagefind/part-1"]:
            assert time.monotonic() < deadline, runs(tmp_path)
            time.sleep(0.01)
        indexing.widen()  # the rendering is done: part 2 starts beside part 1
        indexing.add(shards[2])
        indexing.wait()

    assert runs(tmp_path)[3:] == ["start pagefind/part-2", "end pagefind/part-2", "end pagefind/part-1"]


def test_a_pagefind_run_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hung = tmp_path / "hung-pagefind"
    hung.write_text("#!/bin/sh\nexec sleep 60\n")
    hung.chmod(0o755)
    monkeypatch.setenv("BROADSHEET_PAGEFIND", str(hung))
    monkeypatch.setattr(pagefind, "TIMEOUT", 0.5)
    (tmp_path / "site").mkdir()
    started = time.monotonic()

    with pytest.raises(BuildError, match=r"^search indexing took over .* and was stopped .*--no-search"):
        pagefind.index(tmp_path / "site", [search.Part(search.folder(0), ("index.html",))])

    assert time.monotonic() - started < 30
    assert not list(tmp_path.glob(".pagefind-*"))


@pytest.mark.parametrize("per_part", [3, 1])
def test_beside_the_workers_a_digest_of_two_parts_has_both_indexed_a_larger_one_a_part_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_part: int) -> None:
    """Pagefind runs hold memory in proportion to their pages and the workers in proportion to the
    digest: only a digest whose parts can all be indexed at once has two runs beside the workers."""
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", str(per_part))
    parts = search.parts([f"entries/{s}/index.html" for s in SLUGS])
    # Each run lasts 0.2 s (it waits for a line that never comes), so runs at once show in the log.
    waits = {part.folder.rsplit("/", 1)[-1]: ("no such line", 0.2) for part in parts}
    monkeypatch.setenv("BROADSHEET_PAGEFIND", str(fake_pagefind(tmp_path, waits)))
    render = PageWriter.__call__
    seen: list[str] = []  # the log as the first page after the entry pages began to render

    def rendering(self: PageWriter, spec: PageSpec) -> PageResult:
        if not spec.indexed and not seen:  # the entry pages are written: their parts are being indexed
            deadline = time.monotonic() + (10 if len(parts) == 2 else 5)
            while True:
                seen[:] = [line.split()[0] for line in runs(tmp_path)]
                if seen.count("start") >= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            seen.append("rendered")
        return render(self, spec)

    monkeypatch.setattr(PageWriter, "__call__", rendering)

    build(Options(content=five_entries(tmp_path), out=tmp_path / "site"))

    alive = list(itertools.accumulate(1 if event == "start" else -1 for event in seen[:-1]))
    if len(parts) == 2:
        assert alive[:2] == [1, 2]  # both parts at once, while the other pages wait to render
    else:
        assert len(parts) > 2 and max(alive) == 1 and seen.count("start") >= 2, seen
