"""The package keeps one place for each shared job (issue 13, item 7): one networkx view, the
analytics apart from their formatting, one table/CSV/JSON formatter, one IRI-to-CURIE helper,
one reader of the ontology. Each test reads the source, so a second copy fails it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kg.namespaces

KG_DIR = Path(kg.namespaces.__file__).parent
MODULES = sorted(KG_DIR.rglob("*.py"))


def source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def defined(path: Path) -> set[str]:
    """The functions and classes ``path`` defines at its top level."""
    tree = ast.parse(source(path))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def imported(path: Path) -> set[str]:
    """The modules ``path`` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_analyze_is_split_into_view_algorithms_and_formatting() -> None:
    assert "to_networkx" in defined(KG_DIR / "view.py")
    algorithms = defined(KG_DIR / "analyze.py")
    assert {"rank", "stats", "shortest_paths", "neighbors", "communities"} <= algorithms
    assert not {name for name in algorithms if name.startswith("format_")}
    assert not {"csv", "json", "io"} & imported(KG_DIR / "analyze.py")
    formatting = defined(KG_DIR / "report.py")
    assert {"format_stats", "format_ranking", "format_paths"} <= formatting
    assert "networkx" not in imported(KG_DIR / "report.py")


@pytest.mark.parametrize("module", ["query.py", "report.py", "eval.py"])
def test_tables_csv_and_json_come_from_one_formatter(module: str) -> None:
    assert "kg.tables" in imported(KG_DIR / module)
    text = source(KG_DIR / module)
    assert "csv.writer(" not in text and "json.dumps(" not in text
    assert '"-" * ' not in text  # the rule under a table's headers is drawn in kg.tables only


def test_one_iri_to_curie_helper() -> None:
    """Only kg.namespaces turns an IRI into ``prefix:local`` by looking through PREFIXES."""
    shortening = re.compile(r"startswith\(str\((ns|namespace)\)\)")
    copies = [p.name for p in MODULES if shortening.search(source(p))]
    assert copies == []
    assert kg.namespaces.curie("https://w3id.org/kg/ontology#ceo") == "kg:ceo"


def test_one_reader_of_the_ontology() -> None:
    readers = [p.relative_to(KG_DIR).as_posix() for p in MODULES if "ontology.ttl" in source(p)]
    assert readers == ["ontology.py"]
    loaders = [p.name for p in MODULES if any("ontology" in name for name in defined(p))]
    assert loaders == ["ontology.py"]
    for module in ("visualize.py", "analyze.py"):  # the page and the analytics name predicates
        assert "kg.ontology" in imported(KG_DIR / module)
