"""The build: documents -> mentions -> entities -> relations -> RDF graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.corpus import read_documents
from kg.graph import build_graph
from kg.link import link
from kg.mentions import (
    echo_mentions,
    find_mentions,
    is_heading,
    join_subsidiaries,
    known_names,
    split_lines,
)
from kg.nlp import load_pipeline
from kg.packs import DEFAULT_PACKS
from kg.records import Chunk, Document, Entity, Observation, Relation, Skipped
from kg.relations import extract_relations, load_rules, register_extensions

__all__ = ["BuildOptions", "BuildResult", "build", "extract", "PHASES"]

#: The phases of a build, in order, as ``on_phase`` names them when each starts: loading the
#: model and rules, reading the documents with it (the part ``progress`` counts), linking and
#: finding relations and figures, making the RDF graph. :func:`kg.buildfolder.write` goes on
#: with its own (:data:`kg.buildfolder.PHASES`).
PHASES = ("model", "read", "relations", "graph")


@dataclass(frozen=True)
class BuildOptions:
    """Settings of a build; the CLI options map one to one.

    Attributes:
        model: spaCy model name or path (``None``: see :mod:`kg.nlp`).
        gazetteers: user gazetteer files (JSONL).
        use_default_gazetteer: load the package's gazetteer of well-known names.
        patterns: user EntityRuler pattern files (JSONL).
        rules: user relation rule files (JSON).
        packs: domain packs, by packaged name or folder path (see :mod:`kg.packs`).
        batch_size: lines per spaCy batch.
        strict: stop at the first source file or folder that cannot be read, instead of
            skipping it.
    """

    model: str | None = None
    gazetteers: tuple[Path, ...] = ()
    use_default_gazetteer: bool = True
    patterns: tuple[Path, ...] = ()
    rules: tuple[Path, ...] = ()
    packs: tuple[str, ...] = DEFAULT_PACKS
    batch_size: int = 64
    strict: bool = False


#: The predicate of open relations (a verb no typed rule covers), left out of the relations
#: counted by :meth:`BuildResult.relation_count`, as the page and the analytics leave them out.
OPEN_RELATION = "kg:relatedTo"


@dataclass
class BuildResult:
    """What a build produced, and from which ``sources`` (as given)."""

    documents: list[Document]
    entities: list[Entity]
    relations: list[Relation]
    observations: list[Observation]
    graph: Graph = field(repr=False)
    skipped: list[Skipped] = field(default_factory=list)
    sources: tuple[Path, ...] = ()

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts: documents, entities per type, statements per predicate, figures per metric.

        A *statement* is a fact as one sentence states it (an ``rdf:Statement`` of the
        graph, each of :attr:`relations`); see :meth:`relation_count` for *relations*.
        """
        return {
            "documents": {"documents": len(self.documents)},
            "entities": dict(sorted(Counter(e.type for e in self.entities).items())),
            "statements": dict(sorted(Counter(r.predicate for r in self.relations).items())),
            "figures": dict(sorted(Counter(o.metric for o in self.observations).items())),
        }

    def relation_count(self) -> int:
        """The number of *relations*: distinct (subject, predicate, object) links between two
        entities that one or more statements support, open relations (``kg:relatedTo``)
        aside. ``kg stats``, the page and the exports count the same
        (:func:`kg.view.to_networkx`)."""
        keys = {e.key for e in self.entities}
        return len(
            {
                (r.subject, r.predicate, r.object)
                for r in self.relations
                if r.predicate != OPEN_RELATION and r.subject in keys and r.object in keys
            }
        )


def extract(
    documents: Sequence[Document],
    options: BuildOptions = BuildOptions(),
    progress: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> tuple[list[Entity], list[Relation], list[Observation]]:
    """Entities, relations and reported figures of ``documents``.

    Args:
        documents: the documents to read.
        options: model, gazetteers, patterns and rules.
        progress: called with the number of characters read, a batch of lines at a time
            (the model reads a batch whole before the first of its lines comes out).
        on_phase: called with the name of each phase (:data:`PHASES`) as it starts.
    """
    phase = on_phase or (lambda name: None)
    phase("model")
    rules = load_rules(options.rules, options.packs)
    nlp = load_pipeline(
        options.model,
        gazetteers=options.gazetteers,
        use_default_gazetteer=options.use_default_gazetteer,
        patterns=options.patterns,
        packs=options.packs,
    )
    register_extensions()
    lines = [
        (text, (document, start, is_heading(text)))
        for document in documents
        for start, text in split_lines(document.text)
    ]
    chunks: list[Chunk] = []
    phase("read")  # after the model is loaded: a progress bar's estimate counts reading only
    size = options.batch_size
    for index, (doc, (document, start, heading)) in enumerate(
        nlp.pipe(lines, as_tuples=True, batch_size=size)
    ):
        if progress and index % size == 0:  # the model has read this batch: count it whole
            progress(sum(len(text) for text, _ in lines[index : index + size]))
        chunk = Chunk(doc, document, start, heading)
        chunk.mentions = find_mentions(doc, document, start, heading)
        chunks.append(chunk)
    phase("relations")
    known = known_names(m for c in chunks for m in c.mentions)
    for chunk in chunks:
        echoed = echo_mentions(
            chunk.doc, chunk.document, chunk.base, chunk.heading, chunk.mentions, known
        )
        if echoed:  # a repeated name may open a longer one: "Acme" + "Kenya" is Acme Kenya
            chunk.mentions = join_subsidiaries(chunk.document, chunk.mentions + echoed)
    linked = link(m for c in chunks for m in c.mentions)
    relations, observations = extract_relations(chunks, linked, rules)
    return linked.entities, relations, observations


def build(
    sources: Sequence[Path],
    options: BuildOptions = BuildOptions(),
    progress: Callable[[int], None] | None = None,
    on_documents: Callable[[list[Document]], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> BuildResult:
    """Read ``sources`` and build the knowledge graph.

    Args:
        sources: files and folders of ``.txt``/``.md``/``.html`` documents.
        options: see :class:`BuildOptions`.
        progress: called with characters done, for a progress bar.
        on_documents: called once with the documents read, before the slow part.
        on_phase: called with the name of each phase (:data:`PHASES`) as it starts.
        on_skip: called with each source file or folder that cannot be read, as it is
            skipped (the result lists them too).

    Raises:
        SourceError: nothing could be read, or (``options.strict``) something was skipped.
    """
    skipped: list[Skipped] = []

    def skip(item: Skipped) -> None:
        skipped.append(item)
        if on_skip:
            on_skip(item)

    documents = read_documents(sources, strict=options.strict, on_skip=skip)
    if on_documents:
        on_documents(documents)
    entities, relations, observations = extract(documents, options, progress, on_phase)
    if on_phase:
        on_phase("graph")
    graph = build_graph(documents, entities, relations, observations)
    return BuildResult(
        documents, entities, relations, observations, graph, skipped, tuple(sources)
    )
