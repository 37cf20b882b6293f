"""``kg show``: one entity of the seed graph by any of its names (kg/show.py, kg/cli.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.graph import entity_iri
from kg.show import EntityNotFoundError, describe, find_entity, format_entity


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def seed_graph(seed_graph_file: Path) -> Graph:
    return Graph().parse(seed_graph_file, format="turtle")


def _show(runner: CliRunner, name: str, graph_file: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["show", name, "--graph", str(graph_file), *args])
    return result.exit_code, result.output


def test_show_by_honorific_and_short_name(runner: CliRunner, seed_graph_file: Path) -> None:
    code, output = _show(runner, "Mr. Lei", seed_graph_file, "--sentences")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "Lei Jun  (Person)"
    aliases = next(line for line in lines if line.strip().startswith("aliases:"))
    assert "Lei" in [a.strip() for a in aliases.split(":", 1)[1].split(" | ")]
    mentions = re.search(r"^  mentions:  (\d+) in (\d+) document\(s\)$", output, re.MULTILINE)
    assert mentions is not None, output
    assert int(mentions.group(1)) >= 5
    assert int(mentions.group(2)) >= 2
    relations = re.search(r"^  relations: (\d+) \(\d+ statements\)$", output, re.MULTILINE)
    assert relations is not None and int(relations.group(1)) >= 1, output
    assert "<- founder Xiaomi" in output or "<- CEO Xiaomi" in output
    quoted = [line for line in lines if line.startswith("      “")]
    assert any("Lei Jun" in line and "; rule " in line for line in quoted), output


def test_show_by_forum_name(runner: CliRunner, seed_graph_file: Path) -> None:
    code, output = _show(runner, "SmartStar", seed_graph_file)
    assert code == 0, output
    assert output.splitlines()[0] == "Hong Jun  (Person)"
    assert "SmartStar" in output.splitlines()[2]


def test_show_is_case_insensitive(runner: CliRunner, seed_graph_file: Path) -> None:
    code, output = _show(runner, "lei jun", seed_graph_file)
    assert code == 0, output
    assert output.startswith("Lei Jun  (Person)")


def test_show_typo_suggests_the_closest_name(runner: CliRunner, seed_graph_file: Path) -> None:
    code, output = _show(runner, "Xiomi", seed_graph_file)
    assert code == 1
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) == 1
    assert output.startswith("Error: no entity named 'Xiomi'")
    assert "closest: Xiaomi" in output


def test_show_unknown_name_is_one_line(runner: CliRunner, seed_graph_file: Path) -> None:
    code, output = _show(runner, "Quuxly Zorp", seed_graph_file)
    assert code == 1
    assert "Traceback" not in output
    assert output.strip().splitlines() == ["Error: no entity named 'Quuxly Zorp'"]


def test_find_entity_raises_with_closest(seed_graph: Graph) -> None:
    assert find_entity(seed_graph, "Mr. Lei") == [entity_iri("person/lei-jun")]
    with pytest.raises(EntityNotFoundError, match="closest: Xiaomi"):
        find_entity(seed_graph, "Xiomi")


def test_describe_and_format(seed_graph: Graph) -> None:
    view = describe(seed_graph, entity_iri("person/hong-jun"))
    assert (view.name, view.type) == ("Hong Jun", "Person")
    assert "SmartStar" in view.aliases
    assert sum(len(m) for m in view.mentions.values()) >= 2
    text = format_entity(view, limit=1)
    for path, mentions in view.mentions.items():
        assert f"    {path}: {len(mentions)}" in text
    shown = [line for line in text.splitlines() if re.match(r"^      \d+-\d+", line)]
    assert len(shown) == len(view.mentions)  # one mention per document with limit=1


def test_show_groups_repeated_relations(runner: CliRunner, seed_graph_file: Path) -> None:
    """Issue 13: a relation stated by six sentences is one line saying so, not six lines;
    ``--sentences`` lists the sentences under it."""
    code, brief = _show(runner, "Xiaomi", seed_graph_file)
    assert code == 0, brief
    header = re.search(
        r"^  relations: (\d+) \((\d+) statements; --sentences lists them\)$", brief, re.MULTILINE
    )
    assert header, brief
    rows = re.findall(r"^    (\S.*)  \((\d+) sentences?\)$", brief, re.MULTILINE)
    assert len(rows) == int(header[1])
    assert len({line for line, _ in rows}) == len(rows)  # each relation once
    assert any(int(n) > 1 for _, n in rows)  # some are stated more than once ...
    assert "“" not in brief.split("  relations: ")[1]  # ... and no sentence is quoted
    code, full = _show(runner, "Xiaomi", seed_graph_file, "--sentences")
    assert code == 0, full
    listed = full.split("  relations: ")[1].split("\n  figures:")[0].splitlines()[1:]
    for line, count in rows:
        start = listed.index(f"    {line}  ({count} sentence{'s' if count != '1' else ''})")
        quoted = 0
        for row in listed[start + 1 :]:
            if not row.startswith("      “"):
                break
            quoted += 1
        assert quoted == int(count), line
