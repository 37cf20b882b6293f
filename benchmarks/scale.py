"""Issue 11's scale targets for ``kg build``, each a ratio measured in one run.

- throughput: CPU time (user + sys of the process tree) of ``kg build --jobs 1`` over a bare
  ``nlp.pipe`` with the same components (``kg.nlp.load_pipeline()``, default options, in a
  child process) on the same non-blank lines (``kg.mentions.split_lines`` of each file's
  text): <= 1.25x at both sizes, and the same ratio at both (within 10%); with ``--repeat N``
  the least CPU of N runs of each, kg and bare taking turns (one run swings with the machine);
- parallel: wall time of ``--jobs 1`` over ``--jobs 2`` at the first size: >= 1.7x;
- memory: peak memory of ``--jobs 1`` at the second size < 600 MiB and within 20% of the
  first size's; with ``--big``, ``--jobs 2`` at 10M words < 1 GiB;
- incremental: a build of 1,000 documents (the cache on), one sentence of one document
  changed, the same build again: the rebuild's wall time < 10% of the full build's.

Corpora come from ``corpus.py`` (``DATA/corpus-<size>-s<seed>``). Every build is
``python -m kg build SOURCE --out DIR --no-html [--jobs N]`` into a fresh ``DIR`` (the
incremental rebuild reuses its folder). A ``kg build`` without ``--jobs`` or ``--no-cache``
(before issue 11) is run without them, with a note.

Peak memory of a build is that of its whole process tree: the largest sum of the resident
sets (RSS) of the build and all its descendants, sampled every 0.2 s from ``/proc``, or the
largest single process's peak (``ru_maxrss``, exact) when that is more. The sum counts pages
that workers share with their parent once per process, so it is an upper bound; the sum of
PSS (shared pages split between their processes) is printed beside it.

    python benchmarks/scale.py                       # 250k and 1M words, every check
    python benchmarks/scale.py --quick               # a smoke run on tiny sizes
    python benchmarks/scale.py --only throughput --sizes 250k
    python benchmarks/scale.py --only throughput --repeat 3  # the least of 3 runs of each
    python benchmarks/scale.py --only memory --big   # and 10M words with --jobs 2
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, parse_size  # noqa: E402
from corpus import FILE_WORDS, ensure_corpus, file_name  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
CHECKS = ("throughput", "parallel", "memory", "incremental")
#: "N of M documents" on the line of kg build's output that says "reused".
REUSED = re.compile(r"(\d[\d,]*) of (\d[\d,]*) documents?")
#: The sentence the incremental check puts in place of one of a document (invented names).
CHANGED = "Quorvane Labs said on Monday that Ilsa Brandt would lead its new research centre."

# ------------------------------------------------------------------ measuring a process tree


def _set_subreaper() -> None:
    """Orphaned descendants become our children, so that their CPU time is counted when we
    reap them (Linux ``PR_SET_CHILD_SUBREAPER``): a multiprocessing forkserver is not waited
    for by its parent, and its workers' CPU would be lost (measured: 0.1 s counted of 3.3 s
    spent by two forkserver workers)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children = _children_map()
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in bytes; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


class _Sampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree until stopped."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.rss = self.pss = 0
        self.processes: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = _tree(self.root)
            self.processes.update(pids)
            sizes = [_memory(pid) for pid in pids]
            self.rss = max(self.rss, sum(r for r, _ in sizes))
            self.pss = max(self.pss, sum(p for _, p in sizes))
            self.done.wait(self.interval)


@dataclass
class Run:
    """A finished command: wall and CPU time of its process tree, peak memory, output."""

    command: list[str]
    wall: float
    cpu: float
    maxrss: int  # bytes, the largest single process (ru_maxrss)
    tree_rss: int  # bytes, the largest sampled sum over the tree
    tree_pss: int
    processes: int
    returncode: int
    stdout: str
    stderr: str
    notes: list[str] = field(default_factory=list)
    graph: str = ""  # sha256 of graph.ttl, for a build

    @property
    def peak(self) -> float:
        """Peak memory of the tree in MiB: the sampled sum, or the exact single peak if more."""
        return max(self.tree_rss, self.maxrss) / MIB

    def reused(self) -> tuple[int, int] | None:
        for line in (self.stdout + self.stderr).splitlines():
            match = REUSED.search(line) if "reused" in line else None
            if match:
                return int(match[1].replace(",", "")), int(match[2].replace(",", ""))
        return None

    def check(self, what: str) -> Run:
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise SystemExit(f"{what} failed with status {self.returncode}:\n{tail}")
        return self


def run(command: Sequence[str], cwd: Path) -> Run:
    """Run ``command`` in ``cwd`` with ``PYTHONPATH`` on this repository, measuring its
    process tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(command), stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = _Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        maxrss = usage.ru_maxrss * 1024  # KiB on Linux
        notes: list[str] = []
        deadline = time.monotonic() + 60
        while True:  # descendants left behind and handed to us (see _set_subreaper)
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                if time.monotonic() > deadline:
                    notes.append("processes of the build still run: their CPU is not counted")
                    break
                time.sleep(0.05)
                continue
            cpu += usage.ru_utime + usage.ru_stime
            maxrss = max(maxrss, usage.ru_maxrss * 1024)
        out.seek(0)
        err.seek(0)
        return Run(
            list(command),
            wall,
            cpu,
            maxrss,
            sampler.rss,
            sampler.pss,
            len(sampler.processes),
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            notes,
        )


# ------------------------------------------------------------------ the commands


def build_options(cwd: Path) -> set[str]:
    """Which of ``--jobs`` and ``--no-cache`` this ``kg build`` has."""
    command = [sys.executable, "-m", "kg", "build", "--help"]
    result = run(command, cwd).check("kg build --help")
    return {option for option in ("--jobs", "--no-cache") if option in result.stdout}


def size_name(words: int) -> str:
    if words % 1_000_000 == 0:
        return f"{words // 1_000_000}M"
    if words % 1_000 == 0:
        return f"{words // 1_000}k"
    return str(words)


@dataclass
class Bench:
    """The runs of one invocation: corpora, builds and bare runs, each measured once."""

    data: Path
    seed: int
    options: set[str]
    batch_size: int
    corpora: dict[int, tuple[Path, int, int]] = field(default_factory=dict)
    builds: dict[tuple[int, int], Run] = field(default_factory=dict)
    bares: dict[int, Run] = field(default_factory=dict)
    verdicts: list[str] = field(default_factory=list)

    def corpus(self, words: int) -> tuple[Path, int, int]:
        """(folder, files, words) of the corpus of this size."""
        if words not in self.corpora:
            folder = self.data / f"corpus-{size_name(words)}-s{self.seed}"
            files, written = ensure_corpus(folder, words, self.seed)
            self.corpora[words] = (folder, files, written)
        return self.corpora[words]

    def command(self, source: Path, out: Path, jobs: int | None) -> list[str]:
        command = [sys.executable, "-m", "kg", "build", str(source), "--out", str(out)]
        command.append("--no-html")
        if jobs is not None and "--jobs" in self.options:
            command += ["--jobs", str(jobs)]
        return command

    def build(self, words: int, jobs: int, *, again: bool = False) -> Run:
        """``kg build --jobs N`` of the corpus of this size into a fresh folder (the first run's
        measure, unless ``again``: a new run, not kept)."""
        if again or (words, jobs) not in self.builds:
            source = self.corpus(words)[0]
            out = self.data / "scale-builds" / f"{size_name(words)}-jobs{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            what = f"kg build --jobs {jobs} ({size_name(words)} words)"
            print(f"  running {what} ...", file=sys.stderr, flush=True)
            result = run(self.command(source, out, jobs), self.data).check(what)
            graph = out / "graph.ttl"
            if graph.exists():
                result.graph = hashlib.sha256(graph.read_bytes()).hexdigest()
            reused = result.reused()
            if reused and reused[0]:
                result.notes.append(f"a fresh build folder reused {reused[0]} documents")
            shutil.rmtree(out, ignore_errors=True)
            if again:
                return result
            self.builds[(words, jobs)] = result
        return self.builds[(words, jobs)]

    def bare(self, words: int, *, again: bool = False) -> Run:
        """The bare ``nlp.pipe`` on the same lines, in a child process (the first run's measure,
        unless ``again``: a new run, not kept)."""
        if again or words not in self.bares:
            source = self.corpus(words)[0]
            script = Path(__file__).resolve()
            print(f"  running bare nlp.pipe ({size_name(words)} words) ...", file=sys.stderr)
            command = [sys.executable, str(script), "--bare", str(source)]
            command += ["--batch-size", str(self.batch_size)]
            result = run(command, self.data).check("bare nlp.pipe")
            if again:
                return result
            self.bares[words] = result
        return self.bares[words]

    def verdict(self, text: str, ok: bool) -> None:
        line = f"{text}: {'PASS' if ok else 'FAIL'}"
        self.verdicts.append(line)
        print(line)


def bare_pipe(folder: Path, batch_size: int) -> None:
    """The child of :meth:`Bench.bare`: the pipeline over every line of the folder's files."""
    from kg.mentions import split_lines
    from kg.nlp import load_pipeline

    nlp = load_pipeline()
    files = sorted(folder.glob("*.txt"))
    lines = (line for f in files for _, line in split_lines(f.read_text(encoding="utf-8")))
    count = tokens = 0
    for doc in nlp.pipe(lines, batch_size=batch_size):
        count += 1
        tokens += len(doc)
    print(json.dumps({"files": len(files), "lines": count, "tokens": tokens}))


# ------------------------------------------------------------------ the checks


def throughput(bench: Bench, sizes: Sequence[int], repeat: int = 1) -> None:
    print("\n1. throughput: CPU time (user+sys of the process tree) of kg build --jobs 1")
    print("   over a bare nlp.pipe with the same components on the same lines")
    if repeat > 1:
        print(f"   (the least of {repeat} runs of each, kg and bare taking turns)")
    header = (
        f"{'words':>11} {'files':>6} {'kg cpu s':>9} {'kg wall s':>9} {'bare cpu s':>10} "
        f"{'bare wall s':>11} {'kg/bare':>8} {'kg MiB':>7} {'bare MiB':>8}"
    )
    ratios: list[float] = []
    rows: list[str] = []
    for words in sizes:
        _, files, written = bench.corpus(words)
        kgs, bares = [bench.build(words, 1)], [bench.bare(words)]
        for _ in range(repeat - 1):  # taking turns: a slow spell of the machine hits both
            kgs.append(bench.build(words, 1, again=True))
            bares.append(bench.bare(words, again=True))
        kg, bare = min(kgs, key=lambda r: r.cpu), min(bares, key=lambda r: r.cpu)
        ratios.append(kg.cpu / bare.cpu)
        rows.append(
            f"{written:>11,} {files:>6,} {kg.cpu:>9.1f} {kg.wall:>9.1f} {bare.cpu:>10.1f} "
            f"{bare.wall:>11.1f} {ratios[-1]:>7.2f}x {kg.peak:>7.0f} {bare.peak:>8.0f}"
        )
    print(header, *rows, sep="\n")
    for words, ratio in zip(sizes, ratios, strict=True):
        bench.verdict(
            f"kg/bare at {size_name(words)}: {ratio:.2f}x (target <= 1.25x)", ratio <= 1.25
        )
    if len(sizes) > 1:
        change = ratios[-1] / ratios[0]
        bench.verdict(
            f"same ratio at {size_name(sizes[-1])} as at {size_name(sizes[0])}: "
            f"{change:.2f} of it (target within 10%)",
            abs(change - 1) <= 0.10,
        )


def parallel(bench: Bench, words: int) -> None:
    print(f"\n2. parallel: wall time of kg build --jobs 1 over --jobs 2, {size_name(words)} words")
    if "--jobs" not in bench.options:
        print("skipped: this kg build has no --jobs")
        return
    one, two = bench.build(words, 1), bench.build(words, 2)
    print(f"{'jobs':>4} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'processes':>9}")
    for jobs, result in ((1, one), (2, two)):
        print(
            f"{jobs:>4} {result.wall:>8.1f} {result.cpu:>8.1f} {result.peak:>9.0f} "
            f"{result.processes:>9}"
        )
    if one.graph != two.graph:
        print("note: graph.ttl of --jobs 2 differs from --jobs 1's")
    speedup = one.wall / two.wall
    bench.verdict(f"speed-up of --jobs 2: {speedup:.2f}x (target >= 1.7x)", speedup >= 1.7)


def memory(bench: Bench, sizes: Sequence[int], big: int | None) -> None:
    print("\n3. memory: peak of the build's process tree (see --help)")
    runs = [(words, 1, bench.build(words, 1)) for words in sizes]
    if big:
        runs.append((big, 2, bench.build(big, 2)))
    print(
        f"{'words':>11} {'jobs':>4} {'peak MiB':>9} {'RSS sum':>8} {'PSS sum':>8} "
        f"{'largest':>8} {'processes':>9}"
    )
    for words, jobs, result in runs:
        print(
            f"{bench.corpus(words)[2]:>11,} {jobs:>4} {result.peak:>9.0f} "
            f"{result.tree_rss / MIB:>8.0f} {result.tree_pss / MIB:>8.0f} "
            f"{result.maxrss / MIB:>8.0f} {result.processes:>9}"
        )
    small, large = runs[0][2], runs[len(sizes) - 1][2]
    name = size_name(sizes[-1])
    bench.verdict(f"peak at {name}: {large.peak:.0f} MiB (target < 600 MiB)", large.peak < 600)
    if len(sizes) > 1:
        growth = large.peak / small.peak
        bench.verdict(
            f"peak at {name} over {size_name(sizes[0])}: {growth:.2f}x (target <= 1.20x)",
            growth <= 1.20,
        )
    if big:
        peak = runs[-1][2].peak
        bench.verdict(
            f"peak at {size_name(big)}, --jobs 2: {peak:.0f} MiB (target < 1024 MiB)", peak < 1024
        )


def incremental(bench: Bench, documents: int) -> None:
    words = documents * FILE_WORDS
    print(f"\n4. incremental: {documents:,} documents built, one sentence changed, built again")
    print("   (kg build's default --jobs, the cache on; the rebuild in the same folder)")
    if "--no-cache" not in bench.options:
        print("note: this kg build has no cache (no --no-cache): the rebuild is a full build")
    corpus, files, _ = bench.corpus(words)
    work = bench.data / "scale-incremental"
    shutil.rmtree(work, ignore_errors=True)
    source, out = work / "corpus", work / "build"
    shutil.copytree(corpus, source)
    print("  running the full build ...", file=sys.stderr, flush=True)
    full = run(bench.command(source, out, None), bench.data).check("the full build")
    changed = source / file_name((files + 1) // 2)
    text = changed.read_text(encoding="utf-8")
    sentence = re.search(r"(?m)^[^\n]{60,}?[.!?](?= |$)", text)
    if sentence is None:
        raise SystemExit(f"{changed}: no sentence to change")
    changed.write_text(text[: sentence.start()] + CHANGED + text[sentence.end() :], "utf-8")
    print("  running the rebuild ...", file=sys.stderr, flush=True)
    again = run(bench.command(source, out, None), bench.data).check("the rebuild")
    shutil.rmtree(work, ignore_errors=True)
    print(f"{'build':>8} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}  reused")
    for name, result in (("full", full), ("rebuild", again)):
        reused = result.reused()
        said = f"{reused[0]:,} of {reused[1]:,}" if reused else "(not printed)"
        print(f"{name:>8} {result.wall:>8.1f} {result.cpu:>8.1f} {result.peak:>9.0f}  {said}")
    reused = again.reused()
    if reused and reused != (files - 1, files):
        print(f"note: the rebuild reused {reused[0]} of {reused[1]}; expected {files - 1}")
    share = again.wall / full.wall
    bench.verdict(f"rebuild over full build: {share:.1%} (target < 10%)", share < 0.10)


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=None, help="two corpus sizes (default 250k,1M)")
    parser.add_argument(
        "--only", default=",".join(CHECKS), help=f"checks to run, of {','.join(CHECKS)}"
    )
    parser.add_argument("--big", action="store_true", help="memory: 10M words with --jobs 2")
    parser.add_argument("--big-size", type=parse_size, default=None, help="instead of 10M")
    parser.add_argument("--documents", type=int, default=None, help="incremental (1000)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="throughput: runs of each, the least counts"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=DATA, help="folder for corpora and builds")
    parser.add_argument("--batch-size", type=int, default=64, help="bare nlp.pipe's (kg's)")
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        bare_pipe(args.bare, args.batch_size)
        return
    checks = [c.strip() for c in args.only.split(",") if c.strip()]
    if unknown := set(checks) - set(CHECKS):
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {CHECKS}")
    default_sizes = "10k,20k" if args.quick else "250k,1M"
    sizes = [parse_size(s) for s in (args.sizes or default_sizes).split(",")]
    big = (args.big_size or parse_size("40k" if args.quick else "10M")) if args.big else None
    documents = args.documents or (25 if args.quick else 1000)

    _set_subreaper()
    args.data.mkdir(parents=True, exist_ok=True)
    options = build_options(args.data)
    bench = Bench(args.data, args.seed, options, args.batch_size)
    print(f"kg build from {REPO / 'kg'}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    missing = [o for o in ("--jobs", "--no-cache") if o not in options]
    if missing:
        print(f"note: this kg build has no {' or '.join(missing)}: run without them")
    started = time.perf_counter()
    if "throughput" in checks:
        throughput(bench, sizes, max(1, args.repeat))
    if "parallel" in checks:
        parallel(bench, sizes[0])
    if "memory" in checks:
        memory(bench, sizes, big)
    if "incremental" in checks:
        incremental(bench, documents)
    notes = {n for r in [*bench.builds.values(), *bench.bares.values()] for n in r.notes}
    for note in sorted(notes):
        print(f"note: {note}")
    print(f"\nsummary ({time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f}):")
    for line in bench.verdicts:
        print(f"  {line}")


if __name__ == "__main__":
    main()
