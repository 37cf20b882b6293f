"""Relations between entities: rules as data over the dependency parse.

The steps, in the order a sentence meets them:

- :mod:`~kg.relations.frames`: argument frames (voice, clauses, coordination, negation);
- :mod:`~kg.relations.engine`: frame rules and lexicons (``kg/data/relations``, packs, user files);
- :mod:`~kg.relations.references`: "it", "the company" resolved by type and salience;
- :mod:`~kg.relations.patterns`: user ``Matcher``/``DependencyMatcher`` pattern rules;
- :mod:`~kg.relations.titles`, :mod:`~kg.relations.prices`, :mod:`~kg.relations.names`,
  :mod:`~kg.relations.lists`, :mod:`~kg.relations.discourse`: the steps that are not frames;
- :mod:`~kg.relations.dating`: dates stated with the facts;
- :mod:`~kg.relations.extract`: all of them over a corpus.
"""

from __future__ import annotations

from kg.relations.extract import (
    DocumentReader,
    check_rules,
    component_mentions,
    extract_relations,
)
from kg.relations.patterns import register_extensions
from kg.relations.rules import Rules, load_rules

__all__ = [
    "DocumentReader",
    "Rules",
    "check_rules",
    "component_mentions",
    "extract_relations",
    "load_rules",
    "register_extensions",
]
