"""Helpers shared by the benchmark scripts: test data, child processes, statistics."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generate import generate, parse_size

__all__ = [
    "DATA",
    "LOOKUP",
    "PROLOGUE",
    "pick_label",
    "Child",
    "ensure_nt",
    "ensure_store",
    "kg_command",
    "median",
    "parse_size",
    "rss_mb",
    "run_child",
    "size_label",
]

#: Where generated graphs and stores go (never inside the repository).
DATA = Path(os.environ.get("KG_BENCH_DATA", "/tmp/bench"))
#: Debian's browser and the flags the page benchmarks and the screenshots run it with.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


PROLOGUE = """\
PREFIX kg: <https://w3id.org/kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""

#: The type + label lookup; ``$LABEL`` is replaced by :func:`pick_label`'s label.
LOOKUP = """SELECT ?e ?kind WHERE {
  ?e a kg:Person ; rdfs:label "$LABEL" .
  OPTIONAL { ?e kg:kind ?kind }
}"""


def pick_label(store: Any, kind: str = "Person") -> str:
    """The least label of a ``kg:<kind>`` in a ``pyoxigraph.Store``, so all engines agree."""
    import pyoxigraph as ox

    query = PROLOGUE + f"SELECT (MIN(?l) AS ?l) WHERE {{ ?e a kg:{kind} ; rdfs:label ?l }}"
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        value = solution[0]
        if isinstance(value, ox.Literal):
            return value.value
    raise SystemExit(f"no kg:{kind} with an rdfs:label in the store")


def size_label(triples: int) -> str:
    """``1m`` for 1,000,000, ``100k`` for 100,000."""
    if triples % 1_000_000 == 0:
        return f"{triples // 1_000_000}m"
    if triples % 1_000 == 0:
        return f"{triples // 1_000}k"
    return str(triples)


def ensure_nt(triples: int, data: Path = DATA, seed: int = 42) -> Path:
    """The generated N-Triples file of this size and seed, written when missing."""
    suffix = "" if seed == 42 else f"-s{seed}"
    path = Path(data) / f"g{size_label(triples)}{suffix}.nt"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        partial = path.with_name(path.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            generate(triples, out, seed=seed)
        partial.replace(path)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def ensure_store(nt: Path) -> Path:
    """The store loaded from ``nt`` (``<name>.store`` beside it) with ``kg.store.load_files``.

    It is loaded into a staging folder and renamed, so an interrupted load is never reused.
    """
    from kg.store import is_store, load_files

    store = nt.with_suffix(".store")
    if not is_store(store):
        started = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=f".{store.name}-", dir=store.parent))
        load_files([nt], staging)
        staging.chmod(0o755)
        staging.rename(store)
        print(f"loaded {store} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return store


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_mb() -> float:
    """The current resident set size of this process, in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def kg_command() -> list[str]:
    """The ``kg`` console script of this interpreter (not a pyenv shim), else ``python -m kg``."""
    script = Path(sys.executable).parent / "kg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg"]


@dataclass
class Child:
    """A finished child process: wall time, CPU time, peak memory, status and output."""

    wall: float
    user: float
    sys: float
    maxrss_mb: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    def check(self, what: str) -> Child:
        if self.returncode != 0:
            raise SystemExit(f"{what} failed with status {self.returncode}:\n{self.stderr}")
        return self


def run_child(cmd: Sequence[str], *, cwd: Path | None = None) -> Child:
    """Run ``cmd`` and reap it with ``os.wait4``: its own rusage (CPU time, max RSS)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            wall=wall,
            user=usage.ru_utime,
            sys=usage.ru_stime,
            maxrss_mb=usage.ru_maxrss * 1024 / 1e6,  # ru_maxrss is in KiB on Linux
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
