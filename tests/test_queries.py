"""The named queries in queries/, run on the graph of seeds/: each answers its competency question
with facts the seed texts state."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from kg.query import named_queries, required_params, run_query
from kg.store import open_graph

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = sorted((ROOT / "seeds").glob("*.txt"))

Row = dict[str, str]


@pytest.fixture(scope="module")
def graph(seed_graph_file: Path) -> Graph:
    return open_graph(seed_graph_file)


def select(graph: Graph, name: str, **params: str) -> list[Row]:
    """Rows of the named query ``name``, each a dict of the bound variables as strings."""
    text = named_queries()[name].read_text(encoding="utf-8")
    result = run_query(graph, text, {k: Literal(v) for k, v in params.items()})
    names = [str(v) for v in result.vars or []]
    return [
        {n: str(row[i]) for i, n in enumerate(names) if row[i] is not None}  # type: ignore[index]
        for row in result
    ]


def has(rows: list[Row], **expected: str) -> bool:
    """Whether some row has every expected value."""
    return any(all(row.get(k) == v for k, v in expected.items()) for row in rows)


def document_text(path: str) -> str:
    """A seed document by its ``kg:path`` (relative to ``seeds/``, the source root)."""
    return (ROOT / "seeds" / path).read_text(encoding="utf-8")


# ------------------------------------------------------------------ one check per query


def check_founders(rows: list[Row]) -> None:
    assert has(rows, organization="Xiaomi", founder="Lei Jun", role="founder")
    # "Xiaomi was founded in April 2010 by Lei Jun" (seeds/003)
    assert has(rows, organization="Xiaomi", founder="Lei Jun", founded="2010-04")
    # "Li Wanqiang, our co-founder who leads Xiaomi's marketing team" (seeds/000)
    assert has(rows, organization="Xiaomi", founder="Li Wanqiang", role="co-founder")


def check_roles(rows: list[Row]) -> None:
    assert has(rows, person="Lei Jun", title="CEO", organization="Xiaomi")
    # "Lewis Ling, Community Management Lead at Xiaomi Global" (seeds/001)
    assert has(rows, person="Lewis Ling", title="Community Management Lead")
    # "Manu Kumar Jain (on the left), Vice President of Xiaomi and Managing Director of
    # Xiaomi India" (seeds/001)
    manu = {
        (r["title"].lower(), r["organization"]) for r in rows if r["person"] == "Manu Kumar Jain"
    }
    assert ("managing director", "Xiaomi India") in manu, manu


def check_structure(rows: list[Row]) -> None:
    assert has(rows, part="Xiaomi India", parent="Xiaomi")


def check_competitors(rows: list[Row]) -> None:
    assert has(rows, organization="Xiaomi", competitor="Huawei")
    said = [
        r["sentence"] for r in rows if (r["organization"], r["competitor"]) == ("Xiaomi", "Huawei")
    ]
    assert any("Huawei is one of the major competitors" in s for s in said), said
    assert said == sorted(said)  # the order of the rows is the same in every store


def check_partners(rows: list[Row]) -> None:
    # "Mi 6X ... powered by Qualcomm Snapdragon 660" (seeds/000)
    assert has(rows, organization="Xiaomi", partner="Qualcomm", partnership="chipset supplier")
    # "As per IDC's report for Q3 2017, Xiaomi India shipped ..." (seeds/001)
    assert has(rows, organization="Xiaomi India", partner="IDC", partnership="research source")


def check_products(rows: list[Row]) -> None:
    assert has(rows, organization="Xiaomi", product="Mi 6X", kind="phone")
    assert has(rows, organization="Xiaomi", product="Mi 1", kind="phone")
    assert has(rows, organization="Qualcomm", product="Snapdragon 660", kind="chipset")


def check_product_facts(rows: list[Row]) -> None:
    facts = {r["product"]: r for r in rows}
    # "Mi 6X is available at RMB 1,599." (seeds/000)
    mi6x = facts["Mi 6X"]
    assert Decimal(1599) in {Decimal(p) for p in mi6x["price"].split(", ")}
    assert mi6x["currency"] == "CNY"
    assert mi6x["chipset"] == "Snapdragon 660"
    assert mi6x["launchEvent"] == "Mi 6X launch"
    # "In 2011 we announced our first smartphone – Mi 1, which is powered by Qualcomm
    # Snapdragon S3 ... RMB 1,999." (seeds/000)
    mi1 = facts["Mi 1"]
    assert "price" in mi1 and Decimal(mi1["price"]) == Decimal(1999), mi1
    assert (mi1.get("currency"), mi1.get("chipset")) == ("CNY", "Snapdragon S3"), mi1
    assert mi1["launchDate"].startswith("2011")


def check_chipsets(rows: list[Row]) -> None:
    assert has(rows, device="Mi 6X", chipset="Snapdragon 660", maker="Qualcomm")
    assert has(rows, device="Mi 1", chipset="Snapdragon S3", maker="Qualcomm")


def check_product_lines(rows: list[Row]) -> None:
    assert has(rows, line="Redmi", product="Redmi Note 4")
    assert has(rows, line="Redmi", product="Redmi 5A")
    assert has(rows, line="Mi MIX series", product="Mi MIX 2")
    assert not has(rows, line="Redmi", product="Mi 6X")


def check_markets(rows: list[Row]) -> None:
    assert has(rows, organization="Xiaomi", market="India", how="operates in")
    # "At the Mi 6X launch event in Wuhan" (seeds/000)
    assert has(rows, market="Wuhan", product="Mi 6X", how="launched there")
    # "the Redmi Note 5A launch in Indonesia last December" (seeds/000)
    assert has(rows, market="Indonesia", product="Redmi Note 5A", how="launched there")
    # a reported figure names its subject (the organization was left empty before)
    assert has(rows, organization="Xiaomi", market="India", how="growth reported")


def check_figures(rows: list[Row]) -> None:
    # "As per IDC's report for Q3 2017, Xiaomi India shipped 9.2 million units in this quarter
    # and commands a 23.5% market share." (seeds/001)
    share = [
        r
        for r in rows
        if r["metric"] == "market share"
        and Decimal(r["value"]) == Decimal("23.5")
        and r.get("period") == "Q3 2017"
        and r.get("source") == "IDC"
        and "India" in (r.get("market"), r["subject"].replace("Xiaomi ", ""))
    ]
    assert share, [r for r in rows if r["metric"] == "market share"]
    assert share[0]["unit"] == "%"
    assert has(rows, subject="Xiaomi India", metric="shipments", period="Q3 2017", source="IDC")
    shipped = next(r for r in rows if r["subject"] == "Xiaomi India" and r["metric"] == "shipments")
    assert Decimal(shipped["value"]) == Decimal(9_200_000)


def check_figures_are_stated(rows: list[Row]) -> None:
    # "SmartStar had device number 011." (seeds/001) is a serial number, not a ranking.
    assert not has(rows, subject="SmartStar", metric="rank")


def check_events(rows: list[Row]) -> None:
    assert has(rows, event="Mi 6X launch", kind="launch", place="Wuhan", launched="Mi 6X")
    # "Mi A1 launch in India, September 2017" (seeds/000)
    assert has(rows, event="Mi A1 launch", place="India", date="2017-09", launched="Mi A1")
    # "at 2013 China Internet Conference today" (seeds/004)
    assert has(rows, event="2013 China Internet Conference", date="2013")


def check_timeline(rows: list[Row]) -> None:
    assert has(rows, what="founded", subject="Xiaomi")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert {d[:4] for d in dates} >= {"2010", "2011", "2017", "2019"}


def check_fans(rows: list[Row]) -> None:
    # "Lei Jun was a fan of Steve Jobs" (seeds/003)
    assert has(rows, person="Lei Jun", fanOf="Steve Jobs")
    # "Hong Jun, a Shanghai native" (seeds/001)
    assert has(rows, person="Hong Jun", basedIn="Shanghai")
    # "Ye Rong has been glued to his Mi MIX 2" (seeds/001)
    ye = next(r for r in rows if r["person"] == "Ye Rong")
    assert "Mi MIX 2" in ye["products"].split(", ")


def check_fans_are_people(rows: list[Row]) -> None:
    # "top museums including Centre Pompidou in France" (seeds/001): a museum, not a fan.
    assert "Centre Pompidou" not in {r["person"] for r in rows}


def check_evidence(rows: list[Row]) -> None:
    assert has(rows, subject="Xiaomi", predicate="founder", object="Lei Jun")
    assert has(rows, subject="Mi 6X", predicate="powered by", object="Snapdragon 660")
    for row in rows:
        text = document_text(row["document"])
        assert row["sentence"] in text
        assert text[int(row["start"]) : int(row["end"])] == row["sentence"]
        assert 0 <= Decimal(row["confidence"]) <= 1 and row["rule"]


def check_aliases(rows: list[Row]) -> None:
    aliases = {r["entity"]: r["aliases"].split(" | ") for r in rows}
    assert "Lei" in aliases["Lei Jun"]  # "Lei said" (seeds/000)
    assert "mainland China" in aliases["China"]
    assert {r["type"] for r in rows} <= {"Person", "Organization", "Product", "Market", "Event"}


def check_connections(rows: list[Row]) -> None:
    assert rows and {(r["from"], r["to"]) for r in rows} == {("Lei Jun", "India")}
    # Lei Jun is the CEO of Xiaomi, which operates in India.
    assert has(rows, p1="CEO", via="Xiaomi", p2="operates in")


def check_central(rows: list[Row]) -> None:
    assert (rows[0]["entity"], rows[0]["type"]) == ("Xiaomi", "Organization")
    counts = [int(r["relations"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert "Lei Jun" in [r["entity"] for r in rows[:5]]


#: Every named query, with its parameters and the checks of its answer on the seeds.
CHECKS: dict[str, tuple[dict[str, str], list[Callable[[list[Row]], None]]]] = {
    "founders": ({}, [check_founders]),
    "roles": ({}, [check_roles]),
    "structure": ({}, [check_structure]),
    "competitors": ({}, [check_competitors]),
    "partners": ({}, [check_partners]),
    "products": ({}, [check_products]),
    "product_facts": ({}, [check_product_facts]),
    "chipsets": ({}, [check_chipsets]),
    "product_lines": ({}, [check_product_lines]),
    "markets": ({}, [check_markets]),
    "figures": ({}, [check_figures, check_figures_are_stated]),
    "events": ({}, [check_events]),
    "timeline": ({}, [check_timeline]),
    "fans": ({}, [check_fans, check_fans_are_people]),
    "evidence": ({}, [check_evidence]),
    "aliases": ({}, [check_aliases]),
    "connections": ({"a": "Lei Jun", "b": "India"}, [check_connections]),
    "central": ({}, [check_central]),
}
CASES = [
    pytest.param(name, params, check, id=f"{name}-{check.__name__.removeprefix('check_')}")
    for name, (params, checks) in CHECKS.items()
    for check in checks
]


def test_every_named_query_has_checks() -> None:
    assert set(named_queries()) == set(CHECKS)


@pytest.mark.parametrize(("name", "params", "check"), CASES)
def test_named_query_answers(
    graph: Graph, name: str, params: dict[str, str], check: Callable[[list[Row]], None]
) -> None:
    rows = select(graph, name, **params)
    assert rows, f"{name} returned no rows"
    check(rows)


# ------------------------------------------------------------------ parameters


def test_timeline_year(graph: Graph) -> None:
    rows = select(graph, "timeline", year="2017")
    assert rows and {r["date"][:4] for r in rows} == {"2017"}
    assert has(rows, what="event", subject="Mi A1 launch")
    assert len(rows) < len(select(graph, "timeline"))


def test_timeline_period(graph: Graph) -> None:
    rows = select(graph, "timeline", period="Q3 2017")
    assert rows and all(r["what"].endswith(" Q3 2017") for r in rows)
    assert has(rows, what="market share Q3 2017", subject="Xiaomi India")


def test_evidence_for_one_entity(graph: Graph) -> None:
    rows = select(graph, "evidence", entity="Lei Jun")
    assert rows and all("Lei Jun" in (r["subject"], r["object"]) for r in rows)
    assert has(rows, subject="Lei Jun", predicate="fan of", object="Steve Jobs")
    assert len(rows) < len(select(graph, "evidence"))


def test_connections_needs_both_params(graph: Graph) -> None:
    from kg.errors import QueryError

    text = named_queries()["connections"].read_text(encoding="utf-8")
    assert required_params(text) == ["a", "b"]
    with pytest.raises(QueryError, match="--param b=VALUE"):
        run_query(graph, text, {"a": Literal("Lei Jun")})


def test_connections_of_unknown_names_are_empty(graph: Graph) -> None:
    assert select(graph, "connections", a="Nobody", b="India") == []


# ------------------------------------------------------------------ the query files


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_query_file_starts_with_a_comment_header(name: str) -> None:
    lines = named_queries()[name].read_text(encoding="utf-8").splitlines()
    assert re.match(r"# Q\d+\. [A-Z]\S* .{10,}", lines[0]), lines[0]


def test_queries_cover_the_18_competency_questions() -> None:
    numbers: dict[int, str] = {}
    for name, path in named_queries().items():
        match = re.match(r"# Q(\d+)\. ", path.read_text(encoding="utf-8"))
        assert match, name
        number = int(match.group(1))
        assert number not in numbers, f"Q{number} is in {numbers.get(number)} and {name}"
        numbers[number] = name
    assert sorted(numbers) == list(range(1, 19))


def test_evidence_sentences_are_in_the_seed_files(graph: Graph) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    rows = select(graph, "evidence") + select(graph, "figures")
    assert len(rows) > 50
    for row in rows:
        assert any(row["sentence"] in text for text in seeds), row["sentence"]
