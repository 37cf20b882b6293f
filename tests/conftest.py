"""Shared fixtures: the seed corpus built once per session with the real spaCy pipeline."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner

import kg.parse
import kg.pipeline
from kg.cli import cli
from kg.pipeline import BuildOptions, BuildResult, build
from kg.records import Document, Relation

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


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


@pytest.fixture(scope="session")
def pipelines() -> dict[Any, Any]:
    """The spaCy pipelines loaded so far: :func:`kg.parse.pipeline_for` loads each distinct
    one once per process, so the tests that ask for this share them."""
    return kg.parse._PIPELINES


def _browser_unavailable(reason: str) -> NoReturn:
    if os.environ.get("KG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KG_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium through Playwright; skipped when missing unless KG_REQUIRE_BROWSER=1."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _browser_unavailable("playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        _browser_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as err:
            _browser_unavailable(f"{CHROMIUM} did not start: {err}")
        yield browser
        browser.close()


INVENTED_NAMES = Path(__file__).resolve().parent / "data" / "invented_names.jsonl"


@pytest.fixture(scope="session")
def invented(pipelines: dict[tuple[Any, ...], Any]) -> Callable[..., list[Relation]]:
    """The relations the real build reads from one short text, with the invented names of
    ``tests/data/invented_names.jsonl`` as the only gazetteer and entity keys replaced by
    names: ``invented(text, rules=(path,))``."""

    def relations(text: str, rules: tuple[Path, ...] = ()) -> list[Relation]:
        document = Document(
            id="note.txt",
            path="note.txt",
            text=text,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
        options = BuildOptions(
            use_default_gazetteer=False, gazetteers=(INVENTED_NAMES,), rules=rules
        )
        entities, found, _figures = kg.pipeline.extract([document], options)
        names = {e.key: e.name for e in entities}
        return [
            replace(
                r,
                subject=names[r.subject],
                object=names.get(r.object, r.object) if isinstance(r.object, str) else r.object,
            )
            for r in found
        ]

    return relations
