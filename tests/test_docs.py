"""The documentation keeps up with the code: every command has help and is in the README, and
the README's setup commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_readme_python_example_runs(
    readme: str, seed_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    example = next(b for b in blocks if "open_graph" in b)
    (tmp_path / "exports").symlink_to(seed_out)
    monkeypatch.chdir(tmp_path)
    printed: list[str] = []
    exec(compile(example, "README.md", "exec"), {"print": printed.append})
    assert "market share Q3 2017" in printed[0] and re.search(r"\([1-5] rows?\)", printed[0])
