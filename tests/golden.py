"""Golden-output check: the fixture site under tests/fixtures/golden-site must build to exactly the
files under tests/fixtures/golden-expected. After an intended change to templates or rendering,
regenerate with `make golden` (python -m tests.golden --regenerate), read the diff, commit it."""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from pathlib import Path

from broadsheet.build import Options, build

HERE = Path(__file__).resolve().parent
CONTENT = HERE / "fixtures" / "golden-site"
EXPECTED = HERE / "fixtures" / "golden-expected"


def build_golden(out: Path) -> None:
    build(Options(content=CONTENT, out=out, search=False, use_cache=False))


def tree(root: Path) -> dict[str, bytes]:
    """Every built file but the copied assets (their bytes are the sources themselves)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith("assets/")}


def differences(expected: dict[str, bytes], actual: dict[str, bytes], limit: int = 3) -> list[str]:
    """Readable differences: missing and extra files, then a unified diff of the first changed ones."""
    report = [f"missing: {p}" for p in sorted(set(expected) - set(actual))]
    report += [f"unexpected: {p}" for p in sorted(set(actual) - set(expected))]
    changed = [p for p in sorted(set(expected) & set(actual)) if expected[p] != actual[p]]
    for path in changed[:limit]:
        diff = difflib.unified_diff(expected[path].decode().splitlines(), actual[path].decode().splitlines(),
                                    f"expected/{path}", f"actual/{path}", lineterm="", n=2)
        report.append("\n".join(diff))
    if len(changed) > limit:
        report.append(f"... and {len(changed) - limit} more changed files")
    return report


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_golden(out)
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        shutil.copytree(out, EXPECTED, ignore=lambda folder, names: ["assets"] if Path(folder) == out else [])
    print(f"wrote {len(tree(EXPECTED))} files to {EXPECTED.relative_to(HERE.parent)}; review with git diff")


if __name__ == "__main__":
    if "--regenerate" not in sys.argv:
        sys.exit("usage: python -m tests.golden --regenerate")
    regenerate()
