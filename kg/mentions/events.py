"""Launch events: "the Orbo 5 launch", "the unveiling of the Orbo 5"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.mentions.names import normalize_name
from kg.mentions.words import events

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["launch_events"]


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
