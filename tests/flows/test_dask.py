"""The Dask task runner: the shared corpus published through a two-worker Dask cluster gives the
same tables, row for row, as the local process pool; each Dask worker builds the spaCy pipeline
once however many documents it extracts; the flow reports live progress with either runner."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from govmap.datasets.contract import TABLES
from govmap.flows.documents import DocumentSummary
from govmap.flows.progress import NullProgress

if TYPE_CHECKING:
    from govmap.sources import RawDocument

pytestmark = pytest.mark.slow


class Recorder(NullProgress):
    """A RunProgress that remembers the per-document calls (they come from several threads)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self._lock = threading.Lock()

    def _add(self, name: str, value: object) -> None:
        with self._lock:
            self.calls.append((name, value))

    def start(self, total_documents: int) -> None:
        self._add("start", total_documents)

    def pulled(self, uri: str) -> None:
        self._add("pulled", uri)

    def processed(self, summary: DocumentSummary) -> None:
        self._add("processed", summary)

    def of(self, name: str) -> list:
        return [v for n, v in self.calls if n == name]


def _run(corpus: Path, out: Path, **options):
    from govmap.flows.ingest import ingest
    from govmap.flows.progress import reporting

    recorder = Recorder()
    with reporting(recorder):
        result = ingest([str(corpus)], str(out), **options)
    return result, recorder


@pytest.fixture(scope="module")
def cluster() -> Iterator:
    """A local two-worker cluster (processes, one thread each), reached by its address as an
    operator's existing cluster would be."""
    import dask
    from distributed import Client, LocalCluster

    # As an operator starts workers for govmap (README): not daemonic, so that they can start the
    # processes that hold each document to its budgets.  Not the default client: Prefect's
    # DaskTaskRunner takes a default client's cluster over the address it is given, so every
    # later run in this process (another test's cluster, a local one) would land here.
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        Client(c, set_as_default=False) as client,
    ):
        yield c, client


@pytest.fixture(scope="module")
def runs(shared_corpus: Path, prefect_server: str, cluster, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("runners")
    corpus = shared_corpus / "text"
    local_cluster, client = cluster
    return {
        "process": (*_run(corpus, root / "process", workers=2), root / "process"),
        "dask": (
            *_run(corpus, root / "dask", task_runner="dask", dask_address=local_cluster.scheduler_address),
            root / "dask",
        ),
        "corpus": corpus,
        "root": root,
    }


def _tables(out: Path) -> dict[str, pa.Table]:
    """Every published table without its timestamp columns (when a document was ingested)."""
    tables = {}
    for name in TABLES:
        table = pq.read_table(out / "latest" / f"{name}.parquet")
        times = [f.name for f in table.schema if pa.types.is_timestamp(f.type)]
        tables[name] = table.drop_columns(times)
    return tables


# In any order: the module's cluster is not the default client (see `cluster`), which made the
# daemonic cluster below look non-daemonic when this ran after it.
def test_a_daemonic_dask_cluster_is_refused_in_one_line(prefect_server: str) -> None:
    # A daemonic worker cannot start a bounded process; the run must not go on without budgets.
    import dask
    from distributed import LocalCluster

    from govmap.flows.result_cache import ResultCache
    from govmap.flows.runners import DaskExtractor, RunnerError
    from govmap.sources import ParseSettings

    with (
        dask.config.set({"distributed.worker.daemon": True}),
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as c,
    ):
        extractor = DaskExtractor(
            ResultCache(Path("/nonexistent")),
            ParseSettings(),
            None,
            workers=1,
            address=c.scheduler_address,
            api_url=prefect_server,
        )
        with pytest.raises(
            RunnerError,
            match=r"^Dask worker tcp://\S+ is a daemonic process, .*"
            r"DASK_DISTRIBUTED__WORKER__DAEMON=False$",
        ):
            with extractor:
                pass


def test_dask_and_process_pool_publish_identical_tables(runs: dict) -> None:
    (p_result, _, p_out), (d_result, _, d_out) = runs["process"], runs["dask"]
    assert p_result.outcome.promoted and d_result.outcome.promoted
    expected, got = _tables(p_out), _tables(d_out)
    assert expected["documents"].num_rows == len(list(runs["corpus"].iterdir()))
    assert expected["mentions"].num_rows > 0 and expected["institutions"].num_rows > 0
    for name in TABLES:
        assert got[name].schema == expected[name].schema, name
        assert got[name].to_pylist() == expected[name].to_pylist(), (
            f"{name} differs between the Dask and process runners"
        )


def _bounded_state() -> tuple[list[int], int]:
    """On a Dask worker: the processes its documents ran in, and how many pipelines each built."""
    from govmap.flows import runners

    pools = [pool for _, pool in runners._DASK_POOL]
    processes = sorted(pid for pool in pools for pid in pool._pool._processes)
    return processes, [pool.submit(_builds).__getitem__(0).result() for pool in pools]


def _builds() -> int:
    from govmap.flows.documents import nlp_builds

    return nlp_builds()


def test_each_dask_worker_builds_the_pipeline_once(runs: dict, cluster) -> None:
    # Each Dask worker runs its documents in one bounded process (one per thread), which keeps
    # the pipeline: built once (in its forkserver for the default pipeline), whatever the count.
    _, client = cluster
    documents = len(runs["dask"][0].documents)
    state = client.run(_bounded_state)  # worker address -> (bounded processes, builds in them)
    assert len(state) == 2 and documents > len(state)
    assert all(len(processes) == 1 for processes, _ in state.values()), state
    assert all(builds[0] <= 1 for _, builds in state.values()), state


def _memo(name: str, text: str) -> "RawDocument":
    import hashlib

    from govmap.sources import RawDocument

    data = text.encode()
    return RawDocument(source_uri=name, data=data, media_type="text/markdown", sha256=hashlib.sha256(data).hexdigest())


def test_dask_workers_hold_documents_to_their_time_and_memory_budgets(cluster) -> None:
    # The task's own function on the cluster's workers (a Dask worker runs tasks on threads, where
    # no alarm reaches; the bounded process is what holds the budgets).
    from govmap.flows.runners import extract_task
    from govmap.sources import ParseSettings, RawDocument
    from tests.flows.test_workers import _pdf_bomb

    _, client = cluster
    long_memo = _memo("long.md", "# Memo\n\n" + "The Harbor Board met the Northwind Office in March. " * 4000)
    good = _memo("memo.md", "# Memo\n\nThe Harbor Board met the Northwind Office.\n")
    bomb = RawDocument("bomb.pdf", _pdf_bomb(512), "application/pdf")
    slow = client.submit(extract_task.fn, long_memo, ParseSettings(document_seconds=0.05), None, pure=False)
    heavy = client.submit(extract_task.fn, bomb, ParseSettings(document_memory_mb=128), None, pure=False)
    fine = client.submit(extract_task.fn, good, ParseSettings(document_memory_mb=128), None, pure=False)
    slow, heavy, fine = (f.result(timeout=600) for f in (slow, heavy, fine))
    assert slow.row.status == "quarantined" and slow.transient
    assert slow.row.error.startswith("long.md: ") and "exceeded 0.05 s (document_seconds)" in slow.row.error
    assert (heavy.row.status, heavy.row.error) == (
        "quarantined",
        (
            "bomb.pdf: its worker process aborted twice (SIGABRT: an allocation failed, most likely "
            "over the 128 MB budget, document_memory_mb); document quarantined"
        ),
    )
    assert fine.row.status == "ok" and fine.extraction is not None and fine.extraction.mentions


@pytest.mark.parametrize("runner", ["process", "dask"])
def test_progress_reports_every_document(runs: dict, runner: str) -> None:
    result, recorder, _ = runs[runner]
    uris = sorted(d.source_uri for d in result.documents)
    assert recorder.of("start") == [len(uris)]
    assert sorted(recorder.of("pulled")) == uris
    assert sorted(s.source_uri for s in recorder.of("processed")) == uris
    assert all(s.status == "ok" and not s.cached for s in recorder.of("processed"))
    # each document is pulled before it is reported done
    order = [(n, v if n == "pulled" else v.source_uri) for n, v in recorder.calls if n in ("pulled", "processed")]
    for uri in uris:
        assert order.index(("pulled", uri)) < order.index(("processed", uri))


def test_the_dask_run_fills_the_cache_the_process_pool_reads(runs: dict) -> None:
    """Workers return their results and the flow writes the cache, so a later run (here with the
    other runner) finds every document unchanged and publishes nothing."""
    result, recorder, out = runs["dask"]
    again, again_progress = _run(runs["corpus"], out, workers=2)
    assert again.outcome is None and again.unchanged_release == result.outcome.release_id
    assert [s.cached for s in again_progress.of("processed")] == [True] * len(result.documents)


def test_cli_runs_on_a_local_dask_cluster(runs: dict, prefect_server: str, samples_folder: Path) -> None:
    from tests.flows.test_end_to_end import query, run_cli

    out = runs["root"] / "cli"
    done = run_cli(
        "run", str(samples_folder), "--out", str(out), "--task-runner", "dask", "--workers", "2", api_url=prefect_server
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert query(out, "SELECT status, count(*) FROM documents GROUP BY status") == [("ok", 3)]
