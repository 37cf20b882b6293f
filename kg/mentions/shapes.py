"""Shapes: how a product's name is built ("MAKER MODEL module", "LINE phones")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.mentions.names import trim

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = ["split_maker", "strip_line_noun"]

_MAKER_NOUNS = {"module", "chip", "chipset", "processor", "soc", "platform", "modem", "sensor"}
#: Generic nouns after a product line: "Orbo smartphones" names the line "Orbo".
_LINE_NOUNS = {"smartphones", "smartphone", "phones", "phone", "line", "brand", "devices"}


def split_maker(ent: Span) -> list[tuple[Span, str]]:
    """ "the Acme Orbo module": a maker's name, then its product's, before a noun that says
    what the product is."""
    doc = ent.doc
    span = trim(ent)
    if span is None or ent.label_ != "ORG" or len(span) < 2 or span.end >= len(doc):
        return []
    if doc[span.end].lower_ not in _MAKER_NOUNS or not all(t.pos_ == "PROPN" for t in span):
        return []
    return [(span[:1], "Organization"), (span[1:], "Product")]


def strip_line_noun(span: Span) -> Span:
    """ "Orbo phones" as a product line is "Orbo"."""
    if len(span) > 1 and span[-1].lower_ in _LINE_NOUNS:
        return span[:-1]
    return span
