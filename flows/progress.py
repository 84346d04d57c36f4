"""How a run reports progress: the flow calls a `RunProgress`; the CLI decides how to show it.

The flow never prints and takes no progress parameter (Prefect records a flow's parameters):
the caller installs a reporter with `with reporting(progress): ingest(...)` and the flow's
stages look it up with `current_progress()`.  The flow never prints.  It tells the object it was given what happened (a document pulled, a
document parsed and extracted, a publish stage begun), and `govmap.flows.cli` renders that as rich
progress bars on a terminal or as plain lines elsewhere.  Calls may come from any thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from govmap.flows.documents import DocumentSummary

__all__ = ["DONE", "STAGES", "RunProgress", "NullProgress", "current_progress", "reporting"]

# The corpus-wide stages after every document is extracted, in order.
STAGES = ("resolve", "write", "validate", "publish")
# Reported as a stage once the release is written (promoted or not).
DONE = "done"


class RunProgress(Protocol):
    def start(self, total_documents: int) -> None:
        """The run found this many documents to process."""

    def pulled(self, uri: str) -> None:
        """One document's bytes were fetched (or failed to be)."""

    def processed(self, summary: DocumentSummary) -> None:
        """One document was parsed and extracted, read from the cache, or quarantined."""

    def stage(self, name: str) -> None:
        """A corpus-wide stage began (one of STAGES), or DONE: the release is written."""

    def validated(self, table: str) -> None:
        """One table's expectation suite ran (during the "validate" stage)."""

    def finish(self) -> None:
        """The run ended (normally or not)."""


class NullProgress:
    """The default: reports nothing."""

    def start(self, total_documents: int) -> None:
        pass

    def pulled(self, uri: str) -> None:
        pass

    def processed(self, summary: DocumentSummary) -> None:
        pass

    def stage(self, name: str) -> None:
        pass

    def validated(self, table: str) -> None:
        pass

    def finish(self) -> None:
        pass


_CURRENT: RunProgress = NullProgress()


def current_progress() -> RunProgress:
    """The reporter installed by `reporting`, or one that reports nothing."""
    return _CURRENT


@contextmanager
def reporting(progress: RunProgress) -> Iterator[RunProgress]:
    """Install `progress` for runs started in this process until the block ends."""
    global _CURRENT
    previous, _CURRENT = _CURRENT, progress
    try:
        yield progress
    finally:
        progress.finish()
        _CURRENT = previous
