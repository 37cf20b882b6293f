"""``kg build --executor dask``: pass 1 on real Dask clusters gives the local build's graph,
byte for byte (issue 11, item 4)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg.cluster
from kg.cli import cli
from kg.namespaces import KGR

ROOT = Path(__file__).resolve().parent.parent

#: Invented company news: ten short documents, more than one batch of them.
NEWS = [
    "Brindle Aerospace named Ottilie Varga its chief executive on Monday. The company, based"
    " in Tallinn, makes satellite dishes.",
    "Quorvex Labs acquired Pellham Data for $40 million. Pellham Data was founded by Ansel"
    " Morrow in 2011.",
    "Ottilie Varga said Brindle Aerospace would open an office in Lisbon. Brindle Aerospace"
    " sells the Skylark 3 antenna.",
    "Marlo Finch joined Quorvex Labs as chief technology officer. Quorvex Labs is"
    " headquartered in Denver.",
    "Tessaly Foods reported revenue of $2 billion in 2023. Its chief executive, Hugo"
    " Brannigan, praised the results.",
    "Hugo Brannigan founded Tessaly Foods in 1998 in Cork. The company now employs 5,000 people.",
    "Vantor Motors unveiled the Vantor Glide, an electric scooter, at a fair in Milan. Ines"
    " Dalca leads Vantor Motors.",
    "Quorvex Labs partnered with Vantor Motors to build charging software. Marlo Finch"
    " announced the deal.",
    "Pellham Data opened a research centre in Nairobi. Ansel Morrow is the chairman of"
    " Pellham Data.",
    "Brindle Aerospace and Tessaly Foods sponsored the Northwind Summit in Oslo. Ines Dalca"
    " spoke at the summit.",
]

#: The environment of the processes a test starts: they import this checkout's ``kg``.
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}


#: A gazetteer: without it the model takes this company for a person.
GAZETTEER = '{"type": "Organization", "name": "Tessaly Foods", "aliases": [], "kind": "company"}'


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The news in ``news/``, next to ``names.jsonl``, a gazetteer the builds use."""
    folder = tmp_path_factory.mktemp("corpus") / "news"
    folder.mkdir()
    for number, text in enumerate(NEWS):
        (folder / f"{number:02}.txt").write_text(text + "\n", encoding="utf-8")
    (folder.parent / "names.jsonl").write_text(GAZETTEER + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_graph(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """``graph.ttl`` of the corpus built here, in one process."""
    out = tmp_path_factory.mktemp("local")
    gazetteer = str(corpus.parent / "names.jsonl")
    args = ["build", str(corpus), "--out", str(out), "--no-html", "--gazetteer", gazetteer]
    result = CliRunner().invoke(cli, [*args, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    graph = (out / "graph.ttl").read_bytes()
    entities = {str(s) for s in Graph().parse(data=graph, format="turtle").subjects()}
    assert {f"{KGR}organization/brindle-aerospace", f"{KGR}person/hugo-brannigan"} <= entities
    assert f"{KGR}organization/tessaly-foods" in entities  # the gazetteer's
    return graph


def test_local_cluster_builds_the_same_graph(
    corpus: Path, local_graph: bytes, tmp_path: Path
) -> None:
    """A LocalCluster of two worker processes (no --scheduler; --jobs sets the workers)."""
    out = tmp_path / "out"
    gazetteer = str(corpus.parent / "names.jsonl")
    args = ["build", str(corpus), "--out", str(out), "--no-html", "--gazetteer", gazetteer,
            "--executor", "dask", "--jobs", "2"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "cache: 0 of 10 documents reused, 10 parsed" in result.stdout
    assert (out / "graph.ttl").read_bytes() == local_graph


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as file:
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            env=ENV,
            cwd=log.parent,
            stdin=subprocess.DEVNULL,
            stdout=file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers it forks stop with it
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def scheduler(tmp_path: Path) -> Iterator[str]:
    """The address of a scheduler with two single-thread workers, each started as a user
    would: ``dask scheduler``, then ``dask worker ADDRESS``."""
    started: list[subprocess.Popen[bytes]] = []
    scheduler_file = tmp_path / "scheduler.json"
    try:
        started.append(
            _start(
                ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                 "--scheduler-file", str(scheduler_file)],
                tmp_path / "scheduler.log",
            )
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() or not scheduler_file.read_text(encoding="utf-8"):
            assert started[0].poll() is None, (tmp_path / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        address = str(json.loads(scheduler_file.read_text(encoding="utf-8"))["address"])
        assert address.startswith("tcp://127.0.0.1:")
        started.append(
            _start(
                ["worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                 "--local-directory", str(tmp_path / "scratch")],
                tmp_path / "workers.log",
            )
        )  # fmt: skip
        yield address
    finally:
        for process in reversed(started):  # the workers first, then the scheduler
            _stop(process)


def test_scheduler_and_workers_apart_build_the_same_graph(
    corpus: Path, local_graph: bytes, scheduler: str, tmp_path: Path
) -> None:
    """The gazetteer is named relative to the build's folder, not the workers' own."""
    out = tmp_path / "out"
    command = [
        *(sys.executable, "-m", "kg", "build", "news", "--out", str(out), "--no-html"),
        *("--gazetteer", "names.jsonl", "--executor", "dask", "--scheduler", scheduler),
    ]
    result = subprocess.run(
        command, env=ENV, cwd=corpus.parent, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "graph.ttl").read_bytes() == local_graph
    from distributed import Client

    with Client(scheduler, timeout=10) as client:
        # the workers parsed: each one that did holds the loaded pipeline
        loaded = client.run(eval, "bool(__import__('kg.parse').parse._PIPELINES)")
    assert len(loaded) == 2 and any(loaded.values()), loaded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _errors(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("Error")]


def test_unreachable_scheduler_is_one_line(
    corpus: Path, local_graph: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.cluster, "CONNECT_TIMEOUT", 1)  # nothing listens: no need to wait
    address = f"tcp://127.0.0.1:{_free_port()}"
    args = [
        "build",
        str(corpus),
        "--out",
        str(tmp_path),
        "--executor",
        "dask",
        "--scheduler",
        address,
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert _errors(result.stderr) == [
        f"Error: cannot reach the Dask scheduler at {address}: no answer within 1 s"
    ]
    assert not (tmp_path / "graph.ttl").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "--scheduler goes with --executor dask."),
        (["--executor", "dask", "--jobs", "2"],
         "--jobs and --scheduler exclude each other (the cluster's workers parse)"),
    ],
)  # fmt: skip
def test_scheduler_usage(corpus: Path, options: list[str], message: str) -> None:
    args = ["build", str(corpus), "--scheduler", "tcp://127.0.0.1:8786", *options]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert [line.split(" Try ")[0] for line in _errors(result.stderr)] == [f"Error: {message}"]


def test_without_dask_installed_the_error_says_how_to_install_it(
    corpus: Path, local_graph: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an import finds when absent
    args = ["build", str(corpus), "--out", str(tmp_path), "--executor", "dask", "--no-cache"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert _errors(result.stderr) == [
        "Error: the Dask executor needs dask.distributed: pip install 'kg[dask]'"
    ]


def test_kg_does_not_import_dask_unless_it_runs_on_it() -> None:
    code = (
        "import sys, kg.cli, kg.cluster, kg.parse, kg.pipeline;"
        " print(sorted({'dask', 'distributed'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
