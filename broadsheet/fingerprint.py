"""Values -> short stable hashes: what decides whether a page, or a part of the search index, is made again.

A page's fingerprint is computed from the values its template receives, never from a list of inputs
kept by hand: `digest_of` walks them all, so a template that starts showing something new is covered
as soon as the value reaches its context. An entry stands for its own digest, which covers its file,
the registries it was read against and the engine. A value of a type it does not know is refused
rather than guessed at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Mapping

from .model import Entry


def fingerprint(*parts: str) -> str:
    """A short hash of `parts`, in order."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def digest_of(value: object) -> str:
    """A hash of everything `value` holds, as a template could show it (order included)."""
    parts: list[str] = []
    _walk(value, parts.append)
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:20]


def _walk(value: object, out: Callable[[str], None]) -> None:
    kind = type(value)
    if kind is Entry:
        out(f"E{value.digest};")  # type: ignore[attr-defined]
    elif kind is str:
        out(f"s{len(value)}:{value}")  # type: ignore[arg-type]  # the length keeps "ab","c" apart from "a","bc"
    elif kind in (tuple, list):
        out("(")
        for item in value:  # type: ignore[attr-defined]
            if type(item) is Entry:  # most items are: spare them a call (plan hashes ~100,000 values)
                out(f"E{item.digest};")
            else:
                _walk(item, out)
        out(")")
    elif kind in (int, bool, float) or value is None:
        out(f"{kind.__name__[0]}{value!r};")
    elif isinstance(value, Mapping):
        out("{")
        for key, item in value.items():  # in order: templates show mappings in their order
            _walk(key, out)
            _walk(item, out)
        out("}")
    elif isinstance(value, dt.date):
        out(f"d{value.isoformat()};")
    elif (names := _field_names(kind)) is not None:  # type: ignore[arg-type]
        out(f"<{kind.__name__}")
        for name in names:
            _walk(getattr(value, name), out)
        out(">")
    else:
        raise TypeError(f"a page's context holds a {kind.__name__}, which digest_of cannot hash; "
                        "pass plain values, records or entries, or teach digest_of about it")


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, in order; None for any other type."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
