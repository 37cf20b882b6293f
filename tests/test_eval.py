"""Scoring a graph against a gold file (kg/eval.py), on a hand-made graph and on the corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.eval import GoldError, Report, evaluate, format_report, load_gold
from kg.graph import build_graph
from kg.namespaces import ENTITY_TYPES
from kg.pipeline import BuildOptions, build
from kg.records import Document, Entity, Evidence, Literal, Relation

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
SEEDS = ROOT / "seeds"
OTHER = ROOT / "tests" / "data" / "other"

TEXT = "Lei Jun founded Xiaomi. Xiaomi competes with Huawei. The Mi 6X costs RMB 1,599."
DOC = Document(id="news.txt", path="news.txt", text=TEXT, sha256="0" * 64)


def _entity(key: str, type_: str, name: str, *aliases: str) -> Entity:
    return Entity(key=key, type=type_, name=name, aliases=aliases)


def _relation(subject: str, predicate: str, obj: str | Literal) -> Relation:
    evidence = Evidence(DOC.id, TEXT, 0, len(TEXT), "hand", 1.0)
    return Relation(subject, predicate, obj, evidence)


ENTITIES = [
    _entity("person/lei-jun", "Person", "Lei Jun", "Lei"),
    _entity("organization/xiaomi", "Organization", "Xiaomi"),
    _entity("organization/huawei", "Organization", "Huawei"),
    _entity("organization/acme", "Organization", "Acme"),  # not in the gold: FP
    _entity("product/mi-6x", "Product", "Mi 6X"),
    _entity("product/redmi-1", "Product", "Redmi 1"),
    _entity("product/hongmi-red-rice-1", "Product", "HongMi Red Rice 1"),  # duplicate
    _entity("market/india", "Market", "India"),
    _entity("event/mi-pop", "Event", "Mi Pop"),  # optional in the gold
]
RELATIONS = [
    _relation("organization/xiaomi", "schema:founder", "person/lei-jun"),
    _relation("organization/huawei", "kg:competitor", "organization/xiaomi"),  # reversed
    _relation("product/mi-6x", "schema:offers", Literal("1599.0", "xsd:decimal", "CNY")),
    _relation("product/redmi-1", "schema:offers", Literal("699", "xsd:decimal", "USD")),
    _relation("organization/xiaomi", "kg:launched", "product/mi-6x"),  # optional in the gold
    _relation("organization/acme", "kg:partner", "organization/xiaomi"),  # not in the gold
]
GOLD_DATA = {
    "description": "a tiny gold file for the unit tests",
    "entities": [
        {"type": "Person", "name": "Lei Jun", "aliases": ["Mr. Lei"]},
        {"type": "Person", "name": "Ye Rong"},
        {"type": "Organization", "name": "Xiaomi"},
        {"type": "Organization", "name": "Huawei"},
        {"type": "Product", "name": "Mi 6X"},
        {"type": "Product", "name": "Redmi 1", "aliases": ["HongMi Red Rice 1"]},
        {"type": "Market", "name": "India"},
        {"type": "Event", "name": "Mi Pop", "optional": True},
        {"type": "Event", "name": "Xiaomi Hong Kong listing", "optional": True},
    ],
    "relations": [
        {"subject": "Xiaomi", "predicate": "schema:founder", "object": "Lei Jun"},
        {"subject": "Xiaomi", "predicate": "kg:competitor", "object": "Huawei"},
        {"subject": "Mi 6X", "predicate": "schema:price", "value": "1599", "currency": "CNY"},
        {"subject": "Redmi 1", "predicate": "schema:price", "value": 699, "currency": "CNY"},
        {"subject": "Xiaomi", "predicate": "schema:foundingDate", "value": "2010-04"},
        {"subject": "Xiaomi", "predicate": "kg:launched", "object": "Mi 6X", "optional": True},
        {"subject": "Xiaomi", "predicate": "kg:operatesIn", "object": "India", "optional": True},
    ],
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def graph() -> Graph:
    return build_graph([DOC], ENTITIES, RELATIONS)


@pytest.fixture
def graph_file(tmp_path: Path, graph: Graph) -> Path:
    path = tmp_path / "graph.ttl"
    graph.serialize(destination=path, format="turtle", encoding="utf-8")
    return path


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD_DATA), encoding="utf-8")
    return path


@pytest.fixture
def report(graph: Graph, gold: Path) -> Report:
    return evaluate(graph, gold)


def _counts(report: Report, type_: str) -> tuple[int, int, int]:
    score = report.entities[type_]
    return score.tp, score.fp, score.fn


# --- entities -----------------------------------------------------------------------------


def test_entity_counts_per_type(report: Report) -> None:
    assert _counts(report, "Person") == (1, 0, 1)
    assert _counts(report, "Organization") == (2, 1, 0)
    assert _counts(report, "Product") == (2, 1, 0)
    assert _counts(report, "Market") == (1, 0, 0)
    assert _counts(report, "Event") == (0, 0, 0)
    total = report.total(report.entities)
    assert (total.tp, total.fp, total.fn) == (6, 2, 1)
    assert total.precision == pytest.approx(6 / 8)
    assert total.recall == pytest.approx(6 / 7)


def test_misses_and_false_positives_are_named(report: Report) -> None:
    assert report.entity_misses == [("Person", "Ye Rong")]
    assert report.entity_false == [("Organization", "Acme")]


def test_duplicate_is_listed_and_counted_as_false_positive(report: Report) -> None:
    assert report.duplicates == [("Redmi 1", ["HongMi Red Rice 1", "Redmi 1"])]
    assert report.entities["Product"].fp == 1


def test_optional_gold_is_neither_miss_nor_false_positive(report: Report) -> None:
    assert ("Event", "Xiaomi Hong Kong listing") not in report.entity_misses
    assert ("Event", "Mi Pop") not in report.entity_false
    assert "kg:operatesIn" not in {p for _s, p, _o in report.relation_misses}
    launched = report.relations["kg:launched"]
    assert (launched.tp, launched.fp, launched.fn) == (0, 0, 0)


def test_entity_of_another_type_is_a_false_positive(gold: Path) -> None:
    entities = [*ENTITIES, _entity("person/huawei", "Person", "Huawei")]
    report = evaluate(build_graph([DOC], entities, RELATIONS), gold)
    assert _counts(report, "Person") == (1, 1, 1)
    assert _counts(report, "Organization") == (2, 1, 0)
    assert ("Person", "Huawei") in report.entity_false


# --- relations ----------------------------------------------------------------------------


def test_relation_counts(report: Report) -> None:
    scores = {p: (s.tp, s.fp, s.fn) for p, s in report.relations.items()}
    assert scores["schema:founder"] == (1, 0, 0)
    assert scores["schema:foundingDate"] == (0, 0, 1)
    assert scores["kg:partner"] == (0, 1, 0)
    assert report.relation_false == [
        ("Acme", "kg:partner", "Xiaomi"),
        ("Redmi 1", "schema:price", "699 USD"),
    ]


def test_symmetric_competitor_matches_either_direction(report: Report) -> None:
    assert report.relations["kg:competitor"].tp == 1
    assert report.relations["kg:competitor"].fp == 0


def test_prices_compare_as_numbers_with_their_currency(report: Report) -> None:
    price = report.relations["schema:price"]
    assert (price.tp, price.fp, price.fn) == (1, 1, 1)  # 1599 CNY found; 699 USD is not CNY
    assert ("Redmi 1", "schema:price", "699 CNY") in report.relation_misses
    assert ("Mi 6X", "schema:price", "1599 CNY") not in report.relation_misses


def test_format_report_lists_everything(report: Report) -> None:
    text = format_report(report)
    assert text.startswith("entities      precision  recall     f1    tp    fp    fn\n")
    assert "duplicates (1):\n  Redmi 1: HongMi Red Rice 1 | Redmi 1\n" in text
    assert "missed entities (1):" in text
    assert "  Acme --kg:partner--> Xiaomi" in text
    assert "duplicates" not in format_report(report, details=False)


# --- malformed gold -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such gold file"),
        ('{"entities": [', "not JSON"),
        ('{"entities": [{"name": "Lei Jun"}]}', "entity 1 needs a 'name' and a 'type'"),
        ('{"entities": [{"type": "Robot", "name": "R2"}]}', "entity 1 needs"),
        ('{"entities": [{"type": "Person"}]}', "entity 1 needs"),
        ('["Lei Jun"]', "expected an object with an 'entities' list"),
        (
            '{"entities": [], "relations": [{"subject": "Xiaomi", "predicate": "kg:ceo"}]}',
            "relation 1 needs",
        ),
    ],
    ids=["missing", "bad-json", "no-type", "bad-type", "no-name", "not-object", "no-object"],
)
def test_malformed_gold_is_one_line_gold_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "gold.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    text = str(caught.value)
    assert message in text
    assert str(path) in text
    assert "\n" not in text


# --- the command line ---------------------------------------------------------------------


def test_cli_eval_prints_the_tables(runner: CliRunner, gold: Path, graph_file: Path) -> None:
    result = runner.invoke(cli, ["eval", str(gold), "--graph", str(graph_file)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["entities", "precision", "recall", "f1", "tp", "fp", "fn"]
    assert any(line.split()[:1] == ["relations"] for line in lines)
    product = next(line for line in lines if line.startswith("Product "))
    assert product.split()[-3:] == ["2", "1", "0"]
    assert "duplicates (1):" in result.output
    assert "  Person       Ye Rong" in result.output


def test_cli_eval_json(runner: CliRunner, gold: Path, graph_file: Path) -> None:
    args = ["eval", str(gold), "--graph", str(graph_file), "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["entities"]["Person"]["tp"] == 1
    assert data["entities"]["Person"]["fn"] == 1
    assert data["entities"]["all"]["fp"] == 2
    assert data["duplicates"] == [{"gold": "Redmi 1", "nodes": ["HongMi Red Rice 1", "Redmi 1"]}]
    assert data["relations"]["kg:competitor"]["tp"] == 1


def test_cli_eval_missing_gold_is_one_line(
    runner: CliRunner, tmp_path: Path, graph_file: Path
) -> None:
    missing = tmp_path / "missing.json"
    result = runner.invoke(cli, ["eval", str(missing), "--graph", str(graph_file)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == [f"Error: {missing}: no such gold file"]


def test_cli_eval_malformed_gold_is_one_line(
    runner: CliRunner, tmp_path: Path, graph_file: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"entities": [{"name": "Lei Jun"}]}', encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(bad), "--graph", str(graph_file)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("Error: ")


# --- quality targets on the corpora -------------------------------------------------------


def test_seed_entities_reach_the_targets(seed_graph_file: Path) -> None:
    report = evaluate(Graph().parse(seed_graph_file, format="turtle"), GOLD / "seeds.json")
    total = report.total(report.entities)
    assert total.f1 >= 0.90, format_report(report)
    for type_ in ENTITY_TYPES:
        assert report.entities[type_].f1 >= 0.80, (type_, format_report(report))


@pytest.fixture(scope="module")
def seeds_with_aliases() -> Graph:
    options = BuildOptions(gazetteers=(GOLD / "seeds.aliases.jsonl",))
    return build([SEEDS], options).graph


def test_seed_alias_gazetteer_leaves_no_duplicates(seeds_with_aliases: Graph) -> None:
    report = evaluate(seeds_with_aliases, GOLD / "seeds.json")
    assert report.duplicates == []
    assert report.total(report.entities).f1 >= 0.90


def test_other_corpus_without_default_gazetteer() -> None:
    graph = build([OTHER], BuildOptions(use_default_gazetteer=False)).graph
    report = evaluate(graph, GOLD / "other.json")
    assert report.total(report.entities).f1 >= 0.85, format_report(report)
