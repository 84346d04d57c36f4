"""Rows -> Arrow/Parquet in the contract's exact schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from govmap.datasets.contract import Table, to_arrow_schema
from govmap.errors import ContractError

__all__ = ["to_arrow", "write_frame", "TableSink", "PARQUET_OPTIONS"]

PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 6}


def to_arrow(table: Table, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """An Arrow table of `rows` (mappings keyed by column name) in `table`'s schema.

    Raises ContractError naming the column when a value does not fit its type or a required
    value is missing.
    """
    schema = to_arrow_schema(table)
    rows = list(rows)
    columns = {}
    for field in schema:
        values = [row.get(field.name) for row in rows]
        try:
            columns[field.name] = pa.array(values, type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise ContractError(f"{table.name}.{field.name}: {exc}; release not written") from exc
        if not field.nullable and columns[field.name].null_count:
            raise ContractError(
                f"{table.name}.{field.name}: {columns[field.name].null_count} null values in a required column; release not written"
            )
    return pa.Table.from_pydict(columns, schema=schema)


def write_frame(table: Table, df: Any, path: Path) -> None:
    """Write DataFrame `df` to `path` as `table` (its contract schema, the release's Parquet options)."""
    arrow = pa.Table.from_pandas(df, schema=to_arrow_schema(table), preserve_index=False)
    pq.write_table(arrow, path, **PARQUET_OPTIONS)


class TableSink:
    """Streams batches of rows into one Parquet file, so no table has to fit in memory at once."""

    def __init__(self, table: Table, path: Path, *, batch_rows: int = 20_000) -> None:
        self.table = table
        self.path = path
        self.batch_rows = batch_rows
        self.rows = 0
        self._pending: list[Mapping[str, Any]] = []
        self._writer = pq.ParquetWriter(path, to_arrow_schema(table), **PARQUET_OPTIONS)

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._pending.extend(rows)
        if len(self._pending) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(to_arrow(self.table, self._pending))
            self.rows += len(self._pending)
            self._pending = []

    def close(self) -> int:
        """Write what is pending and close the file; returns the number of rows written."""
        self._flush()
        self._writer.close()
        return self.rows

    def __enter__(self) -> "TableSink":
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._writer.close()
