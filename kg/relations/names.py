"""Relations stated by names: a subsidiary named after its parent and a market, a launch event
named after its product, a model named after its line, a brand's fans.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.link import fold
from kg.records import Chunk, Entity, Evidence, Relation
from kg.relations.context import _Context, _evidence

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def _name_relations(entities: Sequence[Entity]) -> Iterator[Relation]:
    """Relations stated by names: "Xiaomi India" is Xiaomi's, in India; "Mi 6X launch"."""
    by_name = {fold(e.name): e for e in entities}
    lines = [e for e in entities if e.type == "Product" and e.kind == "product line"]

    for entity in entities:
        if not entity.mentions:
            continue
        first = entity.mentions[0]
        sentence = first.sentence
        words = entity.name.split()
        if entity.type == "Organization" and len(words) > 1:
            parent = by_name.get(fold(" ".join(words[:-1])))
            market = by_name.get(fold(words[-1]))
            if parent and parent.type == "Organization" and words[-1] in _ARM_WORDS:
                s = sentence
                evidence = Evidence(first.doc_id, s.text, s.start, s.end, "subsidiary-name", 0.8)
                yield Relation(entity.key, "schema:parentOrganization", parent.key, evidence)
            if parent and market and parent.type == "Organization" and market.type == "Market":
                evidence = Evidence(
                    first.doc_id,
                    sentence.text,
                    sentence.start,
                    sentence.end,
                    "subsidiary-name",
                    0.85,
                )
                yield Relation(entity.key, "schema:parentOrganization", parent.key, evidence)
                yield Relation(entity.key, "kg:operatesIn", market.key, evidence)
        if entity.type == "Product" and entity.kind != "product line":
            yield from _line_by_name(entity, lines)

        if entity.type == "Event" and entity.kind == "launch" and words[-1] == "launch":
            product = by_name.get(fold(" ".join(words[:-1])))
            if product and product.type == "Product":
                for mention in entity.mentions:
                    s = mention.sentence
                    evidence = Evidence(
                        mention.doc_id, s.text, s.start, s.end, "launch-event-name", 0.9
                    )
                    yield Relation(product.key, "kg:launchedAt", entity.key, evidence)


_ARM_WORDS = {"Global", "International", "Worldwide"}


def _line_by_name(product: Entity, lines: Sequence[Entity]) -> Iterator[Relation]:
    """ "Redmi Note 4" is in the Redmi line, "Mi MIX 2" in the Mi MIX series: a model named
    after its line. The evidence is a sentence naming both, else the model's first mention."""
    for line in lines:
        stem = re.sub(r"\s+(?:series|line|family|range)$", "", line.name, flags=re.IGNORECASE)
        namesake = stem != line.name and product.name == stem  # "Mi MIX" of the Mi MIX series
        if line.key == product.key or not (product.name.startswith(stem + " ") or namesake):
            continue
        together = [
            m for m in product.mentions if any(lm.sentence == m.sentence for lm in line.mentions)
        ]
        mention = (together or list(product.mentions))[0]
        s = mention.sentence
        evidence = Evidence(
            mention.doc_id, s.text, s.start, s.end, "product-line-name", 0.9 if together else 0.75
        )
        yield Relation(product.key, "kg:productLine", line.key, evidence)


def _brands(entities: Sequence[Entity], relations: Sequence[Relation]) -> dict[str, str]:
    """Brand words and their organizations: the first word shared by the names of products an
    organization makes or launched, or an organization's own name ("Mi" -> Xiaomi)."""
    by_key = {e.key: e for e in entities}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        if e.type == "Organization" and " " not in e.name:
            votes[e.name][e.key] += 10
    for r in relations:
        if r.predicate in ("kg:launched", "schema:manufacturer") and isinstance(r.object, str):
            org, product = (
                (r.subject, r.object)
                if r.predicate == "kg:launched"
                else (
                    r.object,
                    r.subject,
                )
            )
            if org in by_key and product in by_key and " " in by_key[product].name:
                votes[by_key[product].name.split()[0]][org] += 1
    return {word: counts.most_common(1)[0][0] for word, counts in votes.items()}


_FAN_WORDS = {"fan", "fans"}


_FAN_LINKS = {",", "is", "was", "are", "were", "a", "an", "the", "one", "of", "among", "and"}


def _without_apposition(span: Span) -> list[Token]:
    """The tokens of ``span`` without a leading ", a Shanghai native and manager ...," block."""
    tokens = list(span)
    if tokens and tokens[0].text == ",":
        closing = next((i for i, t in enumerate(tokens[1:], 1) if t.text == ","), None)
        if closing is not None:
            return tokens[closing + 1 :]
    return tokens


#: A possible fan, found before the brands are known: the word before "fan", the entity it
#: names (if any), the person, the evidence.
FanCandidate = tuple[str, str, str, Evidence]


def _fan_candidates(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[FanCandidate]:
    """ "Indonesian Mi Fan Fajar Yogas", "Alex, loyal Mi Fan", "one of Xiaomi's first Mi Fans":
    the person and the word naming what they are a fan of (:func:`_brand_fans` reads it once
    the brands of the whole corpus are known)."""
    doc = sent.doc
    for token in sent:
        if token.lower_ not in _FAN_WORDS or token.i == sent.start:
            continue
        brand = doc[token.i - 1]
        people = [
            (abs(t.i - token.i), at[t.i])
            for t in doc[max(sent.start, token.i - 24) : min(sent.end, token.i + 4)]
            if t.i in at
            and context.entity(at[t.i]).type == "Person"
            and all(  # "Lei Jun thanks Mi Fans": other words between say something else
                w.i in at or w.lower_ in _FAN_LINKS or w.pos_ == "ADJ" or w.tag_ == "POS"
                for w in _without_apposition(doc[min(t.i, token.i) + 1 : max(t.i, token.i) - 1])
            )
        ]
        if people:
            evidence = _evidence(chunk, sent, "fan-of-brand", 0.7)
            yield brand.text, at.get(brand.i, ""), min(people)[1], evidence


def _brand_fans(
    candidates: Iterable[FanCandidate], brands: dict[str, str], entities: dict[str, Entity]
) -> Iterator[Relation]:
    """A brand's fan is a fan of the company behind the brand."""
    for brand, named, person, evidence in candidates:
        org = brands.get(brand) or named
        if org and entities[org].type == "Organization":
            yield Relation(person, "kg:fanOf", org, evidence)
