"""Extraction quality: compare a built graph with a hand-annotated gold file.

The gold file is JSON::

    {
      "description": "what was annotated, and how",
      "entities": [
        {"type": "Person", "name": "Lei Jun", "aliases": ["Lei", "Mr. Lei"], "optional": false}
      ],
      "relations": [
        {"subject": "Xiaomi", "predicate": "schema:founder", "object": "Lei Jun"},
        {"subject": "Xiaomi", "predicate": "schema:foundingDate", "value": "2010-04"},
        {"subject": "Mi 6X", "predicate": "schema:price", "value": "1599", "currency": "CNY"}
      ]
    }

Entities match by name or alias (case, hyphens and honorifics do not matter). A graph entity
scores for its type when it matches a gold entity of that type; a gold entity matched by two
graph nodes is a duplicate (the extra node counts as a false positive). Relations are the
extracted statements (``rdf:Statement``), with subject and object mapped to gold names; an
``optional`` gold item is never a miss, and finding it is never a false positive.
Symmetric predicates (competitor, partner) match in either direction.

This module does not import spaCy.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import KGError
from kg.link import fold
from kg.namespaces import ENTITY_TYPES, KG, SDO, curie
from kg.tables import json_text, table

__all__ = ["GoldError", "Score", "Report", "load_gold", "evaluate", "format_report"]

SYMMETRIC = {"kg:competitor", "kg:partner"}
#: Open relations (a verb no typed rule covers) are not scored: gold files annotate types.
OPEN = {"kg:relatedTo"}


class GoldError(KGError):
    """A gold file is missing or malformed."""


@dataclass
class Score:
    """Counts and the measures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Report:
    """The evaluation of one graph against one gold file."""

    entities: dict[str, Score] = field(default_factory=dict)
    relations: dict[str, Score] = field(default_factory=dict)
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)
    entity_misses: list[tuple[str, str]] = field(default_factory=list)
    entity_false: list[tuple[str, str]] = field(default_factory=list)
    relation_misses: list[tuple[str, str, str]] = field(default_factory=list)
    relation_false: list[tuple[str, str, str]] = field(default_factory=list)

    @staticmethod
    def total(scores: dict[str, Score]) -> Score:
        total = Score()
        for score in scores.values():
            total.add(score)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "entities": {k: v.as_dict() for k, v in self.entities.items()}
            | {"all": self.total(self.entities).as_dict()},
            "relations": {k: v.as_dict() for k, v in self.relations.items()}
            | {"all": self.total(self.relations).as_dict()},
            "duplicates": [{"gold": g, "nodes": n} for g, n in self.duplicates],
            "entity_misses": [{"type": t, "name": n} for t, n in self.entity_misses],
            "entity_false_positives": [{"type": t, "name": n} for t, n in self.entity_false],
            "relation_misses": [list(r) for r in self.relation_misses],
            "relation_false_positives": [list(r) for r in self.relation_false],
        }


@dataclass(frozen=True)
class _GoldEntity:
    type: str
    name: str
    keys: frozenset[str]
    optional: bool


@dataclass(frozen=True)
class _GoldRelation:
    subject: str
    predicate: str
    object: str
    optional: bool


def load_gold(path: Path) -> tuple[list[_GoldEntity], list[_GoldRelation]]:
    """Read and check a gold file.

    Raises:
        GoldError: the file is missing, not JSON, or an item lacks a field.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError(f"{path}: no such gold file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise GoldError(f"{path}: expected an object with an 'entities' list")
    entities = []
    for number, item in enumerate(data["entities"], 1):
        valid = isinstance(item, dict) and item.get("name") and item.get("type") in ENTITY_TYPES
        if not valid:
            raise GoldError(
                f"{path}: entity {number} needs a 'name' and a 'type' among "
                f"{', '.join(ENTITY_TYPES)}"
            )
        names = [item["name"], *item.get("aliases", [])]
        entities.append(
            _GoldEntity(
                item["type"],
                item["name"],
                frozenset(fold(str(n)) for n in names),
                bool(item.get("optional")),
            )
        )
    relations = []
    for number, item in enumerate(data.get("relations", []), 1):
        if (
            not isinstance(item, dict)
            or not item.get("subject")
            or not item.get("predicate")
            or ("object" not in item and "value" not in item)
        ):
            raise GoldError(
                f"{path}: relation {number} needs 'subject', 'predicate' and 'object' or 'value'"
            )
        obj = str(item["object"]) if "object" in item else _value_key(item["value"])
        if item.get("currency"):
            obj = f"{obj} {item['currency']}"
        relations.append(
            _GoldRelation(str(item["subject"]), item["predicate"], obj, bool(item.get("optional")))
        )
    return entities, relations


def _value_key(value: object) -> str:
    """Literal values compare as numbers when they are numbers: "1599" == "1599.0"."""
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f")


def _graph_entities(graph: Graph) -> dict[URIRef, tuple[str, str, set[str]]]:
    """Entity IRI -> (type, label, folded names)."""
    found: dict[URIRef, tuple[str, str, set[str]]] = {}
    for type_ in ENTITY_TYPES:
        for node in graph.subjects(RDF.type, KG[type_]):
            if not isinstance(node, URIRef):
                continue
            label = str(graph.value(node, RDFS.label) or node)
            names = {fold(label)} | {fold(str(a)) for a in graph.objects(node, SKOS.altLabel)}
            found[node] = (type_, label, names)
    return found


def evaluate(graph: Graph, gold_path: Path) -> Report:
    """Precision, recall and F1 of ``graph`` against the gold file at ``gold_path``."""
    gold_entities, gold_relations = load_gold(gold_path)
    report = Report()
    nodes = _graph_entities(graph)

    # Entities: a node matches a gold entity when one of its names is one of the gold names,
    # preferring a gold entity of the same type and a match on the canonical label.
    by_key: dict[str, list[_GoldEntity]] = defaultdict(list)
    for g in gold_entities:
        for key in g.keys:
            by_key[key].append(g)
    gold_of: dict[URIRef, _GoldEntity] = {}
    for node, (type_, label, names) in nodes.items():
        candidates = [g for key in [fold(label), *sorted(names)] for g in by_key.get(key, [])]
        if candidates:
            same = [g for g in candidates if g.type == type_]
            gold_of[node] = (same or candidates)[0]

    scores: dict[str, Score] = {t: Score() for t in ENTITY_TYPES}
    matched: dict[_GoldEntity, list[str]] = defaultdict(list)
    for node, (type_, label, _names) in sorted(nodes.items(), key=lambda kv: kv[1][1]):
        hit = gold_of.get(node)
        if hit is not None and hit.type == type_:
            matched[hit].append(label)
            if len(matched[hit]) > 1:  # a second node for one real thing
                scores[type_].fp += 1
            elif not hit.optional:
                scores[type_].tp += 1
        elif hit is None or not hit.optional:
            scores[type_].fp += 1
            report.entity_false.append((type_, label))
    for g in gold_entities:
        if not g.optional and g not in matched:
            scores[g.type].fn += 1
            report.entity_misses.append((g.type, g.name))
    report.entities = scores
    report.duplicates = [(g.name, labels) for g, labels in matched.items() if len(labels) > 1]

    # Relations: statements, with entities named by their gold names where they have one.
    def name(term: Any) -> str:
        if isinstance(term, URIRef) and term in nodes:
            g = gold_of.get(term)
            return g.name if g is not None else nodes[term][1]
        return ""

    found: set[tuple[str, str, str]] = set()
    for statement in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(statement, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if not isinstance(p, URIRef):
            continue
        subject, predicate = name(s), curie(str(p)) or str(p)
        if not subject or predicate in OPEN:
            continue
        if p == SDO.offers:
            price = graph.value(o, SDO.price) if o is not None else None
            currency = graph.value(o, SDO.priceCurrency) if o is not None else None
            if price is not None:
                value = f"{_value_key(price)} {currency or ''}".strip()
                found.add((subject, "schema:price", value))
            continue
        if isinstance(o, RDFLiteral):
            found.add((subject, predicate, _value_key(o)))
        elif name(o):
            found.add((subject, predicate, name(o)))

    def norm(triple: tuple[str, str, str]) -> tuple[str, str, str]:
        s, p, o = triple
        s, o = fold(s), fold(o)
        return (min(s, o), p, max(s, o)) if p in SYMMETRIC else (s, p, o)

    gold_all = {norm((r.subject, r.predicate, r.object)): r for r in gold_relations}
    found_norm = {norm(t): t for t in found}
    predicates = sorted({r.predicate for r in gold_relations} | {t[1] for t in found})
    rel_scores = {p: Score() for p in predicates}
    for fkey, triple in sorted(found_norm.items()):
        found_gold = gold_all.get(fkey)
        if found_gold is None:
            rel_scores[triple[1]].fp += 1
            report.relation_false.append(triple)
        elif not found_gold.optional:
            rel_scores[triple[1]].tp += 1
    for gkey, rel in sorted(gold_all.items()):
        if not rel.optional and gkey not in found_norm:
            rel_scores[rel.predicate].fn += 1
            report.relation_misses.append((rel.subject, rel.predicate, rel.object))
    report.relations = rel_scores
    return report


def _table(title: str, scores: dict[str, Score], total: Score) -> list[str]:
    width = max([len(title), 3, *(len(k) for k in scores)])
    rows: Iterable[tuple[str, Score]] = [*sorted(scores.items()), ("all", total)]
    cells = [
        [key, *(f"{x:.3f}" for x in (s.precision, s.recall, s.f1)), *map(str, (s.tp, s.fp, s.fn))]
        for key, s in rows
        if key == "all" or s.tp or s.fp or s.fn
    ]
    headers = [title, "precision", "recall", "f1", "tp", "fp", "fn"]
    text = table(
        headers,
        cells,
        max_width=None,
        right=range(1, 7),
        min_widths=[width, 9, 6, 5, 4, 4, 4],
        rule=False,
    )
    return text.splitlines()


def format_report(report: Report, *, details: bool = True, fmt: str = "text") -> str:
    """The report as text: scores per type and per predicate, then what went wrong by name;
    with ``fmt="json"``, :meth:`Report.as_dict` as JSON (``details`` does not apply).
    """
    if fmt == "json":
        return json_text(report.as_dict())
    lines = _table("entities", report.entities, report.total(report.entities))
    lines.append("")
    lines += _table("relations", report.relations, report.total(report.relations))
    if details:
        lines.append("")
        lines.append(f"duplicates ({len(report.duplicates)}):")
        lines += [f"  {gold}: {' | '.join(labels)}" for gold, labels in report.duplicates]
        lines.append(f"missed entities ({len(report.entity_misses)}):")
        lines += [f"  {t:<12} {n}" for t, n in sorted(report.entity_misses)]
        lines.append(f"false entities ({len(report.entity_false)}):")
        lines += [f"  {t:<12} {n}" for t, n in sorted(report.entity_false)]
        lines.append(f"missed relations ({len(report.relation_misses)}):")
        lines += [f"  {s} --{p}--> {o}" for s, p, o in report.relation_misses]
        lines.append(f"false relations ({len(report.relation_false)}):")
        lines += [f"  {s} --{p}--> {o}" for s, p, o in report.relation_false]
    return "\n".join(lines) + "\n"
