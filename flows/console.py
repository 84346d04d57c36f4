"""What `govmap run` shows while it works and when it ends.

`ConsoleProgress` renders the flow's `RunProgress` events: rich progress bars on a terminal once
a run has lasted a couple of seconds (short runs stay quiet), plain one-line events when output
is not a terminal or the CI variable is set, so logs read well.  `print_summary` is the table at
the end: documents ok and quarantined, rows per table, stage times, release and report path.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from govmap.datasets.contract import TABLE_NAMES
from govmap.flows.documents import DocumentSummary
from govmap.flows.progress import DONE, STAGES
from govmap.escape import escape_markup

__all__ = ["ConsoleProgress", "plain_output", "print_summary"]

# Bars appear only once a run has taken this long: a two-second run needs no animation.
BARS_AFTER_SECONDS = 2.0


def plain_output(console: Console) -> bool:
    """Plain lines instead of bars: not a terminal, a dumb one, or running under CI."""
    return not console.is_terminal or console.is_dumb_terminal or bool(os.environ.get("CI"))


class ConsoleProgress:
    """A `RunProgress` that draws on `console` (bars or plain lines, see `plain_output`)."""

    def __init__(self, console: Console, *, plain: bool | None = None, bars_after: float = BARS_AFTER_SECONDS) -> None:
        self.console = console
        self.plain = plain_output(console) if plain is None else plain
        self.bars_after = bars_after
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._total = 0
        self._done = 0
        self._pulled = 0
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._timer: threading.Timer | None = None

    # -- RunProgress -------------------------------------------------------------------------

    def start(self, total_documents: int) -> None:
        with self._lock:
            self._total = total_documents
            self._started = time.monotonic()
        if self.plain:
            self.console.print(f"{total_documents} documents to process")
        else:
            self._timer = threading.Timer(self.bars_after, self._show_bars)
            self._timer.daemon = True
            self._timer.start()

    def pulled(self, uri: str) -> None:
        with self._lock:
            self._pulled += 1
            self._advance("pull")

    def processed(self, summary: DocumentSummary) -> None:
        with self._lock:
            self._done += 1
            self._advance("extract")
            if self._pulled < self._done:  # the runner reports pulls only with results
                self._pulled = self._done
                self._advance("pull")
            done, total = self._done, self._total
        if self.plain:
            if summary.status == "ok":
                how = "cached" if summary.cached else f"{summary.n_pages} pages"
                self.console.print(
                    f"[{done}/{total}] ok  {summary.source_uri} ({how})", soft_wrap=True, highlight=False, markup=False
                )
            else:
                self.console.print(
                    f"[{done}/{total}] quarantined  {summary.error}", soft_wrap=True, highlight=False, markup=False
                )

    def stage(self, name: str) -> None:
        if self.plain:
            self.console.print("release written" if name == DONE else f"{name} ...")
            return
        with self._lock:
            if self._progress is not None and "stage" in self._tasks:
                step = len(STAGES) if name == DONE else STAGES.index(name) if name in STAGES else 0
                self._progress.update(
                    self._tasks["stage"], description="publish" if name == DONE else name, completed=step
                )

    def validated(self, table: str) -> None:
        with self._lock:
            self._advance("validate")
        if self.plain:
            self.console.print(f"  validated {table}")

    def finish(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    # -- bars --------------------------------------------------------------------------------

    def _show_bars(self) -> None:
        with self._lock:
            if self._progress is not None:
                return
            progress = Progress(
                TextColumn("{task.description:<16}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )
            self._tasks = {
                "pull": progress.add_task("pull", total=self._total, completed=self._pulled),
                "extract": progress.add_task("parse + extract", total=self._total, completed=self._done),
                "validate": progress.add_task("validate", total=len(TABLE_NAMES)),
                "stage": progress.add_task("publish", total=len(STAGES)),
            }
            self._progress = progress
            progress.start()

    def _advance(self, key: str) -> None:
        if self._progress is not None and key in self._tasks:
            self._progress.advance(self._tasks[key])


def print_summary(console: Console, documents: Sequence[DocumentSummary], outcome) -> None:
    """The end-of-run table: documents, rows per table, stage times, release and report."""
    ok = sum(1 for d in documents if d.status == "ok")
    cached = sum(1 for d in documents if d.status == "ok" and d.cached)
    quarantined = [d for d in documents if d.status != "ok"]
    table = RichTable(title="govmap run", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("documents ok", f"{ok}" + (f" ({cached} unchanged, from the cache)" if cached else ""))
    # Rows of the documents table: the same bytes under two names are one document.
    table.add_row("quarantined", str(len({d.sha256 for d in quarantined})))
    if outcome is not None:
        for name, rows in outcome.rows.items():
            table.add_row(f"rows: {name}", f"{rows:,}")
        if outcome.rejected_rows:
            table.add_row("rejected rows", f"{outcome.rejected_rows:,} (failed a row check; quality/rejected.parquet)")
        if outcome.stage_seconds:
            table.add_row("stage times", ", ".join(f"{k} {v:.1f} s" for k, v in outcome.stage_seconds.items()))
        table.add_row(
            "release", outcome.release_id + ("" if outcome.promoted else " (NOT promoted: validation failed)")
        )
        table.add_row("quality report", escape_markup(outcome.report_html))
    console.print(table)
    for d in quarantined:
        console.print(f"  quarantined: {d.error}", soft_wrap=True, highlight=False, markup=False)
