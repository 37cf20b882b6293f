"""Small typed records that the pipeline stages hand to each other (slotted: a big corpus holds
hundreds of thousands of them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "Document",
    "Sentence",
    "Mention",
    "Entity",
    "Evidence",
    "Relation",
    "Literal",
    "Observation",
    "Chunk",
    "Skipped",
]


@dataclass(frozen=True, slots=True)
class Document:
    """One source document.

    Attributes:
        id: stable identifier, derived from the path relative to its source root.
        path: the path relative to its source root (POSIX form): a folder given to the build
            is its own root, a file given is relative to its folder. The root itself is
            recorded in the build folder's manifest only (:mod:`kg.buildfolder`).
        text: the full text, exactly as read (UTF-8).
        sha256: hex digest of the file's bytes.
        date: the document's own date when known.
    """

    id: str
    path: str
    text: str
    sha256: str
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: character offsets into its document's text."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names an entity.

    Attributes:
        doc_id: the document.
        start: start character offset in the document text.
        end: end character offset (exclusive).
        text: the surface form as written.
        type: one of ``Person``, ``Organization``, ``Product``, ``Market``, ``Event``.
        source: what found it (``ner``, ``pattern``, ``gazetteer``, ``rule``).
        kind: a finer kind when known (``phone``, ``chipset``, ``software``, ``launch`` ...).
        canonical: a canonical name imposed by a gazetteer or a rule, else empty.
        sentence: the sentence it occurs in.
        heading: whether it occurs in a heading line.
    """

    doc_id: str
    start: int
    end: int
    text: str
    type: str
    source: str
    sentence: Sentence
    kind: str = ""
    canonical: str = ""
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world thing: the result of linking its mentions."""

    key: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Literal:
    """A typed value as the object of a relation (a date, an amount)."""

    value: str
    datatype: str = ""  # a CURIE such as ``xsd:decimal``; empty for a plain string
    unit: str = ""  # ISO 4217 currency or unit, for amounts


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a relation is in the graph: the sentence that states it and the rule that read it."""

    doc_id: str
    sentence: str
    start: int
    end: int
    rule: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Relation:
    """A fact: subject entity key, predicate CURIE, and an entity key or a literal."""

    subject: str
    predicate: str
    object: str | Literal
    evidence: Evidence
    qualifiers: tuple[tuple[str, str | Literal], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Observation:
    """A reported figure: "a market share of 23.5% ... in India ... Q3 2017 as per IDC".

    Attributes:
        subject: entity key of what the figure is about.
        metric: ``market share``, ``shipments``, ``revenue``, ``growth``, ``rank`` ...
        value: the number, as a plain decimal string.
        unit: ``%``, ``units``, an ISO 4217 currency, or ``rank``.
        market: entity key of the market, or empty.
        period: the period as written in the text ("Q3 2017"), or empty.
        period_start: ISO start date of the period when it is a quarter or a year.
        period_end: ISO end date of the period.
        source: entity key of the organization cited for it, or empty.
        evidence: the sentence and the rule.
    """

    subject: str
    metric: str
    value: str
    unit: str
    evidence: Evidence
    market: str = ""
    period: str = ""
    period_start: str = ""
    period_end: str = ""
    source: str = ""


@dataclass
class Chunk:
    """One parsed piece of a document (a line), where it starts, and its mentions."""

    doc: Doc
    document: Document
    base: int
    heading: bool = False
    mentions: list[Mention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source file or folder the build could not read, and why."""

    path: str
    reason: str
