"""Mentions: spans of a document that name an entity, with their types.

The steps, one module each: :mod:`~kg.mentions.lines` (read a document line by line),
:mod:`~kg.mentions.find` (spaCy's entities and the packs' patterns -> mentions), typed by
:mod:`~kg.mentions.names` (what is a name at all), :mod:`~kg.mentions.cues` (the words
around a name), :mod:`~kg.mentions.shapes` (how product names are built),
:mod:`~kg.mentions.places` (countries, regions, cities), :mod:`~kg.mentions.events`
(launches), :mod:`~kg.mentions.compounds` ("Acme India"), :mod:`~kg.mentions.aliases`
("better known as ..."), and :mod:`~kg.mentions.repeat` (a name found once is found again).
"""

from kg.mentions.compounds import join_subsidiaries
from kg.mentions.find import find_mentions
from kg.mentions.lines import is_heading, split_lines
from kg.mentions.names import LABEL_TYPES, normalize_name
from kg.mentions.repeat import KnownNames, echo_mentions, known_names

__all__ = [
    "split_lines",
    "is_heading",
    "find_mentions",
    "echo_mentions",
    "join_subsidiaries",
    "known_names",
    "KnownNames",
    "normalize_name",
    "LABEL_TYPES",
]
