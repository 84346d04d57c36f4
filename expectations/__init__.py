"""Great-expectations validation derived from the data contract, and the data-quality report.

``suite_for(table)`` builds a table's suite from ``govmap.datasets.contract``; ``validate_release(frames)``
runs all seven suites in one ephemeral GX context and returns plain frozen records;
``reject_rows`` sets aside the rows a row check failed (and their dependents);
``write_quality_report`` renders them for machines (JSON) and people (HTML); ``summarize`` for the
terminal.  great_expectations is imported lazily, on first use.
"""

from __future__ import annotations

from govmap.expectations.rejection import (
    DEFAULT_MAX_REJECTED,
    REJECTED_FILE,
    Rejection,
    check_max_rejected,
    reject_failing_rows,
    reject_rows,
)
from govmap.expectations.report import QUALITY_DIR, over_limit_lines, render_html, summarize, write_quality_report
from govmap.expectations.suites import SLUGS, derive_frames, suite_for
from govmap.expectations.validate import CheckResult, RowFailure, TableResult, ValidationReport, validate_release

__all__ = [
    "DEFAULT_MAX_REJECTED",
    "REJECTED_FILE",
    "CheckResult",
    "Rejection",
    "RowFailure",
    "QUALITY_DIR",
    "SLUGS",
    "TableResult",
    "check_max_rejected",
    "reject_rows",
    "reject_failing_rows",
    "over_limit_lines",
    "ValidationReport",
    "derive_frames",
    "render_html",
    "suite_for",
    "summarize",
    "validate_release",
    "write_quality_report",
]
