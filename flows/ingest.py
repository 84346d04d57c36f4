"""The ingestion flow: pull -> parse -> extract (per document, concurrently) -> resolve ->
validate -> publish.

The flow composes the plain functions of `flows.documents` and `flows.release`; Prefect adds
retries on network pulls, per-document task runs and logging.  CPU-bound parsing and extraction
run on a process pool whose workers build the spaCy pipeline once, in the pool's initializer.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from prefect import flow, task, unmapped
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from datasets.lock import release_lock
from datasets.release import input_fingerprint, sweep_staging
from extractors.nlp import NlpConfig
from flows.documents import (
    DocumentResult,
    DocumentSummary,
    ResultCache,
    init_worker,
    quarantine,
    run_in_worker,
    summarize,
)
from flows.release import PublishOutcome, publish_release, unchanged_since_latest
from govmap.errors import FetchError, SourceError
from govmap.version import pipeline_version
from sources import ParseSettings, SourceRef, iter_sources, pull

__all__ = ["RunResult", "ingest", "run_ingest", "default_workers"]

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


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
@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5,
      retry_condition_fn=_retry_transient, task_run_name="pull {ref.uri}")
def pull_task(ref: SourceRef, settings: ParseSettings):
    return pull(ref, settings)


@task(cache_policy=NO_CACHE, task_run_name="process {ref.uri}")
def process_task(ref: SourceRef, settings: ParseSettings, cache: ResultCache, pool: ProcessPoolExecutor) -> DocumentSummary:
    """One document: pull (with retries), then parse + extract in a worker unless cached."""
    try:
        raw = pull_task(ref, settings)
    except SourceError as exc:
        # A failed pull still gets its documents row; it is cached under the URI's hash so the
        # publish step reads every document the same way.
        result = quarantine(ref.uri, exc)
        cache.put(result)
        return summarize(result)
    if cache.has(raw.sha256):
        log.info("%s: unchanged since it was last extracted (cache hit)", ref.uri)
        return replace(summarize(cache.get(raw.sha256), cached=True), source_uri=ref.uri)
    return replace(pool.submit(run_in_worker, raw, settings, cache).result(), source_uri=ref.uri)


def _carried(carry: Sequence[dict], cache: ResultCache) -> tuple[DocumentSummary, ...]:
    """Summaries of documents a `keep` source no longer lists, from the cache; a document whose
    cached result is gone (the pipeline changed since) cannot be re-extracted without its bytes
    and is left out with a warning."""
    kept = []
    for entry in carry:
        if cache.has(entry["sha256"]):
            kept.append(replace(summarize(cache.get(entry["sha256"]), cached=True), source_uri=entry["source_uri"]))
        else:
            log.warning("%s: removed from its source and no cached extraction for this pipeline version; not carried over", entry["source_uri"])
    return tuple(kept)


def _load_results(cache: ResultCache, summaries: Sequence[DocumentSummary]) -> Iterator[DocumentResult]:
    """Each distinct document's result, read from the cache one at a time, in input order."""
    seen: set[str] = set()
    for s in summaries:
        if s.sha256 in seen:  # the same bytes under two names are one document
            continue
        seen.add(s.sha256)
        result = cache.get(s.sha256)
        if result.row.source_uri != s.source_uri:
            result = replace(result, row=replace(result.row, source_uri=s.source_uri))
        yield result


@task(cache_policy=NO_CACHE, task_run_name="publish")
def publish_task(cache: ResultCache, summaries: Sequence[DocumentSummary], out: Path, fingerprint: str) -> PublishOutcome:
    return publish_release(lambda: _load_results(cache, summaries), out, fingerprint=fingerprint,
                           pipeline_version=pipeline_version())


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
) -> RunResult:
    """The whole run as a plain function composition (the flow body); see `ingest`.

    The run holds `<out>/.lock` throughout, waiting up to `wait_seconds` for another run: a
    second writer would sweep this run's staging folder and race it for `latest`.  Raises
    ReleaseLocked when the lock stays taken.
    """
    settings = ParseSettings.resolve(settings)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with release_lock(out, wait_seconds=wait_seconds):
        return _run_locked(sources, out, settings=settings, nlp_config=nlp_config, workers=workers, force=force, carry=carry)


def _run_locked(sources: Sequence[str], out: Path, *, settings: ParseSettings, nlp_config: NlpConfig | None,
                workers: int | None, force: bool, carry: Sequence[dict] = ()) -> RunResult:
    swept = sweep_staging(out)
    for p in swept:
        log.warning("removed %s left by an interrupted run", p)
    refs = list(iter_sources(sources, settings))
    if not refs:
        raise SourceError(f"{', '.join(map(str, sources))}: no .pdf, .txt, .md or .html documents found; nothing to ingest")
    cache = ResultCache(out / CACHE_DIR, settings_key=settings.cache_key() + (nlp_config or NlpConfig()).cache_key())
    # Workers are spawned, not forked: the flow runs beside Prefect's and httpx's threads, and a
    # fork taken while one of them holds a lock (logging, imports) leaves the child hung forever.
    with ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=multiprocessing.get_context("spawn"),
                             initializer=init_worker, initargs=(nlp_config,)) as pool:
        futures = process_task.map(refs, settings=unmapped(settings), cache=unmapped(quote(cache)), pool=unmapped(quote(pool)))
        summaries = tuple(f.result() for f in futures)
    summaries += _carried(carry, cache)
    fingerprint = input_fingerprint((s.sha256 for s in summaries), pipeline_version=pipeline_version(), extra=settings.cache_key())
    unchanged = None if force else unchanged_since_latest(out, fingerprint)
    if unchanged:
        log.info("inputs unchanged since release %s; nothing published", unchanged)
        return RunResult(documents=summaries, outcome=None, unchanged_release=unchanged)
    outcome = publish_task(quote(cache), quote(summaries), out, fingerprint)
    return RunResult(documents=summaries, outcome=outcome)


def unchanged_local_inputs(sources: Sequence[str], out: Path, settings: ParseSettings | None = None) -> str | None:
    """The latest release's id when every source is a local file whose bytes it was built from.

    Lets the CLI answer "nothing changed" by hashing files, without starting Prefect's server
    (which costs more than the rest of such a run).  URLs, or any file that differs, give None:
    the full run decides.
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
    fingerprint = input_fingerprint(shas, pipeline_version=pipeline_version(), extra=settings.cache_key())
    return unchanged_since_latest(Path(out), fingerprint)


@flow(name="govmap-ingest", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def ingest(sources: list[str], out: str = "datasets", workers: int | None = None, force: bool = False,
           settings: dict[str, Any] | None = None, wait_seconds: float = 0.0, registry: str | None = None) -> RunResult:
    """Pull every source, extract its records, and publish a validated release under `out`.

    `settings` overrides ParseSettings by name (a dict, so a deployment can carry it as JSON);
    `wait_seconds` is how long to wait for another run holding `out`'s lock; `registry` a
    sources.yaml whose sources are added to `sources`, re-read at each run (scheduled serving).
    """
    carry: list[dict] = []
    if registry is not None:
        from datasets.release import latest_release, read_manifest
        from flows.registry import load_registry, registry_specs, removed_to_keep

        reg = load_registry(Path(registry))
        sources = [*sources, *registry_specs(reg)]
        previous = latest_release(Path(out))
        if previous is not None:
            carry = removed_to_keep(reg, read_manifest(previous).get("inputs", []), sources)
    return run_ingest(sources, Path(out), settings=ParseSettings.resolve(settings), workers=workers, force=force,
                      wait_seconds=wait_seconds, carry=carry)
