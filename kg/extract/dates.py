"""Dates in text, normalized to ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``.

Only what the text fixes is normalized; relative expressions ("last year", "this January")
need the document's date and are left alone when it is unknown. A quarter ("Q3 2017", "the
second quarter of 2019") is an interval with start and end dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "DateValue",
    "parse_date",
    "partial_dates",
    "parse_quarter",
    "relative_dates",
    "relative_phrase",
    "document_date",
]

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
            start, end = match.span()
            start += len(match.group()) - len(match.group().lstrip())  # no leading space
            taken.append((start, end))
            found.append(DateValue(value, datatype, start, end))
    return sorted(found, key=lambda d: d.start)


_NO_YEAR_AFTER = r"(?!\s*,?\s*(?:19|20)\d\d)"
_PARTIAL = [
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?"
        rf"\s+(?:of\s+)?{_MONTH}\b{_NO_YEAR_AFTER}",
        re.I,
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_NO_YEAR_AFTER}", re.I),
]


def partial_dates(text: str, year: int) -> list[DateValue]:
    """Days written without a year ("on 23 October", "held 12 to 15 March"), in ``year``: the
    first day of a range.

    >>> [d.value for d in partial_dates("Held 12 to 15 March, and again on May 2.", 2031)]
    ['2031-03-12', '2031-05-02']
    """
    found: list[DateValue] = []
    for pattern in _PARTIAL:
        for match in pattern.finditer(text):
            month = _MONTHS.get(match.group("month").lower().rstrip("."), 0)
            try:
                value = date(year, month, int(match.group("day"))).isoformat()
            except ValueError:
                continue
            if not any(d.start <= match.start() < d.end for d in found):
                found.append(DateValue(value, "xsd:date", match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


_IN_MONTH = re.compile(
    rf"\b(?:in|during|since|until|by)\s+(?:early\s+|late\s+|mid-)?{_MONTH}\b"
    rf"(?!\s*\d){_NO_YEAR_AFTER}",
    re.I,
)


def partial_months(text: str, year: int) -> list[DateValue]:
    """Months written without a year or a day ("in January"), in ``year``.

    >>> [d.value for d in partial_months("Held in Lyon in January, not on 5 March.", 2031)]
    ['2031-01']
    """
    found: list[DateValue] = []
    for match in _IN_MONTH.finditer(text):
        month = _MONTHS.get(match.group("month").lower().rstrip("."), 0)
        if match.group("month")[0].isupper() and len(match.group("month")) > 2:
            value = f"{year:04d}-{month:02d}"
            found.append(DateValue(value, "xsd:gYearMonth", match.start(), match.end()))
    return found


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


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a": 1, "an": 1}
_RELATIVE = re.compile(
    r"\b(?:(?P<today>today)|(?P<yesterday>yesterday)"
    r"|(?P<n>\d{1,2}|one|two|three|four|five|six|a|an)\s+(?P<unit>day|week|month|year)s?\s+ago"
    r"|(?:Q(?P<q>[1-4])|(?P<qword>first|second|third|fourth)\s+quarter)\s+(?:of\s+)?"
    r"(?P<qrel>last|this|next)\s+year"
    r"|(?P<rel>last|this|next)\s+(?P<what>year|month|quarter|"
    + "|".join(name.lower() for name in calendar.month_name if name)
    + r"))\b",
    re.IGNORECASE,
)


def relative_phrase(text: str) -> str:
    """The first relative date expression in ``text`` as written, or "".

    >>> relative_phrase("The Redmi 5A launch in Vietnam in this January")
    'this January'
    """
    found = _RELATIVE.search(text)
    return found.group() if found else ""


def _quarter_of(value: date) -> int:
    return (value.month - 1) // 3 + 1


def relative_dates(text: str, anchor: date) -> list[DateValue]:
    """Relative dates in ``text`` resolved against ``anchor``, the document's date.

    >>> d = date(2018, 4, 25)
    >>> [(v.value, v.datatype) for v in relative_dates("today, last year, this January", d)]
    [('2018-04-25', 'xsd:date'), ('2017', 'xsd:gYear'), ('2018-01', 'xsd:gYearMonth')]
    >>> [v.value for v in relative_dates("two days ago, last December, Q3 last year", d)]
    ['2018-04-23', '2017-12', '2017-Q3']
    """
    found: list[DateValue] = []
    for m in _RELATIVE.finditer(text):
        g = m.groupdict()
        value: str
        datatype = "xsd:date"
        if g["today"]:
            value = anchor.isoformat()
        elif g["yesterday"]:
            value = (anchor - timedelta(days=1)).isoformat()
        elif g["n"]:
            n = int(g["n"]) if g["n"].isdigit() else _NUMBERS[g["n"].lower()]
            unit = g["unit"].lower()
            if unit in ("day", "week"):
                value = (anchor - timedelta(days=n * (7 if unit == "week" else 1))).isoformat()
            elif unit == "month":
                months = anchor.year * 12 + anchor.month - 1 - n
                value, datatype = f"{months // 12:04d}-{months % 12 + 1:02d}", "xsd:gYearMonth"
            else:
                value, datatype = f"{anchor.year - n:04d}", "xsd:gYear"
        elif g["qrel"]:
            quarter = int(g["q"] or _ORDINALS[g["qword"].lower()])
            year = anchor.year + {"last": -1, "this": 0, "next": 1}[g["qrel"].lower()]
            value, datatype = f"{year:04d}-Q{quarter}", "kg:quarter"
        else:
            shift = {"last": -1, "this": 0, "next": 1}[g["rel"].lower()]
            what = g["what"].lower()
            if what == "year":
                value, datatype = f"{anchor.year + shift:04d}", "xsd:gYear"
            elif what == "quarter":
                index = anchor.year * 4 + _quarter_of(anchor) - 1 + shift
                value, datatype = f"{index // 4:04d}-Q{index % 4 + 1}", "kg:quarter"
            elif what == "month":
                months = anchor.year * 12 + anchor.month - 1 + shift
                value, datatype = f"{months // 12:04d}-{months % 12 + 1:02d}", "xsd:gYearMonth"
            else:
                month = _MONTHS[what]
                year = anchor.year
                if shift < 0 and month >= anchor.month:
                    year -= 1  # "last December" said in April
                elif shift > 0 and month <= anchor.month:
                    year += 1
                value, datatype = f"{year:04d}-{month:02d}", "xsd:gYearMonth"
        found.append(DateValue(value, datatype, *m.span()))
    return found


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_DATE_FIELD = re.compile(r"^(?:date|published|dateline)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def document_date(text: str, metadata: dict[str, object] | None = None) -> date | None:
    r"""The date a document carries: sidecar metadata, front matter, then a dateline or a
    signature date line in the text ("Wuhan University 4.25.2018").

    >>> document_date("---\ntitle: x\ndate: 2021-06-02\n---\nBody")
    datetime.date(2021, 6, 2)
    >>> document_date("Dear all,\n...\nLei Jun\nWuhan University 4.25.2018\n")
    datetime.date(2018, 4, 25)
    >>> document_date("Founded in 2010, the company grew.") is None
    True
    """
    candidates: list[str] = []
    if metadata and metadata.get("date"):
        candidates.append(str(metadata["date"]))
    front = _FRONT_MATTER.match(text)
    if front:
        candidates += [
            m.group(1).strip().strip("\"'") for m in _DATE_FIELD.finditer(front.group(1))
        ]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # a dateline opens a news story; a short line holding only a place and a date closes a letter
    candidates += [line for line in lines[:3] + lines if len(line.split()) <= 6]
    candidates += [line[:60] for line in lines[:2]]
    for candidate in candidates:
        for value in parse_date(candidate):
            if value.datatype == "xsd:date":
                return date.fromisoformat(value.value)
    return None
