"""write: paths stay inside the output, staging links unchanged files, the swap replaces the site whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.errors import BuildError
from broadsheet.write import build_lock, safe_path, stage, swap, write_in_place


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "", "a\\..\\b", "."])
def test_paths_that_could_leave_the_output_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(BuildError) as caught:
        safe_path(tmp_path, rel)
    assert str(caught.value) == f"refusing to write `{rel}`: it would land outside the output folder"


def test_stage_links_kept_files_and_writes_changed_ones(tmp_path: Path) -> None:
    out, staged = tmp_path / "site", tmp_path / "staged"
    (out / "a").mkdir(parents=True)
    (out / "a/keep.html").write_text("old")
    (out / "gone.html").write_text("old")
    stage(out, staged, {"b/new.html": b"new"}, ["a/keep.html"])
    assert (staged / "a/keep.html").stat().st_ino == (out / "a/keep.html").stat().st_ino
    assert (staged / "b/new.html").read_bytes() == b"new"
    assert not (staged / "gone.html").exists()
    swap(out, staged)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a/keep.html",
                                                                                             "b/new.html"]
    assert not staged.exists()


def test_write_in_place_replaces_and_removes(tmp_path: Path) -> None:
    (tmp_path / "old.html").write_text("x")
    write_in_place(tmp_path, {"new/index.html": b"y"}, ["old.html"])
    assert (tmp_path / "new/index.html").read_bytes() == b"y"
    assert not (tmp_path / "old.html").exists()
    assert not list(tmp_path.rglob(".*.tmp"))


def test_a_second_build_of_the_same_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with build_lock(out), pytest.raises(BuildError) as caught, build_lock(out):
        pass
    assert str(caught.value) == f"another build is writing {out}; wait for it to finish"
