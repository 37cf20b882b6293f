"""``kg serve`` under a mixed load: do cheap queries keep flowing while slow ones run?

Starts ``kg serve`` with its default options (plus ``--serve-arg``s) on a build of the seeds
(``kg build seeds`` into ``DATA/seeds-build`` when missing), on 127.0.0.1 only, then replays
the load of issue 12: CLIENTS threads send REQUESTS requests in all, each on a new
connection, 80% cheap valid queries, 10% malformed ones and 10% slow (cartesian) ones, in a
fixed random order. Every request has a 60 s client timeout and the whole run stops sending
after --max-seconds, so the script is bounded in time.

Prints: the valid (cheap) requests answered 200 (target 100%, none lost to a reset), what
the malformed and slow ones got, p50/p95 latency of the cheap queries, overall and while a
slow query ran in the server's slow lane (target p95 < 250 ms), and the memory of the server
with its workers before and after.

    python benchmarks/serve_load.py
    python benchmarks/serve_load.py --clients 50 --requests 2000 --serve-arg=--workers=4
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from _common import DATA, kg_command

REPO = Path(__file__).resolve().parent.parent
#: Where the server's stderr goes.
LOG = DATA / "serve_load.log"

CHEAP = [
    'SELECT ?f WHERE { ?o rdfs:label "Xiaomi" ; schema:founder/rdfs:label ?f }',
    'ASK { ?x rdfs:label "Lei Jun" }',
    "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } LIMIT 10",
    'SELECT ?p ?o WHERE { ?s rdfs:label "Redmi" ; ?p ?o } LIMIT 20',
]
MALFORMED = [
    "SELECT ?x WHERE { ?x ?y }",
    "SELECT * WHERE { ?s ?p ?o FILTER( }",
    'ASK { ?s ?p "unclosed }',
    "SELEKT * WHERE { ?s ?p ?o }",
]
SLOW = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i",
]


#: What a 503 says, by the words of its message.
REASONS = {
    "stopped": "was stopped after",
    "memory": "stopped holding more than",
    "slow-lane-busy": "slow lane stayed busy",
    "overloaded": "overloaded",
    "died": "worker process died",
}


@dataclass
class Outcome:
    kind: str  # cheap, malformed, slow
    started: float
    ended: float
    status: int | None  # None: no HTTP answer
    error: str = ""
    body: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def tree_rss_mb(pid: int) -> float:
    """The resident memory of ``pid`` and all its descendants, in MB (from ``/proc``)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e6


def ensure_build() -> Path:
    out = DATA / "seeds-build"
    if not (out / "store" / "CURRENT").is_file():
        print(f"building the seeds into {out} ...", file=sys.stderr)
        subprocess.run(
            [*kg_command(), "build", str(REPO / "seeds"), "--out", str(out), "--no-html"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def start_server(graph: Path, extra: list[str]) -> tuple[subprocess.Popen[str], int]:
    command = [*kg_command(), "serve", "--graph", str(graph), "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", "0", *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"at http://127\.0\.0\.1:(\d+)/ ", line)
    if not found:
        process.kill()
        raise SystemExit(f"kg serve did not start: {line}")

    def drain(stream: IO[str]) -> None:  # a full pipe would stop the server
        with LOG.open("w", encoding="utf-8") as log:
            for text in stream:
                log.write(text)

    threading.Thread(target=drain, args=(process.stderr,), daemon=True).start()
    return process, int(found.group(1))


def send(port: int, kind: str, text: str) -> Outcome:
    body = urllib.parse.urlencode({"query": text}).encode()
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
                "Connection": "close",
            },
        )
        answer = connection.getresponse()
        data = answer.read().decode("utf-8", "replace")
        return Outcome(kind, started, time.monotonic(), answer.status, body=data[:200])
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(kind, started, time.monotonic(), None, error=type(exc).__name__)
    finally:
        connection.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument(
        "--mix",
        default="80,10,10",
        help="percent cheap, malformed, slow (default 80,10,10)",
    )
    parser.add_argument("--graph", type=Path, default=None, help="default: a build of the seeds")
    parser.add_argument(
        "--timeline", action="store_true", help="print requests and latency second by second"
    )
    parser.add_argument(
        "--serve-arg", action="append", default=[], help="an extra `kg serve` argument"
    )
    args = parser.parse_args()

    graph = args.graph or ensure_build()
    rng = random.Random(args.seed)
    plan: list[tuple[str, str]] = []
    cheap_share, malformed_share, _ = (float(x) / 100 for x in args.mix.split(","))
    for _ in range(args.requests):
        draw = rng.random()
        kind, pool = (
            ("cheap", CHEAP)
            if draw < cheap_share
            else ("malformed", MALFORMED)
            if draw < cheap_share + malformed_share
            else ("slow", SLOW)
        )
        plan.append((kind, rng.choice(pool)))

    process, port = start_server(graph, args.serve_arg)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.max_seconds
    try:
        send(port, "warm-up", CHEAP[0])
        time.sleep(1)
        before = tree_rss_mb(process.pid)

        def client() -> None:
            while time.monotonic() < stop_at:
                with lock:
                    if not plan:
                        return
                    kind, text = plan.pop()
                outcome = send(port, kind, text)
                with lock:
                    outcomes.append(outcome)

        started = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = tree_rss_mb(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()

    def of(kind: str) -> list[Outcome]:
        return [o for o in outcomes if o.kind == kind]

    def tally(kind: str) -> str:
        counts: dict[str, int] = {}
        for o in of(kind):
            key = str(o.status) if o.status is not None else o.error
            if o.status == 503:
                key += next(
                    (f" {word}" for word, text in REASONS.items() if text in o.body),
                    f" ({o.body.strip()[:60]})",
                )
            counts[key] = counts.get(key, 0) + 1
        return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))

    if args.timeline:
        print("second  sent  cheap p50/p95 ms  slow in flight")
        first = min(o.started for o in outcomes)
        for second in range(int(max(o.ended for o in outcomes) - first) + 1):
            here = [o for o in outcomes if int(o.started - first) == second]
            times = [o.seconds for o in here if o.kind == "cheap" and o.status == 200]
            slow_now = sum(
                1 for o in of("slow") if o.started - first <= second < o.ended - first
            )
            print(
                f"{second:6}  {len(here):4}  {1000 * percentile(times, 0.5):6.0f}"
                f" / {1000 * percentile(times, 0.95):5.0f}  {slow_now:4}"
            )
    cheap = of("cheap")
    ok = [o for o in cheap if o.status == 200]
    lost = [o for o in outcomes if o.status is None]
    # A slow query ran in the slow lane when it lasted past the fast lane's budget and was
    # not refused for a busy lane.
    running = [
        (o.started, o.ended)
        for o in of("slow")
        if o.seconds > 1.0 and "slow lane stayed busy" not in o.body
    ]
    during = [o.seconds for o in ok if any(a <= o.started and o.ended <= b for a, b in running)]
    latencies = [o.seconds for o in ok]
    print(f"kg serve {' '.join(args.serve_arg) or '(default options)'} on {graph}")
    print(
        f"{len(outcomes)} requests from {args.clients} clients in {elapsed:.1f} s"
        f" ({len(outcomes) / elapsed:.0f}/s); {len(plan)} not sent (--max-seconds)"
    )
    print(
        f"valid (cheap) answered 200: {len(ok)}/{len(cheap)}"
        f" ({100 * len(ok) / max(1, len(cheap)):.1f}%; target 100%)"
    )
    print(f"  cheap:     {tally('cheap')}")
    print(f"  malformed: {tally('malformed')}")
    print(f"  slow:      {tally('slow')}")
    print(f"connections lost (reset, timeout, ...): {len(lost)}")
    print(
        f"cheap latency: p50 {1000 * percentile(latencies, 0.5):.0f} ms,"
        f" p95 {1000 * percentile(latencies, 0.95):.0f} ms"
        f" (mean {1000 * statistics.fmean(latencies) if latencies else float('nan'):.0f} ms)"
    )
    print(
        f"cheap latency while a slow query ran ({len(during)} requests):"
        f" p50 {1000 * percentile(during, 0.5):.0f} ms,"
        f" p95 {1000 * percentile(during, 0.95):.0f} ms (target p95 < 250 ms)"
    )
    print(
        f"server memory (server, forkserver, workers): before {before:.0f} MB,"
        f" after {after:.0f} MB"
    )


if __name__ == "__main__":
    main()
