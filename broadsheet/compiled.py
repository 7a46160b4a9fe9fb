"""How templates compile: Jinja's own code, with a cheaper escape for what a `{{ … }}` prints.

With autoescape on, Jinja prints every `{{ value }}` through markupsafe's escape, which wraps each piece
in a Markup only for the page to join the pieces into one string. A plain string is escaped here to a
plain string instead, with markupsafe's own escaping: an entry page prints about 150 values, and the
wrapping was a sixth of the time spent rendering it. Everything else (Markup, objects with `__html__`,
numbers, dates) still goes through markupsafe's escape, and macros and `{% set %}` blocks still make
Markup of what they collect, so what a template may print unescaped is unchanged.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr, Template

# markupsafe 3 escapes plain strings in C below a Python wrapper; markupsafe 2's escape is all C already.
_ESCAPE_TEXT = getattr(markupsafe, "_escape_inner", None)


def escape_output(value: object) -> str:
    """What `{{ value }}` prints with autoescape on: markupsafe's escape, as a plain string."""
    if type(value) is str and _ESCAPE_TEXT is not None:
        return _ESCAPE_TEXT(value)  # type: ignore[no-any-return]
    if type(value) is int:  # paragraph numbers, counts: digits and a sign, nothing to escape
        return str(value)
    return markupsafe.escape(value)


class OutputCodeGenerator(CodeGenerator):
    """Jinja's code generator, printing values with escape_output where Jinja would call escape."""

    def visit_Template(self, node: Template, frame: Frame | None = None) -> None:
        self.writeline(f"from {__name__} import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


class Environment(jinja2.Environment):
    """Jinja's environment, giving each template its globals as a plain dict.

    Jinja gives a template a ChainMap over the environment's globals, so that globals added later
    reach templates already loaded. The build sets its globals once, before loading any template,
    and a ChainMap is slow to read whole: every render copies it into the page's context, and every
    `{% from … import … %}` compares its keys with the importing page's, a quarter of a millisecond a
    page between the two imports an entry page makes.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
