"""One entity of a built graph, as text: names, type, mentions, sentences and relations.

This module does not import spaCy.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.buildfolder import Sources, sources_for
from kg.errors import KGError
from kg.link import fold, visible
from kg.namespaces import ENTITY_TYPES, KG, SDO

__all__ = [
    "EntityNotFoundError",
    "EntityView",
    "find_entity",
    "describe",
    "format_entity",
    "show",
]


class EntityNotFoundError(KGError):
    """No entity has that name or alias."""


@dataclass
class EntityView:
    """What ``kg show`` prints about one entity."""

    iri: URIRef
    name: str
    type: str
    kind: str
    aliases: list[str]
    mentions: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    relations: list[tuple[str, str, str, str]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)


def _names(graph: Graph) -> dict[str, list[URIRef]]:
    """Folded name or alias -> entities."""
    names: dict[str, list[URIRef]] = defaultdict(list)
    for type_ in ENTITY_TYPES:
        for node in graph.subjects(RDF.type, KG[type_]):
            if isinstance(node, URIRef):
                for prop in (RDFS.label, SKOS.altLabel):
                    for value in graph.objects(node, prop):
                        names[fold(str(value))].append(node)
    return names


def find_entity(graph: Graph, name: str) -> list[URIRef]:
    """Entities named ``name`` (label or alias; case, hyphens and honorifics do not matter).

    Raises:
        EntityNotFoundError: nothing matches; the message lists the closest names.
    """
    names = _names(graph)
    found = names.get(fold(name))
    if found:
        return sorted(set(found))
    close = difflib.get_close_matches(fold(name), list(names), n=5, cutoff=0.6)
    close += [key for key in names if fold(name) in key and key not in close][: 5 - len(close)]
    if not close:
        raise EntityNotFoundError(f"no entity named {name!r}")
    shown = []
    for key in close:
        for node in names[key]:
            label = str(graph.value(node, RDFS.label))
            if label not in shown:
                shown.append(label)
    raise EntityNotFoundError(f"no entity named {name!r}; closest: {', '.join(shown)}")


def _label(graph: Graph, term: object) -> str:
    if isinstance(term, RDFLiteral):
        return str(term)
    if isinstance(term, URIRef):
        label = graph.value(term, RDFS.label)
        if label is not None:
            return str(label)
        return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return str(term)


def _offer(graph: Graph, node: Node | None) -> str:
    price = graph.value(node, SDO.price)
    currency = graph.value(node, SDO.priceCurrency)
    return f"{price} {currency or ''}".strip() if price is not None else _label(graph, node)


def _int(term: Node | None) -> int:
    return int(term.toPython()) if isinstance(term, RDFLiteral) else 0


def describe(graph: Graph, iri: URIRef) -> EntityView:
    """Everything the graph says about the entity ``iri``, with evidence sentences."""
    type_ = next((t for t in ENTITY_TYPES if (iri, RDF.type, KG[t]) in graph), "Thing")
    view = EntityView(
        iri=iri,
        name=_label(graph, iri),
        type=type_,
        kind=str(graph.value(iri, KG.kind) or ""),
        aliases=sorted(str(a) for a in graph.objects(iri, SKOS.altLabel)),
    )
    for mention in graph.objects(iri, KG.mention):
        doc = graph.value(mention, KG.document)
        path = str(graph.value(doc, KG.path) or doc) if doc is not None else "?"
        digest = graph.value(doc, KG.sha256) if doc is not None else None
        if digest is not None:
            view.hashes[path] = str(digest)
        start, end = _int(graph.value(mention, KG.start)), _int(graph.value(mention, KG.end))
        view.mentions.setdefault(path, []).append(
            (start, end, str(graph.value(mention, KG.text) or ""))
        )
    for values in view.mentions.values():
        values.sort()
    for statement in graph.subjects(RDF.type, RDF.Statement):
        s = graph.value(statement, RDF.subject)
        o = graph.value(statement, RDF.object)
        if iri not in (s, o):
            continue
        p = graph.value(statement, RDF.predicate)
        predicate = _label(graph, p)
        if s == iri:
            other = _offer(graph, o) if p == SDO.offers else _label(graph, o)
            line = f"{predicate} -> {other}"
        else:
            line = f"<- {predicate} {_label(graph, s)}"
        sentence = " ".join(str(graph.value(statement, KG.sentence) or "").split())
        doc = graph.value(statement, PROV.wasDerivedFrom)
        path = str(graph.value(doc, KG.path) or "") if doc is not None else ""
        rule = str(graph.value(statement, KG.rule) or "")
        view.relations.append((line, sentence, path, rule))
    view.relations.sort()
    for figure in graph.subjects(KG.about, iri):
        metric = graph.value(figure, KG.metric)
        value = graph.value(figure, SDO.value)
        unit = graph.value(figure, KG.unit)
        parts = [f"{metric}: {value}{'' if unit is None else ' ' + str(unit)}"]
        for prop, word in ((KG.market, "in"), (KG.period, "for"), (KG.source, "per")):
            term = graph.value(figure, prop)
            if term is not None:
                parts.append(f"{word} {_label(graph, term)}")
        view.figures.append(" ".join(parts))
    view.figures.sort()
    return view


def _context(text: str | None, start: int, end: int, width: int = 60) -> str:
    """The text around a mention, when the document is at hand."""
    if text is None:
        return ""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    snippet = f"{left}[{text[start:end]}]{right}"
    return "…" + visible(" ".join(snippet.split())) + "…"


def _grouped(
    statements: list[tuple[str, str, str, str]],
) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Statements grouped by relation (its line), then by sentence and document: the rules."""
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    for line, sentence, path, rule in sorted(statements):
        rules = groups.setdefault(line, {}).setdefault((sentence, path), [])
        if rule not in rules:
            rules.append(rule)
    return groups


def format_entity(
    view: EntityView, *, limit: int = 5, sources: Sources | None = None, sentences: bool = False
) -> str:
    """The view as text: at most ``limit`` mentions per document, and each relation once,
    with the number of sentences that state it (``sentences``: each of them, with its
    document and rules).

    Args:
        view: the entity.
        limit: mentions shown per document.
        sources: finds the documents' texts, for the context of each mention (see
            :func:`kg.buildfolder.sources_for`); by default, paths are relative to the
            current folder. Notes about moved documents are left in ``sources.notes``.
        sentences: list the sentences under each relation.

    >>> view = EntityView(URIRef("https://example.org/ann"), "Ann Lee", "Person", "", [],
    ...     relations=[("<- CEO Orbo", "Ann Lee runs Orbo.", "a.txt", "r1"),
    ...                ("<- CEO Orbo", "Orbo's CEO Ann Lee said.", "b.txt", "r2")])
    >>> print(format_entity(view).split("relations: ")[1], end="")
    1 (2 statements; --sentences lists them)
        <- CEO Orbo  (2 sentences)
    >>> print(format_entity(view, sentences=True).split("relations: ")[1], end="")
    1 (2 statements)
        <- CEO Orbo  (2 sentences)
          “Ann Lee runs Orbo.” (a.txt; rule r1)
          “Orbo's CEO Ann Lee said.” (b.txt; rule r2)
    """
    sources = sources if sources is not None else Sources()
    total = sum(len(v) for v in view.mentions.values())
    lines = [
        f"{view.name}  ({view.type}{', ' + view.kind if view.kind else ''})",
        f"  iri:       {view.iri}",
        f"  aliases:   {' | '.join(view.aliases) if view.aliases else '-'}",
        f"  mentions:  {total} in {len(view.mentions)} document(s)",
    ]
    for path, mentions in sorted(view.mentions.items()):
        lines.append(f"    {path}: {len(mentions)}")
        text = sources.text(path, view.hashes.get(path)) if mentions[:limit] else None
        for start, end, _text in mentions[:limit]:
            context = _context(text, start, end)
            lines.append(f"      {start}-{end}  {context}" if context else f"      {start}-{end}")
    groups = _grouped(view.relations)
    plural = "s" if len(view.relations) != 1 else ""
    hint = "; --sentences lists them" if view.relations and not sentences else ""
    lines.append(f"  relations: {len(groups)} ({len(view.relations)} statement{plural}{hint})")
    for line, said in groups.items():
        lines.append(f"    {line}  ({len(said)} sentence{'s' if len(said) != 1 else ''})")
        if sentences:
            for (sentence, path), rules in said.items():
                shown = f"rule{'s' if len(rules) != 1 else ''} {', '.join(rules)}"
                lines.append(f"      “{visible(sentence)}” ({path}; {shown})")
    if view.figures:
        lines.append(f"  figures:   {len(view.figures)}")
        lines += [f"    {figure}" for figure in view.figures]
    return "\n".join(lines) + "\n"


def show(
    graph_path: Path, name: str, *, limit: int = 5, sentences: bool = False
) -> tuple[str, list[str]]:
    """``kg show``: every entity named ``name`` in the graph at ``graph_path``, as text, and
    notes (one line each) about documents that moved since the build.

    Mentions are shown in context, read from the documents in the build's source roots
    (recorded in the build folder's manifest), wherever the command runs.

    Raises:
        GraphLoadError: no graph at ``graph_path``.
        EntityNotFoundError: no entity has that name.
    """
    from kg.store import locate, open_graph

    found = locate(Path(graph_path))
    graph = open_graph(found)
    sources = sources_for(found)
    views = [describe(graph, iri) for iri in find_entity(graph, name)]
    text = "\n".join(
        format_entity(view, limit=limit, sources=sources, sentences=sentences) for view in views
    )
    return text, sources.notes
