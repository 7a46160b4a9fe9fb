"""Differential: after any edit a curator makes, the incremental build equals a clean build, byte for byte.

A digest of 430 entry files (about 260 published: past the page size of 50, the timeline split of
200 and the worker pool's 400 files) is built, then edited at random: entries added, deleted,
renamed, redated, retitled, rewritten, retagged, drafted; a topic's title, a person's name or alias,
site.yaml, a free page, a template, the stylesheet. After each edit the incremental build (`build`
with its cache, or `serve`'s rebuild and index refresh) must leave exactly the files of
`build --no-cache` in a fresh folder, search index included, split into parts of 100 entries.

Hypothesis draws the order of the edits and their values; a failing run prints the edits and the
seed to replay it. `make test` runs one example of each test; `make test-differential` runs many
(BROADSHEET_DIFF_EXAMPLES sets how many) and shrinks a failure to the fewest edits.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from broadsheet import serve
from broadsheet.build import PROJECT, Options, build
from broadsheet.server import Hub

from . import corpus

EXAMPLES = int(os.environ.get("BROADSHEET_DIFF_EXAMPLES", "1"))
FILES = 430
Edit = Callable[[Path, random.Random], str]


@pytest.fixture(autouse=True)
def parts_of_a_hundred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", "100")


@pytest.fixture(scope="module")
def base_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("base") / "content"
    corpus.write_digest(content, FILES, random.Random(20261204))
    return content


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(built: Path, clean: Path) -> list[str]:
    ours, theirs = tree(built), tree(clean)
    return sorted(path for path in ours.keys() | theirs.keys() if ours.get(path) != theirs.get(path))


class Workspace:
    """A copy of the base digest, its own templates and assets, and the folders it is built into."""

    def __init__(self, root: Path, base: Path, search: bool) -> None:
        self.root = root
        shutil.copytree(base, root / "content")
        shutil.copytree(PROJECT / "templates", root / "templates")
        shutil.copytree(PROJECT / "assets", root / "assets")
        self.search = search
        self.clean_builds = 0

    def options(self, out: str, use_cache: bool = True) -> Options:
        return Options(content=self.root / "content", out=self.root / out, templates=self.root / "templates",
                       assets=self.root / "assets", search=self.search, use_cache=use_cache)

    def edit(self, kind: int, seed: str) -> str:
        edit, folder = self.edits[kind]
        return edit(folder, random.Random(seed))

    @property
    def edits(self) -> list[tuple[Edit, Path]]:
        content, templates, assets = self.root / "content", self.root / "templates", self.root / "assets"
        return [*((e, content) for e in corpus.CONTENT_EDITS), (corpus.template, templates),
                (corpus.stylesheet, assets)]

    def clean(self) -> Path:
        self.clean_builds += 1
        out = f"clean-{self.clean_builds}"
        build(self.options(out, use_cache=False))
        return self.root / out


# Every kind of edit once per example, in a drawn order, each with its own drawn values.
EDITS = st.tuples(st.permutations(range(len(corpus.CONTENT_EDITS) + 2)), st.integers(0, 2**32))
# Shrinking a failure takes minutes of builds: only the long run does it (BROADSHEET_DIFF_SHRINK=1).
SHRINK = [Phase.shrink] if os.environ.get("BROADSHEET_DIFF_SHRINK") else []
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, *SHRINK]
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, print_blob=True, phases=PHASES,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("search", [True, False], ids=["with-search", "without-search"])
@SETTINGS
@given(edits=EDITS)
def test_build_after_any_edits_equals_a_clean_build(base_digest: Path, search: bool,
                                                     edits: tuple[list[int], int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        space = Workspace(Path(folder), base_digest, search)
        first = build(space.options("site"))
        assert first.entries > 200
        kinds, seed = edits
        for step, kind in enumerate(kinds):
            note(f"step {step}: {space.edit(kind, f'{seed}-{step}')}")
            build(space.options("site"))
            assert differences(space.root / "site", space.clean()) == [], f"after step {step}"


@SETTINGS
@given(edits=EDITS)
def test_serve_after_any_edits_equals_a_clean_build(base_digest: Path, edits: tuple[list[int], int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        space = Workspace(Path(folder), base_digest, search=True)
        session = serve.Session(space.options("site"), Hub())
        session._indexer = Now(session.refresh_search)  # type: ignore[assignment]  # refresh in the foreground
        session.start()
        kinds, seed = edits
        for step, kind in enumerate(kinds):
            note(f"step {step}: {space.edit(kind, f'{seed}-{step}')}")
            session.rebuild(frozenset())
            assert session.hub.status().problem == ""
            assert differences(space.root / "site", space.clean()) == [], f"after step {step}"


class Now:
    """Runs serve's background index refresh at once, when the rebuild asks for it."""

    def __init__(self, job: Callable[[], None]) -> None:
        self.job = job

    def request(self) -> None:
        self.job()
