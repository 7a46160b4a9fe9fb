"""Broadsheet: a static site generator for curated digests."""

import hashlib
from pathlib import Path

__version__ = "0.1.0"


def _engine_id() -> str:
    """A hash of the engine's own source: caches made by other code are never trusted."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


ENGINE = _engine_id()
