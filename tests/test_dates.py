"""Dates (kg/extract/dates.py): absolute and relative dates, quarters, a document's own date,
and how they reach the graph through the build (real spaCy model, loaded once per module)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral

from kg.corpus import read_documents
from kg.errors import SourceError
from kg.extract.dates import (
    DateValue,
    document_date,
    parse_date,
    parse_quarter,
    relative_dates,
    relative_phrase,
)
from kg.graph import entity_iri
from kg.namespaces import KG, RDF, SDO, XSD
from kg.pipeline import BuildOptions, build

GAZETTEER = Path(__file__).resolve().parent / "data" / "invented_names.jsonl"
OPTIONS = BuildOptions(use_default_gazetteer=False, gazetteers=(GAZETTEER,))
SAID = date(2018, 4, 25)  # the day Lei Jun signed his letter: a Wednesday in April


def _values(found: list[DateValue]) -> list[tuple[str, str]]:
    return [(d.value, d.datatype) for d in found]


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on July 9, 2018", ("2018-07-09", "xsd:date")),
        ("on 9 July 2018", ("2018-07-09", "xsd:date")),
        ("the 9th of July, 2018", ("2018-07-09", "xsd:date")),
        ("dated 2018-07-09", ("2018-07-09", "xsd:date")),
        ("Wuhan University 4.25.2018", ("2018-04-25", "xsd:date")),
        ("in April 2010", ("2010-04", "xsd:gYearMonth")),
        ("by Sept. 2017", ("2017-09", "xsd:gYearMonth")),
        ("at the end of March 2019", ("2019-03", "xsd:gYearMonth")),
        ("in 2011", ("2011", "xsd:gYear")),
        ("in the summer of 2016", ("2016", "xsd:gYear")),
    ],
)
def test_parse_date_reads_the_precision_the_text_gives(
    text: str, expected: tuple[str, str]
) -> None:
    assert _values(parse_date(text)) == [expected]


def test_parse_date_gives_dates_left_to_right_with_offsets() -> None:
    text = "Founded in April 2010, it listed on July 9, 2018."
    found = parse_date(text)
    assert _values(found) == [("2010-04", "xsd:gYearMonth"), ("2018-07-09", "xsd:date")]
    assert [text[d.start : d.end] for d in found] == ["April 2010", "July 9, 2018"]


@pytest.mark.parametrize(
    "text",
    ["priced at $2019", "a 2019% rise", "version 2019.5", "2,019 units", "Q3 last year", ""],
)
def test_numbers_that_are_not_years(text: str) -> None:
    assert parse_date(text) == []


# --- parse_quarter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in Q3 2017 as per IDC", ("Q3 2017", "2017-07-01", "2017-09-30")),
        ("q4 of 2022", ("Q4 2022", "2022-10-01", "2022-12-31")),
        ("the third quarter of 2019", ("Q3 2019", "2019-07-01", "2019-09-30")),
        ("the fourth quarter 2020", ("Q4 2020", "2020-10-01", "2020-12-31")),
        ("Q1 2020", ("Q1 2020", "2020-01-01", "2020-03-31")),
        ("the second quarter of 2019", ("Q2 2019", "2019-04-01", "2019-06-30")),
    ],
)
def test_parse_quarter(text: str, expected: tuple[str, str, str]) -> None:
    assert parse_quarter(text) == expected


@pytest.mark.parametrize("text", ["Q5 2017", "in 2017", "Q3 last year", "a quarter of sales"])
def test_parse_quarter_none(text: str) -> None:
    assert parse_quarter(text) is None


# --- relative_dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", ("2018-04-25", "xsd:date")),
        ("yesterday", ("2018-04-24", "xsd:date")),
        ("3 days ago", ("2018-04-22", "xsd:date")),
        ("two days ago", ("2018-04-23", "xsd:date")),
        ("two weeks ago", ("2018-04-11", "xsd:date")),
        ("a month ago", ("2018-03", "xsd:gYearMonth")),
        ("two years ago", ("2016", "xsd:gYear")),
        ("last year", ("2017", "xsd:gYear")),
        ("Last Year", ("2017", "xsd:gYear")),
        ("this year", ("2018", "xsd:gYear")),
        ("next year", ("2019", "xsd:gYear")),
        ("last month", ("2018-03", "xsd:gYearMonth")),
        ("this month", ("2018-04", "xsd:gYearMonth")),
        ("next month", ("2018-05", "xsd:gYearMonth")),
        ("last quarter", ("2018-Q1", "kg:quarter")),
        ("this quarter", ("2018-Q2", "kg:quarter")),
        ("next quarter", ("2018-Q3", "kg:quarter")),
        ("last December", ("2017-12", "xsd:gYearMonth")),  # said in April: the one before
        ("this January", ("2018-01", "xsd:gYearMonth")),
        ("next January", ("2019-01", "xsd:gYearMonth")),
        ("last April", ("2017-04", "xsd:gYearMonth")),  # said in April: a year ago
        ("next April", ("2019-04", "xsd:gYearMonth")),
        ("Q3 last year", ("2017-Q3", "kg:quarter")),
        ("the second quarter of next year", ("2019-Q2", "kg:quarter")),
    ],
)
def test_relative_dates_said_on_25_april_2018(text: str, expected: tuple[str, str]) -> None:
    assert _values(relative_dates(text, SAID)) == [expected]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (date(2018, 1, 15), [("2017-12", "xsd:gYearMonth"), ("2017-Q4", "kg:quarter")]),
        (date(2018, 12, 15), [("2019-01", "xsd:gYearMonth"), ("2019-Q1", "kg:quarter")]),
    ],
    ids=["january", "december"],
)
def test_relative_month_and_quarter_cross_the_year(
    said: date, expected: list[tuple[str, str]]
) -> None:
    direction = "last" if said.month == 1 else "next"
    text = f"{direction} month and {direction} quarter"
    assert _values(relative_dates(text, said)) == expected


def test_relative_dates_keep_their_place_in_the_text() -> None:
    text = "Sales doubled last year and again in Q3 last year."
    found = relative_dates(text, SAID)
    assert [text[d.start : d.end] for d in found] == ["last year", "Q3 last year"]


def test_no_relative_dates() -> None:
    assert relative_dates("Founded in 2010 in Beijing.", SAID) == []


# --- relative_phrase ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("We launched the Zen 2 last December.", "last December"),
        ("Last year was good, and next year will be better.", "Last year"),
        ("It shipped two weeks ago.", "two weeks ago"),
        ("It grew 30% in Q3 last year.", "Q3 last year"),
        ("Founded in April 2010.", ""),
        ("It lasted a year.", ""),
    ],
)
def test_relative_phrase(text: str, phrase: str) -> None:
    assert relative_phrase(text) == phrase


# --- document_date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metadata", "expected"),
    [
        ("---\ntitle: Zen\ndate: 2021-06-02\n---\nBody text.\n", None, date(2021, 6, 2)),
        ('---\npublished: "June 2, 2021"\n---\nBody text.\n', None, date(2021, 6, 2)),
        ("Body text.\n", {"date": "2020-01-05"}, date(2020, 1, 5)),
        ("Body text.\n", {"date": "January 5, 2020"}, date(2020, 1, 5)),
        # metadata beside the file wins over the file's own front matter
        ("---\ndate: 2021-06-02\n---\nBody.\n", {"date": "2020-01-05"}, date(2020, 1, 5)),
        (
            "Dear all,\nThank you for everything this year.\nLei Jun\nWuhan University 4.25.2018\n",
            None,
            date(2018, 4, 25),
        ),
        (
            "OSLO, March 14, 2023 — Acme Robotics unveiled the Zen 2 today at an event in town.\n"
            "The phone costs EUR 499.\n",
            None,
            date(2023, 3, 14),
        ),
    ],
    ids=[
        "front-matter",
        "front-matter-published",
        "sidecar",
        "sidecar-words",
        "sidecar-over-front-matter",
        "signature",
        "dateline",
    ],
)
def test_document_date(text: str, metadata: dict[str, object] | None, expected: date) -> None:
    assert document_date(text, metadata) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Founded in 2010, the company grew.",
        "In April 2010 we started.\n",  # a month is not a day
        "Acme Robotics\nA first paragraph without any date in it, only some words.\n"
        "Then a long paragraph says that on March 3, 2015 we shipped robots to many customers.\n",
        "",
    ],
    ids=["a-year", "a-month", "a-date-inside-the-story", "empty"],
)
def test_no_document_date(text: str) -> None:
    assert document_date(text) is None


@pytest.mark.parametrize("sidecar", ["story.txt.json", "story.meta.json"])
def test_read_documents_takes_the_date_from_a_sidecar_file(tmp_path: Path, sidecar: str) -> None:
    (tmp_path / "story.txt").write_text("Acme Robotics sells robots.\n", encoding="utf-8")
    (tmp_path / sidecar).write_text(json.dumps({"date": "2018-04-25"}), encoding="utf-8")
    (tmp_path / "other.txt").write_text("Globex sells robots.\n", encoding="utf-8")
    documents = read_documents([tmp_path])
    assert {d.id: d.date for d in documents} == {"other.txt": None, "story.txt": SAID}


def test_read_documents_takes_the_date_from_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("---\ndate: 2018-04-25\n---\nAcme Robotics sells robots.\n", encoding="utf-8")
    assert [d.date for d in read_documents([path])] == [SAID]


@pytest.mark.parametrize("content", ["[1, 2]", "{not json"], ids=["not-an-object", "not-json"])
def test_bad_sidecar_is_a_source_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "story.txt").write_text("Acme Robotics sells robots.\n", encoding="utf-8")
    (tmp_path / "story.txt.json").write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=r"story\.txt\.json"):
        read_documents([tmp_path])


# --- through the build --------------------------------------------------------------------


@pytest.fixture
def graph_of(pipelines: dict[tuple[Any, ...], Any], tmp_path: Path) -> Callable[[str], Graph]:
    """The graph built from one document with the given text."""

    def graph_of(text: str) -> Graph:
        path = tmp_path / "story.txt"
        path.write_text(text, encoding="utf-8")
        return build([path], OPTIONS).graph

    return graph_of


#: Three mentions make Acme Robotics the organization the document speaks for ("we").
STORY = (
    "Acme Robotics makes robots. Acme Robotics is growing. Acme Robotics hired staff.\n"
    "We launched the Zen 2 last December.\n"
)
FRONT_MATTER = "---\ndate: 2018-04-25\n---\n"


def _launch_statement(graph: Graph) -> URIRef:
    statements = [
        s
        for s in graph.subjects(RDF.predicate, KG.launched)
        if graph.value(s, RDF.subject) == entity_iri("organization/acme-robotics")
        and graph.value(s, RDF.object) == entity_iri("product/zen-2")
    ]
    assert len(statements) == 1
    statement = statements[0]
    assert isinstance(statement, URIRef)
    return statement


def test_relative_date_resolved_against_the_front_matter_date(
    graph_of: Callable[[str], Graph],
) -> None:
    graph = graph_of(FRONT_MATTER + STORY)
    statement = _launch_statement(graph)
    assert list(graph.objects(statement, KG.date)) == [
        RDFLiteral("2017-12", datatype=XSD.gYearMonth)
    ]
    assert list(graph.objects(statement, KG.dateText)) == []
    documents = list(graph.subjects(SDO.dateCreated, None))
    assert [graph.value(d, SDO.dateCreated) for d in documents] == [
        RDFLiteral("2018-04-25", datatype=XSD.date)
    ]


def test_relative_date_kept_as_written_without_a_document_date(
    graph_of: Callable[[str], Graph],
) -> None:
    graph = graph_of(STORY)
    statement = _launch_statement(graph)
    assert list(graph.objects(statement, KG.dateText)) == [RDFLiteral("last December")]
    assert list(graph.subjects(KG.date, None)) == []
    assert list(graph.subjects(SDO.dateCreated, None)) == []


def test_relative_date_resolved_against_a_sidecar_date(
    graph_of: Callable[[str], Graph], tmp_path: Path
) -> None:
    (tmp_path / "story.txt.json").write_text(json.dumps({"date": "2018-04-25"}), encoding="utf-8")
    statement = _launch_statement(graph := graph_of(STORY))
    assert graph.value(statement, KG.date) == RDFLiteral("2017-12", datatype=XSD.gYearMonth)


SHARE = (
    "Acme Robotics held a 12.5% market share in Sweden in Q3 last year, "
    "according to Nordic Insight.\n"
)


def test_relative_quarter_is_the_period_of_a_figure(graph_of: Callable[[str], Graph]) -> None:
    graph = graph_of(FRONT_MATTER + SHARE)
    (observation,) = graph.subjects(KG.metric, RDFLiteral("market share"))
    assert graph.value(observation, KG.about) == entity_iri("organization/acme-robotics")
    assert graph.value(observation, SDO.value) == RDFLiteral("12.5", datatype=XSD.decimal)
    assert graph.value(observation, KG.unit) == RDFLiteral("%")
    assert graph.value(observation, KG.market) == entity_iri("market/sweden")
    assert graph.value(observation, KG.source) == entity_iri("organization/nordic-insight")
    assert graph.value(observation, KG.period) == RDFLiteral("Q3 2017")
    assert graph.value(observation, SDO.startDate) == RDFLiteral("2017-07-01", datatype=XSD.date)
    assert graph.value(observation, SDO.endDate) == RDFLiteral("2017-09-30", datatype=XSD.date)


def test_relative_quarter_without_a_document_date_is_no_period(
    graph_of: Callable[[str], Graph],
) -> None:
    graph = graph_of(SHARE)
    (observation,) = graph.subjects(KG.metric, RDFLiteral("market share"))
    assert graph.value(observation, SDO.value) == RDFLiteral("12.5", datatype=XSD.decimal)
    assert graph.value(observation, KG.period) is None
    assert graph.value(observation, SDO.startDate) is None
