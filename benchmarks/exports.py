"""What drawing the GEXF and GraphML exports costs (issue 13, item 5).

The exports carry each entity's PageRank, community, colour, size and a position from the
page's layout, so Gephi opens them drawn. On the synthetic graph of ``page.py`` (10,000
entities and 30,000 relations by default, the store reused from ``/tmp/bench``), one run
times, in this process:

- the view made and written by networkx as it is, as the GEXF export was before (the
  reference);
- ``kg.export`` in ``gexf`` and in ``graphml``, drawing included;
- the parts alone: the view, PageRank, communities, layout;

and prints each against the reference.

    python benchmarks/exports.py
    python benchmarks/exports.py --entities 2000 --relations 6000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import DATA
from page import ensure_graph


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--relations", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    import networkx as nx

    from kg.analyze import communities, pagerank
    from kg.export import export
    from kg.store import open_graph
    from kg.view import to_networkx
    from kg.visualize import _layout

    graph = open_graph(ensure_graph(args.entities, args.relations, DATA, args.seed))
    view_s, view = timed(lambda: to_networkx(graph))
    print(f"{view.number_of_nodes():,} entities, {view.number_of_edges():,} relations")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        bare = out / "bare.gexf"
        write_s, _ = timed(lambda: nx.write_gexf(view, bare, version="1.2draft"))
        reference = view_s + write_s
        rows = [("before: the view + nx.write_gexf", reference)]
        for fmt in ("gexf", "graphml"):
            seconds, _ = timed(lambda fmt=fmt: export(graph, fmt, out / f"graph.{fmt}"))
            rows.append((f"kg.export {fmt}, drawn", seconds))
        rows.append(("  the view alone", view_s))
        rows.append(("  PageRank alone", timed(lambda: pagerank(view))[0]))
        rows.append(("  communities alone", timed(lambda: communities(view))[0]))
        rows.append(("  layout alone", timed(lambda: _layout(view, list(view)))[0]))
        for name, seconds in rows:
            print(f"{name:<34} {seconds:7.2f} s  {seconds / reference:5.2f}x before")

if __name__ == "__main__":
    main()
