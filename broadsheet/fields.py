"""Typed access to a loaded YAML mapping: each getter returns a clean value or records a ContentError."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .dates import as_date, as_month
from .errors import ContentError, closest, did_you_mean
from .yamlfile import Key, Loaded, dotted, impossible_date

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Top-level names the site itself uses, and names Windows cannot store: no page, entry or registry
# slug may take them (a topic called `page` would collide with /topics/page/2/, and so on).
RESERVED = frozenset((
    "index", "entries", "topics", "people", "organizations", "timeline", "search", "pagefind", "assets", "feed",
    "feed-xml", "sitemap", "robots", "404", "page", "pages", "con", "prn", "aux", "nul",
    *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))))
_YEAR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Invisible characters that XML (the feeds) forbids or that editors hide; YAML lets "\x07" escapes through.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# The ASCII characters CONTROL does not match, as bytes to delete (find_control).
_NOT_CONTROL = bytes(b for b in range(128) if not CONTROL.match(chr(b)))


def find_control(text: str) -> re.Match[str] | None:
    """CONTROL's first match in `text`. Most text is ASCII without any: deleting every other ASCII
    byte in C and finding nothing left takes a seventh of the time the pattern's scan takes, on every
    body and field of every entry."""
    if text.isascii() and not text.encode("ascii").translate(None, _NOT_CONTROL):
        return None
    return CONTROL.search(text)


def shown(value: str, limit: int = 80) -> str:
    """`value` as it can be printed on one line: control characters escaped, long text cut."""
    text = "".join(repr(ch)[1:-1] if (ch.isspace() and ch != " ") or CONTROL.match(ch) else ch
                   for ch in value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value: object, written: str | None = None) -> str:
    """How a wrongly typed value reads to a curator, naming the YAML 1.1 trap that usually caused it."""
    if written is not None and not isinstance(value, str) and value is not None:
        octal = re.fullmatch(r"[-+]?0[0-7_]+", written) is not None and isinstance(value, int)
        return f"`{written}`, which YAML reads as {'the octal number ' + str(value) if octal else _what(value)}"
    return _what(value)


def _what(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"the text `{shown(value)}`"
    return "nothing"


class Fields:
    """A mapping being validated; `errors` collects every problem instead of stopping at the first."""

    def __init__(self, data: dict[str, object], loaded: Loaded, path: str, errors: list[ContentError],
                 key: Key = ()) -> None:
        self.data = data
        self.loaded = loaded
        self.path = path
        self.errors = errors
        self.key = key
        self.misspelt: dict[str, str] = {}  # a known field -> the unknown key that looks like it

    def name(self, field: str | int = "") -> str:
        """`source.url`, `key_points[2].see`: how the curator finds the field."""
        return dotted((*self.key, field) if field != "" else self.key)

    def error(self, field: str | int, message: str, hint: str = "") -> None:
        """Record a problem with `field` ('' for this mapping itself), once per field.

        The first reason given wins: YAML's own (a refused tag, an impossible date) is more precise
        than the 'is blank' or 'expected text' that the missing value would cause next.
        """
        name = self.name(field)
        if any(e.path == self.path and e.field == name for e in self.errors):
            return
        line = self.loaded.line(*self.key, field) if field != "" else self.loaded.line(*self.key)
        self.errors.append(ContentError(self.path, line, name, message, hint))

    def wrong_type(self, field: str | int, expected: str, value: object, hint: str = "") -> None:
        written = self.loaded.written.get((*self.key, field))
        if written is not None:
            hint = f'put it in quotes: "{written}"'
        self.error(field, f"expected {expected}, got {describe(value, written)}", hint)

    def missing(self, field: str, hint: str) -> None:
        if field in self.misspelt:
            typo = self.misspelt[field]
            hint = f"is `{typo}` on line {self.loaded.line(*self.key, typo)} meant to be `{field}`?"
        self.error(field, "missing required field", hint)

    def refuse_unknown(self, allowed: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                intended = closest(key, allowed)
                if intended and intended not in self.data:
                    self.misspelt.setdefault(intended, key)
                self.error(key, "unknown field", f"did you mean `{intended}`?" if intended else
                           f"allowed fields: {', '.join(allowed)}")

    def sub(self, field: str) -> Fields | None:
        value = self.data.get(field)
        if isinstance(value, dict):
            return Fields(value, self.loaded, self.path, self.errors, (*self.key, field))
        if value is not None:
            self.wrong_type(field, "a mapping of fields", value,
                            f"put its fields on the lines after `{field}:`, indented")
        return None

    def text(self, field: str, required: bool = True) -> str:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required and field not in self.data:
                self.missing(field, f"add `{field}:` to the front matter")
            elif required:
                self.error(field, "is blank", f"write a value after `{field}:`")
            return ""
        if not isinstance(value, str):
            self.wrong_type(field, "text", value)
            return ""
        return self.clean(field, value)

    def clean(self, field: str | int, value: str) -> str:
        """NFC text without surrounding space, refusing invisible control characters."""
        bad = find_control(value)
        if bad:
            self.error(field, f"contains the invisible control character U+{ord(bad.group()):04X}",
                       "delete it; feeds and some browsers cannot show it")
            return ""
        return unicodedata.normalize("NFC", value.strip())

    def boolean(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.wrong_type(field, "true or false", value, "write true or false, without quotes")
            return default
        return value

    def date(self, field: str) -> dt.date | None:
        """A date: a YAML date, or text that is one (many editors and the advice to quote values YAML
        would misread both put dates in quotes)."""
        value = self.data.get(field)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and value.strip():
            parsed = self._iso_date(field, value.strip())
            if parsed is not None or _ISO_DATE.match(value.strip()):
                return parsed
        if value is None and field not in self.data:
            self.missing(field, f"add `{field}: YYYY-MM-DD`")
        elif value is None or (isinstance(value, str) and not value.strip()):
            self.error(field, "is blank", "write it as YYYY-MM-DD, e.g. 2020-09-15")
        else:
            suggestion = as_date(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else ""
            self.error(field, f"expected a date as YYYY-MM-DD, got {describe(value)}", _did_you_mean(
                suggestion, str(value), "write it as YYYY-MM-DD, e.g. 2020-09-15"))
        return None

    def _iso_date(self, field: str, text: str) -> dt.date | None:
        """The day `text` names if it is written YYYY-MM-DD; records why not if it is written so but
        names no day (`2024-02-30`); None otherwise."""
        if not _ISO_DATE.match(text):
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(field, *impossible_date(text))
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
            match = _YEAR_MONTH.match(text.strip())
            if match and (match.group(2) is None or 1 <= int(match.group(2)) <= 12):
                return text.strip()
            if match:
                self.error(field, f"`{text.strip()}` is not a real month: there is no month {match.group(2)}",
                           "write it as YYYY-MM, e.g. 2020-09")
                return ""
            day = self._iso_date(field, text.strip())
            if day is not None or _ISO_DATE.match(text.strip()):
                return day.isoformat() if day else ""
        suggestion = (as_month(text) or as_date(text)) if isinstance(text, str) else ""
        self.error(field, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {describe(value)}", _did_you_mean(
            suggestion, str(text), "e.g. 2020, 2020-09 or 2020-09-15"))
        return ""

    def integer(self, field: str) -> int | None:
        value = self.data.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is None and field not in self.data:
            self.missing(field, f"add `{field}:` with a number")
        else:
            self.wrong_type(field, "a whole number", value, f"write a number, e.g. `{field}: 2`")
        return None

    def choice(self, field: str, choices: tuple[str, ...]) -> str:
        value = self.text(field)
        if value and value not in choices:
            self.error(field, f"`{shown(value)}` is not one of {', '.join(choices)}",
                       did_you_mean(value, choices))
            return ""
        return value

    def url(self, field: str) -> str:
        value = self.text(field, required=False)
        if value and not is_web_url(value):
            self.error(field, f"`{shown(value)}` is not an http(s) URL", _url_hint(value))
            return ""
        return value

    def strings(self, field: str) -> list[tuple[int, str]]:
        """A list of non-blank strings, each with its index (a lone string is refused, not split)."""
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            example = f"[{value}]" if isinstance(value, str) and "," not in value else "[a, b]"
            self.wrong_type(field, "a list", value, f"write it as `{field}: {shown(example)}`")
            return []
        items = Fields({}, self.loaded, self.path, self.errors, (*self.key, field))
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                text = items.clean(i, item)
                if text:
                    out.append((i, text))
            else:
                items.wrong_type(i, "text", item)
        return out

    def mappings(self, field: str) -> list[Fields]:
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong_type(field, "a list of items", value, "start each item on its own line with `- text:`")
            return []
        items = Fields({}, self.loaded, self.path, self.errors, (*self.key, field))
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append(Fields(item, self.loaded, self.path, self.errors, (*self.key, field, i)))
            else:
                items.wrong_type(i, "an item like `- text: ...`", item)
        return out


def _did_you_mean(suggestion: str, written: str, otherwise: str) -> str:
    """A hint offering `suggestion`, unless there is none or it is what was written already."""
    return f"did you mean `{suggestion}`?" if suggestion and suggestion != written.strip() else otherwise


def is_web_url(value: str) -> bool:
    """True for absolute http(s) URLs with a host; refuses control characters that browsers strip."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    lower = value.lower()
    return (lower.startswith("http://") or lower.startswith("https://")) and len(lower.split("/")[2]) > 0


def _url_hint(value: str) -> str:
    if value.startswith("//") and is_web_url("https:" + value):
        return f"did you mean `https:{value}`?"
    if re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", value) and is_web_url("https://" + value):
        return f"did you mean `https://{value}`?"
    return "links must start with http:// or https://"
