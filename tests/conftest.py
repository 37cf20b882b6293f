"""Shared fixtures: the seed corpus built once per session with the real spaCy pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.pipeline import BuildResult, build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_build() -> BuildResult:
    """The seeds built in process: documents, entities, relations, figures and the graph."""
    return build([SEEDS])


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``graph.ttl`` and ``graph.html`` written by ``kg build seeds --out``."""
    out = tmp_path_factory.mktemp("build")
    result = CliRunner().invoke(cli, ["build", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def seed_graph_file(seed_out: Path) -> Path:
    return seed_out / "graph.ttl"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
