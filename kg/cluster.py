"""Pass 1 of a build on a Dask cluster (``kg build --executor dask``).

The documents go to the workers as text, :data:`kg.parse.BATCH_DOCUMENTS` to a task, and
their records come back in the documents' order; pass 2 runs here, in the client. No more
than a few batches per worker thread are in flight at once, so the client's memory does not
grow with the corpus. A worker parses with :func:`kg.parse.parse_batch`, as a local worker
process does, so the graph is the same as a local build's. Each worker needs ``kg`` and the
spaCy model installed, and the files the build's options name (gazetteers, patterns, pack
folders) at the same paths.

``dask.distributed`` is imported here only, inside the functions that use it: ``kg``
commands that do not run on Dask never import it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.parse import BATCH_DOCUMENTS, parse_batch
from kg.records import Document

if TYPE_CHECKING:
    from kg.pipeline import BuildOptions

__all__ = ["parse_on_dask"]

#: Seconds to wait for the scheduler to answer.
CONNECT_TIMEOUT = 10

#: Seconds to wait for a first worker to join a scheduler that has none.
WORKERS_TIMEOUT = 60

#: Batches in flight per worker thread: enough that a worker never waits for its next one.
WINDOW_PER_THREAD = 2

INSTALL = "pip install 'kg[dask]'"


def parse_on_dask(
    documents: Sequence[Document],
    options: BuildOptions,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, bytes]]:
    """Parse ``documents`` into records on a Dask cluster: ``(index, record)`` pairs, in the
    documents' order, as :func:`kg.parse.parse_documents` yields them.

    Args:
        documents: the documents to parse.
        options: the build's settings; ``options.scheduler`` is the address of the cluster's
            scheduler (``tcp://HOST:8786``), or ``None`` for a cluster on this machine of
            ``options.jobs`` worker processes.
        progress: called with the characters of each document as it is done.

    Raises:
        KGError: dask is not installed, the scheduler cannot be reached, no worker joins it,
            or the cluster lost a worker while it parsed.
    """
    if not documents:
        return
    dask = _distributed()
    options = _portable(options)
    client, cluster = _connect(dask, options)
    pending: deque[tuple[range, Any]] = deque()
    try:
        threads = sum(client.nthreads().values())
        window = max(2, WINDOW_PER_THREAD * threads)
        batches = iter(
            range(i, min(i + BATCH_DOCUMENTS, len(documents)))
            for i in range(0, len(documents), BATCH_DOCUMENTS)
        )

        def submit() -> None:
            batch = next(batches, None)
            if batch is not None:
                texts = [documents[i] for i in batch]
                pending.append((batch, client.submit(_parse, texts, options, pure=False)))

        for _ in range(window):
            submit()
        while pending:
            batch, future = pending.popleft()
            try:
                records = future.result()
            except dask.KilledWorker as exc:
                raise KGError(f"the Dask cluster lost a worker while it parsed: {exc}") from None
            except KGError as exc:  # a file or the model missing there, say
                raise KGError(f"on a Dask worker: {exc}") from None
            submit()
            for index, record in zip(batch, records, strict=True):
                if progress:
                    progress(len(documents[index].text))
                yield index, record
    finally:
        for _, future in pending:
            future.cancel()
        client.close()
        if cluster is not None:
            cluster.close()


def _distributed() -> Any:
    """The ``distributed`` module (untyped here: its API is partly annotated)."""
    try:
        import distributed
    except ImportError:
        raise KGError(f"the Dask executor needs dask.distributed: {INSTALL}") from None
    return distributed


def _portable(options: BuildOptions) -> BuildOptions:
    """``options`` with the files and folders pass 1 reads named by absolute paths: a worker
    runs in a folder of its own."""
    from spacy.util import is_package

    from kg.packs import locate_pack

    def absolute(paths: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(Path(p).absolute() for p in paths)

    packs = tuple(
        str(Path(pack).absolute()) if locate_pack(pack) == Path(pack) else pack
        for pack in options.packs
    )
    model = options.model
    if model is not None and not is_package(model) and Path(model).exists():
        model = str(Path(model).absolute())
    return replace(
        options,
        model=model,
        gazetteers=absolute(options.gazetteers),
        patterns=absolute(options.patterns),
        packs=packs,
    )


def _connect(dask: Any, options: BuildOptions) -> tuple[Any, Any]:
    """A client of the scheduler of ``options``, or of a new cluster on this machine (the
    second item, closed by the caller after the client)."""
    if options.scheduler is None:
        cluster = dask.LocalCluster(
            n_workers=max(1, options.jobs),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        return dask.Client(cluster), cluster
    try:
        client = dask.Client(options.scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if "timed out" in reason.lower():
            reason = f"no answer within {CONNECT_TIMEOUT} s"
        raise KGError(f"cannot reach the Dask scheduler at {options.scheduler}: {reason}") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        client.close()
        raise KGError(
            f"no Dask worker joined the scheduler at {options.scheduler} within {WORKERS_TIMEOUT} s"
        ) from None
    return client, None


#: spaCy's pipeline is not to be shared by threads: a worker with several threads parses
#: one batch at a time.
_LOCK = threading.Lock()


def _parse(documents: list[Document], options: BuildOptions) -> list[bytes]:
    """The task a worker runs: the records of ``documents``."""
    with _LOCK:
        return parse_batch(documents, options)
