"""The results of the analytics (:mod:`kg.analyze`) as text: ``table`` for people, ``json``
and ``csv`` for tools, all through :mod:`kg.tables`.
"""

from __future__ import annotations

from typing import Any

from kg.analyze import (
    TABLE_EVIDENCE,
    Community,
    Evidence,
    Link,
    Member,
    Neighborhood,
    Paths,
    Ranked,
    Stats,
)
from kg.errors import AnalysisError
from kg.tables import csv_text, json_text, table

__all__ = [
    "FORMATS",
    "format_stats",
    "format_ranking",
    "format_paths",
    "format_neighborhood",
    "format_communities",
]

#: The output formats of the analytics: ``table`` for people, ``json`` and ``csv`` for tools.
FORMATS: tuple[str, ...] = ("table", "json", "csv")


def _number(value: float) -> float:
    return round(value, 6)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """Aligned columns; a cell past 60 characters is cut, except in the last column."""
    return table(headers, rows, max_width=60, free_last=True)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise AnalysisError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def format_stats(found: Stats, fmt: str = "table") -> str:
    """``found`` as text: ``table``, ``json`` or ``csv`` (rows of section, name, value).

    Raises:
        AnalysisError: an unknown format.
    """
    _check_format(fmt)
    data = found.as_dict()
    if fmt == "json":
        data["density"] = _number(found.density)
        data["degree"]["mean"] = _number(found.degrees.mean)
        return json_text(data)
    degree = found.degrees
    if fmt == "csv":
        rows: list[list[Any]] = [["documents", "", found.documents]]
        for section, counts in (("entities", found.entities), ("relations", found.relations)):
            rows.append([section, "total", sum(counts.values())])
            rows += [[section, name, count] for name, count in counts.items()]
        rows += [["components", key, value] for key, value in data["components"].items()]
        rows.append(["density", "", _number(found.density)])
        rows += [
            ["degree", "min", degree.min],
            ["degree", "median", degree.median],
            ["degree", "mean", _number(degree.mean)],
            ["degree", "max", degree.max],
        ]
        rows += [["degree histogram", name, count] for name, count in degree.histogram]
        return csv_text(["section", "name", "value"], rows)
    width = max([20, *(len(n) for n in [*found.entities, *found.relations])])
    lines = [f"documents: {found.documents}"]
    for section, counts in (("entities", found.entities), ("relations", found.relations)):
        lines.append(f"{section}: {sum(counts.values())}")
        lines += [f"  {name:<{width}} {count:>5}" for name, count in counts.items()]
    lines.append(
        f"components: {found.components} (largest {found.largest_component} entities;"
        f" {found.isolated} entities without relations)"
    )
    lines.append(f"density: {found.density:.4f}")
    lines.append(
        f"degree: min {degree.min}, median {degree.median:g}, mean {degree.mean:.2f},"
        f" max {degree.max}"
    )
    most = max((count for _, count in degree.histogram), default=0)
    for name, count in degree.histogram:
        bar = "#" * (round(40 * count / most) if most else 0)
        lines.append(f"  {name:<9} {count:>5}  {bar}".rstrip())
    return "\n".join(lines) + "\n"


def format_ranking(found: list[Ranked], fmt: str = "table", *, by: str = "pagerank") -> str:
    """A ranking as text: ``table``, ``json`` or ``csv``; ``by`` names the score column.

    Raises:
        AnalysisError: an unknown format.
    """
    _check_format(fmt)
    if fmt == "json":
        return json_text(
            [{"rank": r.rank, **r.entity.as_dict(), "score": _number(r.score)} for r in found]
        )
    if fmt == "csv":
        rows = [
            [r.rank, r.entity.label, r.entity.type, _number(r.score), r.entity.iri] for r in found
        ]
        return csv_text(["rank", "label", "type", "score", "iri"], rows)
    if not found:
        return "no entities\n"
    score = "{:.0f}" if by == "degree" else "{:.4f}"
    return _table(
        ["rank", "entity", "type", by],
        [[str(r.rank), r.entity.label, r.entity.type, score.format(r.score)] for r in found],
    )


def _link_dict(link: Link) -> dict[str, Any]:
    subject, object_ = (link.source, link.target) if link.forward else (link.target, link.source)
    return {
        "predicate": link.predicate,
        "label": link.label,
        "direction": "forward" if link.forward else "backward",
        "subject": subject.iri,
        "object": object_.iri,
        "evidence": [{"sentence": e.sentence, "document": e.document} for e in link.evidence],
    }


def format_paths(found: Paths, fmt: str = "table") -> str:
    """Chains as text: ``table``, ``json`` or ``csv`` (a row per relation and sentence).

    Raises:
        AnalysisError: an unknown format.
    """
    _check_format(fmt)
    if fmt == "json":
        return json_text(
            {
                "from": found.source.as_dict(),
                "to": found.target.as_dict(),
                "hops": found.hops,
                "more": found.more,
                "chains": [
                    {
                        "entities": [chain[0].source.as_dict()]
                        + [step.target.as_dict() for step in chain],
                        "steps": [
                            {
                                "from": step.source.iri,
                                "to": step.target.iri,
                                "relations": [_link_dict(link) for link in step.links],
                            }
                            for step in chain
                        ],
                    }
                    for chain in found.chains
                ],
            }
        )
    if fmt == "csv":
        rows: list[list[Any]] = []
        for number, chain in enumerate(found.chains, start=1):
            for hop, step in enumerate(chain, start=1):
                for link in step.links:
                    start = [number, hop, link.source.label, link.source.iri]
                    middle = ["forward" if link.forward else "backward", link.predicate, link.label]
                    end = [link.target.label, link.target.iri]
                    for e in link.evidence or (Evidence("", ""),):
                        rows.append(start + middle + end + [e.sentence, e.document])
        headers = ["chain", "step", "from", "from_iri", "direction", "predicate", "label", "to"]
        return csv_text(headers + ["to_iri", "sentence", "document"], rows)
    names = f"{found.source.label} and {found.target.label}"
    if not found.chains:
        return f"no path between {names}: they are not connected\n"
    hops = found.hops or 0
    count = len(found.chains)
    lines = [
        f"{count}{'+' if found.more else ''} shortest chain{'s' if count != 1 else ''}"
        f" of {hops} hop{'s' if hops != 1 else ''} between {names}"
    ]
    for number, chain in enumerate(found.chains, start=1):
        labels = [chain[0].source.label] + [step.target.label for step in chain]
        lines.append(f"{number}. {' · '.join(labels)}")
        for step in chain:
            for link in step.links:
                lines.append(f"   {link.source.label} {link.arrow} {link.target.label}")
                for e in link.evidence[:TABLE_EVIDENCE]:
                    lines.append(f"     “{e.sentence}” ({e.document})")
                if len(link.evidence) > TABLE_EVIDENCE:
                    left = len(link.evidence) - TABLE_EVIDENCE
                    lines.append(f"     … {left} more (--format json lists every sentence)")
    return "\n".join(lines) + "\n"


def format_neighborhood(found: Neighborhood, fmt: str = "table") -> str:
    """Neighbours as text: ``table``, ``json`` or ``csv`` (a row per relation).

    Raises:
        AnalysisError: an unknown format.
    """
    _check_format(fmt)
    if fmt == "json":
        return json_text(
            {
                "entity": found.entity.as_dict(),
                "depth": found.depth,
                "neighbors": [
                    {
                        **n.entity.as_dict(),
                        "depth": n.depth,
                        "relations": [
                            {
                                "from": link.source.iri,
                                "predicate": link.predicate,
                                "label": link.label,
                                "direction": "forward" if link.forward else "backward",
                            }
                            for link in n.links
                        ],
                    }
                    for n in found.neighbors
                ],
            }
        )
    links = [(n, link) for n in found.neighbors for link in n.links]
    if fmt == "csv":
        headers = ["depth", "from", "from_iri", "direction", "predicate", "label"]
        rows = [
            [n.depth, link.source.label, link.source.iri, "forward" if link.forward else "backward"]
            + [link.predicate, link.label, n.entity.label, n.entity.type, n.entity.iri]
            for n, link in links
        ]
        return csv_text(headers + ["entity", "type", "iri"], rows)
    center = f"{found.entity.label} ({found.entity.type})"
    count = len(found.neighbors)
    within = f"within {found.depth} hop{'s' if found.depth != 1 else ''}"
    head = f"{center}: {count} entit{'ies' if count != 1 else 'y'} {within}\n"
    if not links:
        return head
    return head + _table(
        ["depth", "from", "relation", "entity", "type"],
        [
            [str(n.depth), link.source.label, link.arrow, n.entity.label, n.entity.type]
            for n, link in links
        ],
    )


def format_communities(found: list[Community], fmt: str = "table", *, top: int = 5) -> str:
    """Communities as text: ``table`` (the ``top`` members of each), ``json`` or ``csv`` (every
    member).

    Raises:
        AnalysisError: an unknown format.
    """
    _check_format(fmt)

    def member(m: Member) -> dict[str, Any]:
        return {**m.entity.as_dict(), "degree": m.degree, "pagerank": _number(m.pagerank)}

    if fmt == "json":
        return json_text(
            [
                {
                    "community": c.number,
                    "size": len(c.members),
                    "members": list(map(member, c.members)),
                }
                for c in found
            ]
        )
    if fmt == "csv":
        rows = [
            [c.number, len(c.members), m.entity.label, m.entity.type, m.degree]
            + [_number(m.pagerank), m.entity.iri]
            for c in found
            for m in c.members
        ]
        return csv_text(["community", "size", "label", "type", "degree", "pagerank", "iri"], rows)
    if not found:
        return "no entities\n"
    alone = [c for c in found if len(c.members) == 1 and c.members[0].degree == 0]
    shown = [c for c in found if c not in alone]
    rows_ = []
    for c in shown:
        names = ", ".join(f"{m.entity.label} ({m.degree})" for m in c.members[:top])
        more = len(c.members) - top
        rows_.append(
            [str(c.number), str(len(c.members)), names + (f" and {more} more" if more > 0 else "")]
        )
    text = _table(["community", "size", "top members (relations)"], rows_) if shown else ""
    if alone:
        text += (
            f"+ {len(alone)} entit{'ies' if len(alone) != 1 else 'y'} without relations,"
            " a community each (--format json lists every member)\n"
        )
    return text
