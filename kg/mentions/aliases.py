"""Aliases a text introduces: "Jane Doe, better known by her handle, Starling"."""

from __future__ import annotations

import dataclasses
import re

from kg.mentions.names import normalize_name
from kg.records import Document, Mention

__all__ = ["naming_aliases"]

_NAMING = re.compile(
    r"\b(?:known|nicknamed|dubbed|a\.?k\.?a\.?|called|goes by|alias)\b[^.;!?]{0,80}"
    r"\b(?:as|name|nickname|handle|moniker|called|dubbed|nicknamed|a\.?k\.?a\.?|by)[\s,:\"“‘']*$",
    re.IGNORECASE,
)


def naming_aliases(document: Document, mentions: list[Mention]) -> list[Mention]:
    """ "Jane Doe ..., better known by her forum name, Starling": Starling is Jane Doe.

    The second name becomes a mention of the person (source ``alias``, canonical the person's
    name as written); linking then joins every other mention of that name to the person.
    """
    out: list[Mention] = []
    person: Mention | None = None
    last: Mention | None = None
    sentence = -1
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.sentence.start != sentence:
            sentence = mention.sentence.start
            # "She is better known as ...": a pronoun carries the last person on
            opening = mention.sentence.text.split(" ", 1)[0]
            person = last if opening in ("He", "She") else None
        if person is not None and mention.type != "Market" and mention.source != "gazetteer":
            between = document.text[person.end : mention.start]
            if _NAMING.search(between):
                mention = dataclasses.replace(
                    mention,
                    type="Person",
                    source="alias",
                    canonical=person.canonical or normalize_name(person.text),
                )
        if mention.type == "Person" and mention.source != "alias":
            last = mention
            person = person or mention  # the sentence's first person is the one named
        out.append(mention)
    return out
