"""The build cache is never trusted when it could be stale: another engine, another site folder, a build
killed before it saved, or inputs that changed (a topic's title here; templates and aliases in
test_build)."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from pathlib import Path
from typing import NoReturn

import pytest

from broadsheet import build as build_module
from broadsheet import cache
from broadsheet.build import Options, build
from broadsheet.model import Entry

from .conftest import TOPICS, make_site


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_topic_renamed_reaches_every_page_that_names_it(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    build(Options(content=content, out=tmp_path / "site", search=False))
    (content / "topics.yaml").write_text(TOPICS.replace("Cloud computing", "Rented computing"), encoding="utf-8")
    build(Options(content=content, out=tmp_path / "site", search=False))
    for page in ("entries/cloud-shop/index.html", "topics/index.html", "topics/cloud/index.html", "index.html"):
        text = (tmp_path / "site" / page).read_text()
        assert "Rented computing" in text and "Cloud computing" not in text, page
    build(Options(content=content, out=tmp_path / "clean", search=False, use_cache=False))
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


def test_a_cache_written_by_another_engine_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_site(tmp_path)
    first = build(Options(content=content, out=tmp_path / "site", search=False))
    assert cache.load(tmp_path / "site").outputs  # trusted by the engine that wrote it
    monkeypatch.setattr(cache, "ENGINE", "a newer engine")
    assert cache.load(tmp_path / "site") == cache.Cache()
    again = build(Options(content=content, out=tmp_path / "site", search=False))
    assert again.rendered == first.pages


@pytest.mark.parametrize("layout", [5, 6])
def test_a_cache_in_an_earlier_layout_is_ignored(tmp_path: Path, layout: int) -> None:
    """Format 5 pickled header and cache as one tuple, format 6 the header and then the cache; reading
    either now gives an empty cache, not an error, and the next build renders every page."""
    content = make_site(tmp_path)
    first = build(Options(content=content, out=tmp_path / "site", search=False))
    saved = cache.load(tmp_path / "site")
    assert saved.outputs
    header = ((layout, cache.ENGINE), cache.site_id(tmp_path / "site"), {})
    with open(cache.cache_path(tmp_path / "site"), "wb") as handle:
        if layout == 5:
            pickle.dump((*header, saved), handle)
        else:
            pickle.dump(header, handle)
            pickle.dump(saved, handle)
    assert cache.load(tmp_path / "site") == cache.Cache()
    assert build(Options(content=content, out=tmp_path / "site", search=False)).rendered == first.pages


def test_a_cache_cut_short_is_ignored(tmp_path: Path) -> None:
    """A cache file truncated anywhere (a full disk, a copy interrupted) reads as no cache."""
    content = make_site(tmp_path)
    first = build(Options(content=content, out=tmp_path / "site", search=False))
    path = cache.cache_path(tmp_path / "site")
    whole = path.read_bytes()
    for size in (0, 7, len(whole) // 2, len(whole) - 1):
        path.write_bytes(whole[:size])
        assert cache.load(tmp_path / "site") == cache.Cache(), size
    path.write_bytes(whole)
    assert cache.load(tmp_path / "site").outputs
    path.write_bytes(whole[:-1])
    assert build(Options(content=content, out=tmp_path / "site", search=False)).rendered == first.pages


def restore(site: Path, saved: Path) -> None:
    """Put a copy of `site` in its place, as restoring it from a CI cache does; the folder moved aside
    is kept, so that the copy cannot be given its inode number."""
    site.rename(saved)
    shutil.copytree(saved, site)


def test_a_site_restored_with_its_cache_builds_warm_and_what_differs_is_repaired(tmp_path: Path) -> None:
    """What a CI job sees that keeps site/ and .broadsheet-cache/ between runs: other inodes and times."""
    content = make_site(tmp_path)
    first = build(Options(content=content, out=tmp_path / "site"))
    restore(tmp_path / "site", tmp_path / "saved-1")  # same files, but not the folder the cache was saved with
    warm = build(Options(content=content, out=tmp_path / "site"))
    assert (warm.rendered, warm.written, warm.indexed) == (0, 0, False) and first.rendered > 0

    (tmp_path / "site" / "topics" / "index.html").write_text("changed on disk since")
    restore(tmp_path / "site", tmp_path / "saved-2")
    repaired = build(Options(content=content, out=tmp_path / "site"))
    assert (repaired.rendered, repaired.written, repaired.indexed) == (1, 1, False)
    build(Options(content=content, out=tmp_path / "clean", use_cache=False))
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


def test_a_restored_search_index_that_differs_is_made_again(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    build(Options(content=content, out=tmp_path / "site"))
    entry = tmp_path / "site" / "pagefind" / cache.INDEX_ENTRY
    entry.write_text(entry.read_text().replace('"version"', '"versio"'))
    restore(tmp_path / "site", tmp_path / "saved")
    again = build(Options(content=content, out=tmp_path / "site"))
    assert (again.rendered, again.indexed) == (0, True)
    build(Options(content=content, out=tmp_path / "clean", use_cache=False))
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


def test_a_build_killed_before_saving_its_cache_leaves_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_site(tmp_path)
    build(Options(content=content, out=tmp_path / "site", search=False))
    (content / "topics.yaml").write_text(TOPICS.replace("Retail", "Shops"), encoding="utf-8")

    def killed(saving: cache.Saving, new: cache.Cache) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.Saving, "finish", killed)
    with pytest.raises(KeyboardInterrupt):
        build(Options(content=content, out=tmp_path / "site", search=False))
    assert not cache.cache_path(tmp_path / "site").exists()  # the old cache went before the swap
    assert not any(cache.cache_path(tmp_path / "site").parent.glob("*"))  # nor is a half-saved one left
    monkeypatch.undo()
    build(Options(content=content, out=tmp_path / "site", search=False))
    build(Options(content=content, out=tmp_path / "clean", search=False, use_cache=False))
    assert tree(tmp_path / "site") == tree(tmp_path / "clean")


@pytest.mark.parametrize("child_writes", [True, False])
def test_a_first_build_saves_its_entries_from_a_child_or_else_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_writes: bool) -> None:
    """A first build's child writes the cache's entries while the build collects and plans; if the
    child fails, the build writes them itself. Either way the next build reuses every entry."""
    content = make_site(tmp_path)
    if child_writes:
        def not_here(saving: cache.Saving, entries: dict[str, object]) -> None:
            raise AssertionError("the entries were written by the build, not by its child")
        monkeypatch.setattr(cache.Saving, "begin", not_here)
    else:
        monkeypatch.setattr(cache, "_write_and_exit", lambda temp, entries: os._exit(1))
    first = build(Options(content=content, out=tmp_path / "site", search=False))
    monkeypatch.undo()
    saved = cache.load(tmp_path / "site")
    assert len(saved.entries) == first.entries > 0
    assert build(Options(content=content, out=tmp_path / "site", search=False)).rendered == 0


def test_a_first_build_that_fails_stops_the_child_writing_its_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child is stopped before the half-saved cache is deleted: it could not write one afterwards,
    beside the cache of another site kept in the same folder."""
    content = make_site(tmp_path)
    build(Options(content=content, out=tmp_path / "other", search=False))
    write_and_exit = cache._write_and_exit

    def slow_child(temp: Path, entries: dict[str, Entry]) -> NoReturn:
        time.sleep(1)
        write_and_exit(temp, entries)

    def failed(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache, "_write_and_exit", slow_child)
    monkeypatch.setattr(build_module, "collect", failed)
    with pytest.raises(KeyboardInterrupt):
        build(Options(content=content, out=tmp_path / "site", search=False))
    time.sleep(1.5)
    assert list(cache.cache_path(tmp_path / "site").parent.iterdir()) == [cache.cache_path(tmp_path / "other")]
