"""Turn per-document results into a validated release: resolve -> tables -> validate -> publish.

Plain functions; the flow wraps `publish_release` as one task.  Per-document results are read from
the cache one at a time, so memory holds one document's pages plus the corpus-wide summaries that
resolution needs (entity keys and surfaces), never every page of the corpus.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from govmap.datasets.contract import TABLES

# Light to import: pandas and matplotlib load where the figures are drawn (see `_FiguresJob`).
from govmap.datasets.figures import FIGURE_TABLES, render_figures_from_files, warm_up as warm_up_figures
from govmap.datasets.curate import CurationRun
from govmap.datasets.curation import EMPTY, Curation
from govmap.datasets.parquet import TableSink, to_arrow, write_frame
from govmap.datasets.review_queue import previous_record_ids, review_summary
from govmap.datasets.release import (
    build_manifest,
    commit_release,
    discard_on_failure,
    latest_release,
    new_release_id,
    promote,
    read_manifest,
    stage_release,
)
from govmap.extractors.kb import kb_manifest, load_kb
from govmap.extractors.resolve import Resolution, resolve, summarize as summarize_extraction
from govmap.extractors.rows import record_rows
from govmap.flows.documents import DocumentResult
from govmap.flows.progress import DONE, current_progress
from govmap.runtime import kill_at_test_point
from govmap.sources.redact import redact_uris

__all__ = ["PublishOutcome", "prepare_publish", "publish_release"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishOutcome:
    release_id: str
    path: Path
    promoted: bool
    validation_passed: bool
    rows: dict[str, int]
    report_html: Path
    report_json: Path
    summary: str
    rejected_rows: int = 0  # rows set aside by row checks (quality/rejected.parquet)
    # wall seconds of each corpus-wide stage (govmap.flows.progress.STAGES), for the summary and the bench
    stage_seconds: dict[str, float] = field(default_factory=dict)


def _document_row(result: DocumentResult) -> dict[str, Any]:
    """The `documents` row, with credentials and tokens taken out of its URI and error line."""
    row = asdict(result.row)
    row["authors"] = list(row["authors"])
    row["source_uri"], row["error"] = redact_uris(row["source_uri"]), redact_uris(row["error"])
    return row


def _diff(out: Path, staged: Path, release_id: str) -> dict[str, Any] | None:
    """The diff against the promoted release (None for the first); it only informs the report,
    so a failure is logged and never stops the release."""
    from govmap.datasets.diff import diff_releases

    previous = latest_release(out)
    if previous is None:
        return None
    try:
        return {**diff_releases(previous, staged).to_dict(), "new": release_id}
    except Exception as exc:  # a previous release under an older contract must not block this one
        log.warning("release %s: no diff against %s (%s)", release_id, previous.name, exc)
        return None


_figures_process: ProcessPoolExecutor | None = None
_validation_warming: threading.Thread | None = None


def prepare_publish() -> None:
    """Start, while documents are still being extracted, what publishing spends seconds loading:
    great_expectations' import (a thread here; `validate_release` then finds it loaded or waits
    on the import lock for the rest) and the process that draws the report's figures (its pandas
    and matplotlib imports).  A run calls it once some document needs extracting; a run with
    nothing new to publish never pays for either."""
    global _figures_process, _validation_warming
    if _validation_warming is None:
        # Not a daemon: the interpreter never exits halfway through an import.
        _validation_warming = threading.Thread(target=_import_validation, name="govmap-import-gx")
        _validation_warming.start()
    if _figures_process is None and (_figures_process := _new_figures_process()) is not None:
        _figures_process.submit(warm_up_figures)


def _import_validation() -> None:
    from govmap.expectations.suites import import_gx

    import_gx()


def _new_figures_process() -> ProcessPoolExecutor | None:
    """A one-process pool to draw in, or None on a one-core machine (nothing to overlap with)."""
    if (os.cpu_count() or 1) < 2:
        return None
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def _take_figures_process() -> ProcessPoolExecutor | None:
    """The process `prepare_publish` started (then forgotten here: one release uses it), else a
    new one."""
    global _figures_process
    pool, _figures_process = _figures_process, None
    return pool if pool is not None else _new_figures_process()


class _FiguresJob:
    """The report's figures, drawn in a separate process while this one validates: both take
    seconds of one core each, and the extraction workers have finished.  On a one-core machine
    they are drawn here when asked for.  Figures only inform the report: a failure is logged and
    gives none."""

    def __init__(self, staged: Any, release_id: str) -> None:
        from govmap.expectations.report import QUALITY_DIR

        self._release_id = release_id
        self._args = ({name: staged.table_path(name) for name in FIGURE_TABLES}, staged.path / QUALITY_DIR)
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None

    def __enter__(self) -> "_FiguresJob":
        self._pool = _take_figures_process()
        if self._pool is not None:
            self._future = self._pool.submit(render_figures_from_files, *self._args)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def redraw(self) -> None:
        """Draw again from the staged tables as they are now (after rows were set aside)."""
        if self._future is not None:
            self._future.cancel()
            self._future = self._pool.submit(render_figures_from_files, *self._args)

    def result(self) -> list[Any]:
        try:
            return render_figures_from_files(*self._args) if self._future is None else self._future.result()
        except Exception as exc:
            log.warning("release %s: figures not drawn (%s)", self._release_id, exc)
            return []


def publish_release(
    load_results: Callable[[], Iterator[DocumentResult]],
    out: Path,
    *,
    fingerprint: str,
    pipeline_version: str,
    kb_overlay: str | None = None,
    max_rejected: float | None = None,
    curation: Curation | None = None,
) -> PublishOutcome:
    """Write, validate and (when every suite passes) promote a release of the given documents.

    `load_results` is called twice (resolution, then writing) and yields each document's result,
    ok or quarantined.  Rows that fail a row check are set aside with their dependents (see
    `govmap.expectations.rejection`); the rest is promoted unless a release check fails or a table
    loses more than `max_rejected` of its rows (default `DEFAULT_MAX_REJECTED`).  Raises
    PublishError when the release cannot be written; a failed validation is not an error: the
    release is written with its report but not promoted.  `curation` (a reviewer's decisions) is
    applied after resolution and before validation; the release records which decisions it
    applied and which are stale (manifest.json, the quality report, the card).
    """
    from govmap.datasets.card import write_release_docs  # lazy, as the next: pandas and GX cost seconds
    from govmap.expectations import (
        DEFAULT_MAX_REJECTED,
        check_max_rejected,
        over_limit_lines,
        reject_failing_rows,
        summarize,
        validate_release,
        write_quality_report,
    )

    max_rejected = check_max_rejected(DEFAULT_MAX_REJECTED if max_rejected is None else max_rejected)
    progress = current_progress()
    clock = _StageClock(progress)
    clock.begin("resolve")
    kb = load_kb(kb_overlay)
    resolution: Resolution = resolve(
        (summarize_extraction(r.extraction) for r in load_results() if r.extraction is not None), kb
    )
    curated = CurationRun(curation or EMPTY, resolution)
    clock.begin("write")
    release_id = new_release_id(fingerprint)
    staged = stage_release(out, release_id)
    # A failure from here on removes the staging folder: nothing of it is left to sweep.
    with discard_on_failure(staged):
        inputs: list[dict[str, Any]] = []
        documents: list[dict[str, Any]] = []
        sinks = {
            name: TableSink(TABLES[name], staged.table_path(name))
            for name in ("pages", "mentions", "collaborations", "criteria_ratings")
        }
        try:
            for result in load_results():
                row = _document_row(result)
                documents.append(row)
                inputs.append(
                    {
                        "doc_id": row["doc_id"],
                        "source_uri": row["source_uri"],
                        "sha256": row["sha256"],
                        "status": row["status"],
                    }
                )
                for name, rows in curated.document(
                    row["doc_id"],
                    record_rows(row["doc_id"], result.pages, result.extraction, curated.resolution),
                    result.pages,
                ).items():
                    sinks[name].add(rows)
        finally:
            for sink in sinks.values():
                sink.close()
        pq.write_table(to_arrow(TABLES["documents"], documents), staged.table_path("documents"), compression="zstd")
        institutions, instruments = curated.entity_rows()
        pq.write_table(
            to_arrow(TABLES["institutions"], institutions), staged.table_path("institutions"), compression="zstd"
        )
        pq.write_table(
            to_arrow(TABLES["instruments"], instruments), staged.table_path("instruments"), compression="zstd"
        )
        curation_report = curated.report()
        previous_ids = previous_record_ids(latest_release(out))

        clock.begin("validate")
        with _FiguresJob(staged, release_id) as figures:
            frames = {name: pq.read_table(staged.table_path(name)).to_pandas() for name in TABLES}
            report = validate_release(frames, on_table=progress.validated)
            rejection, held_back = None, []
            if not report.passed and not report.release_failures:
                candidate, cleaned = reject_failing_rows(frames, report)
                held_back = over_limit_lines(candidate, max_rejected)
                if not held_back:  # else not promoted: the report shows the failures, on the tables as they were
                    rejection, report, frames = candidate, cleaned, candidate.frames
                    _rewrite_tables(staged, candidate)
                    figures.redraw()  # the figures being drawn still hold the rejected rows
            rows = {name: len(df) for name, df in frames.items()}
            clock.begin("publish")
            # What does not need the figures is done while they are drawn.
            diff = _diff(out, staged.path, release_id)
            review = review_summary(frames, curation_report, previous_ids)
            manifest = build_manifest(
                staged,
                pipeline_version=pipeline_version,
                fingerprint=fingerprint,
                inputs=inputs,
                validation_passed=report.passed,
                extra={
                    "knowledge_base": kb_manifest(kb, kb_overlay),
                    "curation": curation_report.to_dict(),
                    "review": review["counts"],
                },
            )
            write_release_docs(
                staged.path, manifest, frames["documents"]
            )  # README.md + datapackage.json, from the manifest
            js, html = write_quality_report(
                report,
                staged.path,
                release_id=release_id,
                documents=frames["documents"],
                row_counts=rows,
                diff=diff,
                figures=figures.result(),
                rejection=rejection,
                max_rejected=max_rejected,
                review=review,
                ratings=frames["criteria_ratings"],
            )
        kill_at_test_point("before-commit")
        final = commit_release(staged, manifest)
    if report.passed:
        kill_at_test_point("before-promote")
        promote(out, release_id)
    else:
        log.error("release %s failed validation; latest unchanged", release_id)
    clock.end(done=True)
    return PublishOutcome(
        release_id=release_id,
        path=final,
        promoted=report.passed,
        validation_passed=report.passed,
        rows=rows,
        report_html=final / html.relative_to(staged.path),
        report_json=final / js.relative_to(staged.path),
        summary="\n".join([summarize(report, rejection, max_rejected), *held_back]),
        rejected_rows=rejection.count if rejection else 0,
        stage_seconds=clock.seconds,
    )


def _rewrite_tables(staged: Any, rejection: Any) -> None:
    """Write again the staged tables that lost rows."""
    log.warning("release %s: %d rows failed row checks and were set aside", staged.path.name, rejection.count)
    for name, df in rejection.frames.items():
        if len(df) != rejection.rows_before[name]:
            write_frame(TABLES[name], df, staged.table_path(name))


class _StageClock:
    """Tells the progress reporter each stage as it begins and keeps the stages' wall times."""

    def __init__(self, progress) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def begin(self, stage: str) -> None:
        self.end()
        self.progress.stage(stage)
        self._current = (stage, time.perf_counter())

    def end(self, *, done: bool = False) -> None:
        if self._current is not None:
            name, started = self._current
            self.seconds[name] = round(time.perf_counter() - started, 3)
            self._current = None
        if done:
            self.progress.stage(DONE)


def unchanged_since_latest(out: Path, fingerprint: str) -> str | None:
    """The latest release's id when it was built from exactly these inputs, else None."""
    latest = latest_release(out)
    if latest is None:
        return None
    manifest = read_manifest(latest)
    return manifest["release_id"] if manifest.get("input_fingerprint") == fingerprint else None
