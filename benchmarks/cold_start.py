"""How long ``kg query`` takes as a whole process, from start to exit.

1. ``kg query founders --graph exports`` (the seed build; ``kg build`` runs first when
   ``exports/store`` is missing) against ``python -c "import rdflib"``: the median of several
   runs each, and their ratio (target <= 2x);
2. a type + label lookup on a 1M-triple store, ``kg query '<sparql>' --graph STORE``: the
   child's CPU time (user + sys, from ``os.wait4``) and wall time (target < 1 s).

With ``--named SECONDS``, 3. every named query once on that store, each stopped after SECONDS.
All use this interpreter's ``kg`` script (never a pyenv shim, which adds its own start-up).

    python benchmarks/cold_start.py
    python benchmarks/cold_start.py --runs 20 --importtime --named 20
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from _common import (
    DATA,
    LOOKUP,
    PROLOGUE,
    Child,
    ensure_nt,
    ensure_store,
    kg_command,
    median,
    parse_size,
    pick_label,
    run_child,
)

REPO = Path(__file__).resolve().parent.parent


def summary(children: list[Child]) -> tuple[float, float, float]:
    """Median wall seconds, CPU seconds and max RSS (MB) of finished children."""
    return (
        median([c.wall for c in children]),
        median([c.cpu for c in children]),
        median([c.maxrss_mb for c in children]),
    )


def compare(name_a: str, cmd_a: list[str], name_b: str, cmd_b: list[str], runs: int) -> None:
    """Run both commands ``runs`` times, alternating (after one warm-up each), and print."""
    for cmd in (cmd_a, cmd_b):
        run_child(cmd, cwd=REPO).check(" ".join(cmd))
    a: list[Child] = []
    b: list[Child] = []
    for _ in range(runs):
        a.append(run_child(cmd_a, cwd=REPO).check(name_a))
        b.append(run_child(cmd_b, cwd=REPO).check(name_b))
    (wall_a, cpu_a, rss_a), (wall_b, cpu_b, rss_b) = summary(a), summary(b)
    print(f"{'':<36} {'wall s':>8} {'cpu s':>8} {'max RSS MB':>11}")
    print(f"{name_a:<36} {wall_a:>8.3f} {cpu_a:>8.3f} {rss_a:>11.0f}")
    print(f"{name_b:<36} {wall_b:>8.3f} {cpu_b:>8.3f} {rss_b:>11.0f}")
    print(
        f"ratio: wall {wall_a / wall_b:.2f}x, cpu {cpu_a / cpu_b:.2f}x (target <= 2x);"
        f" median of {runs} runs each"
    )


def importtime(kg_args: list[str], top: int) -> None:
    """The modules whose import took longest (cumulative), from ``python -X importtime``."""
    cmd = [sys.executable, "-X", "importtime", "-m", "kg", *kg_args]
    child = run_child(cmd, cwd=REPO).check("importtime")
    rows = []
    for line in child.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if found:
            rows.append((int(found.group(2)), len(found.group(3)) // 2, found.group(4)))
    total = sum(c for c, depth, _ in rows if depth == 0)
    print(f"imports of `kg {' '.join(kg_args)}`: {total / 1e6:.3f} s in all; the longest:")
    for cumulative, depth, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative / 1e3:8.1f} ms  {'  ' * depth}{name}")


def named(kg: list[str], store: Path, person: str, market: str, timeout: float) -> None:
    """Every named query once on ``store``, as a whole process stopped after ``timeout``."""
    from kg.query import named_queries

    print()
    print(f"3. every named query on {store}, as a whole process (--timeout {timeout:g})")
    print(f"{'query':<15} {'status':>6} {'wall s':>7} {'cpu s':>7} {'rows':>7}")
    for name in named_queries():
        cmd = [*kg, "query", name, "--graph", str(store), "--format", "tsv"]
        cmd += ["--timeout", f"{timeout:g}"]
        if name == "connections":  # needs two names: a person and a market
            cmd += ["--param", f"a={person}", "--param", f"b={market}"]
        child = run_child(cmd, cwd=REPO)
        rows = max(0, child.stdout.count("\n") - 1)
        status = {0: "ok", 3: "timeout"}.get(child.returncode, str(child.returncode))
        print(f"{name:<15} {status:>6} {child.wall:>7.2f} {child.cpu:>7.2f} {rows:>7}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command")
    parser.add_argument("--triples", type=parse_size, default=1_000_000, help="store size")
    parser.add_argument("--data", type=Path, default=DATA, help="folder for generated data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--importtime", action="store_true", help="also list the slowest imports of kg query"
    )
    parser.add_argument(
        "--named",
        type=float,
        metavar="SECONDS",
        help="also run every named query on the store, each stopped after SECONDS",
    )
    args = parser.parse_args(argv)
    kg = kg_command()

    exports = REPO / "exports"
    if not (exports / "store" / "CURRENT").is_file():
        print("exports/store is missing: running kg build", file=sys.stderr)
        run_child([*kg, "build", "--out", str(exports)], cwd=REPO).check("kg build")

    print(f"1. kg query founders --graph exports vs python -c 'import rdflib' ({kg[0]})")
    founders = [*kg, "query", "founders", "--graph", str(exports)]
    compare(
        "kg query founders --graph exports",
        founders,
        "python -c 'import rdflib'",
        [sys.executable, "-c", "import rdflib"],
        args.runs,
    )
    if args.importtime:
        importtime(founders[len(kg) :], top=15)

    nt = ensure_nt(args.triples, args.data, args.seed)
    store = ensure_store(nt)
    import pyoxigraph as ox

    raw = ox.Store.read_only(str(store))
    label, market = pick_label(raw), pick_label(raw, "Market")
    del raw
    lookup = [*kg, "query", PROLOGUE + LOOKUP.replace("$LABEL", label), "--graph", str(store)]
    print()
    print(f"2. type + label lookup on {store} ({args.triples} triples), as a whole process")
    run_child(lookup, cwd=REPO).check("kg query (lookup)")
    children = [run_child(lookup, cwd=REPO).check("kg query (lookup)") for _ in range(args.runs)]
    wall, cpu, rss = summary(children)
    rows = children[-1].stdout.strip().splitlines()[-1]
    print(
        f"kg query <lookup> --graph STORE: cpu {cpu:.3f} s (target < 1 s), wall {wall:.3f} s,"
        f" max RSS {rss:.0f} MB; worst cpu {max(c.cpu for c in children):.3f} s;"
        f" median of {args.runs} runs; {rows}"
    )
    if args.named:
        named(kg, store, label, market, args.named)


if __name__ == "__main__":
    main()
