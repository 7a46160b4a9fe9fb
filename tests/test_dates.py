"""The one reading of dates written by hand: what the field checks suggest and what `add` finds."""

from __future__ import annotations

import pytest

from broadsheet.dates import as_date, as_month, full_date, iso_date


@pytest.mark.parametrize(("written", "day"), [
    ("2020-9-15", "2020-09-15"), ("2020/09/15", "2020-09-15"), ("2020.09.15", "2020-09-15"),
    ("15/09/2020", "2020-09-15"), ("09/15/2020", "2020-09-15"), ("15-09-2020", "2020-09-15"),
    ("15.09.2020", "2020-09-15"), ("15 September 2020", "2020-09-15"), ("15th September, 2020", "2020-09-15"),
    ("Sept. 15, 2020", "2020-09-15"), ("september 15 2020", "2020-09-15"), ("SEPTEMBER 15, 2020", "2020-09-15"),
    ("20200915", "2020-09-15"),
    ("03/04/2020", ""),  # the 3rd of April or the 4th of March: not guessed in a field
    ("31/02/2020", ""), ("2020-02-30", ""), ("last Tuesday", ""), ("on 15 September 2020", ""),
])
def test_a_written_date_as_a_whole(written: str, day: str) -> None:
    assert as_date(written) == day


@pytest.mark.parametrize(("written", "month"), [
    ("September 2020", "2020-09"), ("Sept. 2020", "2020-09"), ("2020/9", "2020-09"), ("09/2020", "2020-09"),
    ("13/2020", ""), ("2020", ""), ("Septober 2020", ""),
])
def test_a_written_month_as_a_whole(written: str, month: str) -> None:
    assert as_month(written) == month


@pytest.mark.parametrize(("text", "day"), [
    ("Posted on 03/04/2020 at 10:00", "2020-03-04"),  # in running text, month first, as US sites write it
    ("BEIJING, 2020-12-02T08:00 --", "2020-12-02"),
    ("It opened on the 2nd of May and on 15th September, 2020 it closed.", "2020-09-15"),
    ("2020年9月15日", "2020-09-15"),
    ("Version 1.2.3 of 31/02/2020", ""),
])
def test_the_first_date_in_running_text(text: str, day: str) -> None:
    found = full_date(text)
    assert (iso_date(found) if found else "") == day
