"""Issue 12, item 1: outputs are written whole or not at all.

Real ``kg build`` and ``kg load`` processes are killed at random points (SIGKILL: no clean-up
runs); after each kill the build folder or store must answer exactly as before (or as after,
when the kill came once the new build was switched in), with the Turtle, the store and the
page of one build, and nothing half-written readable. The next run removes the leftovers.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.atomic import OLD_TAG, replace_file, swap_dir
from kg.buildfolder import CURRENT, current_generation, generations, manifest_of
from kg.cache import CACHE_FILE
from kg.cli import cli
from kg.errors import GraphLoadError
from kg.query import format_result, resolve_query, run_query
from kg.store import STORE_DIR, load, open_oxigraph

# Two invented corpora: a build folder holds one or the other, never a mix.
CORPORA = {
    "a": "Quorvex was founded by Mara Lindqvist in 2011.\n"
    "Mara Lindqvist is the chief executive of Quorvex.\n",
    "b": "Talvion was founded by Oren Batiste in 2014.\n"
    "Oren Batiste is the chief executive of Talvion.\n",
}
FOUNDER = {"a": "Mara Lindqvist", "b": "Oren Batiste"}
KILLS = 20
SEED = int(os.environ.get("KG_KILL_SEED", "12"))


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kg", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=cwd
    )


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL ``process``; True when it was still running."""
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return running


def founders(graph: Path) -> str:
    """The answer of the named query ``founders`` on ``graph``, as CSV, read in process
    (lines end with a newline, as a subprocess's text output reads)."""
    text, _ = resolve_query("founders")
    store = open_oxigraph(graph)
    try:
        return format_result(run_query(store, text), "csv").replace("\r\n", "\n")
    finally:
        del store


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Poll until ``condition`` holds or ``process`` ends."""
    while not condition() and process.poll() is None:
        time.sleep(0.005)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("corpora")
    folders = {}
    for name, text in CORPORA.items():
        folder = root / name
        folder.mkdir()
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        folders[name] = folder
    return folders


def build_args(corpus: Path, out: Path) -> list[str]:
    return ["build", str(corpus), "--out", str(out), "--no-default-gazetteer"]


def state(out: Path, known: dict[str, tuple[int, str]]) -> str:
    """Which corpus the build folder ``out`` holds, checking that its Turtle, store and page
    (read through the documented paths) are whole and come from that one build."""
    gen = current_generation(out)
    assert gen is not None
    manifest = manifest_of(gen)
    assert manifest is not None and manifest.generation == gen.name
    for name in ("graph.ttl", STORE_DIR, "graph.html"):
        assert Path(os.path.realpath(out / name)).parent == gen, name
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    found = [c for c, founder in FOUNDER.items() if founder in ttl]
    assert len(found) == 1, found
    corpus = found[0]
    triples, answer = known[corpus]
    assert len(Graph().parse(data=ttl, format="turtle")) == triples  # not cut short
    assert founders(out) == answer
    store = open_oxigraph(out / STORE_DIR)
    assert len(store) == triples
    del store
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    assert FOUNDER[corpus] in page and all(f not in page for c, f in FOUNDER.items() if c != corpus)
    return corpus


def test_killed_builds_leave_the_previous_build_whole(
    corpora: dict[str, Path], tmp_path: Path
) -> None:
    """Issue 12: a build killed at any point leaves the previous build answering as before."""
    out = tmp_path / "out"
    known: dict[str, tuple[int, str]] = {}
    durations = []
    for name in ("a", "b"):
        started = time.perf_counter()
        done = kg(*build_args(corpora[name], out))
        durations.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
        answer = founders(out)
        assert FOUNDER[name] in answer
        known[name] = (len(Graph().parse(out / "graph.ttl")), answer)
    # leftovers of older kg versions and of a killed build, to be removed by the next build
    (out / ".store-x1y2z3").mkdir()
    (out / ".store-old-x1y2z3").mkdir()
    assert state(out, known) == "b"
    rng = random.Random(SEED)
    whole = max(durations)
    current, in_write_phase = "b", 0
    for attempt in range(KILLS):
        target = "a" if current == "b" else "b"
        before = {g.name for g in generations(out)}
        process = start(*build_args(corpora[target], out))
        if attempt % 2:  # anywhere in the run
            time.sleep(rng.uniform(0, whole))
        else:  # while it writes: once its new generation folder exists
            wait_for(lambda b=before: bool({g.name for g in generations(out)} - b), process)
            in_write_phase += process.poll() is None
            time.sleep(rng.uniform(0, 0.5))
        kill(process)
        now = state(out, known)
        assert now in (current, target)
        current = now
        if attempt % 5 == 0:  # and as a user sees it, from another process
            shown = kg("query", "founders", "--graph", str(out), "--format", "csv")
            assert (shown.returncode, shown.stdout) == (0, known[current][1])
    # the kills did land while outputs were written
    assert in_write_phase >= KILLS // 4, in_write_phase
    target = "a" if current == "b" else "b"
    done = kg(*build_args(corpora[target], out))
    assert done.returncode == 0, done.stderr
    assert state(out, known) == target
    left = sorted(p.name for p in out.iterdir() if not p.name.startswith(CACHE_FILE))
    assert left[0] == CURRENT and left[-3:] == ["graph.html", "graph.ttl", "store"]
    assert 1 <= len(generations(out)) <= 2 and len(left) <= 6, left  # no leftovers


def staging(folder: Path) -> set[str]:
    """The temporary folders (and files) of writers in ``folder``."""
    return {p.name for p in folder.iterdir() if ".kg-tmp-" in p.name}


def nt_lines(prefix: str, count: int) -> str:
    return "".join(
        f"<urn:{prefix}:s{i}> <urn:{prefix}:p> <urn:{prefix}:o{i}> .\n" for i in range(count)
    )


def test_killed_loads_leave_the_store_as_it_was(corpora: dict[str, Path], tmp_path: Path) -> None:
    """Issue 12: `kg load` killed at any point adds all of its triples or none of them."""
    out = tmp_path / "out"
    assert kg(*build_args(corpora["a"], out)).returncode == 0
    store = tmp_path / "kept.store"
    first = kg("load", str(out / "graph.ttl"), "--store", str(store))
    assert first.returncode == 0, first.stderr
    answer = founders(store)
    size = len(open_oxigraph(store))
    chunk = 40_000
    rng = random.Random(SEED)
    started = time.perf_counter()
    probe = tmp_path / "probe.nt"
    probe.write_text(nt_lines("probe", chunk), encoding="utf-8")
    assert kg("load", str(probe), "--store", str(store)).returncode == 0
    whole = time.perf_counter() - started
    size += chunk
    landed = 0
    for attempt in range(KILLS):
        data = tmp_path / f"part{attempt}.nt"
        data.write_text(nt_lines(f"part{attempt}", chunk), encoding="utf-8")
        process = start("load", str(data), "--store", str(store))
        if attempt % 2:
            time.sleep(rng.uniform(0, whole))
        else:  # once it has copied the store and is loading into the copy
            old = staging(tmp_path)
            wait_for(lambda o=old: bool(staging(tmp_path) - o), process)
            landed += process.poll() is None
            time.sleep(rng.uniform(0, 0.3))
        kill(process)
        now = len(open_oxigraph(store))
        assert now in (size, size + chunk), (size, now)
        size = now
        assert founders(store) == answer
    assert landed >= KILLS // 4, landed
    done = kg("load", str(probe), "--store", str(store))  # adds nothing, cleans up
    assert done.returncode == 0, done.stderr
    assert len(open_oxigraph(store)) == size
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    shown = kg("query", "founders", "--graph", str(store), "--format", "csv")
    assert (shown.returncode, shown.stdout) == (0, answer)


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_load_killed_between_two_renames_is_reported_then_rolled_back(
    tmp_path: Path,
) -> None:
    """Where a folder cannot be exchanged in one step, a load swaps the store in two renames;
    killed between them, the next open says so in one line and the next load puts the old
    store back."""
    triples = tmp_path / "t.nt"
    triples.write_text(nt_lines("t", 3), encoding="utf-8")
    store = tmp_path / "s.store"
    assert load([triples], store) == 3
    store.rename(tmp_path / f".s.store{OLD_TAG}{dead_pid()}-0a1b")  # the state a kill leaves
    done = kg("query", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(store))
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert "a `kg load` was interrupted" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(GraphLoadError, match="interrupted"):
        open_oxigraph(store)
    more = tmp_path / "more.nt"
    more.write_text(nt_lines("more", 2), encoding="utf-8")
    again = kg("load", str(more), "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert len(open_oxigraph(store)) == 5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_swap_dir_without_an_exchange_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.atomic._exchange", lambda a, b: False)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "old").write_text("old", encoding="utf-8")
    (tmp_path / ".new").mkdir()
    (tmp_path / ".new" / "new").write_text("new", encoding="utf-8")
    swap_dir(tmp_path / ".new", tmp_path / "t")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["new"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.gexf"
    target.write_text("old", encoding="utf-8")

    def fail(temp: Path) -> None:
        temp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        replace_file(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.gexf"]


def test_export_replaces_the_build_folders_page_link_and_keeps_the_build(
    corpora: dict[str, Path], tmp_path: Path
) -> None:
    """`kg export` over the build folder's own graph.html writes a file there (the link goes);
    the build's own page, Turtle and store are untouched."""
    out = tmp_path / "out"
    assert kg(*build_args(corpora["a"], out)).returncode == 0
    gen = current_generation(out)
    assert gen is not None and (out / "graph.html").is_symlink()
    page = (gen / "graph.html").read_bytes()
    args = ["export", "--graph", str(out), "--types", "Person", "--out", str(out / "graph.html")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert not (out / "graph.html").is_symlink() and (gen / "graph.html").read_bytes() == page
    assert [p.name for p in out.iterdir() if ".kg-tmp-" in p.name] == []
    again = kg(*build_args(corpora["b"], out))  # the next build links it again
    assert again.returncode == 0, again.stderr
    assert (out / "graph.html").is_symlink()
    assert FOUNDER["b"] in (out / "graph.html").read_text(encoding="utf-8")


def test_serve_follows_a_new_build(corpora: dict[str, Path], tmp_path: Path) -> None:
    """`kg serve --graph OUT` answers from the build switched in last, never from a mix."""
    import re
    import urllib.parse
    import urllib.request

    out = tmp_path / "out"
    assert kg(*build_args(corpora["a"], out)).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--graph", str(out), "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        found = re.search(r"at (http://[\d.]+:\d+/) ", process.stderr.readline())
        assert found, "kg serve did not start"
        query = "SELECT ?f WHERE { ?o schema:founder/rdfs:label ?f }"
        url = found.group(1) + "sparql?" + urllib.parse.urlencode({"query": query})

        def ask() -> str:
            request = urllib.request.Request(url, headers={"Accept": "text/csv"})
            with urllib.request.urlopen(request, timeout=30) as response:
                return str(response.read().decode("utf-8"))

        assert FOUNDER["a"] in ask()
        assert kg(*build_args(corpora["b"], out)).returncode == 0
        for _ in range(4):  # each of the two workers notices the new build on its next query
            answer = ask()
            assert FOUNDER["b"] in answer and FOUNDER["a"] not in answer
    finally:
        process.terminate()
        process.wait(10)
