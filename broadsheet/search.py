"""A written site directory -> its Pagefind index in <site>/pagefind/, built by one CLI run.

The extended binary comes with the `pagefind[extended]` package, so nothing is downloaded; it
segments Chinese and Japanese text into words.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from . import cbor
from .errors import BuildError

BUNDLE = "pagefind"
SIGNATURE = b"pagefind_dcd"  # what every Pagefind data file starts with, once unzipped


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
    settle(site / BUNDLE)


def settle(bundle: Path) -> None:
    """Put what Pagefind writes in a random order (its filters: upstream issue #638) in a fixed order.

    The same site then always gives the same index, byte for byte, so a rebuild of unchanged content
    changes no file. Each rewritten file gets a name from its new content, as Pagefind names them. An
    index in a shape this does not know (another Pagefind version) is left as Pagefind wrote it.
    """
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        writes: dict[Path, bytes] = {}
        stale: set[Path] = set()
        for language in entry["languages"].values():
            language["hash"] = _settle_language(bundle, language["hash"], writes, stale)
    except (OSError, KeyError, TypeError, ValueError, IndexError, AttributeError):
        return
    for path, data in writes.items():
        path.write_bytes(data)
    for path in stale - set(writes):
        path.unlink()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _settle_language(bundle: Path, meta_hash: str, writes: dict[Path, bytes], stale: set[Path]) -> str:
    """Sort one language's filters and their values; note the files to write and to remove; return the
    new meta hash."""
    prefix = meta_hash.rsplit("_", 1)[0]
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = _load(meta_path)
    filters = _list(meta, 3)  # [[name, file hash], ...]
    for pair in filters:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str)):
            raise ValueError(f"{meta_path}: unexpected filter entry")
        old = pair[1]
        content = _load(bundle / "filter" / f"{old}.pf_filter")
        _list(content, 1).sort(key=_first_text)  # [[value, [pages]], ...]
        data = _dump(content)
        pair[1] = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
        stale.add(bundle / "filter" / f"{old}.pf_filter")
        writes[bundle / "filter" / f"{pair[1]}.pf_filter"] = data
    filters.sort(key=_first_text)
    data = _dump(meta)
    new_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
    stale.add(meta_path)
    writes[bundle / f"pagefind.{new_hash}.pf_meta"] = data
    return new_hash


def _list(value: cbor.Value, index: int) -> list[cbor.Value]:
    """value[index], which must be a list."""
    item = value[index] if isinstance(value, list) and len(value) > index else None
    if not isinstance(item, list):
        raise ValueError("unexpected Pagefind data")
    return item


def _first_text(value: cbor.Value) -> str:
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    raise ValueError("unexpected Pagefind data")


def _load(path: Path) -> cbor.Value:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a Pagefind data file")
    value = cbor.loads(raw[len(SIGNATURE):])
    if cbor.dumps(value) != raw[len(SIGNATURE):]:  # written some way this module would not write it back
        raise ValueError(f"{path} does not round-trip")
    return value


def _dump(value: cbor.Value) -> bytes:
    return gzip.compress(SIGNATURE + cbor.dumps(value), mtime=0)
