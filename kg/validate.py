"""Check a graph against its contract: the SHACL shapes in ``kg/data/shapes.ttl``, with pySHACL.

This module does not import spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import KGError
from kg.namespaces import PREFIXES, curie
from kg.resources import data_text

__all__ = ["Violation", "Report", "ShapesError", "shapes", "validate_graph", "format_report"]


class ShapesError(KGError):
    """The shapes graph is not valid SHACL, or pySHACL cannot run it."""


@dataclass(frozen=True)
class Violation:
    """One way the graph breaks its contract.

    Attributes:
        focus: the node that breaks it, shortened with the project's prefixes.
        path: the property concerned (shortened), or empty for the node itself.
        message: what the contract asks (the shape's ``sh:message``).
        value: the offending value, when there is one (shortened, at most 80 characters).
        severity: ``Violation``, ``Warning`` or ``Info``.
    """

    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"


@dataclass
class Report:
    """The outcome of a validation."""

    conforms: bool
    triples: int
    violations: list[Violation] = field(default_factory=list)


@cache
def shapes() -> Graph:
    """The package's SHACL shapes graph."""
    return Graph().parse(data=data_text("shapes.ttl"), format="turtle")


def _short(term: Node | None) -> str:
    """A term as a reader writes it: ``kgr:person/jane-roe``, ``rdfs:label``, ``"text"``."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term)) or f"<{term}>"
    if isinstance(term, RDFLiteral):
        text = str(term)
        shown = text if len(text) <= 80 else text[:79] + "…"
        return '"' + shown.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(term, BNode):
        return "[]"
    return str(term)


def _shorten_iris(message: str) -> str:
    """IRIs that pySHACL put into a message, written with the project's prefixes."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        message = message.replace(str(namespace), f"{prefix}:")
    return message


def _path(results: Graph, path: Node | None) -> str:
    if path is None or isinstance(path, BNode):
        return ""  # a SPARQL constraint or a complex path: the message says it
    return _short(path)


def validate_graph(graph: Graph) -> Report:
    """Check ``graph`` against the shapes.

    Args:
        graph: the graph of a build (its ontology included, which gives ``sh:class`` the
            subclasses of ``kg:Entity``).

    Returns:
        Whether it conforms, how many triples were checked, and every violation, sorted.
    """
    from pyshacl import validate

    data = graph
    if type(graph.store).__name__ != "Memory":  # pySHACL reads a store triple by triple: copy
        data = Graph()
        for triple in graph:
            data.add(triple)
    conforms, results, _text = validate(
        data, shacl_graph=shapes(), inference="none", advanced=True, allow_warnings=True
    )
    if not isinstance(results, Graph):  # pySHACL refused the shapes themselves
        raise ShapesError(f"the SHACL shapes cannot run: {_text.strip()}")
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        violations.append(
            Violation(
                focus=_short(focus),
                path=_path(results, results.value(result, SH.resultPath)),
                message=_shorten_iris(str(message)) if message else "breaks the contract",
                value="" if value == focus else _short(value),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "",
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path, v.message, v.value))
    return Report(bool(conforms), len(data), violations)


def format_report(report: Report, *, limit: int | None = 50) -> str:
    """The report as text: one line per violation (at most ``limit``), then a count.

    >>> label = Violation("kgr:person/x", "rdfs:label", "an entity has exactly one label")
    >>> print(format_report(Report(False, 9, [label])), end="")
    kgr:person/x  rdfs:label: an entity has exactly one label
    1 violation in 9 triples
    """
    if report.conforms:
        return f"conforms: {report.triples} triples, no violation\n"
    shown = report.violations if limit is None else report.violations[:limit]
    lines = []
    for v in shown:
        where = f"{v.focus}  {v.path}" if v.path else v.focus
        value = f" (value {v.value})" if v.value else ""
        prefix = "" if v.severity in ("Violation", "") else f"{v.severity.lower()}: "
        lines.append(f"{where}: {prefix}{v.message}{value}")
    count = len(report.violations)
    if len(shown) < count:
        lines.append(f"… {count - len(shown)} more (--limit 0 lists them all)")
    lines.append(f"{count} violation{'s' if count != 1 else ''} in {report.triples} triples")
    return "\n".join(lines) + "\n"
