"""What changed between two releases: rows added, removed and changed per table, by primary key.

DuckDB compares the Parquet files in place (anti joins on the key, EXCEPT on the whole row), so
no table has to fit in memory.  Columns present in only one release (a contract change) are
reported and left out of the row comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govmap.datasets.contract import TABLES
from govmap.datasets.release import list_releases, read_manifest
from govmap.datasets.query import resolve_release
from govmap.errors import NoPreviousRelease

__all__ = ["TableDiff", "ReleaseDiff", "diff_releases", "default_pair", "previous_release"]

EXAMPLES = 5


@dataclass(frozen=True)
class TableDiff:
    """Row changes of one table; `*_keys` hold up to EXAMPLES primary keys each ("a|b" when composite)."""

    table: str
    old_rows: int
    new_rows: int
    added: int
    removed: int
    changed: int
    added_keys: list[str] = field(default_factory=list)
    removed_keys: list[str] = field(default_factory=list)
    changed_keys: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)


@dataclass(frozen=True)
class ReleaseDiff:
    old: str
    new: str
    tables: list[TableDiff]
    institutions_appeared: list[dict[str, Any]]
    institutions_vanished: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def unchanged(self) -> bool:
        return all(t.unchanged for t in self.tables)


def _q(path: Path) -> str:
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def _columns(con: Any, source: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]


def _keys(con: Any, query: str, key: list[str]) -> list[str]:
    cols = ", ".join(f'"{k}"' for k in key)
    rows = con.execute(f"SELECT {cols} FROM ({query}) ORDER BY {cols} LIMIT {EXAMPLES}").fetchall()
    return ["|".join(str(v) for v in row) for row in rows]


def _count(con: Any, query: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0])


def _table_diff(con: Any, name: str, old_dir: Path, new_dir: Path) -> TableDiff:
    tbl = TABLES[name]
    old, new = _q(old_dir / f"{name}.parquet"), _q(new_dir / f"{name}.parquet")
    old_cols, new_cols = _columns(con, old), _columns(con, new)
    common = [c for c in new_cols if c in old_cols]
    key = [k for k in tbl.primary_key if k in common]
    using = ", ".join(f'"{k}"' for k in key)
    select = ", ".join(f'"{c}"' for c in common)
    added_q = f"SELECT * FROM {new} n ANTI JOIN {old} o USING ({using})"
    removed_q = f"SELECT * FROM {old} o ANTI JOIN {new} n USING ({using})"
    # Rows whose key is in both releases but whose values differ (keys are unique: EXCEPT is exact).
    changed_q = f"SELECT {select} FROM {new} n SEMI JOIN {old} o USING ({using}) EXCEPT SELECT {select} FROM {old}"
    return TableDiff(
        table=name,
        old_rows=_count(con, f"SELECT * FROM {old}"),
        new_rows=_count(con, f"SELECT * FROM {new}"),
        added=_count(con, added_q),
        removed=_count(con, removed_q),
        changed=_count(con, changed_q),
        added_keys=_keys(con, added_q, key),
        removed_keys=_keys(con, removed_q, key),
        changed_keys=_keys(con, changed_q, key),
        columns_added=[c for c in new_cols if c not in old_cols],
        columns_removed=[c for c in old_cols if c not in new_cols],
    )


def _institutions(con: Any, a: Path, b: Path) -> list[dict[str, Any]]:
    """Institutions in release `a` that are not in release `b`."""
    rows = con.execute(
        f"SELECT institution_id, name, kind FROM {_q(a / 'institutions.parquet')} x "
        f"ANTI JOIN {_q(b / 'institutions.parquet')} y USING (institution_id) ORDER BY institution_id"
    ).fetchall()
    return [{"institution_id": i, "name": n, "kind": k} for i, n, k in rows]


def diff_releases(old_dir: Path, new_dir: Path) -> ReleaseDiff:
    """Per table rows added, removed and changed from release `old_dir` to `new_dir`, and the
    institutions that appeared or vanished."""
    import duckdb

    con = duckdb.connect()
    try:
        tables = [_table_diff(con, name, old_dir, new_dir) for name in TABLES]
        return ReleaseDiff(
            old=old_dir.name,
            new=new_dir.name,
            tables=tables,
            institutions_appeared=_institutions(con, new_dir, old_dir),
            institutions_vanished=_institutions(con, old_dir, new_dir),
        )
    finally:
        con.close()


def previous_release(out: Path, before: Path) -> Path | None:
    """The newest release under `out` older than `before` that passed validation, or None."""
    older = [p for p in list_releases(out) if p.name < before.name]
    for path in reversed(older):
        try:
            if read_manifest(path).get("validation_passed", True):
                return path
        except Exception:  # an unreadable manifest is not a release to compare with
            continue
    return None


def default_pair(out: Path, old: str | None = None, new: str | None = None) -> tuple[Path, Path]:
    """(old, new) release folders: by default the release before the promoted one, and the promoted one."""
    new_dir = resolve_release(out, new)
    if old is not None:
        return resolve_release(out, old), new_dir
    old_dir = previous_release(out, new_dir)
    if old_dir is None:
        raise NoPreviousRelease(f"{Path(out).absolute()}: no release before {new_dir.name} to compare with")
    return old_dir, new_dir
