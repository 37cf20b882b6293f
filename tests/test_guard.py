"""Tests for kg.guard, the SPARQL safety check in a module of its own (issue 13, item 7): it
imports nothing from kg, so the store and the query runner use it without importing each other."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kg.query
from kg import guard
from kg.errors import QueryRefusedError

KG_DIR = Path(kg.query.__file__).parent


def kg_imports(module: str) -> set[str]:
    """The ``kg`` modules a module of the package imports, anywhere in it (inside functions
    too)."""
    tree = ast.parse((KG_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kg"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "kg":
                names = [f"{node.module}.{a.name}" for a in node.names]
                found |= {node.module} if node.module != "kg" else set(names)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.add("." * node.level + (node.module or ""))
    return found


def test_the_guard_imports_nothing_from_kg() -> None:
    assert kg_imports("guard") == set()


def test_importing_the_guard_loads_no_other_kg_module() -> None:
    code = "import sys, kg.guard; print(sorted(m for m in sys.modules if m.startswith('kg.')))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['kg.guard']"


def test_the_store_does_not_import_the_query_runner() -> None:
    """The cycle kg.query <-> kg.store is gone: the store checks queries with the guard."""
    assert "kg.store" in kg_imports("query")
    assert not {m for m in kg_imports("store") if m.startswith("kg.query")}
    assert "kg.guard" in kg_imports("store")


def test_the_load_graph_alias_is_gone() -> None:
    assert not hasattr(kg.query, "load_graph")


def test_the_guard_refuses_with_its_own_error() -> None:
    with pytest.raises(guard.Refused, match="SERVICE"):
        guard.check_query("SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }")
    assert guard.check_query("INSERT DATA { <a:b> <a:c> <a:d> }", allow_update=True) == "update"


def test_kg_turns_a_refusal_into_its_error() -> None:
    with pytest.raises(QueryRefusedError, match="LOAD is refused"):
        kg.query.check_query("LOAD <http://example.org/data.ttl>")
    with pytest.raises(QueryRefusedError, match="characters long"):
        kg.query.check_limits("#" * (guard.MAX_LENGTH + 1))
