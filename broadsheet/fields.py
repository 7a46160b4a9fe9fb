"""Typed access to a loaded YAML mapping: each getter returns a clean value or records a ContentError."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .errors import ContentError, did_you_mean
from .yamlfile import Key, Loaded

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def describe(value: object) -> str:
    """How a wrongly typed value reads to a curator, with the YAML 1.1 trap that usually caused it."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (YAML reads yes/no/on/off/true/false as booleans; quote it)"
    if isinstance(value, int | float):
        return f"the number {value} (YAML reads unquoted digits as a number; quote it)"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


class Fields:
    """A mapping being validated; `errors` collects every problem instead of stopping at the first."""

    def __init__(self, data: dict[str, object], loaded: Loaded, path: str, errors: list[ContentError],
                 key: Key = ()) -> None:
        self.data = data
        self.loaded = loaded
        self.path = path
        self.errors = errors
        self.key = key

    def name(self, field: str | int = "") -> str:
        """`source.url`, `key_points[2].see`: how the curator finds the field."""
        out = ""
        for part in (*self.key, field) if field != "" else self.key:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out

    def error(self, field: str, message: str, hint: str = "") -> None:
        line = self.loaded.line(*self.key, field) if field else self.loaded.line(*self.key)
        self.errors.append(ContentError(self.path, line, self.name(field), message, hint))

    def refuse_unknown(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed fields: {', '.join(allowed)}"
                self.error(key, "unknown field", hint)

    def sub(self, field: str) -> Fields | None:
        value = self.data.get(field)
        if isinstance(value, dict):
            return Fields(value, self.loaded, self.path, self.errors, (*self.key, field))
        if value is not None:
            self.error(field, f"expected a mapping of fields, got {describe(value)}")
        return None

    def text(self, field: str, required: bool = True) -> str:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(field, "is blank" if field in self.data else "missing required field",
                           "" if field in self.data else f"add `{field}:` to the front matter")
            return ""
        if not isinstance(value, str):
            self.error(field, f"expected text, got {describe(value)}")
            return ""
        return unicodedata.normalize("NFC", value.strip())

    def boolean(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.error(field, f"expected true or false, got {describe(value)}")
            return default
        return value

    def date(self, field: str) -> dt.date | None:
        value = self.data.get(field)
        if value is None:
            if field not in self.data:
                self.error(field, "missing required field", f"add `{field}: YYYY-MM-DD`")
            elif not any(e.field == self.name(field) for e in self.errors):  # else YAML said why
                self.error(field, "is blank", "write it as YYYY-MM-DD, e.g. 2020-09-15")
            return None
        if isinstance(value, dt.date):
            return value
        self.error(field, f"expected a date YYYY-MM-DD, got {describe(value) if not isinstance(value, str) else repr(value)}",
                   "write it as YYYY-MM-DD, e.g. 2020-09-15")
        return None

    def partial_date(self, field: str) -> str:
        """YYYY, YYYY-MM or YYYY-MM-DD: a source may state only the year or the month."""
        value = self.data.get(field)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str):
            match = _MONTH.match(text.strip())
            if match and (match.group(2) is None or 1 <= int(match.group(2)) <= 12):
                return text.strip()
        self.error(field, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {describe(value) if not isinstance(value, str) else repr(value)}")
        return ""

    def integer(self, field: str) -> int | None:
        value = self.data.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.error(field, "missing required field" if value is None else
                   f"expected a whole number, got {describe(value)}")
        return None

    def choice(self, field: str, choices: tuple[str, ...]) -> str:
        value = self.text(field)
        if value and value not in choices:
            self.error(field, f"`{value}` is not one of {', '.join(choices)}", did_you_mean(value, choices))
            return ""
        return value

    def url(self, field: str) -> str:
        value = self.text(field, required=False)
        if value and not is_web_url(value):
            self.error(field, f"`{value}` is not an http(s) URL", "links must start with http:// or https://")
            return ""
        return value

    def strings(self, field: str) -> list[tuple[int, str]]:
        """A list of non-blank strings, each with its index (a lone string is refused, not split)."""
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(field, f"expected a list like [a, b], got {describe(value)}")
            return []
        items = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                items.append((i, unicodedata.normalize("NFC", item.strip())))
            else:
                self.errors.append(ContentError(self.path, self.loaded.line(*self.key, field, i),
                                                f"{self.name(field)}[{i}]", f"expected text, got {describe(item)}"))
        return items

    def mappings(self, field: str) -> list[Fields]:
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(field, f"expected a list of items, got {describe(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append(Fields(item, self.loaded, self.path, self.errors, (*self.key, field, i)))
            else:
                self.errors.append(ContentError(self.path, self.loaded.line(*self.key, field, i),
                                                f"{self.name(field)}[{i}]",
                                                f"expected a mapping like `- text: ...`, got {describe(item)}"))
        return out


def is_web_url(value: str) -> bool:
    """True for absolute http(s) URLs with a host; refuses control characters that browsers strip."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    lower = value.lower()
    return (lower.startswith("http://") or lower.startswith("https://")) and len(lower.split("/")[2]) > 0
