"""Five representative queries on one generated graph, in three engines, timed in one run.

(a) ``kg``: the store opened with ``kg.store.open_store`` (an ``rdflib.Graph`` on oxrdflib),
    queried with ``kg.query.run_query``, the path ``kg query`` takes;
(b) ``rdflib``: rdflib's default in-memory store, ``rdflib.Graph().parse(file)``, queried with
    ``graph.query(text)``;
(c) ``pyoxigraph``: the same store folder opened read-only with ``pyoxigraph.Store``,
    ``store.query(text)``.

Every run consumes every row and every value. Per query: the median time of each engine, the
speed-up of ``kg`` over rdflib, and the ratio of ``kg`` to raw pyoxigraph; then where ``kg``'s
time goes beyond pyoxigraph's, layer by layer.

    python benchmarks/queries.py                      # 1M triples
    python benchmarks/queries.py --triples 100k --repeats 9
    python benchmarks/queries.py --skip-rdflib
"""

from __future__ import annotations

import argparse
import gc
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    DATA,
    LOOKUP,
    PROLOGUE,
    ensure_nt,
    ensure_store,
    median,
    parse_size,
    pick_label,
    rss_mb,
)

#: name -> (what it is, SPARQL). ``$LABEL`` is replaced by a person's label found in the data.
QUERIES: dict[str, tuple[str, str]] = {
    "lookup": ("type + label lookup", LOOKUP),
    "two-hop": (
        "two-hop join with labels",
        """SELECT ?person ?org ?market WHERE {
  ?p schema:worksFor ?o . ?o kg:operatesIn ?m .
  ?p rdfs:label ?person . ?o rdfs:label ?org . ?m rdfs:label ?market
}""",
    ),
    "group-by": (
        "GROUP BY count",
        """SELECT ?predicate (COUNT(?st) AS ?statements) WHERE {
  ?st a rdf:Statement ; rdf:predicate ?predicate
}
GROUP BY ?predicate
ORDER BY DESC(?statements)""",
    ),
    "regex": (
        "label regex filter",
        """SELECT ?e ?label WHERE {
  ?e a kg:Product ; rdfs:label ?label .
  FILTER(REGEX(?label, " note [0-9]+ pro$", "i"))
}""",
    ),
    "provenance": (
        "OPTIONAL provenance lookup",
        """SELECT ?org ?product ?sentence ?rule ?confidence ?date WHERE {
  ?org kg:launched ?product .
  OPTIONAL {
    ?st rdf:subject ?org ; rdf:predicate kg:launched ; rdf:object ?product ;
        kg:sentence ?sentence ; kg:rule ?rule ; kg:confidence ?confidence .
    OPTIONAL { ?st kg:date ?date }
  }
}""",
    ),
}

#: The layers of kg's path, as printed: name -> what it adds to the layer before.
LAYERS = {
    "engine": "pyoxigraph alone: evaluation and its own terms (as the pyoxigraph column)",
    "oxrdflib": "+ plain oxrdflib Graph.query: from_ox() makes rdflib terms, a dict per row",
    "graph.query": "+ kg's store class (kg.store.open_store): its check of the query text",
    "run_query": "kg.query.run_query: check_query, then pyoxigraph straight, terms converted once",
    "rows": "+ iterating the Result as ResultRows (as the kg column, and the CLI)",
    "check_query": "kg.query.check_query(text) alone, once",
}


@dataclass
class Timing:
    """The times of one engine on one query."""

    seconds: list[float] = field(default_factory=list)
    rows: int = -1
    timed_out: bool = False

    @property
    def median(self) -> float:
        return median(self.seconds)


def timed(run: Callable[[], int]) -> tuple[float, int]:
    """Seconds taken by ``run()``, and the number of rows it returned."""
    gc.collect()
    started = time.perf_counter()
    rows = run()
    return time.perf_counter() - started, rows


class Timeout(Exception):
    """A run took longer than its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Timeout` in the main thread after ``seconds`` (rdflib runs Python code,
    which a signal handler interrupts between two bytecodes)."""

    def stop(signum: int, frame: Any) -> None:
        raise Timeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def consume_rdflib(result: Any) -> int:
    """Iterate an rdflib ``Result``: every row and every value, as the CLI's formatters do."""
    n = 0
    for row in result:
        for _value in row:
            pass
        n += 1
    return n


def consume_pyoxigraph(solutions: Any) -> int:
    n = 0
    for solution in solutions:
        for _value in solution:
            pass
        n += 1
    return n


def breakdown(graph: Any, raw: Any, text: str, repeats: int) -> dict[str, float]:
    """Median seconds of each layer of :data:`LAYERS` for one query."""
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.namespaces import PREFIXES
    from kg.query import check_query, run_query

    namespaces = {p: str(ns) for p, ns in PREFIXES.items()}
    plain_graph = Graph(
        store=OxigraphStore(store=graph.store._inner), identifier=DATASET_DEFAULT_GRAPH_ID
    )
    def check() -> int:
        check_query(text)
        return 0

    layers: dict[str, Callable[[], int]] = {
        "engine": lambda: consume_pyoxigraph(raw.query(text)),
        "oxrdflib": lambda: len(list(plain_graph.query(text, initNs=namespaces).bindings)),
        "graph.query": lambda: len(list(graph.query(text, initNs=namespaces).bindings)),
        "run_query": lambda: len(run_query(graph, text).bindings),
        "rows": lambda: consume_rdflib(run_query(graph, text)),
        "check_query": check,
    }
    times: dict[str, list[float]] = {name: [] for name in layers}
    for _ in range(repeats):
        for name, run in layers.items():
            times[name].append(timed(run)[0])
    return {name: median(times.get(name, [])) for name in LAYERS}


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN: not measured
        return "-"
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=1_000_000, help="e.g. 100k, 1M")
    parser.add_argument("--data", type=Path, default=DATA, help="folder for generated data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of kg and pyoxigraph")
    parser.add_argument("--rdflib-repeats", type=int, default=3, help="timed runs of rdflib")
    parser.add_argument(
        "--rdflib-budget",
        type=float,
        default=20.0,
        help="stop repeating an rdflib query once its runs took this many seconds",
    )
    parser.add_argument(
        "--rdflib-timeout",
        type=float,
        default=30.0,
        help="stop an rdflib run after this many seconds; its speed-up is then a lower bound",
    )
    parser.add_argument("--skip-rdflib", action="store_true", help="leave rdflib Memory out")
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the per-layer cost of kg's path"
    )
    parser.add_argument("--only", nargs="+", choices=list(QUERIES), help="run only these")
    args = parser.parse_args(argv)
    names: list[str] = args.only or list(QUERIES)

    nt = ensure_nt(args.triples, args.data, args.seed)
    store_path = ensure_store(nt)
    import pyoxigraph as ox

    from kg.query import run_query
    from kg.store import open_store

    graph, raw = open_store(store_path), ox.Store.read_only(str(store_path))
    label = pick_label(raw)
    texts = {n: PROLOGUE + QUERIES[n][1].replace("$LABEL", label) for n in names}
    print(f"data: {nt} ({args.triples} triples), store {store_path}; lookup label {label!r}")

    ours = {n: Timing() for n in names}
    oxi = {n: Timing() for n in names}
    for name in names:
        text = texts[name]
        # one warm-up run each, then alternate the engines so that noise hits both alike
        consume_rdflib(run_query(graph, text))
        consume_pyoxigraph(raw.query(text))

        def kg_run(text: str = text) -> int:
            return consume_rdflib(run_query(graph, text))

        def oxigraph_run(text: str = text) -> int:
            return consume_pyoxigraph(raw.query(text))

        for _ in range(args.repeats):
            t, ours[name].rows = timed(kg_run)
            ours[name].seconds.append(t)
            t, oxi[name].rows = timed(oxigraph_run)
            oxi[name].seconds.append(t)
        print(f"  {name}: kg {ms(ours[name].median)} ms, pyoxigraph {ms(oxi[name].median)} ms")

    layers: dict[str, dict[str, float]] = {}
    if not args.no_breakdown:
        for name in names:
            layers[name] = breakdown(graph, raw, texts[name], args.repeats)

    mem = {n: Timing() for n in names}
    parse_seconds = parse_mb = float("nan")
    if not args.skip_rdflib:
        parse_seconds, parse_mb = run_rdflib(args, nt, names, texts, mem)

    report(args, names, ours, oxi, mem, layers, parse_seconds, parse_mb)


def run_rdflib(
    args: argparse.Namespace,
    nt: Path,
    names: list[str],
    texts: dict[str, str],
    mem: dict[str, Timing],
) -> tuple[float, float]:
    """Parse ``nt`` into rdflib's Memory store and time the queries; return parse s and MB."""
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery("ASK {}")  # import the SPARQL machinery before timing anything
    before = rss_mb()
    started = time.perf_counter()
    memory = rdflib.Graph().parse(str(nt), format="nt")
    parse_seconds = time.perf_counter() - started
    parse_mb = rss_mb() - before
    print(
        f"rdflib Memory: {len(memory)} triples parsed in {parse_seconds:.1f} s, +{parse_mb:.0f} MB"
    )
    consume_rdflib(memory.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
    for name in names:
        spent = 0.0
        for _ in range(max(1, args.rdflib_repeats)):
            gc.collect()
            started = time.perf_counter()
            try:
                with time_limit(args.rdflib_timeout):
                    mem[name].rows = consume_rdflib(memory.query(texts[name]))
            except Timeout:
                mem[name].timed_out = True
            t = time.perf_counter() - started
            mem[name].seconds.append(t)
            spent += t
            if mem[name].timed_out or spent >= args.rdflib_budget:
                break
        runs = len(mem[name].seconds)
        note = f"stopped after {args.rdflib_timeout:g} s" if mem[name].timed_out else f"{runs} runs"
        print(f"  {name}: rdflib {ms(mem[name].median)} ms ({note})")
    del memory
    gc.collect()
    return parse_seconds, parse_mb


def report(
    args: argparse.Namespace,
    names: list[str],
    ours: dict[str, Timing],
    oxi: dict[str, Timing],
    mem: dict[str, Timing],
    layers: dict[str, dict[str, float]],
    parse_seconds: float,
    parse_mb: float,
) -> None:
    print()
    print(
        f"{args.triples} triples; median ms of {args.repeats} runs (kg, pyoxigraph), of up to"
        f" {args.rdflib_repeats} (rdflib; '>' = stopped at --rdflib-timeout)"
    )
    print(
        f"{'query':<11} {'rows':>6} {'rdflib':>9} {'kg':>8} {'pyoxigraph':>10}"
        f" {'speed-up':>9} {'kg/pyoxigraph':>13}"
    )
    speedups: list[float] = []
    raw_speedups: list[float] = []
    ratios: list[float] = []
    for name in names:
        counts = {ours[name].rows, oxi[name].rows}
        if mem[name].seconds and not mem[name].timed_out:
            counts.add(mem[name].rows)
        if len(counts) != 1:
            print(f"warning: {name}: the engines disagree on the number of rows: {counts}")
        speedup = mem[name].median / ours[name].median
        ratio = ours[name].median / oxi[name].median
        if speedup == speedup:
            speedups.append(speedup)
            raw_speedups.append(mem[name].median / oxi[name].median)
        ratios.append(ratio)
        bound = ">" if mem[name].timed_out else ""
        faster = f"{bound}{speedup:.1f}x" if speedup == speedup else "-"
        print(
            f"{name:<11} {ours[name].rows:>6} {bound + ms(mem[name].median):>9}"
            f" {ms(ours[name].median):>8} {ms(oxi[name].median):>10}"
            f" {faster:>9} {ratio:>12.2f}x"
        )
    if speedups:
        lower = " (a lower bound)" if any(mem[n].timed_out for n in names) else ""
        print(
            f"median speed-up of kg over rdflib Memory: {median(speedups):.1f}x{lower}"
            f" (target >= 20x); rdflib parsed the file in {parse_seconds:.1f} s, +{parse_mb:.0f} MB"
        )
        print(
            f"median speed-up of raw pyoxigraph over rdflib Memory: {median(raw_speedups):.1f}x"
            f"{lower} (the most kg can reach on this store without changing engine or storage)"
        )
    print(
        f"kg / raw pyoxigraph: median {median(ratios):.2f}x, worst {max(ratios):.2f}x"
        " (target <= 1.5x)"
    )
    if layers:
        print()
        print("where kg's time goes: median ms per layer")
        print(f"{'query':<11} " + " ".join(f"{c:>11}" for c in LAYERS))
        for name in names:
            print(f"{name:<11} " + " ".join(f"{ms(layers[name][c]):>11}" for c in LAYERS))
        for layer, meaning in LAYERS.items():
            print(f"  {layer:<12} {meaning}")


if __name__ == "__main__":
    main()
