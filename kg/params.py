"""Query parameters: what a query declares, and values resolved the way ``kg show`` finds names.

A query declares its parameters in header comments, each with a kind in parentheses
(``text`` when none is given)::

    # requires: a (entity), b (entity)
    # optional: year (year), period (period), open (flag)

An ``entity`` parameter takes any name or alias of an entity (case, hyphens and honorifics do
not matter, as for ``kg show``) or its ``<IRI>``, and is bound to the entity's canonical name:
``kg query --param`` and ``kg serve`` both resolve through :func:`resolve_params`. The other
kinds only shape the inputs and suggestions of the ``kg serve`` page (:func:`suggest`).

This module does not import spaCy.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rdflib import Literal, URIRef

from kg.namespaces import ENTITY_TYPES, KG

__all__ = [
    "KINDS",
    "QueryParam",
    "Entity",
    "Suggestion",
    "Catalog",
    "query_params",
    "resolve_params",
    "suggest",
    "annotate",
]

#: The kinds a parameter may declare.
KINDS = ("entity", "year", "period", "flag", "text")

_HEADER = re.compile(r"^#\s*(requires|optional):\s*(.+)$", re.MULTILINE | re.IGNORECASE)
_PARAM = re.compile(r"[?$]?(\w+)(?:\s*\(\s*(\w+)\s*\))?")


@dataclass(frozen=True)
class QueryParam:
    """A parameter a query declares: its variable's name, whether it is required, its kind."""

    name: str
    required: bool
    kind: str = "text"


def query_params(text: str) -> list[QueryParam]:
    """The parameters ``text`` declares in its ``# requires:`` and ``# optional:`` lines.

    >>> query_params("# requires: a (entity)\\n# optional: year (year), open\\nSELECT ...")
    ... # doctest: +NORMALIZE_WHITESPACE
    [QueryParam(name='a', required=True, kind='entity'),
     QueryParam(name='year', required=False, kind='year'),
     QueryParam(name='open', required=False, kind='text')]
    """
    found: dict[str, QueryParam] = {}
    for header in _HEADER.finditer(text):
        required = header.group(1).lower() == "requires"
        for match in _PARAM.finditer(header.group(2)):
            kind = (match.group(2) or "text").lower()
            name = match.group(1)
            if name not in found:
                found[name] = QueryParam(name, required, kind if kind in KINDS else "text")
    return list(found.values())


@dataclass(frozen=True)
class Entity:
    """An entity as parameters name it: IRI, canonical name and type."""

    iri: str
    label: str
    type: str


@dataclass(frozen=True)
class Suggestion:
    """A value to offer for a parameter; for an entity, the entity and the alias matched."""

    value: str
    entity: Entity | None = None
    alias: str | None = None

    def to_json(self) -> dict[str, str]:
        row = {"value": self.value}
        if self.entity is not None:
            row.update(iri=self.entity.iri, label=self.entity.label, type=self.entity.type)
        if self.alias is not None:
            row["alias"] = self.alias
        return row


_TYPES = " ".join(f"kg:{t}" for t in ENTITY_TYPES)
_TYPED = """SELECT ?e ?class WHERE { VALUES ?class { _TYPES } ?e a ?class }""".replace(
    "_TYPES", _TYPES
)
# One pattern a query, joined here: Oxigraph joins these three slowly (1.5 s against 0.5 s on
# a graph of 19,000 entities).
_LABELS = "SELECT ?e ?name WHERE { ?e rdfs:label ?name }"
_ALIASES = "SELECT ?e ?name WHERE { ?e skos:altLabel ?name }"
_EXACT = """SELECT ?e ?class ?label WHERE {
  VALUES ?class { _TYPES }
  { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name }
  ?e a ?class ; rdfs:label ?label .
}""".replace("_TYPES", _TYPES)
_BY_IRI = """SELECT ?class ?label WHERE {
  VALUES ?class { _TYPES }
  ?e a ?class ; rdfs:label ?label .
}""".replace("_TYPES", _TYPES)
_DATES = """SELECT DISTINCT ?d WHERE {
  { ?s schema:startDate ?d } UNION { ?s kg:date ?d } UNION { ?s schema:foundingDate ?d }
}"""
_PERIODS = "SELECT DISTINCT ?p WHERE { ?f kg:period ?p }"


def fold(name: str) -> str:
    """:func:`kg.link.fold`, imported when first needed (``kg.link`` reads word lists)."""
    from kg.link import fold as link_fold

    return link_fold(name)


def _type(iri: Any) -> str:
    return str(iri)[len(str(KG)) :]


@dataclass
class _Names:
    """Every entity by IRI, by exact label, and by folded name or alias."""

    by_iri: dict[str, Entity] = field(default_factory=dict)
    by_label: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    #: folded name -> (entity, the name as written, whether it is the entity's label)
    by_key: dict[str, list[tuple[Entity, str, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )


class Catalog:
    """What parameters can name in one graph, read from it once, when first needed.

    ``kg serve`` keeps one per open graph; ``kg query`` makes one per run, and reads every
    name only when a value is not a name or alias as written.

    Args:
        graph: an ``rdflib.Graph`` or a ``pyoxigraph.Store`` (as :func:`kg.query.run_query`).
    """

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    def _select(self, text: str, bindings: dict[str, Any] | None = None) -> list[dict[Any, Any]]:
        from kg.query import run_query

        rows = run_query(self.graph, text, bindings).bindings
        return [{str(k): v for k, v in row.items()} for row in rows]

    @cached_property
    def names(self) -> _Names:
        names = _Names()
        types = {str(r["e"]): _type(r["class"]) for r in self._select(_TYPED)}
        for row in self._select(_LABELS):
            iri = str(row["e"])
            if iri in types and iri not in names.by_iri:
                entity = Entity(iri, str(row["name"]), types[iri])
                names.by_iri[iri] = entity
                names.by_label[entity.label].append(entity)
                names.by_key[fold(entity.label)].append((entity, entity.label, True))
        for row in self._select(_ALIASES):
            found = names.by_iri.get(str(row["e"]))
            if found is not None:
                names.by_key[fold(str(row["name"]))].append((found, str(row["name"]), False))
        return names

    def read(self) -> None:
        """Read everything now, and let go of the graph (a store is closed)."""
        _ = self.names, self.years, self.periods
        self.graph = None

    def exact(self, value: str) -> list[tuple[Entity, bool]]:
        """Entities whose label or an alias is ``value`` as written (by label first)."""
        if "names" in self.__dict__:
            hits = [
                (e, is_label)
                for e, written, is_label in self.names.by_key.get(fold(value), [])
                if written == value
            ]
        else:
            rows = self._select(_EXACT, {"name": Literal(value)})
            hits = [
                (Entity(str(r["e"]), str(r["label"]), _type(r["class"])), str(r["label"]) == value)
                for r in rows
            ]
        return sorted(set(hits), key=lambda hit: (not hit[1], hit[0].label, hit[0].iri))

    def entity(self, iri: str) -> Entity | None:
        """The entity ``iri``, or None."""
        if "names" in self.__dict__:
            return self.names.by_iri.get(iri)
        rows = self._select(_BY_IRI, {"e": URIRef(iri)})
        return Entity(iri, str(rows[0]["label"]), _type(rows[0]["class"])) if rows else None

    @cached_property
    def years(self) -> list[str]:
        found = {str(r["d"])[:4] for r in self._select(_DATES)}
        return sorted((y for y in found if y.isdigit()), reverse=True)

    @cached_property
    def periods(self) -> list[str]:
        return sorted({str(r["p"]) for r in self._select(_PERIODS)})


@dataclass(frozen=True)
class _Resolution:
    label: str | None
    note: str | None


def _resolve(catalog: Catalog, name: str, value: Any) -> _Resolution:
    if isinstance(value, URIRef):
        entity = catalog.entity(str(value))
        if entity is None:
            return _Resolution(None, f"?{name}: no entity <{value}>")
        return _Resolution(entity.label, None)
    text = str(value)
    shown = _shown(text)
    hits = catalog.exact(text)
    if hits and hits[0][1]:  # a canonical name as written
        return _Resolution(text, None)
    if not hits:
        hits = sorted(
            {(e, is_label) for e, _, is_label in catalog.names.by_key.get(fold(text), [])},
            key=lambda hit: (not hit[1], hit[0].label, hit[0].iri),
        )
    if not hits:
        return _Resolution(None, f'?{name}: no entity named "{shown}"{_closest(catalog, text)}')
    labels = list(dict.fromkeys(e.label for e, _ in hits))
    first = next(e for e, _ in hits if e.label == labels[0])
    if len(labels) == 1:
        return _Resolution(labels[0], f'?{name}: "{shown}" is {first.label} ({first.type})')
    named = ", ".join(f"{e.label} ({e.type})" for e in dict.fromkeys(e for e, _ in hits))
    return _Resolution(labels[0], f'?{name}: "{shown}" names {named}; using {labels[0]}')


def _shown(text: str, width: int = 60) -> str:
    """A value as a note shows it: on one line, invisible characters written out, cut."""
    from kg.link import visible

    text = visible(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def _closest(catalog: Catalog, text: str) -> str:
    keys = catalog.names.by_key
    close = difflib.get_close_matches(fold(text), list(keys), n=5, cutoff=0.6)
    shown = list(dict.fromkeys(e.label for key in close for e, _, _ in keys[key]))[:5]
    return f"; closest: {', '.join(shown)}" if shown else ""


def resolve_params(
    graph: Any, text: str, bindings: dict[str, Any], *, catalog: Catalog | None = None
) -> tuple[dict[str, Any], list[str]]:
    """``bindings`` with each ``entity`` parameter of ``text`` bound to the canonical name of
    the entity its value names, and a note (one line) for each value not given as such.

    A value is a name or alias (case, hyphens and honorifics do not matter: ``"mr. lei"``
    finds "Lei Jun" when "Mr. Lei" is an alias) or an entity's IRI. A value that names no
    entity is kept as it is (the query then finds nothing) and the note says so, with the
    closest names; one that names several entities takes the first by name, and the note
    lists them. Other parameters are kept as they are.

    Args:
        graph: an ``rdflib.Graph`` or a ``pyoxigraph.Store``.
        text: the query, with its ``# requires:`` / ``# optional:`` header.
        bindings: the values given, by parameter name (rdflib terms).
        catalog: the graph's :class:`Catalog`, when one is kept (else one is made).

    Returns:
        The bindings to run the query with, and the notes.
    """
    entities = [p.name for p in query_params(text) if p.kind == "entity" and p.name in bindings]
    if not entities:
        return dict(bindings), []
    catalog = catalog if catalog is not None else Catalog(graph)
    resolved, notes = dict(bindings), []
    for name in entities:
        value = bindings[name]
        if not isinstance(value, Literal | URIRef):
            continue
        outcome = _resolve(catalog, name, value)
        if outcome.label is not None:
            resolved[name] = Literal(outcome.label)
        if outcome.note is not None:
            notes.append(outcome.note)
    return resolved, notes


def _entity_rank(key: str, wanted: str) -> int | None:
    if key == wanted:
        return 0
    if key.startswith(wanted):
        return 1
    if f" {wanted}" in f" {key}":
        return 2
    return 3 if wanted in key else None


def suggest(catalog: Catalog, kind: str, prefix: str, *, limit: int = 10) -> list[Suggestion]:
    """Values to offer for a parameter of ``kind`` that starts as ``prefix``.

    Entities are matched by name or alias, folded as :func:`resolve_params` folds them:
    a whole name first, then names starting with ``prefix``, then names holding a word
    that does, then names holding it; each entity once, by its best name.
    """
    if kind == "entity":
        wanted = fold(prefix)
        if not wanted:
            return []
        typed = prefix.strip().lower()
        best: dict[Entity, tuple[int, bool, bool, int, str]] = {}
        for key, names in catalog.names.by_key.items():
            rank = _entity_rank(key, wanted)
            if rank is None:
                continue
            for entity, written, is_label in names:
                literal = written.lower().startswith(typed)  # as typed, honorifics and all
                score = (rank, not is_label, not literal, len(written), written)
                if entity not in best or score < best[entity]:
                    best[entity] = score
        ordered = sorted(best, key=lambda e: (best[e][:2], len(e.label), e.label, e.iri))
        return [Suggestion(e.label, e, best[e][4] if best[e][1] else None) for e in ordered[:limit]]
    values = {"year": catalog.years, "period": catalog.periods, "flag": ["1"]}.get(kind, [])
    start = prefix.strip().lower()
    return [Suggestion(v) for v in values if v.lower().startswith(start)][:limit]


def annotate(catalog: Catalog, terms: list[dict[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """The entities that values of a SPARQL JSON result name, for linking them.

    Args:
        catalog: the graph's names.
        terms: SPARQL JSON terms (``{"type": "uri", "value": ...}``).

    Returns:
        ``{"iris": {IRI: entity}, "labels": {label: entity}}``, each entity as
        ``{"iri", "label", "type"}``: every IRI of an entity, and every plain literal that is
        an entity's label (the first entity by IRI where several share it).
    """
    names = catalog.names
    iris: dict[str, dict[str, str]] = {}
    labels: dict[str, dict[str, str]] = {}
    for term in terms:
        value = term.get("value", "")
        if term.get("type") == "uri":
            entity = names.by_iri.get(value)
            if entity is not None:
                iris[value] = _json(entity)
        elif term.get("type") == "literal" and "xml:lang" not in term:
            datatype = term.get("datatype")
            found = names.by_label.get(value) if datatype in (None, _XSD_STRING) else None
            if found:
                labels[value] = _json(min(found, key=lambda e: e.iri))
    return {"iris": iris, "labels": labels}


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json(entity: Entity) -> dict[str, str]:
    return {"iri": entity.iri, "label": entity.label, "type": entity.type}
