"""Where parsing and extraction run: a process pool on this machine (the default) or a Dask cluster.

The flow itself pulls every document and checks the result cache (pulls retry, and the sources
and `<out>/.cache` are on its machine); only the bytes of a document that needs work go to an
`Extractor`, and the flow learns what became of it from the future `submit` returns:

- `ProcessExtractor`: a local process pool; a worker writes the result to the cache itself
  (same disk) and returns a small `DocumentSummary`.
- `DaskExtractor`: Prefect's `DaskTaskRunner`; `extract_task` runs on a Dask worker and returns
  the `DocumentResult`, which the flow writes to the cache.  Workers need no shared file system,
  neither for the sources nor for the cache, only govmap installed and a route to Prefect's API.

Either way the spaCy pipeline is built once per worker process (`govmap.flows.documents.worker_nlp`)
and never travels with a task: a task carries one document's bytes and two small settings
objects.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import signal
import socket
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from multiprocessing.util import Finalize
from typing import Any, Protocol
from urllib.parse import urlsplit

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from govmap.extractors.config import NlpConfig
from govmap.flows.documents import (
    WATCHDOG_GRACE_S,
    WORKER_OVERTIME_EXIT,
    DocumentResult,
    DocumentSummary,
    init_worker,
    quarantine,
    run_alone,
    run_bounded,
    run_in_worker,
    start_worker_server,
    summarize,
    worker_context,
)
from govmap.flows.result_cache import ResultCache
from govmap.errors import RunnerError
from govmap.version import pipeline_version
from govmap.sources import ParseSettings, RawDocument

__all__ = [
    "TASK_RUNNERS",
    "RunnerError",
    "Extractor",
    "BoundedPool",
    "ProcessExtractor",
    "DaskExtractor",
    "open_extractor",
    "check_dask_address",
    "check_runner_options",
    "default_workers",
]

log = logging.getLogger(__name__)

TASK_RUNNERS = ("process", "dask")
_CONNECT_TIMEOUT_S = 10


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


class Extractor(Protocol):
    window: int  # documents that may be between pull and done at once (bounds memory)

    def submit(self, raw: RawDocument) -> Future[Any] | PrefectFuture[Any]:
        """Start parsing and extracting one document (a future that takes done-callbacks)."""

    def collect(self, future: Any) -> DocumentSummary:
        """The finished document's summary, its result written to the cache."""


# --- bounded worker processes --------------------------------------------------------------------


class BoundedPool:
    """A process pool whose processes hold each document to its budgets (`init_worker`: the
    time budget by an alarm in the process's main thread and a watchdog, the memory budget by an
    address-space cap); the process-pool runner's workers, and on Dask each worker's own.

    A process that dies (the OOM killer, a crash in C, its watchdog ending a stuck document)
    breaks the pool and every document in it: the pool is replaced, and each of those documents
    runs again alone (`run_alone`), so a second death names its document for sure, which is then
    quarantined with the reason.
    """

    def __init__(self, settings: ParseSettings, nlp_config: NlpConfig | None, workers: int) -> None:
        self.settings, self.nlp_config, self.workers = settings, nlp_config, workers
        self.replaced = 0  # pools replaced after a worker died
        self._lock = threading.Lock()  # a Dask worker runs tasks on several threads
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=worker_context(),
            initializer=init_worker,
            initargs=(self.nlp_config, self.settings.document_memory_mb),
        )

    def submit(self, fn: Any, *args: Any) -> tuple[Future, ProcessPoolExecutor]:
        """`fn(*args)` in a worker: its future, and the pool to name to `replace` if it breaks."""
        with self._lock:
            pool = self._pool
        try:
            return pool.submit(fn, *args), pool
        except BrokenProcessPool:  # a worker died since the last document finished
            self.replace(pool)
            with self._lock:
                pool = self._pool
            return pool.submit(fn, *args), pool

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool in place of `broken`, once however many of its documents report it."""
        with self._lock:
            if broken is self._pool:
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                self.replaced += 1

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def run_alone(self, raw: RawDocument, settings: ParseSettings) -> DocumentResult:
        """`raw` once more, in a bounded process of its own (`run_alone`): its result, or its
        quarantine with the reason that process died too.  `settings` are the document's run's
        (on Dask, a pool serves every run whose pipeline and memory budget are the same)."""
        context = worker_context()
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=run_alone, args=(raw, settings, self.nlp_config, send), name="govmap-retry", daemon=True
        )
        process.start()
        send.close()  # this end is the child's: with it closed here, the child's death reads as EOF
        result: DocumentResult | None = None
        # The watchdog ends the process after the budget and its grace; this wait only guards
        # against a process that could not even start its watchdog.
        answered = receive.poll(settings.document_seconds + 2 * WATCHDOG_GRACE_S + 60)
        try:
            if answered:
                result = receive.recv()
        except (EOFError, OSError):  # died before it sent a result
            pass
        finally:
            receive.close()
        process.join(WATCHDOG_GRACE_S)
        if process.is_alive():
            process.kill()
            process.join()
        if result is not None:
            return result
        code = process.exitcode
        if code == WORKER_OVERTIME_EXIT or not answered:
            why = f"stuck past its {settings.document_seconds:g} s budget (document_seconds)"
        elif code == -signal.SIGKILL:
            why = "its worker process was killed (SIGKILL: out of memory?) twice"
        elif code == -signal.SIGABRT:  # what pdfium does when an allocation fails: a decompression bomb
            why = (
                f"its worker process aborted twice (SIGABRT: an allocation failed, most likely over the "
                f"{settings.document_memory_mb:,} MB budget, document_memory_mb)"
            )
        elif code < 0:
            why = f"its worker process died of signal {-code} twice"
        else:
            why = f"its worker process exited with code {code} twice"
        result = quarantine(raw.source_uri, f"{raw.source_uri}: {why}; document quarantined", raw=raw, transient=True)
        log.warning("%s", result.row.error)
        return result


# --- process pool (one machine) ----------------------------------------------------------------


class ProcessExtractor:
    """A `BoundedPool` on this machine whose initializer builds the pipeline; workers write the
    cache (same disk)."""

    def __init__(self, cache: ResultCache, settings: ParseSettings, nlp_config: NlpConfig | None, workers: int) -> None:
        self.cache, self.settings, self.nlp_config, self.workers = cache, settings, nlp_config, workers
        self.window = 2 * workers  # one document being extracted and one pulled ahead per worker
        self._pool: BoundedPool | None = None
        self._submitted: dict[Future, tuple[RawDocument, ProcessPoolExecutor]] = {}

    @property
    def replaced(self) -> int:
        """Pools replaced after a worker died."""
        return self._pool.replaced if self._pool is not None else 0

    def __enter__(self) -> ProcessExtractor:
        start_worker_server()  # the CLI started it already; a flow run in `serve` or a test did not
        self._pool = BoundedPool(self.settings, self.nlp_config, self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def submit(self, raw: RawDocument) -> Future[DocumentSummary]:
        # The pool's own future, not a Prefect task run: a task run here would only wait on it,
        # and costs the API server and this process ~60 ms of CPU per document (measured with
        # the bench corpus) that the workers need.  The document's fetch is the task run the
        # flow shows; its outcome is logged and in the documents table.
        assert self._pool is not None
        future, pool = self._pool.submit(run_in_worker, raw, self.settings, self.cache, self.nlp_config)
        self._submitted[future] = (raw, pool)
        return future

    def collect(self, future: Future[DocumentSummary]) -> DocumentSummary:
        assert self._pool is not None
        raw, pool = self._submitted.pop(future)
        try:
            return future.result()
        except BrokenProcessPool:
            self._pool.replace(pool)
            result = self._pool.run_alone(raw, self.settings)
            self.cache.put(result)
            return summarize(result)


# --- Dask ----------------------------------------------------------------------------------------

# This Dask worker process's bounded pool, for the budgets and pipeline it was made for: a
# long-lived worker serving runs with other settings swaps it, never keeps two.
_DASK_POOL: list[tuple[tuple[str, int], BoundedPool]] = []
_DASK_POOL_LOCK = threading.Lock()
_DASK_POOL_CLOSER: list[Finalize] = []


def _close_dask_pool() -> None:
    """Shut this Dask worker's pool down as the worker process exits.

    A multiprocessing child (what a nanny starts) joins its non-daemonic children before the
    interpreter's own exit hooks would stop a pool: without this, a worker whose pool holds a
    process never exits, its nanny kills it after a few seconds, and the pool's processes and
    forkserver were left behind (now they die with it too: `start_worker_server`)."""
    with _DASK_POOL_LOCK:
        while _DASK_POOL:
            _DASK_POOL.pop()[1].shutdown(wait=True)


def _dask_worker_pool(settings: ParseSettings, nlp_config: NlpConfig | None) -> BoundedPool:
    """This Dask worker's `BoundedPool`, one process per thread of the worker."""
    key = (repr(nlp_config or NlpConfig()), settings.document_memory_mb)
    with _DASK_POOL_LOCK:
        if _DASK_POOL and _DASK_POOL[0][0] == key:
            return _DASK_POOL[0][1]
        if _DASK_POOL:
            _DASK_POOL.pop()[1].shutdown(wait=False)
        from distributed import get_worker

        try:
            threads = get_worker().state.nthreads
        except ValueError:  # not on a Dask worker (a test calling the task's function)
            threads = 1
        start_worker_server()  # from a thread of its own, not this task's (see its doc)
        if not _DASK_POOL_CLOSER:
            # Priority >= 0: before the exiting process joins its children; above the 10 of a
            # queue's feeder thread, which must still be there to send the pool's stop signals.
            _DASK_POOL_CLOSER.append(Finalize(None, _close_dask_pool, exitpriority=100))
        pool = BoundedPool(settings, nlp_config, max(1, threads))
        _DASK_POOL.append((key, pool))
        return pool


@task(cache_policy=NO_CACHE, task_run_name="extract {raw.source_uri}")
def extract_task(raw: RawDocument, settings: ParseSettings, nlp_config: NlpConfig | None) -> DocumentResult:
    """Runs on a Dask worker, the document in a process of the worker's `BoundedPool`, so its
    time and memory budgets hold as on the process pool; the result goes back to the flow, which
    owns the cache."""
    pool = _dask_worker_pool(settings, nlp_config)
    future, used = pool.submit(run_bounded, raw, settings, nlp_config)
    try:
        return future.result()
    except BrokenProcessPool:
        pool.replace(used)
        return pool.run_alone(raw, settings)


def _is_loopback(host: str | None) -> bool:
    if not host or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_dask_address(address: str, api_url: str | None) -> None:
    """Fail in a second, before any run starts, when `address` cannot serve this run.

    Dask workers report their task runs to Prefect themselves, so a scheduler on another machine
    needs a Prefect API that is not on this machine's loopback (where the temporary server
    listens).  Raises RunnerError with one line.
    """
    from distributed.comm.addressing import get_address_host_port

    try:
        host, port = get_address_host_port(address)
    except ValueError as exc:
        raise RunnerError(
            f"--dask-address {address}: not a Dask scheduler address ({exc}); expected e.g. tcp://host:8786"
        ) from None
    if not _is_loopback(host) and _is_loopback(urlsplit(api_url).hostname if api_url else None):
        where = api_url or "Prefect's temporary server on this machine"
        raise RunnerError(
            f"--dask-address {address}: workers on other machines cannot reach {where}; "
            "set PREFECT_API_URL to a Prefect server they can reach"
        )
    try:
        socket.create_connection((host, port), timeout=_CONNECT_TIMEOUT_S).close()  # a refusal, at once
        identity = asyncio.run(asyncio.wait_for(_scheduler_identity(address), _CONNECT_TIMEOUT_S))
    except Exception as exc:  # refused, silent, or not speaking Dask's protocol: all the same to the user
        reason = (str(exc).splitlines() or [""])[0][:160] or type(exc).__name__
        raise RunnerError(
            f"--dask-address {address}: no Dask scheduler answers there ({reason}); "
            "start one (`dask scheduler`) or leave the option out for a local cluster"
        ) from None
    if identity.get("type") != "Scheduler":
        raise RunnerError(
            f"--dask-address {address}: a Dask {identity.get('type')} answers there, not a scheduler; "
            "give the scheduler's address"
        )


async def _scheduler_identity(address: str) -> dict:
    # A plain Client waits forever on a port that accepts but never answers; this is bounded.
    from distributed.core import rpc

    async with rpc(address, timeout=_CONNECT_TIMEOUT_S) as scheduler:
        return await scheduler.identity()


def _is_daemonic() -> bool:
    """Whether this process may not start processes of its own (run on each Dask worker)."""
    import multiprocessing

    return multiprocessing.current_process().daemon


class DaskExtractor:
    """Prefect's DaskTaskRunner: a local cluster of worker processes, or the scheduler at `address`."""

    def __init__(
        self,
        cache: ResultCache,
        settings: ParseSettings,
        nlp_config: NlpConfig | None,
        *,
        workers: int,
        address: str | None = None,
        api_url: str | None = None,
    ) -> None:
        self.cache, self.settings, self.nlp_config = cache, settings, nlp_config
        self.workers, self.address, self.api_url = workers, address, api_url
        self.window = 2 * workers
        self._version = pipeline_version()
        self._stack = ExitStack()

    def __enter__(self) -> DaskExtractor:
        import dask
        from prefect.settings import PREFECT_API_URL, temporary_settings
        from prefect_dask import DaskTaskRunner

        if self.address:
            check_dask_address(self.address, self.api_url)  # the CLI checked too, but not `govmap serve`
            runner = DaskTaskRunner(address=self.address, client_kwargs={"timeout": f"{_CONNECT_TIMEOUT_S}s"})
        else:
            # Processes, one thread each: extraction is pure Python, so threads would share one GIL.
            runner = DaskTaskRunner(
                cluster_kwargs={
                    "n_workers": self.workers,
                    "threads_per_worker": 1,
                    "processes": True,
                    "dashboard_address": None,
                }
            )
            # Not daemonic, so each worker can start the processes its documents are bounded in
            # (read by the nannies as they start their workers, in this process).
            self._stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
        try:
            if self.api_url:
                # Each task carries the flow's settings to its worker; with Prefect's temporary
                # server they hold no URL, and a worker would start a server of its own.
                self._stack.enter_context(temporary_settings(updates={PREFECT_API_URL: self.api_url}))
            self._runner = self._stack.enter_context(runner)
            client = self._runner.client
            self._check_workers(client)
        except OSError as exc:
            self._stack.close()
            where = (
                f"--dask-address {self.address}: cannot connect to the Dask scheduler"
                if self.address
                else "cannot start a local Dask cluster"
            )
            raise RunnerError(f"{where} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
        except BaseException:
            self._stack.close()
            raise
        self.window = max(4, 2 * sum(client.nthreads().values()))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)

    def _check_workers(self, client: Any) -> None:
        """Every worker must run this very pipeline: results from other code would be cached
        under this version's key."""
        try:
            versions = client.run(pipeline_version)
        except (ImportError, AttributeError) as exc:
            raise RunnerError(
                f"Dask workers at {self.address}: cannot import govmap ({exc}); install the same govmap on every worker"
            ) from None
        wrong = {w: v for w, v in versions.items() if v != self._version}
        if wrong:
            worker, version = next(iter(wrong.items()))
            raise RunnerError(
                f"Dask worker {worker} runs govmap pipeline {version}, this run {self._version}; "
                "install the same govmap version on every worker"
            )
        daemonic = [w for w, is_daemon in client.run(_is_daemonic).items() if is_daemon]
        if daemonic:
            raise RunnerError(
                f"Dask worker {daemonic[0]} is a daemonic process, which cannot start the processes that hold "
                "documents to their time and memory budgets; start the workers with "
                "DASK_DISTRIBUTED__WORKER__DAEMON=False"
            )

    def submit(self, raw: RawDocument) -> PrefectFuture[Any]:
        return self._runner.submit(extract_task, {"raw": raw, "settings": self.settings, "nlp_config": self.nlp_config})

    def collect(self, future: PrefectFuture[Any]) -> DocumentSummary:
        result: DocumentResult = future.result()
        if result.row.pipeline_version != self._version:  # a worker that joined after the start check
            raise RunnerError(
                f"{result.row.source_uri}: extracted by govmap pipeline {result.row.pipeline_version}, "
                f"this run {self._version}; install the same govmap version on every Dask worker"
            )
        self.cache.put(result)
        return summarize(result)


def check_runner_options(task_runner: str, *, workers: int | None = None, dask_address: str | None = None) -> None:
    """Raise RunnerError (one line) for a combination of options that cannot run."""
    if task_runner not in TASK_RUNNERS:
        raise RunnerError(f"--task-runner {task_runner}: unknown; choose one of {', '.join(TASK_RUNNERS)}")
    if workers is not None and workers < 1:
        raise RunnerError(f"--workers {workers}: must be at least 1")
    if task_runner == "process" and dask_address:
        raise RunnerError("--dask-address needs --task-runner dask")
    if dask_address and workers is not None:
        raise RunnerError(
            f"--workers sizes a local pool or cluster; the Dask cluster at {dask_address} has its own workers"
        )


def open_extractor(
    task_runner: str,
    cache: ResultCache,
    settings: ParseSettings,
    nlp_config: NlpConfig | None,
    *,
    workers: int | None = None,
    dask_address: str | None = None,
    api_url: str | None = None,
) -> ProcessExtractor | DaskExtractor:
    """The extractor for `task_runner` ("process" or "dask"), to be entered with `with`.

    `workers` sizes the process pool or the local Dask cluster (default: the machine's cores, at
    most 8); a cluster at `dask_address` brings its own workers.  Raises RunnerError.
    """
    check_runner_options(task_runner, workers=workers, dask_address=dask_address)
    if task_runner == "process":
        return ProcessExtractor(cache, settings, nlp_config, workers or default_workers())
    return DaskExtractor(
        cache, settings, nlp_config, workers=workers or default_workers(), address=dask_address, api_url=api_url
    )
