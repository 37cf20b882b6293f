"""How fast ``kg load`` imports a generated N-Triples file into a new store, and its peak memory.

Each run is ``kg load FILE --store DIR`` in a child process, into a fresh store folder that is
removed afterwards; the child is reaped with ``os.wait4``, which gives its own CPU time and
maximum resident set size. Prints triples per second of wall time (target >= 100k/s) and the
peak memory (target < 1 GB), per run and as medians.

    python benchmarks/load.py                  # 1M triples, 3 runs
    python benchmarks/load.py --triples 100k --runs 5
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from pathlib import Path

from _common import DATA, Child, ensure_nt, kg_command, median, parse_size, run_child


def load_once(nt: Path, data: Path, triples: int) -> Child:
    """``kg load nt --store <fresh folder>``, checked; the folder is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="load-", dir=data))
    store = folder / "store"
    try:
        child = run_child([*kg_command(), "load", str(nt), "--store", str(store)])
        child.check("kg load")
        found = re.search(r": (\d+) triples", child.stdout)
        if not found or int(found.group(1)) != triples:
            raise SystemExit(f"kg load reported {child.stdout.strip()!r}, expected {triples}")
        return child
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=1_000_000, help="e.g. 100k, 1M")
    parser.add_argument("--runs", type=int, default=3, help="timed runs")
    parser.add_argument("--data", type=Path, default=DATA, help="folder for generated data")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    nt = ensure_nt(args.triples, args.data, args.seed)
    size_mb = nt.stat().st_size / 1e6
    print(f"kg load {nt} ({args.triples} triples, {size_mb:.0f} MB) --store <new folder>")
    load_once(nt, args.data, args.triples)  # warm-up: the file in the page cache
    runs: list[Child] = []
    print(f"{'run':>3} {'wall s':>7} {'cpu s':>7} {'triples/s':>10} {'max RSS MB':>11}")
    for i in range(args.runs):
        child = load_once(nt, args.data, args.triples)
        runs.append(child)
        rate = args.triples / child.wall
        print(
            f"{i + 1:>3} {child.wall:>7.2f} {child.cpu:>7.2f} {rate:>10.0f}"
            f" {child.maxrss_mb:>11.0f}"
        )
    wall = median([c.wall for c in runs])
    rss = median([c.maxrss_mb for c in runs])
    print(
        f"median: {args.triples / wall:,.0f} triples/s (target >= 100,000/s), wall {wall:.2f} s,"
        f" cpu {median([c.cpu for c in runs]):.2f} s; peak memory {rss:.0f} MB, worst"
        f" {max(c.maxrss_mb for c in runs):.0f} MB (target < 1000 MB); {args.runs} runs"
    )


if __name__ == "__main__":
    main()
