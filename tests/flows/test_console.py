"""What `govmap run` prints: progress as bars or plain lines, and the summary at the end."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rich.console import Console

from govmap.flows.console import ConsoleProgress, plain_output, print_summary
from govmap.flows.documents import DocumentSummary
from govmap.flows.progress import current_progress, reporting
from govmap.flows.release import PublishOutcome

DOCS = (
    DocumentSummary(doc_id="a" * 16, source_uri="reports/one.pdf", sha256="1" * 64, status="ok", n_pages=12),
    DocumentSummary(doc_id="b" * 16, source_uri="reports/two.md", sha256="2" * 64, status="ok", n_pages=1, cached=True),
    DocumentSummary(
        doc_id="c" * 16,
        source_uri="reports/bad.pdf",
        sha256="3" * 64,
        status="quarantined",
        error="reports/bad.pdf: encrypted PDF; document quarantined",
    ),
)


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=terminal, width=120, color_system=None), buf


def _drive(progress: ConsoleProgress) -> None:
    progress.start(len(DOCS))
    for d in DOCS:
        progress.pulled(d.source_uri)
        progress.processed(d)
    for stage in ("resolve", "write", "validate"):
        progress.stage(stage)
    progress.validated("documents")
    progress.stage("publish")
    progress.stage("done")
    progress.finish()


def test_plain_lines_outside_a_terminal():
    console, buf = _console(terminal=False)
    progress = ConsoleProgress(console)
    assert progress.plain
    _drive(progress)
    out = buf.getvalue()
    assert "3 documents to process" in out
    assert "[1/3] ok  reports/one.pdf (12 pages)" in out
    assert "[2/3] ok  reports/two.md (cached)" in out
    assert "[3/3] quarantined  reports/bad.pdf: encrypted PDF" in out
    assert "validate ..." in out and "validated documents" in out and "release written" in out
    assert "\x1b[" not in out  # no terminal control codes in a log file


def test_ci_forces_plain_lines_even_on_a_terminal(monkeypatch):
    console, _ = _console(terminal=True)
    monkeypatch.delenv("CI", raising=False)
    assert not plain_output(console)
    monkeypatch.setenv("CI", "true")
    assert plain_output(console)


def test_bars_on_a_terminal_for_a_run_that_lasts(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    console, buf = _console(terminal=True)
    progress = ConsoleProgress(console, bars_after=0.0)
    progress.start(len(DOCS))
    time.sleep(0.3)  # the bars appear on a timer, not on the first event
    for d in DOCS:
        progress.pulled(d.source_uri)
        progress.processed(d)
    progress.stage("validate")
    progress.stage("done")
    progress.finish()
    out = buf.getvalue()
    assert "parse + extract" in out and "3/3" in out and "pull" in out
    assert "4/4" in out  # the publish bar completes when the release is written
    assert "[1/3]" not in out  # bars replace the per-document lines


def test_a_short_run_on_a_terminal_draws_nothing(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    console, buf = _console(terminal=True)
    _drive(ConsoleProgress(console, bars_after=60.0))
    assert buf.getvalue().strip() == ""


def test_reporting_installs_and_restores_the_reporter():
    console, _ = _console(terminal=False)
    before = current_progress()
    with reporting(ConsoleProgress(console)) as progress:
        assert current_progress() is progress
    assert current_progress() is before


def test_summary_names_counts_release_and_report():
    console, buf = _console(terminal=False)
    outcome = PublishOutcome(
        release_id="2026-11-23T10-00-00Z-abc",
        path=Path("out/releases/x"),
        promoted=True,
        validation_passed=True,
        rows={"documents": 3, "mentions": 1234},
        report_html=Path("out/report.html"),
        report_json=Path("out/report.json"),
        summary="",
        stage_seconds={"resolve": 0.5, "validate": 4.25},
    )
    print_summary(console, DOCS, outcome)
    out = buf.getvalue()
    for expected in (
        "documents ok",
        "2 (1 unchanged, from the cache)",
        "quarantined",
        "rows: mentions",
        "1,234",
        "resolve 0.5 s, validate 4.2 s",
        "2026-11-23T10-00-00Z-abc",
        "out/report.html",
        "quarantined: reports/bad.pdf: encrypted PDF; document quarantined",
    ):
        assert expected in out, expected
    assert "NOT promoted" not in out


def test_summary_says_when_a_release_was_not_promoted():
    console, buf = _console(terminal=False)
    outcome = PublishOutcome(
        release_id="r1",
        path=Path("x"),
        promoted=False,
        validation_passed=False,
        rows={},
        report_html=Path("x/report.html"),
        report_json=Path("x/report.json"),
        summary="",
    )
    print_summary(console, DOCS[:1], outcome)
    assert "NOT promoted: validation failed" in buf.getvalue()


def test_quarantine_count_is_the_documents_tables():
    # The same corrupt bytes under two names are one documents row; the summary said 2.
    twin = DocumentSummary(
        doc_id="c" * 16,
        source_uri="copies/bad.pdf",
        sha256="3" * 64,
        status="quarantined",
        error="copies/bad.pdf: encrypted PDF; document quarantined",
    )
    console, buf = _console(terminal=False)
    print_summary(console, (*DOCS, twin), None)
    assert [line.strip("│ ").split() for line in buf.getvalue().splitlines() if "│ quarantined " in line] == [
        ["quarantined", "│", "1"]
    ]


def test_expected_source_failures_are_no_error_lines():
    # A 404 or a timeout is a quarantined document with a one-line reason, and a full disk the
    # command's one-line error, not Prefect's ERROR lines with a traceback; any other failure
    # still shows.
    import logging

    from govmap.flows.cli import _reported_in_one_line as _expected_source_failure
    from govmap.errors import DiskFull, FetchError

    def record(message: str, exc: BaseException | None = None) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc is not None else None
        return logging.LogRecord("prefect.task_runs", logging.ERROR, __file__, 1, message, None, info)

    fetch = FetchError("https://example.org/x.pdf: HTTP 404 Not Found; will not succeed on retry; document skipped")
    assert not _expected_source_failure(record("Task run failed with exception: ... - Retries are exhausted", fetch))
    assert not _expected_source_failure(
        record(
            "Finished in state Failed('Task run encountered an exception "
            "FetchError: https://example.org/x.pdf: HTTP 404')"
        )
    )
    full = DiskFull("out: the disk filled while writing release r (No space left on device); nothing published, ...")
    assert not _expected_source_failure(record("Encountered exception during execution: DiskFull('out: ...')", full))
    assert not _expected_source_failure(
        record("Finished in state Failed('Task run encountered an exception DiskFull: out: the disk filled')")
    )
    assert _expected_source_failure(record("Task run failed with exception: ...", ValueError("a bug")))
    assert _expected_source_failure(
        record("Finished in state Failed('Task run encountered an exception ValueError: x')")
    )
