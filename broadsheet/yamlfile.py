"""YAML text -> plain values plus the file line of every key, refusing what surprises curators.

PyYAML's loaders keep the last of two duplicate keys, expand aliases (a bomb can eat memory, a list can
contain itself), run tags, and report 0-based lines relative to the YAML block. Here libyaml's parser
produces events and we build the values ourselves in one pass: anchors, aliases and tags are refused by
field name, duplicate keys are refused, every line is counted from the file's first line, and plain
scalars YAML 1.1 turns into something other than text (`No`, `1.10`, `012`) are remembered as written,
so a type error can show the curator what they typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import yaml

from .errors import ContentError
from .model import MONTHS

Key = tuple[str | int, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_IMPLICIT: dict[str | None, list[tuple[str, re.Pattern[str]]]] = _RESOLVER.yaml_implicit_resolvers
_NONE: list[tuple[str, re.Pattern[str]]] = []
_ANY_FIRST = _IMPLICIT.get(None, _NONE)  # resolvers for any first character (none in YAML 1.1)
# The resolvers to try for a plain scalar, by its first character.
_BY_FIRST = {first: [*resolvers, *_ANY_FIRST] for first, resolvers in _IMPLICIT.items() if first is not None}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# The values front matter holds most (dates, paragraph numbers), made without PyYAML's constructor,
# which builds a node and dispatches on its tag for each; for these spellings it gives the same value.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)\Z")
# Event classes, looked up once: the builder compares types for every event of every file.
_SCALAR, _MAPPING_END, _SEQUENCE_END = yaml.ScalarEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent
_SYNTAX_HINTS = {  # libyaml's wording for the slips curators make most
    "mapping values are not allowed in this context": "put a value that contains `: ` in quotes, "
                                                      "or check the indentation",
    "found unexpected end of stream": "a quoted value is not closed",
    "found a tab character that violates indentation": "indent with spaces, not tabs",
    "found character that cannot start any token": "indent with spaces, not tabs, and quote values that "
                                                   "start with a symbol such as ` @ % or |",
    # Newer PyYAML (6.0.4 here) stops at a fixed depth before our own MAX_DEPTH check sees the tree.
    "exceeded maximum nesting depth": "flatten the structure",
}
MAX_DEPTH = 32  # front matter is two or three levels deep; deeper is a mistake or an attack


@dataclass(frozen=True, slots=True)
class Loaded:
    """A YAML document: its value and the 1-based file line of each key path (() is the document)."""

    value: object
    lines: dict[Key, int]
    # Plain scalars that YAML read as something other than text, as the curator wrote them.
    written: dict[Key, str] = field(default_factory=dict)

    def line(self, *key: str | int) -> int:
        """The line of `key`, or of its nearest ancestor that has one."""
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Loaded | None, list[ContentError]]:
    """Parse `text`, whose first line is line `first_line` of the file at `path`."""
    quick = _Quick(text, first_line).load()
    return (quick, []) if quick is not None else full_parse(text, path, first_line)


def full_parse(text: str, path: str, first_line: int = 1) -> tuple[Loaded | None, list[ContentError]]:
    """load_yaml through libyaml's parser and every check, whatever the shape of `text`."""
    builder = _Builder(path, first_line)
    try:
        loader = _LOADER(text)
        try:  # the parser's events until it gives None: what yaml.parse yields, without a generator's step
            value = builder.stream(iter(loader.get_event, None))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return None, [*builder.errors, _syntax_error(exc, path, first_line)]
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + first_line
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [*builder.errors, ContentError(path, line, "", f"control character U+{ord(char):04X} "
                                                    "is not allowed in YAML", "delete it")]
    return Loaded(value, builder.lines, builder.written), builder.errors


def _syntax_error(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line if mark is not None else 0) + first_line
    problem = exc.problem or exc.context or "invalid YAML"
    return ContentError(path, line, "", f"YAML syntax error: {problem}", _SYNTAX_HINTS.get(
        problem, "check indentation, and quote values that contain ': ' or start with a symbol"))


def tag_as_written(tag: str) -> str:
    """`tag:yaml.org,2002:python/object` back to the `!!python/object` a curator types."""
    prefix = "tag:yaml.org,2002:"
    if tag.startswith(prefix):
        return "!!" + tag[len(prefix):]
    return tag if tag.startswith("!") else f"!<{tag}>"


def dotted(key: Key) -> str:
    """`key_points[2].see`: a key path as the curator finds it in the file."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Builder:
    """Builds values from parser events, recording lines and refusing what YAML should not do here."""

    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.lines: dict[Key, int] = {}
        self.written: dict[Key, str] = {}
        self.errors: list[ContentError] = []
        self.aliases: dict[str, tuple[int, int]] = {}  # alias -> (index of its error, times used)

    def error(self, line: int, key: Key, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.path, line, dotted(key), message, hint))

    def alias(self, line: int, key: Key, name: str) -> None:
        """Report an alias once, at its first use: a bomb uses each of its aliases many times."""
        if name in self.aliases:
            index, uses = self.aliases[name]
            self.aliases[name] = index, uses + 1
            self.errors[index] = replace(self.errors[index], hint=f"write the value out in full; `*{name}` is "
                                                                  f"used {uses + 1} times")
            return
        self.aliases[name] = len(self.errors), 1
        self.error(line, key, f"YAML alias `*{name}` is not allowed", "write the value out in full")

    def stream(self, events: Iterator[yaml.Event]) -> object:
        value: object = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
            elif isinstance(event, yaml.NodeEvent | yaml.CollectionStartEvent) and documents == 1:
                value = self.node(event, events, (), 0)
            elif isinstance(event, yaml.NodeEvent | yaml.CollectionStartEvent):
                self.error(self.line(event), (), "a second YAML document is not allowed",
                           "remove the `---` line and what follows it, or merge the two")
                self.skip(event, events)
        if documents == 0:
            self.lines[()] = self.first_line
        return value

    def line(self, event: yaml.Event) -> int:
        return (event.start_mark.line if event.start_mark is not None else 0) + self.first_line

    def node(self, event: yaml.Event, events: Iterator[yaml.Event], key: Key, depth: int) -> object:
        line = self.line(event)
        self.lines.setdefault(key, line)
        if type(event) is _SCALAR and event.anchor is None and depth < MAX_DEPTH:
            return self.scalar(event, line, key)  # most nodes: what the checks below let through
        if isinstance(event, yaml.AliasEvent):
            self.alias(line, key, str(event.anchor))
            return None
        self.refuse_anchor(event, line, key)
        if depth >= MAX_DEPTH:
            self.error(line, key, f"nested more than {MAX_DEPTH} levels deep", "flatten the structure")
            self.skip(event, events)
            return None
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, line, key)
        if isinstance(event, yaml.CollectionStartEvent) and event.tag is not None:
            self.error(line, key, f"YAML tag `{tag_as_written(event.tag)}` is not allowed", "remove the tag")
        if isinstance(event, yaml.SequenceStartEvent):
            return self.sequence(events, key, depth)
        return self.mapping(events, key, depth)

    def refuse_anchor(self, event: yaml.Event, line: int, key: Key) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor:
            # `publisher: &Co Ltd` is the usual way in: YAML silently drops `&Co` from the text.
            self.error(line, key, f"YAML anchor `&{anchor}` is not allowed: YAML drops it from the text",
                       "put the value in quotes if `&` is part of it")

    def sequence(self, events: Iterator[yaml.Event], key: Key, depth: int) -> list[object]:
        items: list[object] = []
        for event in events:
            if type(event) is _SEQUENCE_END:
                break
            items.append(self.node(event, events, (*key, len(items)), depth + 1))
        return items

    def mapping(self, events: Iterator[yaml.Event], key: Key, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        lines = self.lines
        for event in events:
            if type(event) is _MAPPING_END:
                break
            line = self.line(event)
            if type(event) is not _SCALAR:
                self.error(line, key, "a key must be a plain name", "write `name: value`")
                self.skip(event, events)
                self.skip(next(events), events)
                continue
            name = event.value
            value_event = next(events)
            path = (*key, name)
            if name in result:
                self.error(line, path, f"duplicate key (first set on line {lines[path]})", "keep only one of them")
                self.skip(value_event, events)
            else:
                self.refuse_anchor(event, line, path)
                lines[path] = line
                result[name] = self.node(value_event, events, path, depth + 1)
        return result

    def scalar(self, event: yaml.ScalarEvent, line: int, key: Key) -> object:
        value = event.value
        if event.tag is not None and event.tag not in ("!", _STR):
            self.error(line, key, f"YAML tag `{tag_as_written(event.tag)}` is not allowed",
                       "remove the tag; put the value in quotes if `!` is part of it")
            return None
        if event.tag is not None or not event.implicit[0]:  # `!!str`, or quoted: text as it stands
            return value
        try:
            return _plain(value, key, self.written)
        except (ValueError, OverflowError):
            self.error(line, key, *impossible_date(value) if _plain_tag(value) == _TIMESTAMP else
                       (f"`{value}` is not a valid value", "put it in quotes"))
            return None

    def skip(self, event: yaml.Event, events: Iterator[yaml.Event]) -> None:
        """Consume the rest of a node whose start event is `event`."""
        depth = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
        while depth:
            current = next(events)
            if isinstance(current, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(current, yaml.CollectionEndEvent):
                depth -= 1


class _Slow(Exception):
    """The text is not in the shape _Quick reads: the full parser reads it."""


# `name: value` or `name:`, with the value after one space or more.
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?\Z")
# A plain item of a one-line list: words and the marks names and slugs are made of, nothing YAML reads.
_FLOW_ITEM = re.compile(r"\w[\w.()/+-]*(?: [\w.()/+-]+)*\Z")
_BLOCK_HEADERS = {">-": (" ", ""), ">": (" ", "\n"), "|-": ("\n", ""), "|": ("\n", "\n")}  # join, ending
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")  # a plain scalar cannot start with these


class _Quick:
    """The shape most front matter has, read line by line without libyaml: `name: value` lines,
    mappings and lists nested by indenting with spaces, plain, quoted and folded text, and one-line
    lists of names. It gives what _Builder gives for the same text, or None (raising _Slow inside)
    at the first thing outside that shape (a comment, a blank line, a tab, an escape, a value the
    checks would report), which the full parser then reads. tests/test_yaml.py holds the two
    to the same values, types and lines on random documents."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text.rstrip("\n")
        self.last_break = text != self.text  # whether the last row ends with a line break
        self.rows = self.text.split("\n")
        self.first_line = first_line
        self.indents = [len(row) - len(row.lstrip(" ")) for row in self.rows] + [-1]  # -1: the end
        self.at = 0  # the row read next
        self.lines: dict[Key, int] = {}
        self.written: dict[Key, str] = {}

    def load(self) -> Loaded | None:
        text = self.text
        # Blank rows and trailing spaces matter inside folded text; tabs, control and format characters
        # and YAML's own line breaks (U+0085, U+2028) are not printable. The full parser has the rules.
        if (not text or "\n\n" in text or " \n" in text or text[-1] == " "
                or not text.replace("\n", "").isprintable()):
            return None
        try:
            if self.indents[0]:
                raise _Slow
            self.lines[()] = self.first_line
            value = self.mapping(0, (), 1)
        except _Slow:
            return None
        return Loaded(value, self.lines, self.written) if self.at == len(self.rows) else None

    def mapping(self, column: int, key: Key, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        while (indent := self.indents[self.at]) >= column:
            entry = _ENTRY.match(self.rows[self.at], column) if indent == column else None
            if entry is None or entry[1] in result or depth >= MAX_DEPTH - 2:  # deep: the full parser says
                raise _Slow
            path = (*key, entry[1])
            self.lines[path] = self.first_line + self.at
            self.at += 1
            result[entry[1]] = self.value(entry[2], column, path, depth)
        return result

    def sequence(self, column: int, key: Key, depth: int) -> list[object]:
        items: list[object] = []
        while (indent := self.indents[self.at]) >= column:
            row = self.rows[self.at]
            if (indent > column or not row.startswith("- ", column) or row[column + 2] == " "
                    or depth >= MAX_DEPTH - 2):
                raise _Slow
            path = (*key, len(items))
            self.lines[path] = self.first_line + self.at
            content = row[column + 2:]
            if _ENTRY.match(content):  # `- name: value`: a mapping whose names start two columns in
                self.rows[self.at] = " " * (column + 2) + content
                self.indents[self.at] = column + 2
                items.append(self.mapping(column + 2, path, depth + 1))
            else:
                self.at += 1
                items.append(self.value(content, column, path, depth + 1))
        return items

    def value(self, written: str | None, column: int, key: Key, depth: int) -> object:
        """The value written after `name:` (None: nothing on its row) in a mapping or list at `column`."""
        if written is None:
            indent = self.indents[self.at]
            if indent > column and self.rows[self.at].startswith("- ", indent):
                return self.sequence(indent, key, depth + 1)
            if indent > column:
                return self.mapping(indent, key, depth + 1)
            return self.plain("", key)
        first = written[0]
        if first in "\"'":
            inner = written[1:-1]
            if len(written) < 2 or written[-1] != first or first in inner or "\\" in inner:
                raise _Slow  # escapes, doubled quotes, text running on to the next row
            return inner
        if first == "[":
            if written[-1] != "]":
                raise _Slow
            inner = written[1:-1].strip(" ")
            items = [item.strip(" ") for item in inner.split(",")] if inner else []
            line = self.first_line + self.at - 1
            for i, item in enumerate(items):
                if not _FLOW_ITEM.match(item):
                    raise _Slow
                self.lines[(*key, i)] = line
            return [self.plain(item, (*key, i)) for i, item in enumerate(items)]
        if written in _BLOCK_HEADERS:
            return self.block(written, column)
        if first in _INDICATORS or ": " in written or " #" in written or written[-1] == ":":
            raise _Slow
        return self.plain(written, key)

    def block(self, header: str, column: int) -> str:
        """Folded (`>`) or literal (`|`) text in the rows after its header, all indented alike."""
        indent = self.indents[self.at]
        if indent <= column:
            raise _Slow
        start = self.at
        while self.indents[self.at] == indent:
            self.at += 1
        if self.indents[self.at] > column:
            raise _Slow  # rows indented more (kept as they are) or less than the first
        join, ending = _BLOCK_HEADERS[header]
        if self.at == len(self.rows) and not self.last_break:
            ending = ""  # `>` and `|` keep the text's last line break, when there is one
        return join.join(row[indent:] for row in self.rows[start: self.at]) + ending

    def plain(self, value: str, key: Key) -> object:
        try:
            return _plain(value, key, self.written)
        except (ValueError, OverflowError) as exc:
            raise _Slow from exc  # the full parser says what is wrong with it


def _plain(value: str, key: Key, written: dict[Key, str]) -> object:
    """The value of the plain scalar `value` at `key`; one that YAML reads as other than text is noted
    in `written` as typed. ValueError or OverflowError for one that names nothing (2024-02-30)."""
    tag = _plain_tag(value)
    if tag == _STR:
        return value
    written[key] = value
    return _construct(tag, value)


def _construct(tag: str, value: str) -> object:
    """The value of a plain scalar YAML tags `tag`, as PyYAML's safe constructor makes it; the dates and
    whole numbers front matter holds most are made directly, as it would make them."""
    if tag == _INT and _DECIMAL.match(value):
        return int(value)
    if tag == _TIMESTAMP and _DATE.match(value):
        return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
    made = _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, value))
    return made.date() if isinstance(made, dt.datetime) else made


def _plain_tag(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar: what PyYAML's resolver finds, without its general case
    (a node of any kind, at any path) for every one of a file's values."""
    for tag, pattern in _BY_FIRST.get(value[:1], _ANY_FIRST):
        if pattern.match(value):
            return tag
    return _STR


def impossible_date(written: str) -> tuple[str, str]:
    """Message and hint for a YYYY-MM-DD that names no day, such as 2024-02-30."""
    year, month, day = (int(part) for part in re.findall(r"\d+", written)[:3])
    if not 1 <= month <= 12:
        return f"`{written}` is not a real date: there is no month {month}", "write it as YYYY-MM-DD"
    if year < 1:
        return f"`{written}` is not a real date: there is no year {year}", "write it as YYYY-MM-DD"
    days = calendar.monthrange(year, month)[1]
    return (f"`{written}` is not a real date: {MONTHS[month - 1]} {year} has {days} days",
            f"the last day is {year:04d}-{month:02d}-{days:02d}" if day > days else "days count from 01")
