"""Extraction quality and speed: the targets of issue 10, measured in one run.

Builds the development corpus (``../shared/devcorpus``) with and without the default
gazetteer and the seeds, scores each with ``kg eval`` against its gold file, and times
``kg build`` on the seeds against the same build by a baseline revision of ``kg`` (checked
out into a temporary git worktree), so the speed figures are ratios measured on one machine
in one run: the throughput (wall time of the command as a user runs it, which uses every
core) and the CPU time of one process (``--jobs 1``: what the engine and the two passes
cost).

    python benchmarks/extraction.py                 # all of it
    python benchmarks/extraction.py --no-baseline   # scores only
    python benchmarks/extraction.py --baseline REV  # another baseline (default: 2c51a0e)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "devcorpus"
BASELINE = "2c51a0e"  # main before the general relation engine (issue 10)

TARGETS = {
    ("dev", "entities f1"): 0.85,
    ("dev", "relations precision"): 0.85,
    ("dev", "relations recall"): 0.60,
    ("dev --no-default-gazetteer", "entities f1"): 0.80,
    ("dev --no-default-gazetteer", "relations recall"): 0.50,
    ("seeds", "entities f1"): 0.90,
    ("seeds", "relations precision"): 0.95,
    ("seeds", "relations recall"): 0.80,
}


def _kg(args: list[str], cwd: Path = ROOT, pythonpath: Path = ROOT) -> float:
    """Run ``python -m kg ARGS`` in ``cwd``; the CPU seconds it took (user + system)."""
    return _timed(args, cwd, pythonpath)[0]


def _timed(args: list[str], cwd: Path = ROOT, pythonpath: Path = ROOT) -> tuple[float, float]:
    """Run ``python -m kg ARGS`` in ``cwd``; (CPU seconds, wall seconds) it took."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, time.perf_counter() - start


def _score(out: Path, gold: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    text = subprocess.run(
        [sys.executable, "-m", "kg", "eval", str(gold), "--graph", str(out), "--format", "json"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(text)
    found: dict[str, float] = {}
    for part in ("entities", "relations"):
        tp = sum(int(s["tp"]) for s in report[part].values())
        fp = sum(int(s["fp"]) for s in report[part].values())
        fn = sum(int(s["fn"]) for s in report[part].values())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        found[f"{part} precision"] = precision
        found[f"{part} recall"] = recall
        found[f"{part} f1"] = 2 * precision * recall / (precision + recall) if tp else 0.0
    found["duplicates"] = float(len(report.get("duplicates", [])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to time against")
    parser.add_argument("--no-baseline", action="store_true", help="skip the speed ratio")
    args = parser.parse_args()
    texts = sorted(str(p) for p in DEV.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = {
            "dev": (["build", *texts, "--out", str(work / "dev"), "--no-html"], DEV / "gold.json"),
            "dev --no-default-gazetteer": (
                ["build", *texts, "--out", str(work / "devng"), "--no-html"]
                + ["--no-default-gazetteer"],
                DEV / "gold.json",
            ),
            "seeds": (
                ["build", "seeds", "--out", str(work / "seeds"), "--no-html"],
                ROOT / "tests" / "gold" / "seeds.json",
            ),
        }
        scores: dict[str, dict[str, float]] = {}
        for name, (build_args, gold) in runs.items():
            _kg(build_args)
            scores[name] = _score(Path(build_args[build_args.index("--out") + 1]), gold)
        print(f"{'corpus':<28} {'measure':<22} {'value':>7} {'target':>7}  met")
        for name, found in scores.items():
            for measure in (
                "entities f1",
                "relations precision",
                "relations recall",
                "relations f1",
                "duplicates",
            ):
                target = TARGETS.get((name, measure))
                if measure == "duplicates" and name == "seeds":
                    met = "yes" if found[measure] <= 2 else "NO"
                    shown = "<= 2"
                elif target is None:
                    met, shown = "", ""
                else:
                    met = "yes" if found[measure] >= target else "NO"
                    shown = f"{target:.2f}"
                print(f"{name:<28} {measure:<22} {found[measure]:7.3f} {shown:>7}  {met}")
        if args.no_baseline:
            return
        base = work / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            seeds = ["build", "seeds", "--no-html"]
            one = [*seeds, "--jobs", "1"]  # one process, as the baseline (it has no --jobs)
            ours: list[tuple[float, float]] = []
            alone: list[tuple[float, float]] = []
            theirs: list[tuple[float, float]] = []
            for run in range(3):  # interleaved: the machine's load falls on both alike
                ours.append(_timed([*seeds, "--out", str(work / f"t-ours{run}")]))
                alone.append(_timed([*one, "--out", str(work / f"t-one{run}")]))
                theirs.append(
                    _timed([*seeds, "--out", str(work / f"t-base{run}")], cwd=base, pythonpath=base)
                )
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False
            )

        def median(runs: list[tuple[float, float]], which: int) -> float:
            """The median of the runs: one slow run (the machine is shared) moves it little."""
            return statistics.median(r[which] for r in runs)

        wall = median(ours, 1) / median(theirs, 1)
        print(
            f"kg build on the seeds, wall (the default command): {median(ours, 1):.1f} s; "
            f"baseline {args.baseline}: {median(theirs, 1):.1f} s; throughput ratio {wall:.2f} "
            f"(target <= 1.00, {'met' if wall <= 1.0 else 'NOT met'})"
        )
        cpu = median(alone, 0) / median(theirs, 0)
        print(
            f"kg build on the seeds, CPU (one process, --jobs 1): {median(alone, 0):.1f} s; "
            f"baseline {args.baseline}: {median(theirs, 0):.1f} s; ratio {cpu:.2f} "
            "(the cost of the engine and the two passes; no target)"
        )

if __name__ == "__main__":
    main()
