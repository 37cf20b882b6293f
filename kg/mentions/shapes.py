"""Shapes: how a product's name is built ("MAKER MODEL module", "LINE phones")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.mentions.names import trim
from kg.mentions.words import cues
from kg.resources import read_lines

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = [
    "MODEL_SUFFIXES",
    "split_maker",
    "strip_line_noun",
    "model_number",
    "corporate_words",
    "company_words",
    "legal_form",
    "extend_corporate",
    "extend_version",
]

#: Words after a model number that name a variant: "X9 Pro", "K5 Max", "S9 FE".
MODEL_SUFFIXES = frozenset(
    "pro max ultra plus lite mini se prime neo fe edge fold flip super ti xl elite".split()
)
#: A model number on its own: letters and digits ("P20", "X9", "A16", "MX300X").
_MODEL = re.compile(r"^(?![QH][1-4]$)(?!FY\d)[A-Z]{1,4}\d{1,5}[A-Z]{0,3}\+?$")
_AMOUNT_WORDS = {"million", "billion", "thousand", "%", "percent", "units", "users", "per"}
_VERSION = re.compile(r"^(?!(?:19|20)\d\d$)(?:\d{1,2}(?:\.\d)?|[A-Z]{1,2}\d{1,4}[A-Za-z]?)$")

#: Generic nouns after a product line besides product nouns: "the Orbo line".
_LINE_WORDS = {"line", "brand", "range", "family"}


def split_maker(ent: Span) -> list[tuple[Span, str]]:
    """ "the Acme Orbo module": a maker's name, then its part's, before a noun that says what
    kind of part it is (``component_nouns`` in ``kg/data/rules/cues.json``)."""
    doc = ent.doc
    span = trim(ent)
    if span is None or ent.label_ != "ORG" or len(span) < 2 or span.end >= len(doc):
        return []
    if doc[span.end].lower_ not in cues()["component_nouns"]:
        return []
    if not all(t.pos_ == "PROPN" for t in span):
        return []
    return [(span[:1], "Organization"), (span[1:], "Product")]


def _product_noun(word: str) -> bool:
    """A noun that says what kind of product something is, singular or plural ("drones")."""
    nouns = cues()["product_nouns"]
    return word in nouns or word.endswith("s") and word[:-1] in nouns


def strip_line_noun(span: Span) -> Span:
    """ "Orbo phones" or "the Orbo line" as a product line is "Orbo"."""
    if len(span) > 1 and (span[-1].lower_ in _LINE_WORDS or _product_noun(span[-1].lower_)):
        return span[:-1]
    return span


def model_number(text: str) -> bool:
    """Whether ``text`` is a bare model number.

    >>> model_number("P20"), model_number("MX300X"), model_number("Q3"), model_number("Orbo")
    (True, True, False, False)
    """
    return bool(_MODEL.match(text))


def corporate_words() -> frozenset[str]:
    """Words that end a company's full name after its short name: legal forms
    (``kg/data/legal_forms.txt``) and lines of business (``kg/data/corporate_words.txt``)."""
    return read_lines("corporate_words.txt") | read_lines("legal_forms.txt")


def company_words() -> frozenset[str]:
    """Words that end a company's or a unit's name: legal forms, lines of business, units."""
    return corporate_words() | read_lines("unit_words.txt")


def legal_form(text: str) -> bool:
    """Whether ``text`` is only legal-form words: "Inc.", "Co., Ltd.".

    >>> legal_form("Oyj"), legal_form("Co. Ltd"), legal_form("Labs")
    (True, True, False)
    """
    words = text.lower().replace(",", " ").split()
    return bool(words) and all(w in read_lines("legal_forms.txt") for w in words)


def extend_corporate(span: Span) -> Span:
    """The longest name wins: "Acme" before "Labs" or "Capital" names "Acme Labs" (see
    ``kg/data/unit_words.txt`` for a unit's words).

    Only capitalized words that end company names are taken, and not a heading's words.
    """
    doc = span.doc
    words = company_words()
    end = last = span.end
    # up to two other capitalized words before the last: "Acme Bell Labs"
    while end < len(doc) and end - span.end < 4 and doc[end].text[:1].isupper():
        if doc[end].is_sent_start or doc[end].ent_type_ in ("GPE", "PERSON", "DATE"):
            break
        end += 1
        if doc[end - 1].lower_ in words:
            last = end
    return doc[span.start : last]


def extend_version(span: Span) -> Span:
    """The longest name wins: a product name before a version ("Orbo OS 14") or before a
    capitalized word ("Orbo Pay", "Orbo Phone") names the longer product."""
    doc = span.doc
    end = span.end
    if (
        end < len(doc)
        and doc[end].is_title
        and doc[end].pos_ == "PROPN"
        and doc[end].ent_iob_ != "B"
        and not doc[end].is_sent_start
    ):
        return doc[span.start : end + 1]
    if end >= len(doc) or not _VERSION.match(doc[end].text) or any(t.like_num for t in span):
        return span
    after = doc[end + 1] if end + 1 < len(doc) else None
    if after is not None and (after.like_num or after.lower_ in _AMOUNT_WORDS):
        return span  # "Orbo 5 million users": a count, not a version
    return doc[span.start : end + 1]
