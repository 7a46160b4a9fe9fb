"""Python's HTML parser, made to read what browsers read without stopping: the one base class for every
parser of HTML here (sanitiser inventories, web pages for `add`, e-mail text)."""

from __future__ import annotations

from html.parser import HTMLParser


class HTMLReader(HTMLParser):
    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # Python's parser stops with an AssertionError at a `<![` it has no name for (`<![an image]`,
        # `<![ x`); browsers read that, like any `<!` they do not know, as a comment up to the next `>`.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            if end < 0:
                return -1  # more may come; at the end the parser gives the rest as text
            self.handle_comment(self.rawdata[i + 2:end])
            return end + 1
