"""Property-based tests (issue 12, item 7, the build half) on random and adversarial text:
control characters, bidi and zero-width characters, mixed scripts, very long tokens,
unbalanced quotes and brackets, mixed with invented sentences that do give entities and
relations. The build never crashes; every statement, figure and mention points at exactly the
text it quotes; every IRI is valid; the Turtle parses back to the same graph.

Examples are few (the spaCy pipeline is the real one, loaded once per session).
"""

from __future__ import annotations

import hashlib
import html
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pyoxigraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from kg.corpus import read_documents
from kg.errors import SourceError
from kg.graph import build_graph
from kg.ingest.html import html_text
from kg.ingest.markdown import markdown_text
from kg.ingest.segment import split_long_lines
from kg.link import INVISIBLE, clean_name, fold
from kg.namespaces import KG, PROV, RDF, RDFS, SKOS
from kg.pipeline import extract
from kg.records import Document

SENTENCES = [
    "Jane Roe is the chief executive of Orbo Labs.",
    "Ivan Petrov founded Kestrel Dynamics in Oslo in 2015.",
    "Orbo Labs launched the Orbo Pad in March 2021 for $299.",
    "Kestrel Dynamics had a market share of 12.5% in Norway in Q3 2020, said Lumen Research.",
    "“Ann Lee joined Brightwave Systems,” she said (in Madrid.",
    'Mr. Tom Finch, who runs Nordvik Energy, met "Jane Roe in Berlin.',
]
ODD = [
    "\u202e",  # right-to-left override
    "\u202c",
    "\u2066",
    "\u200b",  # zero-width space
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\x00",
    "\x1b[31m",
    "\x07",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "\u2028",
    '"',
    "“",
    "‘",
    "(",
    "[",
    "{",
    "<<",
    "<script>",
    "&amp;",
    "%",
    "Лев Толстой",
    "Ωmega",
    "北京",
    "مرحبا",
    "🙂",
    "e\u0301",
    "\U0001f3f4\U000e0067\U000e0062\U000e007f",
]

pieces = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "Z", "9", "-", "x.", "Ω"]), st.integers(50, 2500)
    ),
)
texts = st.lists(pieces, min_size=1, max_size=14).map(" ".join)

FEW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _iris(graph: Graph) -> set[str]:
    return {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}


def _check_graph(graph: Graph, text_of: dict[str, str]) -> None:
    # every statement, figure and mention quotes exactly the document's text at its offsets
    quoted = [(n, KG.sentence, PROV.wasDerivedFrom) for n in graph.subjects(KG.sentence, None)]
    quoted += [(n, KG.text, KG.document) for n in graph.subjects(RDF.type, KG.Mention)]
    for node, what, where in quoted:
        document = str(graph.value(node, where)).rsplit("/doc/", 1)[-1]
        start, end = int(graph.value(node, KG.start)), int(graph.value(node, KG.end))  # type: ignore[arg-type]
        assert text_of[document][start:end] == str(graph.value(node, what)), node
    # every IRI is one (Oxigraph parses IRIs strictly)
    for iri in _iris(graph):
        pyoxigraph.NamedNode(iri)
    # names show what they say
    for label in graph.objects(None, RDFS.label):
        assert not INVISIBLE.search(str(label)), label
    for label in graph.objects(None, SKOS.altLabel):
        assert not INVISIBLE.search(str(label)), label
    # the Turtle parses back to the same graph, with rdflib and with Oxigraph
    turtle = graph.serialize(format="turtle", encoding="utf-8")
    again = Graph().parse(data=turtle, format="turtle")
    assert set(again) == set(graph), sorted(set(again) ^ set(graph))[:4]
    assert len(list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))) == len(graph)


@FEW
@given(text=texts)
def test_any_text_builds_a_sound_graph(pipelines: Any, text: str) -> None:
    document = Document(
        id="story.txt",
        path="story.txt",
        text=split_long_lines(text),
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    )
    entities, relations, observations = extract([document])
    graph = build_graph([document], entities, relations, observations)
    _check_graph(graph, {document.id: document.text})


@FEW
@given(
    text=texts,
    suffix=st.sampled_from([".txt", ".md", ".html"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_file_is_read_or_skipped_with_a_reason(text: str, suffix: str, encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "story" + suffix)
        path.write_bytes(data)
        skipped: list[Any] = []
        try:
            documents = read_documents([path], on_skip=skipped.append)
        except SourceError:
            assert len(skipped) == 1 and skipped[0].reason
            return
    (document,) = documents
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert all(len(line) <= 2000 for line in document.text.split("\n"))
    if suffix == ".txt" and encoding != "cp1252":
        # a plain-text document is the file's text; long lines are cut where a space was
        decoded = data.decode(encoding).removeprefix("\ufeff")
        assert len(document.text) >= len(decoded)
        if len(document.text) == len(decoded):
            assert all(
                a == b or (a.isspace() and b == "\n")
                for a, b in zip(decoded, document.text, strict=True)
            )


@settings(max_examples=200, deadline=None)
@given(text=st.text(), limit=st.integers(5, 60))
def test_long_lines_are_cut_without_losing_a_character(text: str, limit: int) -> None:
    cut = split_long_lines(text, limit)
    assert all(len(line) <= limit for line in cut.split("\n"))
    assert [c for c in cut if not c.isspace()] == [c for c in text if not c.isspace()]
    if len(cut) == len(text):  # cut at spaces: every offset still points at the same text
        assert all(a == b or (a.isspace() and b == "\n") for a, b in zip(text, cut, strict=True))


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(), texts))
def test_markup_converters_never_crash(text: str) -> None:
    assert isinstance(markdown_text(text), str)
    assert isinstance(html_text(text), str)
    page = html_text(f"<p>{html.escape(text)}</p><script>hidden_call()</script>")
    assert "hidden_call" not in page


@settings(max_examples=300, deadline=None)
@given(name=st.one_of(st.text(), st.lists(st.sampled_from(ODD + SENTENCES)).map("".join)))
def test_clean_names_hold_nothing_invisible(name: str) -> None:
    clean = clean_name(name)
    assert clean == clean_name(clean)
    assert not INVISIBLE.search(clean)
    assert not [ch for ch in clean if unicodedata.category(ch) in ("Cc", "Cf")]
    assert clean == clean.strip()
    assert fold(name) == fold(clean)
