"""Prices: an amount of money in a sentence about price, on the product named before it, and
the market it is stated for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.extract.quantities import find_money
from kg.records import Chunk, Literal, Relation
from kg.relations.context import _Context, _evidence

if TYPE_CHECKING:
    from spacy.tokens import Span


_PRICE_WORDS = {
    "price",
    "priced",
    "prices",
    "pricing",
    "costs",
    "cost",
    "available",
    "retail",
    "retails",
    "sells",
    "sold",
}


#: An amount followed by these is a price class, not a product's price ("the RMB 3,000 category",
#: "a 1000-yuan smartphone").
_NOT_PRICE_AFTER = {
    "category",
    "segment",
    "range",
    "class",
    "tier",
    "market",
    "smartphone",
    "smartphones",
    "phone",
    "phones",
    "devices",
    "models",
}


def _price_relations(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """An amount with no scale word, in a sentence about price, next to a product."""
    text = sent.text
    amounts = [m for m in find_money(text) if not m.scaled]
    words = {t.lower_ for t in sent}
    if not amounts or not (words & _PRICE_WORDS or {"at", "for"} & words):
        return
    base = chunk.base + sent.start_char
    opening_market = _price_market(sent, at, context, -1)
    for money in amounts:
        tail = text[money.end :].split()
        if tail and tail[0].strip(",.").lower() in _NOT_PRICE_AFTER:
            continue
        # the nearest product named before the amount in the sentence
        product, rule_id, confidence = "", "price-same-sentence", 0.85
        for token in sent:
            if token.idx - sent.start_char >= money.start:
                break
            key = at.get(token.i, "")
            if key and context.entity(key).type == "Product":
                product = key
        if product and context.entity(product).kind == "chipset":
            product = ""
        if not product and len(amounts) == 1 and words & _PRICE_WORDS:
            product = context.preceding(base, "Product", ("phone", "product", "device", ""))
            rule_id, confidence = "price-previous-sentence", 0.6
        if product:
            value = Literal(money.value, "xsd:decimal", money.currency)
            evidence = _evidence(chunk, sent, rule_id, confidence)
            yield Relation(product, "schema:offers", value, evidence)
            market = _price_market(sent, at, context, money.end) or opening_market
            if market:
                yield Relation(
                    product, "kg:soldIn", market, replace(evidence, rule="price-in-market")
                )


def _price_market(sent: Span, at: dict[int, str], context: _Context, after: int) -> str:
    """The market a price is stated for: "$999 in the United States" (right after the amount
    ending at ``after``, an offset in the sentence), or with ``after`` -1 a sentence that
    opens with "In the United States, ..."."""
    tokens = [t for t in sent if t.idx - sent.start_char >= after] if after >= 0 else list(sent)
    if len(tokens) < 2 or tokens[0].lower_ != "in":
        return ""
    for token in tokens[1:4]:
        key = at.get(token.i, "")
        if key:
            return key if context.entity(key).type == "Market" else ""
        if token.lower_ != "the":
            return ""
    return ""
