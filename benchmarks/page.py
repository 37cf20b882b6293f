"""How fast the HTML page of a big graph opens and settles in headless Chromium (issue 6).

A synthetic graph in the shape of ``kg build`` (the ontology, typed entities with labels,
aliases and kinds, entity-to-entity relations each with an ``rdf:Statement``: sentence,
document, rule, confidence) is written as N-Triples and loaded into a store; the page is made
by ``kg export --format html --graph STORE`` in a child process, the command a user runs, then
opened from file:// in headless Chromium (Debian's ``/usr/bin/chromium`` through Playwright,
every non-file request blocked and counted). "Settled" is the page's own signal:
``<body data-layout="settled">`` once vis-network's stabilization is done, or, with a layout
computed before opening (past ``kg.visualize.PHYSICS_LIMIT`` entities), once the first frame is
drawn with physics off.

1. 10,000 entities and 30,000 relations: the time from navigation to settled, per run and the
   median, against the 15 s target.
2. 50,000 entities and 150,000 relations: what the default cap (``DEFAULT_MAX_NODES``) and a
   given ``--max-nodes`` make of it, the note on the page, and how fast those pages settle.

    python benchmarks/page.py                       # both, 3 runs each in Chromium
    python benchmarks/page.py --entities 10000 --relations 30000 --skip-big --runs 5
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import CHROMIUM, CHROMIUM_ARGS, DATA, Child, kg_command, median, run_child
from generate import RELATIONS, SUPER, TYPE_WEIGHTS, TYPES, Generator, expand, iri

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 15.0
SETTLED = "document.body.dataset.layout === 'settled'"
PIXELS_JS = """() => {
    const canvas = document.querySelector("#graph canvas");
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
}"""


# ---------------------------------------------------------------------------- the graph


def _lines(entities: int, relations: int, seed: int) -> Iterator[str]:
    """N-Triples: the ontology, documents, ``entities`` entities and ``relations`` distinct
    entity-to-entity relations with one statement each.

    Subjects are drawn uniformly, objects with a skew toward the first entities of each type
    (u² of the list), so that some entities become hubs as in real corpora.
    """
    gen = Generator(seed=seed, documents=max(5, entities // 100))
    rng = random.Random(seed)
    yield from gen.header()
    for _ in range(entities):
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        # mentions are left out: the page does not read them
        yield from (line for line in gen.entity(kind) if "/mention/" not in line)
    usable = [r for r in RELATIONS if r[2] != "Offer" and gen.by_type[r[1]] and gen.by_type[r[2]]]
    weights = [r[3] for r in usable]
    made: set[tuple[str, str, str]] = set()
    while len(made) < relations:
        curie, stype, otype, _, rules = rng.choices(usable, weights)[0]
        subjects, objects = gen.by_type[stype], gen.by_type[otype]
        subject = subjects[rng.randrange(len(subjects))]
        target = objects[int(len(objects) * rng.random() ** 2)]
        key = (subject.iri, curie, target.iri)
        if subject is target or key in made:
            continue
        made.add(key)
        s, o, p = iri(subject.iri), iri(target.iri), expand(curie)
        yield f"{s} <{p}> {o} .\n"
        if curie in SUPER:
            yield f"{s} <{expand(SUPER[curie])}> {o} .\n"
        st = iri(f"https://w3id.org/kg/id/statement/{len(made)}")
        yield f"{st} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        yield "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> .\n"
        for name, value in (("subject", s), ("predicate", f"<{p}>"), ("object", o)):
            yield f"{st} <http://www.w3.org/1999/02/22-rdf-syntax-ns#{name}> {value} .\n"
        sentence = gen._sentence(subject.label, "is related to", target.label)
        yield from gen._provenance(st, sentence, rng.choice(rules))


def ensure_graph(entities: int, relations: int, data: Path, seed: int) -> Path:
    """The store of the synthetic graph, generated and loaded when missing."""
    from kg.store import is_store, load_files

    name = f"page-{entities}e-{relations}r-s{seed}"
    store = data / f"{name}.store"
    if is_store(store):
        return store
    data.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    nt = data / f"{name}.nt"
    with nt.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(_lines(entities, relations, seed))
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=data))
    triples = load_files([nt], staging)
    staging.chmod(0o755)
    staging.rename(store)
    seconds = time.perf_counter() - started
    print(f"generated and loaded {store}: {triples:,} triples in {seconds:.1f} s", file=sys.stderr)
    return store


# ---------------------------------------------------------------------------- page and browser


@dataclass
class Opened:
    """One opening of a page in Chromium."""

    settled_s: float  # from just before navigation to the settled signal, measured here
    page_settled_s: float  # the page's own performance.now() at settled (from navigation start)
    nodes: int
    edges: int
    pixels: int
    physics: bool
    note: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def export_page(store: Path, out: Path, *extra: str) -> Child:
    """``kg export --format html --graph STORE --out OUT [extra]``, checked."""
    command = [*kg_command(), "export", "--graph", str(store), "--format", "html"]
    return run_child([*command, "--out", str(out), *extra], cwd=ROOT).check("kg export")


def open_page(browser: Any, path: Path, timeout_s: float = 120.0) -> Opened:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort("blockedbyclient"))
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: errors.extend([msg.text] if msg.type == "error" else []))
        page.on("pageerror", lambda err: errors.append(str(err)))
        started = time.perf_counter()
        page.goto(path.as_uri(), timeout=timeout_s * 1000)
        page.wait_for_function(SETTLED, timeout=timeout_s * 1000, polling=50)
        settled = time.perf_counter() - started
        note = page.query_selector("#note")
        return Opened(
            settled_s=settled,
            page_settled_s=page.evaluate("window.kgSettledMs") / 1000,
            nodes=page.evaluate("nodes.length"),
            edges=page.evaluate("edges.length"),
            pixels=page.evaluate(PIXELS_JS),
            physics=page.evaluate("network.physics.options.enabled"),
            note=" ".join(note.inner_text().split()) if note else "",
            requests=[url for url in requests if url != page.url],
            errors=errors,
        )
    finally:
        context.close()


def _opened_line(run: int, o: Opened) -> str:
    return (
        f"{run:>3} {o.settled_s:>9.2f} {o.page_settled_s:>9.2f} {o.nodes:>7,} {o.edges:>7,}"
        f" {o.pixels:>9,} {len(o.requests):>8} {len(o.errors):>6}"
    )


HEADER = (
    f"{'run':>3} {'settled s':>9} {'in page s':>9} {'nodes':>7} {'edges':>7} {'pixels':>9}"
    f" {'requests':>8} {'errors':>6}"
)


def _check(o: Opened) -> None:
    if o.requests or o.errors or not o.pixels:
        raise SystemExit(
            f"the page is broken: requests {o.requests}, errors {o.errors}, pixels {o.pixels}"
        )


def _export_line(child: Child, out: Path) -> str:
    size = out.stat().st_size / 1e6
    return (
        f"kg export: wall {child.wall:.1f} s, cpu {child.cpu:.1f} s, max RSS"
        f" {child.maxrss_mb:.0f} MB; page {size:.1f} MB"
    )


def _open_runs(browser: Any, out: Path, runs: int) -> list[Opened]:
    """Open the page at ``out`` ``runs`` times, checking and printing each opening."""
    opened_all = []
    print(HEADER)
    for i in range(runs):
        opened = open_page(browser, out)
        _check(opened)
        opened_all.append(opened)
        print(_opened_line(i + 1, opened))
    return opened_all


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--relations", type=int, default=30_000)
    parser.add_argument("--big-entities", type=int, default=50_000)
    parser.add_argument("--big-relations", type=int, default=150_000)
    parser.add_argument("--max-nodes", type=int, default=2_000, help="the cap given for part 2")
    parser.add_argument("--runs", type=int, default=3, help="openings of each page")
    parser.add_argument("--skip-big", action="store_true", help="part 1 only")
    parser.add_argument("--data", type=Path, default=DATA, help="folder for generated data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, default=None, help="copy the pages into this folder")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from kg.visualize import DEFAULT_MAX_NODES, PHYSICS_LIMIT

    work = Path(tempfile.mkdtemp(prefix="page-", dir=args.data if args.data.is_dir() else None))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            store = ensure_graph(args.entities, args.relations, args.data, args.seed)
            out = work / "page.html"
            print(
                f"1. {args.entities:,} entities, {args.relations:,} relations:"
                f" kg export --format html --graph {store}"
            )
            print(_export_line(export_page(store, out), out))
            runs = _open_runs(browser, out, args.runs)
            settled = median([o.settled_s for o in runs])
            layout = (
                "vis-network physics"
                if runs[0].physics
                else f"layout computed by kg export (> {PHYSICS_LIMIT:,} entities), physics off"
            )
            print(
                f"median: opened and settled in {settled:.2f} s (target {TARGET_S:.0f} s):"
                f" {settled / TARGET_S:.2f}x the target; {layout}"
            )
            print(f"note: {runs[0].note}")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(out, args.keep / f"page-{args.entities}.html")
            if args.skip_big:
                return

            big = ensure_graph(args.big_entities, args.big_relations, args.data, args.seed)
            print(
                f"\n2. {args.big_entities:,} entities, {args.big_relations:,} relations:"
                f" kg export --format html --graph {big}"
            )
            for label, extra in (
                (f"default cap ({DEFAULT_MAX_NODES:,})", ()),
                (f"--max-nodes {args.max_nodes}", ("--max-nodes", str(args.max_nodes))),
            ):
                out = work / f"big{len(extra)}.html"
                print(f"{label}: {_export_line(export_page(big, out, *extra), out)}")
                runs = _open_runs(browser, out, args.runs)
                settled = median([o.settled_s for o in runs])
                print(
                    f"median: {runs[0].nodes:,} of {args.big_entities:,} entities shown, settled"
                    f" in {settled:.2f} s ({settled / TARGET_S:.2f}x the 15 s target)"
                )
                print(f"note: {runs[0].note}")
                if args.keep:
                    shutil.copy(out, args.keep / f"page-{args.big_entities}-{len(extra)}.html")
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
