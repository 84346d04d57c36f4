"""Run every table's suite over a release and return plain, frozen results.

The results never hold GX objects: `validate_release` translates GX's validation output at this
one boundary into `CheckResult` records that the quality report, the CLI and the JSON file use.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from govmap.datasets.contract import TABLE_NAMES, TABLES, Table
from govmap.expectations.suites import ROWS, SLUGS, derive_frames, import_gx, reference_parameters, suite_for
from govmap.errors import ContractError, ValidationFailed

__all__ = [
    "CheckResult",
    "RowFailure",
    "TableResult",
    "ValidationReport",
    "validate_release",
    "DEFAULT_EXAMPLES",
    "RELEASE_CHECKS",
]

log = logging.getLogger(__name__)

DEFAULT_EXAMPLES = 5  # failing values kept per check: enough to act on, small enough to read
_PROBLEM_FRAMES = frozenset({"offsets", "parties"})
# Checks about the release as a whole: a wrong schema or a repeated key cannot be mended by
# setting rows aside.  Every other check judges one row at a time (a value out of range, a
# dangling reference, an offset outside its page), and its failing rows can be rejected alone.
RELEASE_CHECKS = frozenset({"columns-match", "unique"})


@dataclass(frozen=True)
class CheckResult:
    """One expectation's outcome: which rule (`slug`), where (`column`), how many rows broke it."""

    slug: str
    expectation: str
    column: str | None
    passed: bool
    unexpected_count: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableResult:
    """Every check of one table."""

    table: str
    passed: bool
    rows: int
    checks: tuple[CheckResult, ...]

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.passed)


@dataclass(frozen=True)
class RowFailure:
    """One row that failed a row check: its table, its key (column -> value) and the reason."""

    table: str
    slug: str
    column: str | None
    key: tuple[tuple[str, Any], ...]
    reason: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a release: passed only when every table passed."""

    passed: bool
    tables: tuple[TableResult, ...]
    # Every failing row of every failed row check (not only the examples); not serialised: the
    # rows set aside are written to quality/rejected.parquet instead.
    row_failures: tuple[RowFailure, ...] = field(default=(), compare=False, repr=False)

    @property
    def release_failures(self) -> tuple[tuple[str, CheckResult], ...]:
        """Failed checks that no row rejection can mend (see `RELEASE_CHECKS`)."""
        return tuple((t, c) for t, c in self.failures if c.slug in RELEASE_CHECKS or not self._has_rows(t, c))

    def _has_rows(self, table: str, check: CheckResult) -> bool:
        return any(f.table == table and f.slug == check.slug and f.column == check.column for f in self.row_failures)

    def table(self, name: str) -> TableResult:
        for t in self.tables:
            if t.table == name:
                return t
        raise KeyError(f"no table {name!r} in the validation report")

    @property
    def failures(self) -> tuple[tuple[str, CheckResult], ...]:
        """(table, check) for every failed check, in table order."""
        return tuple((t.table, c) for t in self.tables for c in t.failures)

    def raise_for_failure(self) -> None:
        """Raise ValidationFailed with a one-line summary when any check failed."""
        if not self.passed:
            shown = ", ".join(f"{t}.{c.column or '*'} {c.slug} ({c.unexpected_count})" for t, c in self.failures[:5])
            more = len(self.failures) - 5
            raise ValidationFailed(
                f"validation failed: {shown}{f' and {more} more' if more > 0 else ''}; release not promoted"
            )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["row_failures"]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ValidationReport":
        tables = tuple(
            TableResult(
                table=t["table"],
                passed=t["passed"],
                rows=t["rows"],
                checks=tuple(CheckResult(**{**c, "examples": tuple(c["examples"])}) for c in t["checks"]),
            )
            for t in data["tables"]
        )
        return cls(passed=data["passed"], tables=tables)

    @classmethod
    def from_json(cls, text: str) -> "ValidationReport":
        return cls.from_dict(json.loads(text))


def validate_release(
    frames: Mapping[str, pd.DataFrame],
    *,
    examples: int = DEFAULT_EXAMPLES,
    on_table: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate every contract table of a release against its suite.

    `frames` maps each contract table name to its DataFrame (as read from the release's Parquet;
    list cells may be numpy arrays or lists).  `examples` caps the failing values kept per check.
    Returns a `ValidationReport`; it does not raise on failed checks (see `raise_for_failure`).
    `on_table` is called with each table's name once its suite has run (progress reporting).
    Raises ContractError when a table is missing or an unknown one is given.
    """
    missing = [name for name in TABLE_NAMES if name not in frames]
    unknown = sorted(set(frames) - set(TABLE_NAMES))
    if missing or unknown:
        raise ContractError(
            f"release frames: missing {missing or 'none'}, unknown {unknown or 'none'}; nothing validated"
        )
    started = time.perf_counter()
    gx = import_gx()
    # One ephemeral context, data source and asset per run: every frame is a new batch of it.
    context = gx.get_context(mode="ephemeral")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("govmap").add_dataframe_asset("frame")
    batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    parameters = reference_parameters(frames)
    results = []
    row_failures: list[RowFailure] = []
    for name in TABLE_NAMES:
        results.append(_validate_table(gx, batch_definition, TABLES[name], frames, parameters, examples, row_failures))
        if on_table is not None:
            on_table(name)
    log.info("validated %d tables in %.2fs", len(results), time.perf_counter() - started)
    return ValidationReport(
        passed=all(t.passed for t in results), tables=tuple(results), row_failures=tuple(row_failures)
    )


def _validate_table(
    gx: Any,
    batch_definition: Any,
    table: Table,
    frames: Mapping[str, pd.DataFrame],
    parameters: dict[str, list[Any]],
    examples: int,
    row_failures: list[RowFailure],
) -> TableResult:
    suite = suite_for(table)
    by_frame: dict[str, list[Any]] = {}
    for expectation in suite.expectations:
        by_frame.setdefault(expectation.meta["frame"], []).append(expectation)
    try:
        derived = derive_frames(table, frames)
        derive_error = None
    except KeyError as exc:
        # A missing column already fails columns-match; keep the rows checks and mark the rest.
        derived = {ROWS: frames[table.name]}
        derive_error = f"could not be computed: column {exc} missing"
    checks: list[CheckResult] = []
    for frame_name, expectations in by_frame.items():
        df = derived.get(frame_name)
        if df is None:
            checks.extend(_not_run(e, derive_error or "frame not built") for e in expectations)
            continue
        checks.extend(
            _run(gx, batch_definition, table, frame_name, df, expectations, parameters, examples, row_failures)
        )
    return TableResult(
        table=table.name, passed=all(c.passed for c in checks), rows=len(frames[table.name]), checks=tuple(checks)
    )


def _run(
    gx: Any,
    batch_definition: Any,
    table: Table,
    frame_name: str,
    df: pd.DataFrame,
    expectations: list[Any],
    parameters: dict[str, list[Any]],
    examples: int,
    row_failures: list[RowFailure],
) -> list[CheckResult]:
    # Index columns let a failure name its rows (mention_id=...) rather than only its value.
    keys = [c for c in (*table.primary_key, "mention_id", "collaboration_id") if c in df.columns]
    keys = list(dict.fromkeys(keys))
    summary: dict[str, Any] = {
        # COMPLETE: every failing row's keys, so a row check's failing rows can be set aside.
        "result_format": "COMPLETE",
        "partial_unexpected_count": examples,
        "unexpected_index_column_names": keys,
        "return_unexpected_index_query": False,
    }
    batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
    # Pass or fail first: GX's cost is per expectation and per metric it plans, and the counts,
    # examples and row keys a failure needs double it.  No suite uses `mostly`, so a check that
    # passes has no failing rows; only the checks that fail run again for those.
    verdicts = _validate(
        gx, batch, f"{table.name}:{frame_name}", expectations, {"result_format": "BOOLEAN_ONLY"}, parameters
    )
    failed = [e for e in expectations if not verdicts[e.meta["check"]].success]
    details = _validate(gx, batch, f"{table.name}:{frame_name}", failed, summary, parameters) if failed else {}
    if keys:
        for e in failed:
            row_failures.extend(_row_failures(table.name, e, details[e.meta["check"]], keys))
    return [
        _to_check(e, details[e.meta["check"]], keys, examples) if e.meta["check"] in details else _passed(e)
        for e in expectations
    ]


def _validate(
    gx: Any,
    batch: Any,
    name: str,
    expectations: list[Any],
    result_format: dict[str, Any],
    parameters: dict[str, list[Any]],
) -> dict[str, Any]:
    """GX's result of each expectation, by its check id; run as one suite, so one batch, with
    metrics shared between expectations."""
    with warnings.catch_warnings():
        # GX matches regexes with Series.str.contains, which warns about groups in contract
        # patterns such as country's "^([A-Z]{2})$"; the match itself is what we want.
        warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
        outcome = batch.validate(
            gx.ExpectationSuite(name=name, expectations=list(expectations)),
            result_format=result_format,
            expectation_parameters=parameters,
        )
    return {r.expectation_config.meta["check"]: r for r in outcome.results}


def _row_failures(table: str, expectation: Any, result: Any, keys: list[str]) -> list[RowFailure]:
    """Every failing row of a failed row check, by its key columns (none for release checks)."""
    meta = expectation.meta
    if meta["slug"] in RELEASE_CHECKS or _raised(result.exception_info or {}):
        return []
    out = []
    for row in (result.result or {}).get("unexpected_index_list") or []:
        if not isinstance(row, Mapping) or not all(k in row for k in keys):
            return []  # GX gave no keys: the rows cannot be named, so none is set aside
        values = {k: v for k, v in row.items() if k not in keys}
        reason = ", ".join(f"{k}={_value(v, raw=meta['frame'] in _PROBLEM_FRAMES)}" for k, v in values.items())
        out.append(
            RowFailure(
                table,
                meta["slug"],
                meta["column"],
                tuple((k, _plain(row[k])) for k in keys),
                f"{SLUGS[meta['slug']]}: {reason}" if reason else SLUGS[meta["slug"]],
            )
        )
    return out


def _plain(value: Any) -> Any:
    """A key value as a plain Python scalar (numpy integers compare and hash as ints)."""
    return value.item() if hasattr(value, "item") else value


def _passed(expectation: Any) -> CheckResult:
    meta = expectation.meta
    return CheckResult(
        slug=meta["slug"],
        expectation=expectation.expectation_type,
        column=meta["column"],
        passed=True,
        unexpected_count=0,
    )


def _not_run(expectation: Any, reason: str) -> CheckResult:
    return CheckResult(
        slug=expectation.meta["slug"],
        expectation=expectation.expectation_type,
        column=expectation.meta["column"],
        passed=False,
        unexpected_count=0,
        examples=(reason,),
    )


def _to_check(expectation: Any, result: Any, keys: list[str], examples: int) -> CheckResult:
    meta = expectation.meta
    info = result.exception_info or {}
    raised = _raised(info)
    if raised:
        return CheckResult(
            slug=meta["slug"],
            expectation=expectation.expectation_type,
            column=meta["column"],
            passed=False,
            unexpected_count=0,
            examples=(f"check could not run: {raised}",),
        )
    body = result.result or {}
    if meta["slug"] == "columns-match":
        count, shown = _column_mismatch(body)
    else:
        count = int(body.get("unexpected_count") or 0)
        # Derived frames hold problem descriptions, which read best unquoted.
        shown = _examples(body, keys, raw=meta["frame"] in _PROBLEM_FRAMES, limit=examples)
    return CheckResult(
        slug=meta["slug"],
        expectation=expectation.expectation_type,
        column=meta["column"],
        passed=bool(result.success),
        unexpected_count=count,
        examples=shown,
    )


def _raised(info: Mapping[str, Any]) -> str | None:
    """The exception message GX caught while running an expectation, if any."""
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "unknown error").splitlines()[0]
    for value in info.values():  # newer GX nests exception info per metric
        if isinstance(value, Mapping) and value.get("raised_exception"):
            return str(value.get("exception_message") or "unknown error").splitlines()[0]
    return None


def _column_mismatch(body: Mapping[str, Any]) -> tuple[int, tuple[str, ...]]:
    mismatched = (body.get("details") or {}).get("mismatched") or []
    shown = tuple(
        f"position {m.get('Expected Column Position')}: expected {m.get('Expected')!r}, found {m.get('Found')!r}"
        for m in mismatched
    )
    return len(mismatched), shown


def _examples(body: Mapping[str, Any], keys: list[str], *, raw: bool, limit: int) -> tuple[str, ...]:
    """Up to `limit` failing rows as 'key=value: value' strings; `raw` leaves problem texts unquoted."""
    indexed = body.get("partial_unexpected_index_list")
    if indexed and isinstance(indexed[0], Mapping):
        out = []
        for row in indexed[:limit]:
            where = ", ".join(f"{k}={row[k]}" for k in keys if k in row)
            values = {k: v for k, v in row.items() if k not in keys}
            if len(values) == 1:
                shown = _value(next(iter(values.values())), raw=raw)
            else:
                shown = ", ".join(f"{k}={_value(v, raw=raw)}" for k, v in values.items())
            out.append(f"{where}: {shown}" if where and shown else where or shown)
        return tuple(out)
    values = body.get("partial_unexpected_list") or []
    return tuple(_value(v, raw=raw) for v in values[:limit])


def _value(value: Any, *, raw: bool) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "null"
    if isinstance(value, str) and not raw:
        return repr(value)
    return str(value)
