"""Places: countries and demonyms ("the Indian market" names India)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from kg.resources import read_json

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["demonym_country", "countries", "demonym_markets"]


@cache
def _demonyms() -> dict[str, str]:
    return dict(read_json("demonyms.json"))


def demonym_country(word: str) -> str | None:
    """The country a demonym names.

    >>> demonym_country("Spanish"), demonym_country("Spain")
    ('Spain', None)
    """
    return _demonyms().get(word)


@cache
def countries() -> frozenset[str]:
    """Country names (the values of the demonym table)."""
    return frozenset(_demonyms().values())


def demonym_markets(doc: Doc) -> Iterator[tuple[Span, str]]:
    """ "the Indian market", "Chinese smartphone market": the demonym names a market."""
    demonyms = _demonyms()
    for token in doc:
        country = demonyms.get(token.text)
        if country is None:
            continue
        for nxt in doc[token.i + 1 : token.i + 4]:
            if nxt.lower_ in ("market", "markets"):
                yield doc[token.i : token.i + 1], country
                break
            if nxt.pos_ not in ("NOUN", "PROPN", "ADJ"):
                break
