"""The `kg serve` page as a workbench (issue 13 item 2): parameters with inputs and alias-aware
suggestions, entity links and the entity view, search, downloads, the graph page link. Checked
over HTTP (urllib, SPARQLWrapper) and in headless Chromium against a real `kg serve` process."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from SPARQLWrapper import CSV, SPARQLWrapper
from test_serve import Server, request, start_server, stop_server

from kg.query import named_queries
from kg.visualize import COLORS

DATA = Path(__file__).resolve().parent / "data"
WORKBENCH = DATA / "workbench.ttl"
CONNECTIONS = named_queries()["connections"].read_text(encoding="utf-8")
EVIDENCE = named_queries()["evidence"].read_text(encoding="utf-8")
KGR = "https://w3id.org/kg/id/"
ORBO = """SELECT ?org ?name ?person WHERE {
  ?org a kg:Organization ; rdfs:label ?name ; kg:ceo ?p . ?p rdfs:label ?person }"""


@pytest.fixture(scope="module")
def bench() -> Iterator[Server]:
    """`kg serve` on the invented graph, an RDF file: no graph page."""
    running = start_server(WORKBENCH, "--timeout", "5")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def seeds(seed_out: Path) -> Iterator[Server]:
    """`kg serve` on a build folder of the seeds, which has a graph page."""
    running = start_server(seed_out, "--timeout", "5", "--max-rows", "60")
    yield running
    stop_server(running)


def form(server: Server, query: str, accept: str = "", **params: str) -> Any:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    body = urllib.parse.urlencode({"query": query, **params}).encode()
    return request(server.endpoint, data=body, headers=headers)


def rows(reply: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(reply.body)))


# ------------------------------------------------------------------ over HTTP


def test_queries_list_every_parameter_with_its_kind(bench: Server) -> None:
    named = {q["name"]: q for q in json.loads(request(bench.url + "queries").body)}
    assert named["timeline"]["params"] == [
        {"name": "year", "required": False, "kind": "year"},
        {"name": "period", "required": False, "kind": "period"},
        {"name": "open", "required": False, "kind": "flag"},
    ]
    assert named["evidence"]["params"][0] == {"name": "entity", "required": False, "kind": "entity"}
    assert [p["name"] for p in named["connections"]["params"] if p["required"]] == ["a", "b"]
    assert named["connections"]["requires"] == ["a", "b"]


def test_an_entity_parameter_takes_any_alias_over_http(bench: Server) -> None:
    """Issue 13: parameters had to be exact canonical names ("Mr. Lei" gave 0 rows)."""
    params = {"param.a": "ms. roe", "param.b": "FREEDONIA"}
    reply = form(bench, CONNECTIONS, "text/csv", **params)
    assert reply.status == 200
    assert ["Jane Roe", "CEO", "Orbo Labs", "operates in", "Freedonia"] in rows(reply)
    assert urllib.parse.unquote(reply.headers["KG-Note"]) == (
        '?a: "ms. roe" is Jane Roe (Person) | ?b: "FREEDONIA" is Freedonia (Market)'
    )
    client = SPARQLWrapper(bench.endpoint)  # a client that knows nothing of kg
    client.setQuery(EVIDENCE)
    client.addParameter("param.entity", "Núñez")
    client.setReturnFormat(CSV)
    answer = client.query()
    table = list(csv.reader(io.StringIO(answer.convert().decode("utf-8"))))  # type: ignore[union-attr]
    assert [r[:3] for r in table[1:]] == [["Ana Núñez", "attended", "Orbo Summit 2031"]]
    assert (
        urllib.parse.unquote(answer.info()["kg-note"]) == '?entity: "Núñez" is Ana Núñez (Person)'
    )


def test_a_value_naming_nothing_is_noted_over_http(bench: Server) -> None:
    reply = form(bench, EVIDENCE, "text/csv", **{"param.entity": "Jane Rue"})
    assert reply.status == 200 and rows(reply)[1:] == []
    note = urllib.parse.unquote(reply.headers["KG-Note"])
    assert note == '?entity: no entity named "Jane Rue"; closest: Jane Roe'
    plain = form(bench, ORBO, "text/csv", **{"param.name": "orbo"})  # no header: not resolved
    assert plain.status == 200 and rows(plain)[1:] == [] and "KG-Note" not in plain.headers


def test_suggestions_over_http(bench: Server) -> None:
    found = json.loads(request(bench.url + "suggest?kind=entity&q=ms.+roe").body)
    assert found[0] == {
        "value": "Jane Roe",
        "iri": KGR + "person/jane-roe",
        "label": "Jane Roe",
        "type": "Person",
        "alias": "Ms. Roe",
    }
    years = json.loads(request(bench.url + "suggest?kind=year&q=20").body)
    assert years == [{"value": "2031"}]
    assert request(bench.url + "suggest?kind=colour&q=x").status == 400
    refused = request(bench.url + "suggest?kind=entity&q=roe", headers={"Host": "evil.example"})
    assert refused.status == 403


def test_results_for_the_page_name_their_entities(bench: Server) -> None:
    marked = json.loads(form(bench, ORBO, annotate="1").body)
    entities = marked["kg"]["entities"]
    assert entities["iris"][KGR + "organization/orbo-labs"]["label"] == "Orbo Labs"
    assert entities["labels"]["Jane Roe"] == {
        "iri": KGR + "person/jane-roe",
        "label": "Jane Roe",
        "type": "Person",
    }
    plain = json.loads(form(bench, ORBO).body)  # SPARQL clients get the standard document
    assert "kg" not in plain and plain["results"] == marked["results"]


def test_the_graph_page_is_served_for_a_build(seeds: Server, bench: Server) -> None:
    page = request(seeds.url + "graph")
    assert page.status == 200 and "vis-network" in page.body
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert '"graphPage": true' in request(seeds.url).body
    missing = request(bench.url + "graph")
    assert missing.status == 404 and "no graph page" in missing.body
    assert '"graphPage": false' in request(bench.url).body


def test_names_follow_a_new_build(tmp_path: Path) -> None:
    """The server's catalog of names is read again when a new build is switched in."""
    out = tmp_path / "out"
    (out / "gen-000001").mkdir(parents=True)
    shutil.copy(WORKBENCH, out / "gen-000001" / "graph.ttl")
    (out / "current").symlink_to("gen-000001")
    running = start_server(out)
    try:
        assert json.loads(request(running.url + "suggest?q=roe").body)[0]["value"] == "Jane Roe"
        (out / "gen-000002").mkdir()
        text = WORKBENCH.read_text(encoding="utf-8").replace('"Jane Roe"', '"Jane Roe-Smith"')
        (out / "gen-000002" / "graph.ttl").write_text(text, encoding="utf-8")
        (out / "next").symlink_to("gen-000002")
        os.replace(out / "next", out / "current")
        found = json.loads(request(running.url + "suggest?q=roe").body)
        assert found[0]["value"] == "Jane Roe-Smith"
        reply = form(running, CONNECTIONS, "text/csv", **{"param.a": "ms roe", "param.b": "orbo"})
        assert ["Jane Roe-Smith", "CEO", "", "", "Orbo Labs"] in rows(reply)
    finally:
        stop_server(running)


def test_the_page_colours_types_as_the_graph_page_does() -> None:
    from kg.resources import data_text

    found = re.search(r"const COLOURS = (\{.*?\});", data_text("templates/serve.html"))
    assert found and json.loads(found.group(1)) == COLORS


# ------------------------------------------------------------------ in Chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that fails the test on a script error or a request to another origin."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.errors = []
    tab.requests = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("request", lambda r: tab.requests.append(r.url))
    yield tab
    errors, requests = tab.errors, tab.requests
    tab.close()
    assert errors == [], errors
    assert all(u.startswith("http://127.0.0.1") or u.startswith("blob:") for u in requests)


def open_page(page: Any, server: Server) -> None:
    page.goto(server.url)
    page.wait_for_selector("#named option[value=timeline]", state="attached")


def run_sparql(page: Any, query: str) -> None:
    page.select_option("#named", "")
    page.fill("#query", query)
    page.click("#run")
    page.wait_for_selector("#status:has-text('row')")


def test_browser_every_parameter_has_an_input(page: Any, bench: Server) -> None:
    open_page(page, bench)
    inputs = "els => els.map(e => [e.name, e.type, e.required])"
    page.select_option("#named", "timeline")
    assert page.eval_on_selector_all("#params input", inputs) == [
        ["year", "text", False],
        ["period", "text", False],
        ["open", "checkbox", False],
    ]
    page.select_option("#named", "evidence")
    assert page.eval_on_selector_all("#params input", inputs)[0] == ["entity", "text", False]
    page.select_option("#named", "connections")
    assert page.eval_on_selector_all("#params input", inputs)[:2] == [
        ["a", "text", True],
        ["b", "text", True],
    ]


def test_browser_suggestions_are_alias_aware(page: Any, bench: Server) -> None:
    open_page(page, bench)
    page.select_option("#named", "connections")
    page.fill("#params input[name=a]", "ms. ro")
    page.wait_for_selector("#suggest-a option[value='Jane Roe']", state="attached")
    assert "Ms. Roe" in page.inner_html("#suggest-a")
    page.select_option("#named", "timeline")
    page.focus("#params input[name=period]")
    page.wait_for_selector("#suggest-period option[value='Q2 2031']", state="attached")


def test_browser_runs_a_named_query_with_aliases_and_shows_the_notes(
    page: Any, bench: Server
) -> None:
    open_page(page, bench)
    page.select_option("#named", "connections")
    page.fill("#params input[name=a]", "ms. roe")
    page.fill("#params input[name=b]", "freedonia")
    page.click("#run")
    page.wait_for_selector("#results table")
    assert "Jane Roe" in page.inner_text("#results")
    assert page.inner_text("#notes").splitlines() == [
        '?a: "ms. roe" is Jane Roe (Person)',
        '?b: "freedonia" is Freedonia (Market)',
    ]
    page.fill("#params input[name=a]", "Jane Rue")
    page.click("#run")
    page.wait_for_selector("#notes li:has-text('no entity named')")
    assert "closest: Jane Roe" in page.inner_text("#notes")


def test_browser_entity_view_has_colours_legend_and_evidence(page: Any, bench: Server) -> None:
    open_page(page, bench)
    run_sparql(page, ORBO)
    link = page.locator("#results a.entity", has_text="Orbo Labs")  # an IRI, shown by its name
    assert link.count() == 2  # the IRI cell and the name cell
    link.first.click()
    page.wait_for_selector("#relations li.relation")
    assert page.inner_text("#entity-title") == "Orbo Labs"
    badge = page.eval_on_selector("#entity-type", "e => [e.textContent, e.style.background]")
    assert badge == ["Organization", _rgb(COLORS["Organization"])]
    fills = page.eval_on_selector_all(
        "#graph circle", "cs => cs.map(c => [c.getAttribute('data-type'), c.getAttribute('fill')])"
    )
    assert sorted(set(map(tuple, fills))) == sorted(
        (t, COLORS[t]) for t in ("Organization", "Person", "Product", "Market")
    )
    legend = page.eval_on_selector_all("#legend .legend-item", "es => es.map(e => e.textContent)")
    assert legend == ["Person", "Organization", "Product", "Market"]
    ceo = page.locator("#relations li.relation", has_text="CEO")
    assert ceo.count() == 1  # one entry for the relation, with both its sentences
    text = ceo.inner_text()
    assert "(2 sentences)" in text
    assert "Orbo Labs named Jane Roe its chief executive." in text and "notes/orbo.txt" in text
    assert "Ms. Roe has run Orbo since the spring." in text and "notes/summit.md" in text
    page.locator("#relations a.entity", has_text="Jane Roe").click()  # on to a neighbour
    page.wait_for_selector("#entity-title:text('Jane Roe')")
    assert "also: Ms. Roe | Roe" in page.inner_text("#entity-facts")
    assert "← CEO" in page.inner_text("#relations")


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_browser_search_by_name_or_alias(page: Any, bench: Server) -> None:
    open_page(page, bench)
    page.fill("#search", "nunez")  # no match: the name is written with accents
    page.wait_for_selector("#search-results li:has-text('nothing named')")
    page.fill("#search", "núñez")
    page.wait_for_selector("#search-results li[data-iri]")
    assert page.inner_text("#search-results li[data-iri]").startswith("Ana Núñez")
    page.press("#search", "Enter")
    page.wait_for_selector("#entity-title:text('Ana Núñez')")
    assert "attended" in page.inner_text("#relations")
    page.fill("#search", "orbo-labs grou")  # an alias, folded
    page.wait_for_selector("#search-results li[data-iri]")
    first = page.locator("#search-results li[data-iri]").first
    assert "Orbo Labs" in first.inner_text() and "Orbo-Labs Group" in first.inner_text()
    first.dispatch_event("mousedown")
    page.wait_for_selector("#entity-title:text('Orbo Labs')")
    assert page.url.endswith("#entity=" + urllib.parse.quote(KGR + "organization/orbo-labs", ""))


def test_browser_downloads_csv_and_json(page: Any, bench: Server) -> None:
    open_page(page, bench)
    assert page.is_disabled("#download-csv")
    run_sparql(page, ORBO)
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text))) == [
        ["org", "name", "person"],
        [KGR + "organization/orbo-labs", "Orbo Labs", "Jane Roe"],
    ]
    assert csv_download.value.suggested_filename == "results.csv"
    with page.expect_download() as json_download:
        page.click("#download-json")
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["head"]["vars"] == ["org", "name", "person"] and "kg" not in data
    assert data["results"]["bindings"][0]["person"] == {"type": "literal", "value": "Jane Roe"}


def test_browser_links_every_entity_of_every_named_query(page: Any, seeds: Server) -> None:
    """Every result table of every named query: each cell naming an entity is a link."""
    labels = {
        r[0]
        for r in rows(
            form(
                seeds,
                "SELECT DISTINCT ?l WHERE { VALUES ?c { kg:Person kg:Organization kg:Product"
                " kg:Market kg:Event } ?e a ?c ; rdfs:label ?l }",
                "text/csv",
            )
        )[1:]
    }
    open_page(page, seeds)
    linked_total = 0
    for name in named_queries():
        page.select_option("#named", name)
        for field, value in (("a", "Lei Jun"), ("b", "India")):
            if page.locator(f"#params input[name={field}]").count():
                page.fill(f"#params input[name={field}]", value)
        page.click("#run")
        page.wait_for_function("() => !document.getElementById('status').textContent.endsWith('…')")
        assert "row" in page.inner_text("#status"), (name, page.inner_text("#status"))
        cells = page.eval_on_selector_all(
            "#results td", "tds => tds.map(td => [td.textContent, !!td.querySelector('a.entity')])"
        )
        unlinked = [text for text, linked in cells if text in labels and not linked]
        assert unlinked == [], (name, unlinked[:5])
        linked_total += sum(linked for _, linked in cells)
    assert linked_total > 100
    page.select_option("#named", "founders")
    page.click("#run")
    page.locator("#results a.entity", has_text="Lei Jun").first.click()
    page.wait_for_selector("#relations li.relation")
    assert page.inner_text("#entity-title") == "Lei Jun"
    assert "000_afd3efae93d1f729.txt" in page.inner_text("#relations")  # the document


def test_browser_graph_page_link(page: Any, seeds: Server, bench: Server) -> None:
    open_page(page, bench)
    assert page.is_hidden("#graph-link")
    open_page(page, seeds)
    assert page.is_visible("#graph-link")
    with page.context.expect_page() as opened:
        page.click("#graph-link")
    graph = opened.value
    problems: list[str] = []
    graph.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    graph.on("pageerror", lambda e: problems.append(str(e)))
    graph.wait_for_load_state("load")
    assert graph.url == seeds.url + "graph"
    graph.wait_for_selector("canvas")
    time.sleep(0.5)
    graph.close()
    assert problems == []


def test_browser_hostile_names_stay_text(browser: Any) -> None:
    """Labels, aliases and sentences come from documents: never markup on the page."""
    running = start_server(DATA / "tiny.ttl")
    tab = browser.new_page()
    try:
        tab.goto(running.url)
        tab.fill("#search", "<script")
        tab.wait_for_selector("#search-results li[data-iri]")
        tab.press("#search", "Enter")
        tab.wait_for_selector("#relations li.relation")
        run_sparql(tab, "SELECT ?who ?l WHERE { ?who a kg:Person ; rdfs:label ?l }")
        tab.locator("#results a.entity").first.click()
        tab.wait_for_selector("#relations li.relation")
        assert "window.__xss=3" in tab.inner_text("#relations")
        assert tab.evaluate("window.__xss") is None
        assert tab.locator("#results img, #relations img, #search-results img").count() == 0
    finally:
        tab.close()
        stop_server(running)
