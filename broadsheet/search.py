"""A written site directory -> its Pagefind index in <site>/pagefind/, built by one CLI run.

The extended binary comes with the `pagefind[extended]` package, so nothing is downloaded; it
segments Chinese and Japanese text into words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .errors import BuildError

BUNDLE = "pagefind"


def pagefind_binary() -> Path:
    """The Pagefind executable: $BROADSHEET_PAGEFIND, else the one the pagefind package ships."""
    override = os.environ.get("BROADSHEET_PAGEFIND")
    if override:
        return Path(override)
    try:
        import pagefind_bin_extended  # type: ignore[import-untyped]
    except ImportError:
        found = shutil.which("pagefind_extended") or shutil.which("pagefind")
        if not found:
            raise BuildError("Pagefind is not installed: run `make site` (or pip install 'pagefind[extended]'),"
                             " or build with --no-search") from None
        return Path(found)
    return Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"


def index_site(site: Path) -> None:
    """Index the entry pages of `site`; raise BuildError with Pagefind's own message on failure."""
    binary = pagefind_binary()
    # Pagefind refuses to write an empty index, and the search page needs one: a digest with no entries
    # yet indexes its front page, which says so.
    pages = "entries/**/*.html" if any((site / "entries").glob("*/index.html")) else "index.html"
    command = [str(binary), "--site", str(site), "--output-subdir", BUNDLE, "--glob", pages, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"search indexing could not run {binary}: {exc}; "
                         "build with --no-search to skip it") from None
    if result.returncode != 0 or not (site / BUNDLE / "pagefind.js").exists():
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {result.returncode}"
        raise BuildError(f"search indexing failed: {reason}")
