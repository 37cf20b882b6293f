"""Kept for imports from before :mod:`kg.mentions`: use that package instead."""

from kg.mentions import (
    LABEL_TYPES,
    echo_mentions,
    find_mentions,
    is_heading,
    known_names,
    normalize_name,
    split_lines,
)
from kg.mentions.places import countries, demonym_country

__all__ = [
    "split_lines",
    "is_heading",
    "find_mentions",
    "echo_mentions",
    "known_names",
    "normalize_name",
    "LABEL_TYPES",
    "countries",
    "demonym_country",
]
