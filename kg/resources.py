"""Package data: the ontology, patterns, rules and lexicons, loaded with importlib.resources."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from kg.errors import RuleFileError

__all__ = ["data_text", "read_jsonl", "read_json", "read_lines", "queries_dir"]


@cache
def data_text(name: str) -> str:
    """The text of ``kg/data/<name>``, read once per process (package data does not change
    while it runs; a long-running process or a later build need not reach the files again)."""
    return files("kg").joinpath("data", *name.split("/")).read_text(encoding="utf-8")


def _file_text(path: Path) -> str:
    """A file's text; a file of the package's own data (a packaged pack) through
    :func:`data_text`, so that it too is read once."""
    data = Path(str(files("kg").joinpath("data"))).resolve()
    try:
        return data_text(path.resolve().relative_to(data).as_posix())
    except ValueError:
        return path.read_text(encoding="utf-8")


def _parse_jsonl(text: str, origin: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleFileError(f"{origin}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise RuleFileError(f"{origin}:{number}: expected a JSON object")
        rows.append(row)
    return rows


def read_jsonl(source: str | Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file: a package data name (``str``) or a user file (``Path``)."""
    if isinstance(source, Path):
        try:
            return _parse_jsonl(_file_text(source), str(source))
        except OSError as exc:
            raise RuleFileError(f"{source}: {exc.strerror}") from None
    return _parse_jsonl(data_text(source), source)


def read_json(source: str | Path) -> Any:
    """A JSON document: a package data name (``str``) or a user file (``Path``)."""
    origin = str(source)
    try:
        text = _file_text(source) if isinstance(source, Path) else data_text(source)
        return json.loads(text)
    except OSError as exc:
        raise RuleFileError(f"{origin}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"{origin}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None


@cache
def read_lines(name: str) -> frozenset[str]:
    """Non-comment, non-blank lines of a package data file, lower-cased."""
    return frozenset(
        line.strip().lower()
        for line in data_text(name).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def queries_dir() -> Path:
    """The folder of named queries: packaged in the wheel, or ``queries/`` of a source checkout."""
    packaged = Path(str(files("kg").joinpath("queries")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "queries"
