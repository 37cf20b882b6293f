"""Launch events: "the Orbo 5 launch", "the unveiling of the Orbo 5"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.mentions.names import normalize_name
from kg.mentions.words import events
from kg.records import Mention

_OFFERING = re.compile(r"(?:['’]s)?(?: [A-Z][\w.-]*){0,2} (?:IPO|initial public offering)\b")

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["launch_events", "named_events", "offering_events"]

#: Nouns an event's name stands before: "its Orbo Live event", "the Orbo Summit keynote".
_EVENT_NOUNS = {"event", "events", "conference", "keynote", "summit", "showcase", "expo", "fair"}
#: Lower-case words inside an event's name: "Made by Orbo", "Orbo for Ruritania".
_INNER = {"by", "for", "of", "on", "and", "&"}
_OWNERS = {"its", "their", "his", "her", "our"}


def launch_events(doc: Doc, products: list[Span]) -> Iterator[tuple[Span, str]]:
    """Launch events around product mentions, with their canonical names."""
    cfg = events()
    ent_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    for product in products:
        name = f"{normalize_name(product.text)} {cfg['suffix']}"
        after = product.end
        if after < len(doc) and doc[after].lower_ in cfg["after_product"]:
            end = after + 1
            if end < len(doc) and doc[end].lower_ in cfg["event_nouns"]:
                end += 1
            yield doc[product.start : end], name
            continue
        # "the launch (event) of our latest smartphone Orbo 5"
        for i in range(product.start - 1, max(-1, product.start - cfg["max_gap"] - 4), -1):
            if (
                i in ent_tokens
                or doc[i].is_sent_start
                and doc[i].lower_ not in cfg["before_product"]
            ):
                break
            if doc[i].lower_ in cfg["before_product"]:
                j = i + 1
                if j < product.start and doc[j].lower_ in cfg["event_nouns"]:
                    j += 1
                if (
                    j < product.start
                    and doc[j].lower_ == "of"
                    and product.start - j - 1 <= cfg["max_gap"]
                ):
                    yield doc[i : product.end], name
                break


def named_events(doc: Doc) -> Iterator[Span]:
    """A name before an event noun, after an owner: "its Orbo Live event", "Acme's Made by
    Orbo keynote", "their Orbo for Ruritania event"."""
    for token in doc:
        if token.text not in _EVENT_NOUNS or token.i == 0:
            continue  # a capitalized "Expo" is part of the name: "Orbo Expo"
        start = token.i
        while start > 0 and (
            doc[start - 1].text[:1].isupper()
            or doc[start - 1].lower_ in _INNER
            and start - 2 >= 0
            and doc[start - 2].text[:1].isupper()
        ):
            start -= 1
        while start < token.i and doc[start].lower_ in _INNER:
            start += 1
        if start == token.i or start == 0:
            continue
        owner = doc[start - 1]
        if owner.lower_ in _OWNERS or owner.tag_ == "POS":
            yield doc[start : token.i]


def offering_events(text: str, mentions: list[Mention]) -> Iterator[tuple[int, int, str]]:
    """A company's share offering: "Acme's IPO", "the Acme IPO", "Acme's Ruritania IPO" ->
    (start, end, "Acme IPO")."""
    for mention in mentions:
        if mention.type != "Organization":
            continue
        found = _OFFERING.match(text, mention.end)
        if found:
            yield mention.start, found.end(), f"{normalize_name(mention.text)} IPO"
