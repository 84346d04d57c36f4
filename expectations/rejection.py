"""Row-level failures quarantine rows, not releases.

A failed row check (a value out of range, a dangling reference, an offset outside its page) names
the rows that broke it; `reject_rows` removes them, and the rows that depend on them, from a
release's frames and keeps each with the check and the reason, for ``quality/rejected.parquet``.
Whether the rest may be promoted is `Rejection.within`'s answer: no table may lose more than a
fraction of its rows (`DEFAULT_MAX_REJECTED`).

What depends on what comes from the contract's references (every ``references`` column, such
as ``mentions.doc_id`` or ``collaborations.parties``), plus the two links the contract cannot
declare: ``mentions.entity_id`` (into either entity table, by ``entity_type``) and a mention's
page (``(doc_id, page)`` in ``pages``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from govmap.datasets.contract import TABLE_NAMES, TABLES
from govmap.expectations.validate import RowFailure, ValidationReport, validate_release

__all__ = [
    "DEFAULT_MAX_REJECTED",
    "REJECTED_FILE",
    "REJECTED_SCHEMA",
    "Rejection",
    "reject_rows",
    "reject_failing_rows",
    "check_max_rejected",
]

# One bad record in a hundred is an extractor's slip worth a look; more means something is wrong
# with the run as a whole, and its release should wait for a person.
DEFAULT_MAX_REJECTED = 0.01
# Removing rows can break a whole-table rule (an entity left with no mention): validate again, and
# set those rows aside too, at most this many times.
_REJECTION_ROUNDS = 3
REJECTED_FILE = "rejected.parquet"
REJECTED_SCHEMA = pa.schema(
    [
        pa.field("table", pa.string(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        pa.field("check", pa.string(), nullable=False),
        pa.field("column", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("row", pa.string(), nullable=False),
    ]
)


def check_max_rejected(value: float) -> float:
    """`value` when it is a fraction in [0, 1]; raises ValueError naming the setting otherwise."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"max_rejected: {value} is not a fraction between 0 and 1")
    return value


@dataclass(frozen=True)
class Rejection:
    """The frames without the rejected rows, and the rejected rows (`REJECTED_SCHEMA` columns)."""

    frames: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    rows_before: dict[str, int]

    @property
    def count(self) -> int:
        return len(self.rejected)

    def per_table(self) -> dict[str, int]:
        return {name: int(n) for name, n in self.rejected["table"].value_counts().sort_index().items()}

    def over(self, max_fraction: float) -> dict[str, tuple[int, int]]:
        """Tables whose rejected share exceeds `max_fraction`: name -> (rejected, rows before)."""
        return {
            name: (n, self.rows_before[name])
            for name, n in self.per_table().items()
            if n > max_fraction * self.rows_before[name]
        }

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_pandas(self.rejected, schema=REJECTED_SCHEMA, preserve_index=False)


def _key_text(key: Iterable[tuple[str, Any]]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key)


def _row_text(row: Mapping[str, Any]) -> str:
    def plain(value: Any) -> Any:
        if hasattr(value, "tolist"):
            return value.tolist()
        return None if isinstance(value, float) and value != value else value

    return json.dumps({k: plain(v) for k, v in row.items()}, ensure_ascii=False, default=str)


def _dependents() -> list[tuple[str, str, str, str]]:
    """(child table, child column, parent table, parent column) for every declared reference."""
    return [(t.name, c.name, *c.references) for t in TABLES.values() for c in t.columns if c.references]


def reject_rows(frames: Mapping[str, pd.DataFrame], failures: Iterable[RowFailure]) -> Rejection:
    """Remove every row named in `failures`, then every row that depends on a removed one.

    `frames` maps each contract table to its DataFrame; it is not changed.  A row failing
    several checks is rejected once, under the first.
    """
    frames = {name: frames[name] for name in TABLE_NAMES}
    rows_before = {name: len(df) for name, df in frames.items()}
    masks = {name: pd.Series(False, index=df.index) for name, df in frames.items()}
    records: list[dict[str, Any]] = []

    def reject(table: str, hit: pd.Series, check: str, column: str | None, reason: str | pd.Series) -> None:
        hit = hit & ~masks[table]
        if not hit.any():
            return
        df = frames[table]
        keys = TABLES[table].primary_key
        reasons = reason[hit] if isinstance(reason, pd.Series) else [reason] * int(hit.sum())
        for (_, row), why in zip(df[hit].iterrows(), reasons, strict=True):
            records.append(
                {
                    "table": table,
                    "key": _key_text((k, row[k]) for k in keys),
                    "check": check,
                    "column": column,
                    "reason": why,
                    "row": _row_text(row),
                }
            )
        masks[table] = masks[table] | hit

    for failure in failures:
        df = frames[failure.table]
        hit = pd.Series(True, index=df.index)
        for column, value in failure.key:
            if column in df.columns:
                hit &= df[column] == value
        reject(failure.table, hit, failure.slug, failure.column, failure.reason)
    # Dependents, until nothing more goes: a removed document takes its pages, a removed page its
    # mentions, a removed institution the mentions, collaborations and ratings that name it.
    while True:
        before = sum(int(m.sum()) for m in masks.values())
        for child, column, parent, parent_column in _dependents():
            gone = set(frames[parent].loc[masks[parent], parent_column])
            if gone:
                hit, reason = _referring(
                    frames[child],
                    TABLES[child].column(column).is_list,
                    column,
                    gone,
                    f"depends-on-rejected: {parent} {parent_column}=",
                )
                reject(child, hit, "depends-on-rejected", column, reason)
        mentions = frames["mentions"]
        for entity_type, parent, parent_column in (
            ("institution", "institutions", "institution_id"),
            ("instrument", "instruments", "instrument_id"),
        ):
            gone = set(frames[parent].loc[masks[parent], parent_column])
            if gone:
                hit = (mentions["entity_type"] == entity_type) & mentions["entity_id"].isin(gone)
                reject(
                    "mentions",
                    hit,
                    "depends-on-rejected",
                    "entity_id",
                    f"depends-on-rejected: {parent} {parent_column}=" + mentions["entity_id"].astype(str),
                )
        pages = frames["pages"]
        gone_pages = set(zip(pages.loc[masks["pages"], "doc_id"], pages.loc[masks["pages"], "page"]))
        if gone_pages:
            on_page = pd.Series(
                [(d, p) in gone_pages for d, p in zip(mentions["doc_id"], mentions["page"])],
                index=mentions.index,
                dtype=bool,
            )
            reject("mentions", on_page, "depends-on-rejected", "page", "depends-on-rejected: its page was rejected")
        if sum(int(m.sum()) for m in masks.values()) == before:
            break
    clean = {name: df[~masks[name]].reset_index(drop=True) for name, df in frames.items()}
    rejected = pd.DataFrame(records, columns=REJECTED_SCHEMA.names)
    return Rejection(frames=clean, rejected=rejected, rows_before=rows_before)


def reject_failing_rows(
    frames: Mapping[str, pd.DataFrame], report: ValidationReport
) -> tuple[Rejection, ValidationReport]:
    """Set aside the rows `report` found failing row checks (with their dependents) and validate
    what is left, again while that fails row checks only.  Returns (rejection, report on the rows
    kept); `frames` is not changed."""
    failures = list(report.row_failures)
    for _ in range(_REJECTION_ROUNDS):
        rejection = reject_rows(frames, failures)
        report = validate_release(rejection.frames)
        if report.passed or report.release_failures:
            break
        failures.extend(report.row_failures)
    return rejection, report


def _referring(
    df: pd.DataFrame, is_list: bool, column: str, gone: set[Any], prefix: str
) -> tuple[pd.Series, pd.Series]:
    """Which rows of `df` name a value in `gone` in `column` (a value or a list of values), and
    the reason each is rejected for."""
    values = df[column]
    if is_list:
        named = values.map(lambda cell: sorted(set(_as_list(cell)) & gone))
        return named.map(bool).astype(bool), prefix + named.map(lambda ids: ", ".join(map(str, ids)))
    return values.isin(gone), prefix + values.astype(str)


def _as_list(cell: Any) -> list[Any]:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    return list(cell)
