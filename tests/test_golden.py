"""The fixture site builds to the committed expected output, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.golden import CONTENT, EXPECTED, build_golden, differences, tree


def test_output_matches_golden_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_golden(out)
    problems = differences(tree(EXPECTED), tree(out))
    assert not problems, "output differs from tests/fixtures/golden-expected (make golden):\n" + "\n".join(problems)


def test_output_is_the_same_in_another_time_zone_and_locale(tmp_path: Path) -> None:
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"}
    out = tmp_path / "site"
    subprocess.run([sys.executable, "build.py", "build", "--content", str(CONTENT), "--out", str(out),
                    "--no-search", "--no-cache"], check=True, env=env, capture_output=True,
                   cwd=Path(__file__).resolve().parent.parent)
    assert tree(out) == tree(EXPECTED)


def test_drafts_stay_out_of_the_golden_site() -> None:
    files = tree(EXPECTED)
    assert "entries/draft-idea/index.html" not in files
    assert not any(b"must not appear" in data for data in files.values())
