"""Errors a curator can act on: each names the file, the line, the field and what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in the content, reported as `path:line: field: message (hint)`."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        if not self.path:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"

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


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """A 'did you mean `x`?' hint for the closest known name, or ''."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""
