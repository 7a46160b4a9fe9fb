"""A Pagefind index folder, as Pagefind wrote it -> the same index with its filters in a fixed order,
rewritten in place, so the same site always gives the same index, byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from . import cbor

SIGNATURE = b"pagefind_dcd"  # what every Pagefind data file starts with, once unzipped


def settle(bundle: Path) -> None:
    """Put what Pagefind writes in a random order (its filters: upstream issue #638) in a fixed order.

    The same site then gives the same index, byte for byte, on digests of hundreds of entries. On larger
    ones Pagefind also numbers pages in the order its threads finish them, which this leaves as it is
    (renumbering would mean rewriting every index chunk); a rebuild of unchanged content does not run
    Pagefind, so it still changes no file. Each rewritten file gets a name from its new content, as
    Pagefind names them. An index in a shape this does not know (another Pagefind version) is left as
    Pagefind wrote it.
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


def read(path: Path) -> cbor.Value:
    """What a Pagefind data file (gzipped, signed, then CBOR) holds."""
    return _unpack(path)[1]


def _load(path: Path) -> cbor.Value:
    body, value = _unpack(path)
    if cbor.dumps(value) != body:  # written some way this module would not write it back
        raise ValueError(f"{path} does not round-trip")
    return value


def _unpack(path: Path) -> tuple[bytes, cbor.Value]:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise ValueError(f"{path} is not a Pagefind data file")
    return raw[len(SIGNATURE):], cbor.loads(raw[len(SIGNATURE):])


def _dump(value: cbor.Value) -> bytes:
    return gzip.compress(SIGNATURE + cbor.dumps(value), mtime=0)
