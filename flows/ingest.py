"""The ingestion flow: pull -> parse -> extract (per document, concurrently) -> resolve ->
validate -> publish.

The flow composes the plain functions of `govmap.flows.documents` and `govmap.flows.release`; Prefect adds
the flow run, task runs with retries for network pulls (a URL's or object's `fetch` and `pull`),
Dask's `extract` task runs, the `publish` task run and logging.  The flow pulls each document
(local files on plain threads) and checks the result cache; CPU-bound parsing and extraction run
on a local process pool or a Dask cluster (`govmap.flows.runners`) whose workers build the spaCy
pipeline once per process.
"""

from __future__ import annotations

import hashlib
import logging
import queue
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from govmap.datasets.curation import Curation, load_curation
from govmap.datasets.lock import release_lock
from govmap.datasets.release import input_fingerprint, sweep_staging
from govmap.extractors.config import NlpConfig
from govmap.flows.documents import (
    DocumentResult,
    DocumentSummary,
    quarantine,
    summarize,
)
from govmap.flows.result_cache import ResultCache
from govmap.flows.progress import RunProgress, current_progress
from govmap.flows.release import PublishOutcome, prepare_publish, publish_release, unchanged_since_latest
from govmap.flows.runners import Extractor, default_workers, open_extractor
from govmap.errors import FetchError, PublishError, SourceError
from govmap.version import pipeline_version
from govmap.sources import ParseSettings, RawDocument, SourceRef, iter_sources, pull

__all__ = ["RunResult", "ingest", "run_ingest", "default_workers", "foreground_run"]

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"


@dataclass(frozen=True)
class RunResult:
    """What a run did: the documents it saw and the release it published (None when unchanged)."""

    documents: tuple[DocumentSummary, ...]
    outcome: PublishOutcome | None
    unchanged_release: str | None = None
    notes: tuple[str, ...] = field(default=())


def _retry_transient(task, task_run, state) -> bool:
    """Retry only fetch errors that may go away (timeouts, 5xx, dropped connections)."""
    try:
        state.result()
    except FetchError as exc:
        return exc.transient
    except Exception:
        return False
    return False


# Prefect's own task caching is off: per-document results are cached by `ResultCache` under
# (sha256, pipeline version, settings), which survives across runs without persisting every
# task result, and a source must be pulled afresh each run to notice that it changed.
@task(
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=1),
    retry_jitter_factor=0.5,
    retry_condition_fn=_retry_transient,
    task_run_name="pull {ref.uri}",
)
def pull_task(ref: SourceRef, settings: ParseSettings):
    return pull(ref, settings)


@dataclass(frozen=True)
class Fetched:
    """A pulled document: either its bytes, still to extract, or its summary when it is done
    already (a cache hit, or quarantined because the pull failed)."""

    raw: RawDocument | None = None
    summary: DocumentSummary | None = None


def _fetch(ref: SourceRef, settings: ParseSettings, cache: ResultCache) -> Fetched:
    """One document's bytes, unless the cache already holds its result."""
    try:
        # A local file's read cannot fail in a way a retry fixes, so it skips the retrying
        # task run (and the API round trips one costs per document).
        raw = pull(ref, settings) if ref.kind == "file" else pull_task(ref, settings)
    except SourceError as exc:
        # A failed pull still gets its documents row; it is cached under the URI's hash so the
        # publish step reads every document the same way.
        result = quarantine(ref.uri, exc)
        cache.put(result)
        return Fetched(summary=summarize(result))
    if (cached := cache.get(raw.sha256)) is not None and not cached.transient:
        # A document quarantined over a budget or a dead worker is tried again.
        log.info("%s: unchanged since it was last extracted (cache hit)", ref.uri)
        return Fetched(summary=replace(summarize(cached, cached=True), source_uri=ref.uri))
    return Fetched(raw=raw)


@task(cache_policy=NO_CACHE, task_run_name="fetch {ref.uri}")
def fetch_task(ref: SourceRef, settings: ParseSettings, cache: ResultCache) -> Fetched:
    """`_fetch` for a URL or an object, as a task run whose `pull` retries."""
    return _fetch(ref, settings, cache)


def _process_documents(
    refs: Sequence[SourceRef], settings: ParseSettings, cache: ResultCache, extractor: Extractor, progress: RunProgress
) -> tuple[DocumentSummary, ...]:
    """Every document's summary, in input order, reported to `progress` as each one finishes.

    At most `extractor.window` documents are between their pull and their end at once, so
    neither this process nor the workers ever hold more than that many documents' bytes.
    """
    progress.start(len(refs))
    finished: queue.Queue = queue.Queue()  # futures, put by their done-callbacks (any thread)
    in_flight: dict[Any, tuple[int, str]] = {}  # future -> (index in refs, "fetch" | "extract")
    summaries: list[DocumentSummary | None] = [None] * len(refs)
    todo = iter(enumerate(refs))

    def watch(future: Any, index: int, step: str) -> None:
        in_flight[future] = (index, step)
        future.add_done_callback(finished.put)

    def fetch(ref: SourceRef) -> Any:
        # A local file is read on a plain thread, not in a task run: nothing about it needs a
        # retry or shows in Prefect's UI that the run's log and documents table do not, and a
        # task run costs Prefect's API server about 25 ms of CPU per document.
        if ref.kind == "file":
            return reader.submit(_fetch, ref, settings, cache)
        return fetch_task.submit(ref, settings, quote(cache))

    def fill() -> None:
        while len(in_flight) < extractor.window and (nxt := next(todo, None)) is not None:
            watch(fetch(nxt[1]), nxt[0], "fetch")

    # Local files are read on these threads (see `fetch`); URLs and objects on the flow's task runner.
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="govmap-read") as reader:
        fill()
        while in_flight:
            future = finished.get()
            index, step = in_flight.pop(future)
            uri = refs[index].uri
            if step == "fetch":
                fetched: Fetched = future.result()
                progress.pulled(uri)
                if fetched.raw is not None:
                    # A document to extract means a release to publish: what publishing takes
                    # seconds to load loads while the workers extract.
                    prepare_publish()
                    watch(extractor.submit(fetched.raw), index, "extract")
                    continue
                summary = fetched.summary
            else:
                summary = replace(extractor.collect(future), source_uri=uri)
            assert summary is not None
            summaries[index] = summary
            progress.processed(summary)
            fill()
    return tuple(s for s in summaries if s is not None)


def nlp_config_of(spacy_model: str | None, kb: str | Path | None) -> NlpConfig | None:
    """The pipeline a run's options ask for; None for the default one."""
    if not spacy_model and not kb:
        return None
    return NlpConfig(spacy_model=spacy_model, kb_overlay=str(Path(kb).resolve()) if kb else None)


def _fingerprint_extra(settings: ParseSettings, nlp_config: NlpConfig | None, curation: Curation | None = None) -> str:
    """What besides the inputs and the code decides a release: the settings, the pipeline's
    configuration when it is not the default (so default runs keep their fingerprints), and the
    curation file's hash (a changed decision re-publishes; the extraction cache, keyed without
    it, stays valid, so no document is extracted again)."""
    nlp = nlp_config or NlpConfig()
    return (
        settings.cache_key()
        + ("" if nlp == NlpConfig() else nlp.cache_key())
        + (f"curation:{curation.sha256}" if curation is not None and curation.path is not None else "")
    )


def _carried(carry: Sequence[dict], cache: ResultCache) -> tuple[DocumentSummary, ...]:
    """Summaries of documents a `keep` source no longer lists, from the cache; a document whose
    cached result is gone (the pipeline changed since) cannot be re-extracted without its bytes
    and is left out with a warning."""
    kept = []
    for entry in carry:
        if (cached := cache.get(entry["sha256"])) is not None:
            kept.append(replace(summarize(cached, cached=True), source_uri=entry["source_uri"]))
        else:
            log.warning(
                "%s: removed from its source and no cached extraction for this pipeline version; not carried over",
                entry["source_uri"],
            )
    return tuple(kept)


def _load_results(cache: ResultCache, summaries: Sequence[DocumentSummary]) -> Iterator[DocumentResult]:
    """Each distinct document's result, read from the cache one at a time, in input order."""
    seen: set[str] = set()
    for s in summaries:
        if s.sha256 in seen:  # the same bytes under two names are one document
            continue
        seen.add(s.sha256)
        result = cache.get(s.sha256)
        if result is None:  # written by this run moments ago; changed or removed since
            raise PublishError(f"{cache.path(s.sha256)}: cache entry changed during the run; run again")
        if result.row.source_uri != s.source_uri:
            result = replace(result, row=replace(result.row, source_uri=s.source_uri))
        yield result


@task(cache_policy=NO_CACHE, task_run_name="publish")
def publish_task(
    cache: ResultCache,
    summaries: Sequence[DocumentSummary],
    out: Path,
    fingerprint: str,
    max_rejected: float | None = None,
    kb_overlay: str | None = None,
    curation: Curation | None = None,
) -> PublishOutcome:
    return publish_release(
        lambda: _load_results(cache, summaries),
        out,
        fingerprint=fingerprint,
        pipeline_version=pipeline_version(),
        max_rejected=max_rejected,
        kb_overlay=kb_overlay,
        curation=curation,
    )


def run_ingest(
    sources: Sequence[str],
    out: Path,
    *,
    settings: ParseSettings | None = None,
    nlp_config: NlpConfig | None = None,
    workers: int | None = None,
    force: bool = False,
    wait_seconds: float = 0.0,
    carry: Sequence[dict] = (),
    task_runner: str = "process",
    dask_address: str | None = None,
    api_url: str | None = None,
    max_rejected: float | None = None,
    curation: Curation | None = None,
) -> RunResult:
    """The whole run as a plain function composition (the flow body); see `ingest`.

    The run holds `<out>/.lock` throughout, waiting up to `wait_seconds` for another run: a
    second writer would sweep this run's staging folder and race it for `latest`.  Raises
    ReleaseLocked when the lock stays taken, RunnerError when the task runner cannot run.
    `api_url` is the Prefect API that Dask workers report their task runs to; `max_rejected` the
    share of any table that row checks may set aside before the release is held back;
    `curation` the reviewer's decisions to apply (`govmap.datasets.curation.load_curation`).
    """
    settings = ParseSettings.resolve(settings)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with release_lock(out, wait_seconds=wait_seconds):
        return _run_locked(
            sources,
            out,
            settings=settings,
            nlp_config=nlp_config,
            workers=workers,
            force=force,
            carry=carry,
            task_runner=task_runner,
            dask_address=dask_address,
            api_url=api_url,
            max_rejected=max_rejected,
            curation=curation,
        )


def _run_locked(
    sources: Sequence[str],
    out: Path,
    *,
    settings: ParseSettings,
    nlp_config: NlpConfig | None,
    workers: int | None,
    force: bool,
    carry: Sequence[dict] = (),
    task_runner: str = "process",
    dask_address: str | None = None,
    api_url: str | None = None,
    max_rejected: float | None = None,
    curation: Curation | None = None,
) -> RunResult:
    swept = sweep_staging(out)
    for p in swept:
        log.warning("removed %s left by an interrupted run", p)
    refs = list(iter_sources(sources, settings))
    if not refs:
        raise SourceError(
            f"{', '.join(map(str, sources))}: no .pdf, .txt, .md or .html documents found; nothing to ingest"
        )
    cache = ResultCache(out / CACHE_DIR, settings_key=settings.cache_key() + (nlp_config or NlpConfig()).cache_key())
    with open_extractor(
        task_runner, cache, settings, nlp_config, workers=workers, dask_address=dask_address, api_url=api_url
    ) as extractor:
        summaries = _process_documents(refs, settings, cache, extractor, current_progress())
    summaries += _carried(carry, cache)
    fingerprint = input_fingerprint(
        (s.sha256 for s in summaries),
        pipeline_version=pipeline_version(),
        extra=_fingerprint_extra(settings, nlp_config, curation),
    )
    unchanged = None if force else unchanged_since_latest(out, fingerprint)
    if unchanged:
        log.info("inputs unchanged since release %s; nothing published", unchanged)
        return RunResult(documents=summaries, outcome=None, unchanged_release=unchanged)
    outcome = publish_task(
        quote(cache),
        quote(summaries),
        out,
        fingerprint,
        max_rejected,
        nlp_config.kb_overlay if nlp_config else None,
        quote(curation),
    )
    return RunResult(documents=summaries, outcome=outcome)


def unchanged_local_inputs(
    sources: Sequence[str],
    out: Path | str,
    settings: ParseSettings | None = None,
    nlp_config: NlpConfig | None = None,
    curation: Curation | None = None,
) -> str | None:
    """The latest release's id when every source is a local file whose bytes it was built from.

    Lets the CLI answer "nothing changed" by hashing files, without starting Prefect's server
    (which costs more than the rest of such a run).  URLs, any file that differs, or another run
    holding the lock (it may be promoting other inputs) give None: the full run decides.
    """
    settings = ParseSettings.resolve(settings)
    shas = []
    for ref in iter_sources(sources, settings):
        if ref.kind != "file":
            return None
        h = hashlib.sha256()
        try:
            with open(ref.uri, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError:
            return None
        shas.append(h.hexdigest())
    fingerprint = input_fingerprint(
        shas, pipeline_version=pipeline_version(), extra=_fingerprint_extra(settings, nlp_config, curation)
    )
    from govmap.datasets.objectstore import is_remote

    if is_remote(out):  # object storage: compare with the release its pointer names
        from govmap.flows.remote import remote_unchanged

        return remote_unchanged(out, fingerprint)
    from govmap.datasets.lock import lock_is_held

    if lock_is_held(Path(out)):
        return None  # another run may be promoting other inputs: the full run asks under the lock
    return unchanged_since_latest(Path(out), fingerprint)


@contextmanager
def foreground_run() -> Iterator[None]:
    """Prefect settings for a flow run that a command starts and waits on (`govmap run`).

    Flow-run heartbeats (every 180 s by default) let an automation mark a run whose process
    died as crashed.  Prefect's engine stops its heartbeat thread at the end of every flow run
    and waits for it, and the thread sleeps in one-second steps: most of a second added to a run
    that takes seconds.  So a foreground run sends none, unless the operator set a frequency
    (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, or a profile), which is kept; `govmap serve` keeps
    Prefect's default.
    """
    from prefect.settings import get_current_settings, temporary_settings

    if "heartbeat_frequency" in get_current_settings().flows.model_fields_set:
        yield
        return
    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


def _prefect_api_url() -> str | None:
    """The API this flow run reports to (also Prefect's temporary server, which sets no
    PREFECT_API_URL), for Dask workers to report their task runs to the same place."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return str(ctx.client.api_url) if ctx is not None and ctx.client is not None else None


# The flow's own threads pull documents (I/O); `task_runner` chooses where extraction runs.
@flow(name="govmap-ingest", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def ingest(
    sources: list[str],
    out: str = "datasets",
    workers: int | None = None,
    force: bool = False,
    settings: dict[str, Any] | None = None,
    wait_seconds: float = 0.0,
    registry: str | None = None,
    task_runner: str = "process",
    dask_address: str | None = None,
    spacy_model: str | None = None,
    max_rejected: float | None = None,
    kb: str | None = None,
    curation: str | None = None,
) -> RunResult:
    """Pull every source, extract its records, and publish a validated release under `out`.

    `settings` overrides ParseSettings by name (a dict, so a deployment can carry it as JSON);
    `wait_seconds` is how long to wait for another run holding `out`'s lock; `registry` a
    sources.yaml whose sources are added to `sources`, re-read at each run (scheduled serving).
    `task_runner` is "process" (a process pool of `workers` on this machine) or "dask" (a local
    Dask cluster of `workers` processes, or the scheduler at `dask_address`); `spacy_model` an
    installed trained spaCy pipeline whose NER adds candidates; `max_rejected` the share of any
    table that row checks may set aside before the release is held back (default 1 %); `kb` a
    knowledge-base overlay folder over the packaged one (`govmap.extractors.kb.load_kb`); `curation`
    a curation file of a reviewer's decisions (else the one the registry names, if any), read at
    each run.
    """
    from govmap.flows.remote import output_target

    # An object-store `out` (s3://...) is published through a local working folder: see govmap.flows.remote.
    with output_target(out, wait_seconds=wait_seconds) as target:
        carry: list[dict] = []
        if registry is not None:
            from govmap.datasets.release import latest_release, read_manifest
            from govmap.flows.registry import load_registry, registry_specs, removed_to_keep

            reg = load_registry(Path(registry))
            sources = [*sources, *registry_specs(reg)]
            if curation is None and reg.curation is not None and reg.curation.exists():
                curation = str(reg.curation)
            previous = latest_release(target.local)
            if previous is not None:
                carry = removed_to_keep(reg, read_manifest(previous).get("inputs", []), sources)
        return target.publish(
            run_ingest(
                sources,
                target.local,
                settings=ParseSettings.resolve(settings),
                workers=workers,
                force=force,
                wait_seconds=wait_seconds,
                carry=carry,
                nlp_config=nlp_config_of(spacy_model, kb),
                task_runner=task_runner,
                dask_address=dask_address,
                api_url=_prefect_api_url(),
                max_rejected=max_rejected,
                curation=load_curation(curation) if curation is not None else None,
            )
        )
