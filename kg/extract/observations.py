"""Reported figures: market shares, shipments, revenues, growth, ranks, users, stores.

Each figure becomes an :class:`~kg.records.Observation` with the entity it is about, the market
and period when the sentence names them, and the organization it is attributed to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.extract.dates import parse_date, parse_quarter, relative_dates
from kg.extract.quantities import find_money
from kg.records import Entity, Evidence, Observation
from kg.resources import read_json

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = ["find_observations"]

_PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b)")
_COUNT = re.compile(
    r"(?<![\d.,$€£¥])(\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+)\s?(million|billion|thousand)?\s+([A-Za-z]+)"
)
_RANK = re.compile(
    r"(?:#\s?|No\.\s?|number\s)(\d+|one|two|three|four|five)\b|ranked\s(\d+)(?:st|nd|rd|th)", re.I
)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


@cache
def _lexicon() -> dict[str, Any]:
    return dict(read_json("rules/metrics.json"))


def _metric_before(text: str, at: int, metrics: dict[str, list[str]]) -> str:
    """The metric whose keyword ends closest before ``at`` (within 60 characters) or after."""
    best, distance = "", 61
    window = text[max(0, at - 60) : at].lower()
    for metric, words in metrics.items():
        for word in words:
            for match in re.finditer(rf"\b{re.escape(word)}\b", window):
                gap = len(window) - match.end()
                if gap < distance:
                    best, distance = metric, gap
    if best:
        return best
    after = text[at : at + 25].lower()
    return next(
        (
            m
            for m, words in metrics.items()
            if any(re.search(rf"\b{re.escape(w)}\b", after) for w in words)
        ),
        "",
    )


def _number(raw: str, scale: str | None) -> str:
    value = float(raw.replace(",", "")) * _SCALE.get((scale or "").lower(), 1)
    return str(int(value)) if value == int(value) else f"{value:g}"


def _relative_quarter(text: str, anchor: date) -> tuple[str, str, str] | None:
    """ "Q3 last year", "this quarter", resolved against the document's date."""
    for value in relative_dates(text, anchor):
        if value.datatype == "kg:quarter":
            year, quarter = value.value.split("-Q")
            return parse_quarter(f"Q{quarter} {year}")
    return None


def _arm_market(subject: Entity, entities: dict[str, Entity]) -> list[str]:
    """The market in a subsidiary's name ("Xiaomi India" -> India), if it is an entity."""
    if subject.kind != "subsidiary" or " " not in subject.name:
        return []
    last = subject.name.rsplit(" ", 1)[1]
    from kg.link import fold
    from kg.mentions.places import countries
    from kg.relations.context import PLACE

    named = [e.key for e in entities.values() if e.type == "Market" and e.name == last]
    if not named and last in countries():  # not named in the document: the corpus's, if any
        named = [f"{PLACE}{fold(last)}"]
    return named[:1]


def find_observations(
    sent: Span,
    base: int,
    doc_id: str,
    keys: list[tuple[int, str]],
    entities: dict[str, Entity],
    anchor: date | None = None,
) -> Iterator[Observation]:
    """Figures reported in one sentence.

    Args:
        sent: the sentence.
        base: offset of the sentence's doc in its document.
        doc_id: the document.
        keys: (offset in the sentence, entity key) of the entities in the sentence, in order.
        entities: entities by key.
    """
    lexicon = _lexicon()
    text = sent.text
    orgs = [k for _, k in keys if entities[k].type == "Organization"]
    sources = [k for k in orgs if entities[k].kind == "research firm"]
    lowered = text.lower()
    for cue in lexicon["source_cues"]:
        index = lowered.find(cue + " ")
        if index >= 0:
            after = [
                k for offset, k in keys if offset > index and entities[k].type == "Organization"
            ]
            if after and after[0] not in sources:
                sources.insert(0, after[0])
    subjects = [k for k in orgs if k not in sources]
    if not subjects:
        return
    markets = [k for _, k in keys if entities[k].type == "Market"]
    if not markets:  # "Xiaomi India shipped ...": a local arm reports for its market
        markets = _arm_market(entities[subjects[0]], entities)
    quarter = parse_quarter(text) or (_relative_quarter(text, anchor) if anchor else None)
    if quarter:
        period, start, end = quarter
    else:
        years = [d for d in parse_date(text) if d.datatype == "xsd:gYear"]
        if not years and anchor is not None:
            years = [d for d in relative_dates(text, anchor) if d.datatype == "xsd:gYear"]
        period = years[0].value if years else ""
        start, end = (f"{period}-01-01", f"{period}-12-31") if period else ("", "")
    start_char = base + sent.start_char
    evidence = Evidence(
        doc_id, text, start_char, start_char + len(text), "", float(lexicon["confidence"])
    )

    def observation(metric: str, value: str, unit: str) -> Observation:
        rule = f"figure-{metric.replace(' ', '-')}"
        return Observation(
            subject=subjects[0],
            metric=metric,
            value=value,
            unit=unit,
            evidence=Evidence(
                evidence.doc_id,
                evidence.sentence,
                evidence.start,
                evidence.end,
                rule,
                evidence.confidence,
            ),
            market=markets[0] if markets else "",
            period=period,
            period_start=start,
            period_end=end,
            source=sources[0] if sources else "",
        )

    for match in _PERCENT.finditer(text):
        metric = _metric_before(text, match.start(), lexicon["percent_metrics"])
        if metric:
            yield observation(metric, match.group(1), "%")
    for match in _COUNT.finditer(text):
        noun = match.group(3).lower()
        metric = next((m for m, nouns in lexicon["count_nouns"].items() if noun in nouns), "")
        if metric:
            yield observation(
                metric,
                _number(match.group(1), match.group(2)),
                "units" if metric == "shipments" else metric,
            )
    for money in find_money(text):
        metric = _metric_before(text, money.start, lexicon["money_metrics"])
        if metric and money.scaled:
            yield observation(metric, money.value, money.currency)
    for match in _RANK.finditer(text):
        raw = match.group(1) or match.group(2)
        yield observation("rank", str(_WORDS.get(raw.lower(), raw)), "rank")
