"""Dates stated with the facts: a relation whose sentence gives one date gets it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from kg.extract.dates import (
    DateValue,
    parse_date,
    partial_dates,
    partial_months,
    relative_dates,
    relative_phrase,
)
from kg.records import Entity, Evidence, Literal, Relation

if TYPE_CHECKING:
    pass


_FOUNDING_RULES = {"founder-passive", "founder-active", "cofounder-active", "cofounder-passive"}


def _sentence_dates(text: str, anchor: date | None) -> list[DateValue]:
    """Absolute dates in a sentence; else its relative dates resolved against the document's
    date ("last December"); quarters are left to the figures."""
    found = parse_date(text)
    if not found and anchor is not None:
        found = [d for d in relative_dates(text, anchor) if d.datatype.startswith("xsd:")]
    return found


def _dated(
    relations: list[Relation], entities: Sequence[Entity], anchors: dict[str, date | None]
) -> Iterator[Relation]:
    """Dates stated with the facts: a relation whose sentence names exactly one date gets it
    as ``kg:date`` (relative dates resolved against the document's date; unresolvable ones
    kept as written in ``kg:dateText``); founders give founding dates; events the date of
    their sentence."""
    seen: dict[tuple[str, date | None], list[DateValue]] = {}  # a sentence states many
    for relation in relations:
        anchor = anchors.get(relation.evidence.doc_id)
        key = (relation.evidence.sentence, anchor)
        dates = seen.get(key)
        if dates is None:
            dates = seen[key] = _sentence_dates(relation.evidence.sentence, anchor)
        if len(dates) != 1 or not isinstance(relation.object, str):
            phrase = relative_phrase(relation.evidence.sentence) if not dates else ""
            if phrase and anchor is None and isinstance(relation.object, str):
                qualifiers = (*relation.qualifiers, ("kg:dateText", phrase))
                relation = replace(relation, qualifiers=qualifiers)
            yield relation
            continue
        value = Literal(dates[0].value, dates[0].datatype)
        yield replace(relation, qualifiers=(*relation.qualifiers, ("kg:date", value)))
        if relation.evidence.rule in _FOUNDING_RULES:
            e = relation.evidence
            yield Relation(
                relation.subject, "schema:foundingDate", value, replace(e, rule="founding-date")
            )
    for entity in entities:
        if entity.type != "Event":
            continue
        for mention in entity.mentions:
            own = parse_date(entity.name)
            text = mention.sentence.text
            stated = _sentence_dates(text, anchors.get(mention.doc_id))
            # "Fair 2031, held 12 to 15 March": the day, in the year the name or the
            # sentence gives
            years = [int(d.value[:4]) for d in [*own, *stated] if d.datatype == "xsd:gYear"]
            days = partial_dates(text, years[0]) if len(set(years)) == 1 else []
            if not days and own and len(set(years)) == 1:  # "Fair 2031 ... in March"
                days = partial_months(text, years[0])
            dates = days if len(days) == 1 else own or stated
            if len(dates) == 1:
                s = mention.sentence
                rule = "event-date-name" if own else "event-date-sentence"
                rule = (
                    ("event-date-day" if len(dates[0].value) == 10 else "event-date-month")
                    if (days)
                    else rule
                )
                evidence = Evidence(
                    mention.doc_id, s.text, s.start, s.end, rule, 0.9 if own else 0.75
                )
                yield Relation(
                    entity.key,
                    "schema:startDate",
                    Literal(dates[0].value, dates[0].datatype),
                    evidence,
                )
