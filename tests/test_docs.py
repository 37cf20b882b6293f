"""The documentation keeps up with the code: every command has help and is in the README, and
the README's setup commands are the ones CI runs."""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
INSTALL_AND_BUILD = "pip install -e . && kg build"
INSTALL_AND_TEST = "pip install -e '.[test]' && pytest"
COMMANDS = sorted(cli.commands)


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_the_commands() -> None:
    assert {"build", "query", "queries", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, name
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"kg {name} {param.opts[0]} has no help"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and command.help.split()[0] in result.stdout
    listing = CliRunner().invoke(cli, ["--help"]).stdout
    assert re.search(rf"^  {name} +\S", listing, re.MULTILINE), listing


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(readme: str, name: str) -> None:
    assert re.search(rf"\bkg {re.escape(name)}\b", readme), f"`kg {name}` is not in README.md"


@pytest.mark.parametrize("command", [INSTALL_AND_BUILD, INSTALL_AND_TEST])
def test_readme_setup_commands(readme: str, command: str) -> None:
    assert command in readme


def test_ci_runs_the_readme_test_command() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert INSTALL_AND_TEST in [line.strip() for line in lines]


def test_readme_python_session_runs(
    readme: str, tmp_path: Path, pipelines: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's "From Python" session, run as a doctest from a folder holding the seeds:
    it builds them, then queries the build it wrote (issue 13, item 6)."""
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    session = next(b for b in blocks if b.startswith(">>> import kg"))
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    test = doctest.DocTestParser().get_doctest(session, {}, "README From Python", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    monkeypatch.chdir(tmp_path)
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert runner.tries >= 8 and (tmp_path / "exports" / "graph.ttl").is_file()
