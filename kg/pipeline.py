"""The build: documents -> mentions -> entities -> relations -> RDF graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.cache import RecordCache, fingerprint
from kg.corpus import read_documents
from kg.errors import KGError
from kg.graph import build_graph, graph_triples
from kg.link import link, name_key, name_types
from kg.mentions import echo_mentions, join_subsidiaries, known_names
from kg.packs import DEFAULT_PACKS
from kg.parse import (
    BATCH_DOCUMENTS,
    batch_size,
    decode,
    parse_documents,
    pipeline_for,
    warm_vocab,
)
from kg.readings import (
    decode_echo,
    decode_found,
    echo_digest,
    encode_echo,
    encode_found,
    read_digest,
)
from kg.records import Chunk, Document, Entity, Mention, Observation, Relation, Skipped
from kg.relations import (
    DocumentReader,
    check_rules,
    component_mentions,
    load_rules,
    register_extensions,
)
from kg.relations.extract import Found

__all__ = ["BuildOptions", "BuildResult", "build", "extract", "PHASES"]

#: The phases of a build, in order, as ``on_phase`` names them when each starts: loading the
#: model and rules, reading the documents with it (the part ``progress`` counts), linking and
#: finding relations and figures, making the RDF graph. :func:`kg.buildfolder.write` goes on
#: with its own (:data:`kg.buildfolder.PHASES`).
PHASES = ("model", "read", "relations")


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
        jobs: processes that parse documents (pass 1) and read their relations (pass 2); the
            graph is the same for any number.
            With ``executor="dask"`` and no ``scheduler``: the worker processes of the cluster
            started on this machine.
        executor: where pass 1 runs: ``"local"`` (``jobs`` processes of this machine) or
            ``"dask"`` (a ``dask.distributed`` cluster, :mod:`kg.cluster`; pass 2 stays here).
        scheduler: the Dask scheduler's address (``tcp://HOST:8786``) for ``executor="dask"``;
            ``None`` starts a cluster on this machine.
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
    jobs: int = 1
    executor: str = "local"
    scheduler: str | None = None
    strict: bool = False


#: The predicate of open relations (a verb no typed rule covers), left out of the relations
#: counted by :meth:`BuildResult.relation_count`, as the page and the analytics leave them out.
OPEN_RELATION = "kg:relatedTo"


@dataclass
class BuildResult:
    """What a build produced, from which ``sources`` (as given), how many documents' records
    came from the cache (``reused``; ``None``: a build without a cache), and how many
    documents' relations were read afresh (``read``; the others' came from the cache).

    The RDF graph is made when :attr:`graph` is first asked for; :meth:`triples` gives its
    triples without holding them (how :func:`kg.buildfolder.write` fills the store).
    """

    documents: list[Document]
    entities: list[Entity]
    relations: list[Relation]
    observations: list[Observation]
    made: Graph | None = field(default=None, repr=False)
    skipped: list[Skipped] = field(default_factory=list)
    sources: tuple[Path, ...] = ()
    reused: int | None = None
    read: int | None = None

    @property
    def graph(self) -> Graph:
        """The RDF graph (:func:`kg.graph.build_graph`), made once."""
        if self.made is None:
            self.made = build_graph(
                self.documents, self.entities, self.relations, self.observations
            )
        return self.made

    def triples(self) -> Iterator[tuple[Any, Any, Any]]:
        """The triples of :attr:`graph`, some more than once, without making it when it has
        not been made."""
        if self.made is not None:
            return iter(self.made)
        return graph_triples(self.documents, self.entities, self.relations, self.observations)

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


#: Parses read back before the vocabulary is warmed (:func:`kg.parse.warm_vocab`): a rebuild
#: that reads a few documents again spends less without.
WARM_AFTER = 8


def extract(
    documents: Sequence[Document],
    options: BuildOptions = BuildOptions(),
    progress: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    *,
    cache: RecordCache | None = None,
    on_reused: Callable[[int], None] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> tuple[list[Entity], list[Relation], list[Observation]]:
    """Entities, relations and reported figures of ``documents``, in two passes.

    Pass 1 parses each document on its own into a compact record (:mod:`kg.parse`), in
    ``options.jobs`` processes, skipping documents whose record ``cache`` holds. Pass 2 reads
    the records back one document at a time: names found anywhere are found again everywhere;
    then each document's relations and figures are read between its own mentions (linked
    within it, as the corpus types their names), and the mentions linked across the corpus map
    them onto its entities. Only one document's parses are alive at a time.

    Args:
        documents: the documents to read.
        options: model, gazetteers, patterns, rules and jobs.
        progress: called with the number of characters read, a document at a time (documents
            taken from the cache count at once).
        on_phase: called with the name of each phase (:data:`PHASES`) as it starts.
        cache: where records are kept and found (:class:`kg.cache.RecordCache`); ``None``
            keeps them in memory for this build only.
        on_reused: called with the number of documents whose record came from ``cache``.
        on_read: called with the number of documents whose relations are read afresh (the
            others' are the cache's: their mentions, and what the corpus says of their
            names, are those of the build that kept them).
    """
    phase = on_phase or (lambda name: None)
    phase("model")
    rules = load_rules(options.rules, options.packs)
    nlp = pipeline_for(options)
    register_extensions()
    records = cache if cache is not None else RecordCache(None, "")
    missing = {d.sha256: d for d in documents if not records.has(d.sha256)}
    if on_reused:
        on_reused(sum(d.sha256 not in missing for d in documents))
    phase("read")  # after the model is loaded: a progress bar's estimate counts reading only
    if progress:
        progress(sum(len(d.text) for d in documents if d.sha256 not in missing))
    todo = list(missing.values())
    for index, data in parse_documents(todo, options, options.jobs, progress):
        records.put(todo[index].sha256, data)
    phase("relations")

    def stored(document: Document) -> bytes:
        data = records.get(document.sha256)
        assert data is not None  # put above
        return data

    mentions = [[list(found) for found in decode(stored(d), d).mentions] for d in documents]

    def chunks(index: int) -> list[Chunk]:
        return _chunks(documents[index], stored(documents[index]), mentions[index], nlp.vocab)

    read_back = 0  # parses read back, or about to be

    def warm(parses: int) -> None:
        """Count ``parses`` about to be read back; once :data:`WARM_AFTER` are, give the
        common strings of the corpus's parses lasting lexemes (:func:`kg.parse.warm_vocab`)."""
        nonlocal read_back
        read_back += parses
        if read_back - parses < WARM_AFTER <= read_back:
            warm_vocab(nlp.vocab, documents, stored)

    known = known_names(m for found in mentions for chunk in found for m in chunk)
    components: list[Mention] = []
    for index, document in enumerate(documents):
        # the names found again: kept from the last build while the known names in the
        # document's lines are the same
        digest = echo_digest(document, known)
        kept = records.reading(document.sha256, "echo", digest)
        if kept is not None:
            mentions[index], named = decode_echo(kept, document)
            components += named
            continue
        named = []
        warm(1)
        with nlp.vocab.memory_zone():  # the parses' strings go with them
            for line, chunk in enumerate(chunks(index)):
                echoed = echo_mentions(
                    chunk.doc, document, chunk.base, chunk.heading, chunk.mentions, known
                )
                if echoed:  # a repeated name may open a longer one: Acme + Kenya, Acme Kenya
                    chunk.mentions = join_subsidiaries(document, chunk.mentions + echoed)
                    mentions[index][line] = chunk.mentions
                named += component_mentions(chunk, rules.lexicons)
        components += named
        records.keep_reading(
            document.sha256, "echo", digest, encode_echo(document, mentions[index], named)
        )
    everything = [m for own in mentions for chunk in own for m in chunk]
    types, named_components = name_types(everything), {name_key(m) for m in components}
    reader = DocumentReader(rules, nlp.vocab, named_components, types)
    # what a document says: kept from the last build while its mentions, and what the corpus
    # says of their names, are the same
    digests = [read_digest(own, types, named_components) for own in mentions]
    unread = [
        i for i, d in enumerate(documents) if records.reading(d.sha256, "read", digests[i]) is None
    ]
    if on_read:
        on_read(len(unread))
    warm(len(unread))  # before the readers are forked: they share it
    if options.jobs > 1 and options.executor == "local" and len(unread) > 1:
        each = ((i, stored(documents[i])) for i in unread)
        size = batch_size(len(unread), options.jobs)
        fresh = _read_in_processes(
            reader, documents, mentions, nlp.vocab, each, options.jobs, size
        )
    else:
        fresh = (_read(reader, nlp.vocab, partial(chunks, i)) for i in unread)

    def read() -> Iterator[Found]:
        """Each document's relations, in the documents' order, kept or read afresh."""
        afresh = set(unread)
        ahead = iter(zip(unread, fresh, strict=True))
        for index, document in enumerate(documents):
            if index not in afresh:
                kept = records.reading(document.sha256, "read", digests[index])
                assert kept is not None  # looked for above
                yield decode_found(kept, document)
                continue
            at, found = next(ahead)
            assert at == index
            if found is not None:
                records.keep_reading(
                    document.sha256, "read", digests[index], encode_found(found, document)
                )
                yield found

    # each document's relations are between its own mentions (reading one needs nothing of
    # the others); they are mapped onto the corpus's entities as they come
    linked = link(everything)
    relations, observations = reader.finish(read(), linked)
    return linked.entities, relations, observations


#: What the processes of :func:`_read_in_processes` share, set before they are forked.
_SHARED: list[Any] = []


def _read_in_processes(
    reader: DocumentReader,
    documents: Sequence[Document],
    mentions: list[list[list[Mention]]],
    vocab: Any,
    records: Iterator[tuple[int, bytes]],
    jobs: int,
    size: int = BATCH_DOCUMENTS,
) -> Iterator[Found | None]:
    """``reader.read`` of each document of ``records`` (None for one with no lines), in
    ``jobs`` processes forked from this one (they share the reader, the documents and their
    mentions), in the order of ``records``."""
    import multiprocessing

    _SHARED[:] = [reader, documents, mentions, vocab]
    batches = iter(lambda: list(islice(records, size)), [])  # ``size`` documents a task
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for found in pool.imap(_read_batch, batches):
                yield from found
    finally:
        _SHARED.clear()


def _read_batch(batch: list[tuple[int, bytes]]) -> list[Found | None]:
    reader, documents, mentions, vocab = _SHARED
    found = []
    for index, data in batch:
        document = documents[index]
        found.append(_read(reader, vocab, partial(_chunks, document, data, mentions[index], vocab)))
    return found


def _chunks(
    document: Document, data: bytes, mentions: list[list[Mention]], vocab: Any
) -> list[Chunk]:
    """The chunks of ``document`` from its record ``data``, with ``mentions`` (those of pass 1
    and the names found again)."""
    chunks = decode(data, document).chunks(document, vocab)
    for chunk, own in zip(chunks, mentions, strict=True):
        chunk.mentions = own
    return chunks


def _read(reader: DocumentReader, vocab: Any, chunks: Callable[[], list[Chunk]]) -> Found | None:
    """``reader.read`` of the ``chunks`` of one document (None: it has none), made and read in
    a memory zone: their strings leave ``vocab`` after."""
    with vocab.memory_zone():
        made = chunks()
        return reader.read(made) if made else None


def build(
    sources: Sequence[Path],
    options: BuildOptions = BuildOptions(),
    progress: Callable[[int], None] | None = None,
    on_documents: Callable[[list[Document]], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    *,
    cache: Path | None = None,
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
        cache: the SQLite file of pass-1 records (:mod:`kg.cache`), created when missing; a
            document whose record is there is not parsed again. ``None``: no cache.

    Raises:
        SourceError: nothing could be read, or (``options.strict``) something was skipped.
        KGError: the cache cannot be opened or created.
    """
    skipped: list[Skipped] = []

    def skip(item: Skipped) -> None:
        skipped.append(item)
        if on_skip:
            on_skip(item)

    documents = read_documents(sources, strict=options.strict, on_skip=skip)
    if on_documents:
        on_documents(documents)
    reused = read = 0

    def count(n: int) -> None:
        nonlocal reused
        reused = n

    def count_read(n: int) -> None:
        nonlocal read
        read = n

    records = None
    if cache is not None:
        # a bad file is an error before the folder is made (the pipeline stays loaded)
        check_rules(load_rules(options.rules, options.packs), pipeline_for(options).vocab)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KGError(f"cannot create {cache.parent}: {exc.strerror}") from None
        records = RecordCache(cache, fingerprint(options))
    try:
        entities, relations, observations = extract(
            documents,
            options,
            progress,
            on_phase,
            cache=records,
            on_reused=count,
            on_read=count_read,
        )
        if records is not None:
            records.keep_only(d.sha256 for d in documents)
    finally:
        if records is not None:
            records.close()
    return BuildResult(
        documents,
        entities,
        relations,
        observations,
        None,
        skipped,
        tuple(sources),
        reused if records is not None else None,
        read if records is not None else None,
    )
