"""Two builds of the same content give the same bytes, whatever the file system order, time zone, locale
or hash seed; `check --format json` reports exactly what `build` does."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet import cbor
from broadsheet.build import PROJECT
from broadsheet.settle import SIGNATURE, settle

from .conftest import ENTRY, ORGS, PEOPLE, SITE, TOPICS, entry, make_site


def cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})}, check=False)


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return {rel: data for rel, data in files.items() if not rel.startswith(skip)}


def many_entries(count: int) -> dict[str, str | bytes]:
    """`count` entries over two years and several kinds, written in the order given."""
    files: dict[str, str | bytes] = {}
    for i in range(count):
        text = entry(title=f"title: Entry number {i} about cloud shops",
                     date=f"date: {2019 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                     kind=f"kind: {('news', 'speech', 'interview', 'feature', 'commentary')[i % 5]}")
        files[f"entries/entry-{i:03d}.md"] = text
    return files


def write_content(root: Path, files: dict[str, str | bytes], reverse: bool) -> Path:
    """The same content, its files created in one order or the other (directory order follows creation on
    many file systems)."""
    ordered = dict(reversed(list(files.items()))) if reverse else files
    return make_site(root, {"site.yaml": SITE, "topics.yaml": TOPICS, "people.yaml": PEOPLE,
                            "organizations.yaml": ORGS, **ordered}, base=False)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same 60 entries, written in opposite orders, built under different time zones, locales and hash seeds."""
    files = many_entries(60)
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    write_content(a, files, reverse=False)
    write_content(b, files, reverse=True)
    first = cli(a, "build", "--content", "content", "--out", "site", env={"PYTHONHASHSEED": "1"})
    second = cli(b, "build", "--content", "content", "--out", "site",
                 env={"TZ": "Asia/Shanghai", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "2"})
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    return a / "site", b / "site"


def test_two_builds_are_byte_identical_search_index_included(two_builds: tuple[Path, Path]) -> None:
    a, b = two_builds
    first, second = tree(a), tree(b)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert any(path.startswith("pagefind/fragment/") for path in first)  # fragments and word index included
    assert len([path for path in first if path.startswith("pagefind/filter/")]) == 6  # and the 6 filters


def test_the_filter_index_is_sorted(two_builds: tuple[Path, Path]) -> None:
    """Pagefind writes filters and their values in a random order each run; the build sorts them."""
    site, _ = two_builds
    bundle = site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    meta = cbor.loads(gzip.decompress((bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
                                      .read_bytes()).removeprefix(SIGNATURE))
    assert isinstance(meta, list) and isinstance(meta[3], list)
    names = [pair[0] for pair in meta[3] if isinstance(pair, list)]
    assert names == ["kind", "organisation", "person", "topic", "type", "year"]
    for pair in meta[3]:
        assert isinstance(pair, list)
        content = cbor.loads(gzip.decompress((bundle / "filter" / f"{pair[1]}.pf_filter").read_bytes())
                             .removeprefix(SIGNATURE))
        assert isinstance(content, list) and isinstance(content[1], list)
        values = [item[0] for item in content[1] if isinstance(item, list)]
        assert values == sorted(values) and len(values) == len(content[1]) > 0
    assert entry["languages"]["en"]["page_count"] == 60


def test_a_rebuild_in_place_changes_nothing(two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two_builds
    shutil.copytree(a.parent / "content", tmp_path / "content")
    assert cli(tmp_path, "build", "--content", "content", "--out", "site").returncode == 0
    first = tree(tmp_path / "site")
    result = cli(tmp_path, "build", "--content", "content", "--out", "site")
    assert result.returncode == 0 and "0 files written" in result.stdout
    assert tree(tmp_path / "site") == first


# --- check and build agree -------------------------------------------------------------------------------------

def broken_content(root: Path) -> Path:
    return make_site(root, {
        "entries/a.md": entry(kind="kind: speach", date="date: 2020-02-30"),
        "entries/b.md": ENTRY.replace("summary: >-", "sumary: >-"),
        "entries/c.md": b"\xff\xfeb\x00",
        "entries/Bad Name.md": ENTRY,
        "people.yaml": PEOPLE + "pony:\n  name: Pony Ma\n  aliases: [Ma Yun]\n",
        "pages/about.md": "no front matter\n",
    })


def test_check_json_lists_the_same_findings_as_build(tmp_path: Path) -> None:
    broken_content(tmp_path)
    built = cli(tmp_path, "build", "--content", "content", "--out", "site")
    checked = cli(tmp_path, "check", "--content", "content", "--format", "json")
    assert built.returncode == checked.returncode == 1
    report = json.loads(checked.stdout)
    assert report["ok"] is False
    from_check = [f"error: {e['path']}:{e['line']}: {e['field'] + ': ' if e['field'] else ''}{e['message']}"
                  + (f" ({e['hint']})" if e["hint"] else "") for e in report["errors"]]
    lines = built.stderr.splitlines()
    assert lines[-1] == f"{len(from_check)} errors; nothing was written"
    assert lines[:-1] == from_check
    assert len(from_check) == 8
    assert not (tmp_path / "site").exists()


def test_check_text_matches_build(tmp_path: Path) -> None:
    broken_content(tmp_path)
    built = cli(tmp_path, "build", "--content", "content", "--out", "site")
    checked = cli(tmp_path, "check", "--content", "content")
    assert (checked.returncode, checked.stdout, checked.stderr) == (1, "", built.stderr)


def test_an_index_in_a_shape_it_does_not_know_is_left_as_pagefind_wrote_it(tmp_path: Path) -> None:
    (tmp_path / "filter").mkdir()
    (tmp_path / "pagefind-entry.json").write_text('{"languages": {"en": {"hash": "en_1"}}}')
    (tmp_path / "pagefind.en_1.pf_meta").write_bytes(gzip.compress(SIGNATURE + cbor.dumps(["1.9", {"new": 1}])))
    before = tree(tmp_path)
    settle(tmp_path)
    assert tree(tmp_path) == before
