"""YAML text -> plain values plus the file line of every key, refusing what surprises curators.

PyYAML's safe loader keeps the last of two duplicate keys, expands aliases (a bomb can eat memory) and
reports 0-based lines relative to the YAML block. Here the C parser builds the node tree, we walk it
ourselves, and every problem becomes a ContentError with the line counted from the file's first line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from .errors import ContentError

Key = tuple[str | int, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


@dataclass(frozen=True, slots=True)
class Loaded:
    """A YAML document: its value and the 1-based file line of each key path (() is the document)."""

    value: object
    lines: dict[Key, int]

    def line(self, *key: str | int) -> int:
        """The line of `key`, or of its nearest ancestor that has one."""
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Loaded | None, list[ContentError]]:
    """Parse `text`, whose first line is line `first_line` of the file at `path`."""
    # Anchors, aliases and tags are rare in curated text, so the slower event scan runs only when
    # one of their marker characters appears at all.
    if any(ch in text for ch in "&*!"):
        refused = list(_refused_constructs(text, path, first_line))
        if refused:
            return None, refused
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, path, first_line)]
    except yaml.YAMLError as exc:
        return None, [ContentError(path, first_line, "", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    if node is None:
        return Loaded(None, {(): first_line}), []
    walker = _Walker(path, first_line)
    value = walker.value(node, ())
    return Loaded(value, walker.lines), walker.errors


def _syntax_error(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line if mark else 0) + first_line
    problem = exc.problem or exc.context or "invalid YAML"
    return ContentError(path, line, "", f"YAML syntax error: {problem}",
                        "check indentation, and quote values that contain ': ' or start with a symbol")


def _refused_constructs(text: str, path: str, first_line: int) -> Iterator[ContentError]:
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + first_line
            if isinstance(event, yaml.AliasEvent):
                yield ContentError(path, line, "", f"YAML alias `*{event.anchor}` is not allowed",
                                   "write the value out in full")
            elif getattr(event, "anchor", None):
                yield ContentError(path, line, "", f"YAML anchor `&{event.anchor}` is not allowed",
                                   "a value starting with `&` must be quoted")
            elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent) and _explicit_tag(event):
                yield ContentError(path, line, "", f"YAML tag `{event.tag}` is not allowed",
                                   "remove the tag; a value starting with `!` must be quoted")
    except yaml.MarkedYAMLError:
        return  # the composer reports syntax errors with their position


def _explicit_tag(event: yaml.NodeEvent) -> bool:
    if isinstance(event, yaml.ScalarEvent):
        return event.tag is not None and not event.implicit[0] and not event.implicit[1]
    return event.tag is not None and not getattr(event, "implicit", True)


class _Walker:
    """Turns a node tree into values, recording lines and refusing duplicate keys and odd tags."""

    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.lines: dict[Key, int] = {}
        self.errors: list[ContentError] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def value(self, node: yaml.Node, key: Key) -> object:
        line = node.start_mark.line + self.first_line
        self.lines.setdefault(key, line)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*key, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, key, line)

    def mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + self.first_line
            if name in result:
                first = self.lines[(*key, name)]
                self.errors.append(ContentError(self.path, line, _dotted((*key, name)),
                                                f"duplicate key (first set on line {first})",
                                                "keep only one of them"))
                continue
            self.lines[(*key, name)] = line
            result[name] = self.value(value_node, (*key, name))
        return result

    def scalar(self, node: yaml.Node, key: Key, line: int) -> object:
        if node.tag not in _STANDARD_TAGS:
            self.errors.append(ContentError(self.path, line, _dotted(key), f"YAML tag `{node.tag}` is not allowed"))
            return None
        try:
            value: object = self.constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError):
            what = "a real date" if node.tag.endswith("timestamp") else "a valid value"
            self.errors.append(ContentError(self.path, line, _dotted(key),
                                            f"`{node.value}` is not {what}", "use YYYY-MM-DD"))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        return value


def _dotted(key: Key) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
