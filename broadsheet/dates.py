"""Dates as people write them -> ISO dates: the one table of month names and date patterns.

Input: text, or a regex match of the patterns here. Output: `YYYY-MM-DD` or `YYYY-MM` text, or '' when
the text names no real day or month. The field checks use `as_date` and `as_month` to suggest what a
curator meant by `15/09/2020` or `September 2020`; `add` uses `full_date` and the patterns to find the
dates a raw document states.
"""

from __future__ import annotations

import datetime as dt
import re

from .model import MONTHS

MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
YEAR = r"(?P<y>(?:19|20)\d\d)"
_ORDINAL = r"(?:st|nd|rd|th)?"
# Day and month as numbers, either way round (`a` and `b`): see `iso_date`.
_NUMBERS = rf"(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep){YEAR}"
_FULL_DATES = (
    rf"\b{YEAR}(?:-|/|\.|\u5e74)(?P<m>\d{{1,2}})(?:-|/|\.|\u6708)(?P<d>\d{{1,2}})(?!\d)",
    rf"\b{_NUMBERS}\b",
    rf"\b{MONTH} (?P<d>\d{{1,2}}){_ORDINAL},? {YEAR}\b",
    rf"\b(?P<d>\d{{1,2}}){_ORDINAL} {MONTH},? {YEAR}\b",
)
FULL_DATES = tuple(map(re.compile, _FULL_DATES))  # found within running text
_WHOLE_DATES = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (*_FULL_DATES, rf"{YEAR}(?P<m>\d\d)(?P<d>\d\d)"))
YEAR_MONTHS = (
    re.compile(rf"\b{MONTH},? {YEAR}\b"),
    re.compile(rf"\b{YEAR}(?:-|/|\u5e74)(?P<m>0?[1-9]|1[0-2])(?:\u6708|\b)(?![-/]\d)"),
)
_WHOLE_MONTHS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    rf"{MONTH},? {YEAR}", rf"{YEAR}[-/.](?P<m>\d{{1,2}})", rf"(?P<m>\d{{1,2}})[-/.]{YEAR}"))
_ABBREVIATIONS = tuple(name[:3].lower() for name in MONTHS)


def month_number(m: re.Match[str]) -> int:
    """The month a match of these patterns names, by name or by number."""
    name = m.groupdict().get("month")
    return _ABBREVIATIONS.index(name[:3].lower()) + 1 if name else int(m["m"])


def iso_date(m: re.Match[str], year: str = "", guess: bool = True) -> str:
    """YYYY-MM-DD if the match names a real day, else ''. Day and month written as numbers are read
    month first (09/15/2020) unless only the first can be the day (15/09/2020); when either could be
    the month (03/04/2020), month first if `guess`, else ''."""
    if m.groupdict().get("a"):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            month, day = b, a
        elif guess or b > 12 >= a:
            month, day = a, b
        else:
            return ""
    else:
        month, day = month_number(m), int(m["d"])
    try:
        return dt.date(int(year or m["y"]), month, day).isoformat()
    except ValueError:
        return ""


def full_date(text: str) -> re.Match[str] | None:
    """The first real day named in full within `text`: 2020-12-02, 09/18/2022, September 15, 2020,
    15 September 2020."""
    found = [m for pattern in FULL_DATES for m in pattern.finditer(text) if iso_date(m)]
    return min(found, key=lambda m: m.start(), default=None)


def as_date(text: str) -> str:
    """`15/09/2020`, `2020-9-15`, `Sept. 15, 2020`, `20200915` -> `2020-09-15`; '' when the text is
    not one date, names no real day, or leaves day and month unclear."""
    text = " ".join(text.split())
    for pattern in _WHOLE_DATES:
        m = pattern.fullmatch(text)
        if m:
            return iso_date(m, guess=False)
    return ""


def as_month(text: str) -> str:
    """`September 2020`, `2020/9`, `09/2020` -> `2020-09`; '' when the text is not one month."""
    text = " ".join(text.split())
    for pattern in _WHOLE_MONTHS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        month = month_number(m)
        return f"{m['y']}-{month:02d}" if 1 <= month <= 12 else ""
    return ""
