"""Dates in text, normalized to ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``.

Only what the text fixes is normalized; relative expressions ("last year", "this January")
need the document's date and are left alone when it is unknown. A quarter ("Q3 2017", "the
second quarter of 2019") is an interval with start and end dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["DateValue", "parse_date", "parse_quarter"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(rf"\b(?P<mnum>\d{{1,2}})\.(?P<day>\d{{1,2}})\.{_YEAR}\b"),
    re.compile(
        rf"\b(?:the\s+)?(?:summer|spring|autumn|fall|winter|end|start|beginning|middle)?\s*(?:of\s+)?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b",
        re.I,
    ),
    re.compile(rf"(?<![\d.,$€£¥])\b{_YEAR}\b(?![\d%]|[.,]\d)"),
]
_QUARTER = re.compile(
    rf"\b(?:Q(?P<q>[1-4])\s*(?:of\s+)?{_YEAR}|(?P<word>first|second|third|fourth)\s+quarter\s+(?:of\s+)?(?P<year2>(?:19|20)\d\d))\b",
    re.I,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass(frozen=True)
class DateValue:
    """A normalized date: lexical value and XSD datatype (a CURIE), with its text span."""

    value: str
    datatype: str
    start: int
    end: int


def parse_date(text: str) -> list[DateValue]:
    """Absolute dates in ``text``, most precise reading first at each place, left to right.

    >>> found = parse_date("on July 9, 2018, in April 2010, in 2011, 4.25.2018")
    >>> [(d.value, d.datatype) for d in found]  # doctest: +NORMALIZE_WHITESPACE
    [('2018-07-09', 'xsd:date'), ('2010-04', 'xsd:gYearMonth'), ('2011', 'xsd:gYear'),
     ('2018-04-25', 'xsd:date')]
    """
    found: list[DateValue] = []
    taken: list[tuple[int, int]] = []
    for index, pattern in enumerate(_PATTERNS):
        for match in pattern.finditer(text):
            span = match.span("year")
            if any(a <= span[0] < b for a, b in taken):
                continue
            groups = match.groupdict()
            year = int(groups["year"])
            month = _MONTHS.get((groups.get("month") or "").lower()) or int(groups.get("mnum") or 0)
            day = int(groups.get("day") or 0)
            try:
                if day and month:
                    value, datatype = date(year, month, day).isoformat(), "xsd:date"
                elif month and index == 4:
                    value, datatype = f"{year:04d}-{month:02d}", "xsd:gYearMonth"
                else:
                    value, datatype = f"{year:04d}", "xsd:gYear"
            except ValueError:
                continue
            taken.append(match.span())
            found.append(DateValue(value, datatype, *match.span()))
    return sorted(found, key=lambda d: d.start)


def parse_quarter(text: str) -> tuple[str, str, str] | None:
    """The first quarter named in ``text``: label, start and end date.

    >>> parse_quarter("in Q3 2017 as per IDC")
    ('Q3 2017', '2017-07-01', '2017-09-30')
    >>> parse_quarter("the second quarter of 2019")
    ('Q2 2019', '2019-04-01', '2019-06-30')
    """
    match = _QUARTER.search(text)
    if not match:
        return None
    quarter = int(match.group("q") or _ORDINALS[match.group("word").lower()])
    year = int(match.group("year") or match.group("year2"))
    first = 3 * quarter - 2
    last_day = calendar.monthrange(year, first + 2)[1]
    return (
        f"Q{quarter} {year}",
        date(year, first, 1).isoformat(),
        date(year, first + 2, last_day).isoformat(),
    )
