"""Errors a curator can act on: each names the file, the line, the field and what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in the content, reported as `path:line: field: message (hint)`.

    `line` is 0 when the problem is a whole file that is missing; `path` is '' for a problem with no
    file at all (a build that cannot write its output, say).
    """

    path: str
    line: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{field}{self.message}{hint}"

    def as_dict(self) -> dict[str, str | int]:
        return {"path": self.path, "line": self.line, "field": self.field,
                "message": self.message, "hint": self.hint}


class BuildError(Exception):
    """A build that cannot go on; carries every content error found, or one message."""

    def __init__(self, errors: list[ContentError] | tuple[ContentError, ...] | str) -> None:
        self.errors: tuple[ContentError, ...] = (
            (ContentError("", 0, "", errors),) if isinstance(errors, str) else tuple(errors)
        )
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self) -> tuple[type[BuildError], tuple[tuple[ContentError, ...]]]:
        # A worker process raises this; pickling by the joined message would lose each error's fields.
        return (BuildError, (self.errors,))


def closest(word: str, choices: Iterable[str]) -> str:
    """The known name most like `word` (a typo, a slip of case), or '': never `word` itself, which
    would be no help."""
    by_lower: dict[str, str] = {}
    for choice in sorted(choices):
        by_lower.setdefault(choice.lower(), choice)
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close and by_lower[close[0]] != word else ""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean `x`?' hint for the closest known name, or ''."""
    close = closest(word, choices)
    return f"did you mean `{close}`?" if close else ""
