"""Relations read off lists and places: events and their places, people by nationality, rivals
and markets listed after a cue, products sold where their launch took place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.records import Chunk, Entity, Relation
from kg.relations.context import _Context, _evidence, _is_large_place
from kg.relations.patterns import _list_members

if TYPE_CHECKING:
    from spacy.tokens import Span


def _event_locations(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """Where an event took place: "the Mi 6X launch event in Wuhan", "launch in Vietnam"."""
    doc = sent.doc
    for token in sent:
        event = ""
        # the event span is the longest mention; tokens map to the innermost: look it up by offset
        for mention in chunk.mentions:
            if mention.type == "Event" and mention.end - chunk.base == token.idx + len(token):
                event = context.linked.entity_of.get(mention, "")
        if not event:
            continue
        k = token.i + 1
        if k < sent.end and doc[k].lower_ in ("in", "at"):
            k += 1
            market = at.get(k, "")
            if market and context.entity(market).type == "Market":
                yield Relation(
                    event, "schema:location", market, _evidence(chunk, sent, "event-in-place", 0.85)
                )


_FABRICATION_RULES = {"make-component"}


def _derived(relations: Sequence[Relation], entities: dict[str, Entity]) -> Iterator[Relation]:
    """A product launched at an event held in a country is sold there ("the Redmi 5A launch
    in Vietnam"); the evidence is the sentence that places the event. A component one company
    designs or owns and another fabricates makes the second the first's supplier ("designed
    by A but made by B"); the evidence is the sentence that names the fabricator."""
    # "PERSON unveiled PRODUCT": the company the person holds a title at, in that document
    employers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in relations:
        if r.predicate in ("kg:ceo", "kg:role", "schema:founder") and isinstance(r.object, str):
            employers[(r.evidence.doc_id, r.object)].append(r.subject)
        elif r.predicate == "schema:worksFor" and isinstance(r.object, str):
            employers[(r.evidence.doc_id, r.subject)].append(r.object)
    for r in relations:
        if r.evidence.rule == "launch-by-person" and isinstance(r.object, str):
            found = sorted(set(employers.get((r.evidence.doc_id, r.subject), [])))
            if len(found) == 1:
                evidence = replace(r.evidence, rule="launch-by-employee")
                yield Relation(found[0], "kg:launched", r.object, evidence, r.qualifiers)
    makers: dict[str, list[Relation]] = defaultdict(list)
    for r in relations:
        if r.predicate == "schema:manufacturer" and isinstance(r.object, str):
            makers[r.subject].append(r)
    for made in makers.values():
        fabricators = [r for r in made if r.evidence.rule in _FABRICATION_RULES]
        designers = {str(r.object) for r in made if r.evidence.rule not in _FABRICATION_RULES}
        for fab in fabricators:
            for designer in sorted(designers - {str(fab.object)}):
                evidence = replace(fab.evidence, rule="supplier-fabricates", confidence=0.7)
                yield Relation(designer, "kg:supplier", str(fab.object), evidence)
    places: dict[str, list[Relation]] = defaultdict(list)
    for r in relations:
        if r.predicate == "schema:location" and isinstance(r.object, str):
            places[r.subject].append(r)
    for r in relations:
        if r.predicate != "kg:launchedAt" or not isinstance(r.object, str):
            continue
        for placed in places.get(r.object, []):
            market = entities.get(str(placed.object))
            if market is not None and _is_large_place(market):
                evidence = replace(placed.evidence, rule="sold-in-launch-place", confidence=0.75)
                yield Relation(r.subject, "kg:soldIn", market.key, evidence)


_PEOPLE_NOUNS = {"fan", "fans", "user", "users", "customer", "customers", "student", "students"}


_LIST_OPENERS = {":", "including", "are", "were", "namely"}


def _demonym_people(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """ "Indonesian Mi Fan Fajar Yogas", "The five Spanish Mi Fans are: Alazne, ...": the
    demonym says where the person is from."""
    from kg.mentions.places import demonym_country

    doc = sent.doc
    for token in sent:
        country = demonym_country(token.text)
        if not country or token.i in at:
            continue
        people: list[str] = []
        window = doc[token.i + 1 : min(sent.end, token.i + 5)]
        rest = doc[window.start : sent.end]
        if any(t.lower_ in _PEOPLE_NOUNS for t in window) and any(
            t.lower_ in _LIST_OPENERS for t in rest[:8]
        ):  # "The five Spanish Mi Fans are: Alazne, ...": everyone listed
            people += [
                at[t.i] for t in rest if t.i in at and context.entity(at[t.i]).type == "Person"
            ]
        else:  # "Indonesian Mi Fan Fajar Yogas"
            direct = next((at[t.i] for t in window if t.i in at), "")
            if direct and context.entity(direct).type == "Person":
                people.append(direct)
        evidence = _evidence(chunk, sent, "based-in-demonym", 0.7)
        for person in dict.fromkeys(people):
            yield Relation(person, "kg:basedIn", context.place(country), evidence)


_COMPETITION_WORDS = ("compet", "rival")


def _competitor_lists(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """ "fierce competition ... with lots of vendors, such as Apple, Huawei, ... Xiaomi": the
    company a document is about competes with every other organization in the list."""
    text = sent.text.lower()
    if not context.home or not any(word in text for word in _COMPETITION_WORDS):
        return
    doc = sent.doc
    for token in sent:
        opener = (
            token.lower_ == "such" and token.i + 1 < sent.end and doc[token.i + 1].lower_ == "as"
        )
        if not (opener or token.lower_ in ("including", "like")):
            continue
        start = token.i + (2 if opener else 1)
        if start >= sent.end or start not in at:
            continue
        listed = [at[start], *_list_members(doc[start], at, sent)]
        orgs = [k for k in listed if context.entity(k).type == "Organization"]
        if len(orgs) < 2:
            continue
        evidence = _evidence(chunk, sent, "competitor-list", 0.75)
        for other in orgs:
            if other != context.home:
                yield Relation(context.home, "kg:competitor", other, evidence)


_MARKET_LIST_CUES = re.compile(
    r"\b(?:our|its|key|target|major|core|main)\s+(?:\w+\s+)?markets?\b",
    re.IGNORECASE,
)


def _market_lists(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """ "Norway, Sweden and parts of Asia are our key markets", "all our markets
    have shown strong growth": the markets a company counts as its own."""
    if not _MARKET_LIST_CUES.search(sent.text):
        return
    orgs = [at[t.i] for t in sent if t.i in at and context.entity(at[t.i]).type == "Organization"]
    company = orgs[0] if len(set(orgs)) == 1 else "" if orgs else context.home
    if not company:
        return
    evidence = _evidence(chunk, sent, "operates-in-market-list", 0.7)
    markets = [at[t.i] for t in sent if t.i in at and context.entity(at[t.i]).type == "Market"]
    for market in dict.fromkeys(markets):
        yield Relation(company, "kg:operatesIn", market, evidence)
