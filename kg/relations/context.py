"""What the relation steps share about one document: its entities, mentions and home
organization, and the evidence of a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.link import Linked, fold
from kg.records import Chunk, Entity, Evidence

if TYPE_CHECKING:
    from spacy.tokens import Span


_PRONOUNS = {"it", "he", "she", "they", "this", "which", "its", "his", "her"}


_WE = {"we", "our", "us", "ours"}


_I = {"i", "my", "me", "mine"}


#: Nouns that, after "the", refer back to the last thing of a type: "The phone is powered by".
_REFERRING_NOUNS = {
    "Product": ("phone", "smartphone", "device", "handset", "model", "product"),
}


_CONTINENT_WORDS = ("asia", "europe", "america", "africa", "oceania", "middle east")


def _is_large_place(entity: Entity) -> bool:
    """A country or a region of the world: never inside another market in a list."""
    from kg.mentions.places import countries

    name = entity.name.lower()
    return (
        entity.kind in ("country", "region")
        or entity.name in countries()
        or any(word in name for word in _CONTINENT_WORDS)
    )


#: The key of a place a document names only by a demonym ("a Dutch maker"): ``place:`` and
#: the country's folded name; :meth:`kg.relations.extract.DocumentReader.finish` maps it onto
#: the corpus's market of that name, if there is one.
PLACE = "place:"


@dataclass
class _Context:
    """What the rules need to know about the entities of one document (linked within it)."""

    linked: Linked
    entities: dict[str, Entity]
    home: str  # the organization a document speaks for as "we", or ""
    mentions: list[tuple[int, int, str]]  # (start, end, entity key) in the document, sorted
    narrator: str = ""  # who "I" is outside a speaker's line: an interviewee, a letter's signer

    def entity(self, key: str) -> Entity:
        return self.entities[key]

    def place(self, country: str) -> str:
        """The key of the country a demonym names ("Dutch" -> the Netherlands), whether or not
        the document names it: a :data:`PLACE` key, with an entity for the rules to read."""
        key = f"{PLACE}{fold(country)}"
        if key not in self.entities:
            self.entities[key] = Entity(key, "Market", country, (), "country", ())
        return key

    def preceding(self, offset: int, type_: str, kinds: tuple[str, ...], avoid: str = "") -> str:
        """The nearest entity of ``type_`` mentioned before ``offset`` (within 600 characters)."""
        best = ""
        for _start, end, key in self.mentions:
            if end > offset:
                break
            if offset - end > 600 or key == avoid:
                continue
            entity = self.entities[key]
            if entity.type == type_ and (not kinds or entity.kind in kinds):
                best = key
        return best


def _evidence(chunk: Chunk, sent: Span, rule_id: str, confidence: float) -> Evidence:
    start, end = chunk.base + sent.start_char, chunk.base + sent.end_char
    return Evidence(
        chunk.document.id, chunk.document.text[start:end], start, end, rule_id, confidence
    )
