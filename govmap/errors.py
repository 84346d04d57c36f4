"""Every error govmap raises on purpose.

::

    GovmapError
     ├── SourceError                 a document could not be pulled or parsed
     │    ├── FetchError             network pull failed (404, timeout, redirect loop, too large)
     │    ├── UnsupportedMediaType   bytes are not a PDF, text, Markdown or HTML document
     │    ├── SourceTooLarge         document over the configured size limit
     │    └── ParseError             bytes claim a type but cannot be read as it
     ├── ExtractionError             the spaCy pipeline or a rule failed on a document
     ├── BudgetExceeded              a document took more time, memory or output than its budget
     ├── ContractError               records do not fit the data contract
     ├── ValidationFailed            a great-expectations suite failed; release not promoted
     ├── PublishError                a release could not be written or promoted
     │    └── DiskFull               the disk under the output folder filled during a run
     ├── RunnerError                 the chosen task runner cannot run (bad name, Dask cluster unusable)
     ├── ReleaseNotFound             no release where one was asked for
     │    └── NoPreviousRelease      only one release: nothing to compare it with
     ├── NotFound                    no institution or document matches a query
     └── Ambiguous                   several institutions or documents match a query

Messages are one line: what, where, and what happens next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "GovmapError",
    "SourceError",
    "FetchError",
    "UnsupportedMediaType",
    "SourceTooLarge",
    "ParseError",
    "ExtractionError",
    "BudgetExceeded",
    "ContractError",
    "ValidationFailed",
    "PublishError",
    "DiskFull",
    "RunnerError",
    "ReleaseNotFound",
    "NoPreviousRelease",
    "NotFound",
    "Ambiguous",
]


class GovmapError(Exception):
    """Root of every error govmap raises on purpose."""


class SourceError(GovmapError):
    """A source document could not be pulled or parsed."""


class FetchError(SourceError):
    """A network pull failed; ``transient`` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class UnsupportedMediaType(SourceError):
    """The bytes are not a document type govmap reads."""


class SourceTooLarge(SourceError):
    """The document is larger than the configured limit."""


class ParseError(SourceError):
    """The bytes claim a type but cannot be read as it (corrupt, encrypted, no text layer)."""


class ExtractionError(GovmapError):
    """Extraction failed on a document."""


class BudgetExceeded(GovmapError):
    """A document went over its time, memory or output budget (see ParseSettings); quarantined."""


class ContractError(GovmapError):
    """Records do not fit the data contract."""


class ValidationFailed(GovmapError):
    """A table failed its expectation suite; the release was written but not promoted."""


class PublishError(GovmapError):
    """A release could not be written or promoted."""


class DiskFull(PublishError):
    """The disk under the output folder filled during a run: what was being written is removed,
    `latest` is unchanged, and the next run starts clean once there is space."""


class RunnerError(GovmapError):
    """The chosen task runner cannot run: a bad runner name, or a Dask cluster that cannot serve."""


class ReleaseNotFound(GovmapError, LookupError):
    """No release where one was asked for (no promoted release yet, or an unknown release id)."""


class NoPreviousRelease(ReleaseNotFound):
    """`govmap diff` was asked for the release before one that is the first."""


class NotFound(GovmapError, LookupError):
    """No institution or document matches what was asked for."""


class Ambiguous(GovmapError, LookupError):
    """Several institutions or documents match; `candidates` lists them."""

    def __init__(self, message: str, candidates: Sequence[dict[str, Any]]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)
