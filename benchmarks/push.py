"""How fast ``kg push`` loads a generated graph into a local Oxigraph server (issue 11).

Starts ``oxigraph serve`` on a free port with a fresh store folder, then times ``kg push FILE
--store-url .../store`` as a child process: into the empty server, then again (the second push
replaces the first, so the server deletes the previous graph too). After each push the triples
in the named graph are counted through the server's query endpoint. Prints each run's wall
time and triples per second, against the target (1M triples in under 30 s).

    python benchmarks/push.py                  # 1M triples, 2 runs
    python benchmarks/push.py --triples 100k --runs 3
    python benchmarks/push.py --turtle         # the graph as Turtle (as a build writes it)
    python benchmarks/push.py --from-store     # read the graph from a store instead of a file

An N-Triples file is sent as it is; Turtle and a store are read and written again as N-Triples
by ``kg push`` (more client CPU).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _common import DATA, ensure_nt, ensure_store, kg_command, parse_size, run_child

TARGET_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``oxigraph serve`` on a free port, waited for; its process and base URL."""
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph server is missing: pip install oxigraph")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("oxigraph serve did not start") from None
            time.sleep(0.1)


def ensure_turtle(nt: Path) -> Path:
    """``nt`` written as Turtle with the project's prefixes (``<name>.ttl`` beside it)."""
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES

    ttl = nt.with_suffix(".ttl")
    if not ttl.is_file():
        partial = ttl.with_name(ttl.name + ".partial")
        with nt.open("rb") as stream, partial.open("wb") as out:
            ox.serialize(
                ox.parse(stream, ox.RdfFormat.N_TRIPLES),
                out,
                ox.RdfFormat.TURTLE,
                prefixes={p: str(ns) for p, ns in PREFIXES.items()},
            )
        partial.replace(ttl)
    return ttl


def count(base: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        f"{base}/query?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request) as answer:
        return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=1_000_000, help="e.g. 100k, 1M")
    parser.add_argument("--runs", type=int, default=2, help="pushes, each replacing the last")
    parser.add_argument("--data", type=Path, default=DATA, help="folder for generated data")
    parser.add_argument("--from-store", action="store_true", help="push the store, not the file")
    parser.add_argument("--turtle", action="store_true", help="push the graph as Turtle")
    args = parser.parse_args(argv)

    nt = ensure_nt(args.triples, args.data)
    source = ensure_store(nt) if args.from_store else ensure_turtle(nt) if args.turtle else nt
    folder = Path(tempfile.mkdtemp(prefix="push-", dir=args.data))
    process, base = start_server(folder / "db")
    graph = "urn:kg:graph"
    try:
        print(f"kg push --graph {source} --store-url {base}/store ({args.triples:,} triples)")
        print(f"{'run':>3} {'into':<22} {'wall s':>7} {'cpu s':>7} {'triples/s':>10}")
        walls = []
        for run in range(args.runs):
            child = run_child(
                [*kg_command(), "push", "--graph", str(source), "--store-url", f"{base}/store"]
            ).check("kg push")
            found = count(base, graph)
            if found != args.triples:
                raise SystemExit(f"the server holds {found} triples, expected {args.triples}")
            walls.append(child.wall)
            into = "an empty server" if run == 0 else "replacing the last push"
            print(
                f"{run + 1:>3} {into:<22} {child.wall:>7.2f} {child.cpu:>7.2f}"
                f" {args.triples / child.wall:>10,.0f}"
            )
        first = walls[0]
        scaled = first * 1_000_000 / args.triples
        verdict = "met" if scaled < TARGET_SECONDS else "NOT met"
        print(
            f"into an empty server: {first:.1f} s for {args.triples:,} triples ({scaled:.1f} s"
            f" per million; target < {TARGET_SECONDS:.0f} s: {verdict},"
            f" {scaled / TARGET_SECONDS:.2f}x of the budget)"
        )
        if len(walls) > 1:
            print(
                f"replacing: {max(walls[1:]) / first:.1f}x the first push (the server deletes"
                " the previous graph in one transaction)"
            )
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
