"""Pass 1 of a build: each document parsed on its own into a compact record.

A record holds what the rest of the build needs of one document: the parse of each of its
lines (a spaCy ``DocBin``, about 13 bytes a token) and the mentions found in each line, as
offsets into the text. Records depend on the
document's text and the build's settings only, never on other documents, so pass 1 runs in
several processes (``jobs``), on a Dask cluster (:mod:`kg.cluster`), or not at all for a document
whose record is cached (:mod:`kg.cache`). Pass 2 (:func:`kg.pipeline.extract`) reads them
back one document at a time, so no more than one document's parses are alive at once.

>>> from kg.records import Document
>>> document = Document("d", "d.txt", "Acme Robotics was founded in Oslo.", "0" * 64)
>>> record = parse_batch([document])[0]
>>> [m.text for m in decode(record, document).mentions[0]]
['Acme Robotics', 'Oslo']
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from sys import intern
from typing import TYPE_CHECKING, Any

from srsly.msgpack._packer import Packer
from srsly.msgpack._unpacker import unpackb

from kg.records import Chunk, Document, Mention, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.vocab import Vocab

    from kg.pipeline import BuildOptions

__all__ = [
    "Parsed",
    "decode",
    "pack",
    "unpack",
    "parse_batch",
    "parse_documents",
    "pipeline_for",
    "default_jobs",
    "warm_vocab",
]

#: The token attributes a record keeps: everything the rules read of a parse.
ATTRS = (
    "ORTH", "NORM", "LEMMA", "TAG", "POS", "MORPH", "HEAD", "DEP", "SPACY",
    "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID", "SENT_START",
)  # fmt: skip

#: Documents a worker process parses at a time: enough to keep the model's batches full,
#: few enough that work spreads evenly and progress moves.
BATCH_DOCUMENTS = 8


def batch_size(documents: int, jobs: int) -> int:
    """Documents a process takes at a time: :data:`BATCH_DOCUMENTS`, fewer when there are not
    enough for every process to take two batches, so that documents of unequal length still
    share the work out (five documents on two cores: one at a time).

    >>> batch_size(1000, 2), batch_size(20, 2), batch_size(5, 2), batch_size(5, 1)
    (8, 5, 1, 8)
    """
    if jobs <= 1:
        return BATCH_DOCUMENTS
    return max(1, min(BATCH_DOCUMENTS, documents // (2 * jobs)))

#: The version of the record layout; a cache holding another is not read.
FORMAT = 1


@dataclass(frozen=True)
class Parsed:
    """Pass 1's record of one document.

    Attributes:
        lines: the start offset and the heading flag of each parsed line (a chunk).
        parses: the lines' parses, a serialized ``DocBin``, in the same order.
        mentions: the mentions found in each line, in the same order.
    """

    lines: tuple[tuple[int, bool], ...]
    parses: bytes
    mentions: tuple[tuple[Mention, ...], ...]

    def chunks(self, document: Document, vocab: Vocab) -> list[Chunk]:
        """The document's chunks, their parses read back into ``vocab``."""
        from spacy.tokens import DocBin

        docs = DocBin(attrs=list(ATTRS)).from_bytes(self.parses).get_docs(vocab)
        return [
            Chunk(doc, document, start, heading, list(mentions))
            for doc, (start, heading), mentions in zip(docs, self.lines, self.mentions, strict=True)
        ]


def encode(document: Document, chunks: Sequence[Chunk]) -> bytes:
    """The record of ``document`` parsed into ``chunks``, as bytes (msgpack).

    A mention's text and its sentence's text are not stored when they are the document's text
    at their offsets (always, today), nor is the document id: a record is read back with its
    document (:func:`decode`).
    """
    from spacy.tokens import DocBin

    parses = DocBin(attrs=list(ATTRS), store_user_data=False)
    for chunk in chunks:
        parses.add(chunk.doc)
    text = document.text
    mentions = [[mention_row(m, text) for m in chunk.mentions] for chunk in chunks]
    lines = [[chunk.base, chunk.heading] for chunk in chunks]
    data = {"format": FORMAT, "lines": lines, "parses": parses.to_bytes(), "mentions": mentions}
    return pack(data)


def decode(data: bytes, document: Document) -> Parsed:
    """The record ``data`` of ``document`` (from :func:`encode`) read back."""
    raw = unpack(data)
    sentences: dict[tuple[int, int], Sentence] = {}
    chunks = tuple(
        tuple(mention_of(row, document, sentences) for row in found) for found in raw["mentions"]
    )
    lines = tuple((start, heading) for start, heading in raw["lines"])
    return Parsed(lines, raw["parses"], chunks)


def pack(data: Any) -> bytes:
    """``data``, plain values (no arrays), as msgpack. srsly's own ``msgpack_dumps`` and
    ``msgpack_loads`` look their extension hooks up in the installed packages' entry points at
    every call: a millisecond each, seconds over the records of a big corpus.

    >>> unpack(pack({"lines": [[0, False]], "parses": b"\\x00"}))
    {'lines': [[0, False]], 'parses': b'\\x00'}
    """
    return bytes(Packer(use_bin_type=True).pack(data))


def unpack(data: bytes) -> Any:
    """What :func:`pack` packed."""
    collecting = gc.isenabled()
    gc.disable()  # unpacking makes many containers and frees none: the collector would only scan
    try:
        return unpackb(data, raw=False, use_list=True)
    finally:
        if collecting:
            gc.enable()


def mention_row(m: Mention, text: str) -> list[Any]:
    """A mention as a list for msgpack: its text and its sentence's are left out when they are
    the document's ``text`` at their offsets (always, today)."""
    return [
        m.start,
        m.end,
        m.type,
        m.source,
        m.kind,
        m.canonical,
        m.heading,
        m.sentence.start,
        m.sentence.end,
        None if text[m.start : m.end] == m.text else m.text,
        None if text[m.sentence.start : m.sentence.end] == m.sentence.text else m.sentence.text,
    ]


def mention_of(
    row: list[Any], document: Document, sentences: dict[tuple[int, int], Sentence]
) -> Mention:
    """The mention of :func:`mention_row` ``row`` in ``document`` (``sentences``: those made
    so far, shared)."""
    start, end, type_, source, kind, canonical, heading, s0, s1, own, own_s = row
    text = document.text
    sentence = sentences.get((s0, s1))
    if sentence is None or own_s is not None:
        sentence = Sentence(document.id, s0, s1, text[s0:s1] if own_s is None else own_s)
        sentences[(s0, s1)] = sentence
    return Mention(
        document.id,
        start,
        end,
        text[start:end] if own is None else own,
        intern(type_),  # a handful of values: each once in memory, not once a mention
        intern(source),
        sentence,
        intern(kind),
        intern(canonical),
        heading,
    )


#: How every record of this layout starts: a map of four whose first key is "format" with
#: :data:`FORMAT` (:func:`encode` writes it first), so a record's version is read off its head.
_HEAD = b"\x84" + pack("format") + pack(FORMAT)


def is_record(data: bytes) -> bool:
    """Whether ``data`` is a record of this version of the layout (read off its head: the
    record is not decoded).

    >>> is_record(encode(Document("d", "d.txt", "", "0" * 64), [])), is_record(b"junk")
    (True, False)
    """
    return data.startswith(_HEAD)


#: The most frequent strings of a corpus that :func:`warm_vocab` gives lasting lexemes; the
#: characters of text it counts words in and the records it counts strings in (each spread
#: over the corpus).
WARM_WORDS = 30_000
WARM_CHARACTERS = 5_000_000
WARM_RECORDS = 200

#: What :func:`warm_vocab` has warmed: (id of the vocabulary, "text" or "records").
_WARMED: set[tuple[int, str]] = set()

#: Roughly the tokens of spaCy's English tokenizer, to count words.
_WORD = re.compile(r"\w+|[^\w\s]")


def warm_vocab(
    vocab: Vocab,
    documents: Sequence[Document],
    record: Callable[[Document], bytes] | None = None,
) -> int:
    """Give ``vocab`` a lasting lexeme for each of the most frequent words of ``documents``
    (counted in a sample of them), or, given how to get a document's ``record``, of the strings
    of their parses (words, lemmas, norms, morphological features: a parse read back makes a
    lexeme of each); return how many it made. Once per vocabulary for each: later calls do
    nothing.

    A lexeme made in a memory zone leaves with it, so without this every document would make
    "the" again, in pass 1 and in each stage of pass 2: a fifth of a build's time. The lexemes
    made here stay; there are :data:`WARM_WORDS` of them at most, whatever the corpus's size.
    Call it outside any memory zone.
    """
    kind = "text" if record is None else "records"
    if not documents or (id(vocab), kind) in _WARMED:
        return 0
    _WARMED.add((id(vocab), kind))
    counts: Counter[str] = Counter()
    if record is not None:
        from spacy.tokens import DocBin

        for document in documents[:: max(1, -(-len(documents) // WARM_RECORDS))]:
            parses = unpack(record(document))["parses"]
            counts.update(DocBin(attrs=list(ATTRS)).from_bytes(parses).strings)
    else:
        total = sum(len(d.text) for d in documents)
        for document in documents[:: max(1, -(-total // WARM_CHARACTERS))]:
            counts.update(_WORD.findall(document.text))
    before = len(vocab)
    for word, _ in counts.most_common(WARM_WORDS):
        vocab[word]
    return len(vocab) - before


_PIPELINES: dict[Any, Language] = {}


def pipeline_for(options: BuildOptions | None = None) -> Language:
    """The spaCy pipeline of ``options``, loaded once per process."""
    from kg.cache import file_digest
    from kg.nlp import load_pipeline
    from kg.pipeline import BuildOptions

    options = options or BuildOptions()
    files = tuple((str(p), file_digest(p)) for p in (*options.gazetteers, *options.patterns))
    key = (options.model, options.use_default_gazetteer, options.packs, files)
    if key not in _PIPELINES:
        _PIPELINES[key] = load_pipeline(
            options.model,
            gazetteers=options.gazetteers,
            use_default_gazetteer=options.use_default_gazetteer,
            patterns=options.patterns,
            packs=options.packs,
        )
    return _PIPELINES[key]


def parse_batch(documents: Sequence[Document], options: BuildOptions | None = None) -> list[bytes]:
    """The records of ``documents`` (:func:`encode`), in order, parsed by the pipeline of
    ``options``. The function a worker process or a Dask task runs."""
    from kg.mentions import find_mentions, is_heading, split_lines

    nlp = pipeline_for(options)
    size = options.batch_size if options else 64
    warm_vocab(nlp.vocab, documents)  # a Dask worker's first batch: the parent's are warm
    records = []
    for document in documents:
        # one document at a time: its record never depends on the documents parsed with it
        lines = [(text, (start, is_heading(text))) for start, text in split_lines(document.text)]
        chunks = []
        with nlp.memory_zone():  # the document's strings leave the vocabulary with it
            for doc, (start, heading) in nlp.pipe(lines, as_tuples=True, batch_size=size):
                chunk = Chunk(doc, document, start, heading)
                chunk.mentions = find_mentions(doc, document, start, heading)
                chunks.append(chunk)
            records.append(encode(document, chunks))
    return records


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_documents(
    documents: Sequence[Document],
    options: BuildOptions | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, bytes]]:
    """Parse ``documents`` into records: ``(index, record)`` pairs, in the documents' order.

    Args:
        documents: the documents to parse.
        options: the build's settings (model, gazetteers, patterns, packs, batch size).
        jobs: worker processes; 1 parses in this process. The workers are forked from this
            process with the pipeline already loaded, so each starts at once.
        progress: called with the characters of each document as it is done.

    With ``options.executor == "dask"`` the documents are parsed on a Dask cluster instead
    (:func:`kg.cluster.parse_on_dask`).
    """
    if options is not None and options.executor == "dask":
        from kg.cluster import parse_on_dask

        yield from parse_on_dask(documents, options, progress)
        return
    size = batch_size(len(documents), jobs)
    batches = [
        list(range(i, min(i + size, len(documents)))) for i in range(0, len(documents), size)
    ]
    warm_vocab(pipeline_for(options).vocab, documents)  # before the fork: every worker has it
    if jobs <= 1 or len(batches) <= 1:
        results: Iterator[list[bytes]] = (
            parse_batch([documents[i] for i in batch], options) for batch in batches
        )
        yield from _numbered(batches, results, documents, progress)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(batches))) as pool:
        work = [([documents[i] for i in batch], options) for batch in batches]
        yield from _numbered(batches, pool.imap(_parse_job, work), documents, progress)


def _parse_job(job: tuple[list[Document], BuildOptions | None]) -> list[bytes]:
    return parse_batch(*job)


def _numbered(
    batches: list[list[int]],
    results: Iterator[list[bytes]],
    documents: Sequence[Document],
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, bytes]]:
    for batch, records in zip(batches, results, strict=True):
        for index, record in zip(batch, records, strict=True):
            if progress:
                progress(len(documents[index].text))
            yield index, record
