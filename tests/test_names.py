"""Names that cannot lie (issue 12, item 6): bidi controls and zero-width characters are
removed from names and labels, kept in evidence sentences and shown there as ⟨U+XXXX⟩; the
search finds the cleaned name. Sentences and names are invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.link import clean_name, fold, visible
from kg.namespaces import KG, RDF, RDFS, SKOS

TEXT = (
    "Ja\u200bne Roe is the chief executive of Orbo\u2060 Labs.\n"
    "Ivan \u202ePetrov\u202c founded Kestrel\u200d Dynamics in 2015.\n"
    "Jane Roe met Ivan Petrov in Oslo.\n"
)
HIDDEN = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff\u00ad"
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ja\u200bne Roe", "Jane Roe"),
        ("\u202eeoR enaJ\u202c", "eoR enaJ"),
        ("Orbo\u2060 Labs", "Orbo Labs"),
        ("Kestrel\u00ad Dynamics\u200d", "Kestrel Dynamics"),
        ("\u2067Ivan\u2069\tPetrov", "Ivan Petrov"),
        ("Zoë Müller", "Zoë Müller"),
        ("\u200b\u202e", ""),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean
    assert fold(raw) == fold(clean)


def test_visible_writes_out_what_hides() -> None:
    assert visible("Ivan \u202ePetrov\u202c met Ja\u200bne.") == (
        "Ivan ⟨U+202E⟩Petrov⟨U+202C⟩ met Ja⟨U+200B⟩ne."
    )
    assert visible("Zoë Müller\tsaid so.") == "Zoë Müller\tsaid so."


@pytest.fixture(scope="module")
def bidi_out(tmp_path_factory: pytest.TempPathFactory, pipelines: Any) -> Path:
    source = tmp_path_factory.mktemp("bidi")
    (source / "story.txt").write_text(TEXT, encoding="utf-8")
    out = source / "out"
    result = CliRunner().invoke(cli, ["build", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_labels_hold_no_hidden_characters(bidi_out: Path) -> None:
    graph = Graph().parse(bidi_out / "graph.ttl")
    labels = {str(v) for p in (RDFS.label, SKOS.altLabel) for v in graph.objects(None, p)}
    assert {"Jane Roe", "Ivan Petrov", "Orbo Labs"} <= labels
    assert not [label for label in labels if set(label) & set(HIDDEN)]


def test_sentences_keep_every_character(bidi_out: Path) -> None:
    graph = Graph().parse(bidi_out / "graph.ttl")
    sentences = {
        str(graph.value(st, KG.sentence)) for st in graph.subjects(RDF.type, RDF.Statement)
    }
    assert "Ja\u200bne Roe is the chief executive of Orbo\u2060 Labs." in sentences


def test_the_page_shows_hidden_characters_and_never_obeys_them(bidi_out: Path) -> None:
    page = (bidi_out / "graph.html").read_text(encoding="utf-8")
    # the page data is JSON with non-ASCII characters escaped: ⟨ is \u27e8
    assert (
        "Ja\\u27e8U+200B\\u27e9ne Roe is the chief executive of Orbo\\u27e8U+2060\\u27e9 Labs."
        in page
    )
    assert "\\u202e" not in page.split("const INVISIBLE", 1)[0].lower()
    assert "\u202e" not in page


@pytest.mark.parametrize(
    "query", ["Jane Roe", "Ja\u200bne Roe", "Ivan Petrov", "Ivan \u202ePetrov"]
)
def test_show_finds_the_clean_name(bidi_out: Path, query: str) -> None:
    result = CliRunner().invoke(cli, ["show", query, "--graph", str(bidi_out)])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.split("  (")[0] == clean_name(query)
    assert not set(result.stdout) & set(HIDDEN)  # written out as ⟨U+XXXX⟩ in the sentences
