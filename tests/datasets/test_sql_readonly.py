"""`govmap sql` and `govmap.connect` read the release's tables and nothing else; releases are
read-only on disk.  Each write and read a query could try (issue 19) is tried here."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import govmap
from govmap.datasets.contract import TABLES
from govmap.datasets.query import connect_release, resolve_release
from govmap.datasets.release import LATEST
from govmap.flows.cli import app
from tests.datasets.builders import RELEASE_1, release_rows, write_release


@pytest.fixture
def out(tmp_path: Path) -> Path:
    write_release(tmp_path, release_rows(), RELEASE_1)
    (tmp_path / "secret.csv").write_text("user,password\nalice,s3cr3t\n")
    return tmp_path


def attempts(out: Path) -> list[tuple[str, Path | None]]:
    """(query, file it would create or change): every way out of the views we know of."""
    table = out / LATEST / "institutions.parquet"
    return [
        # Overwrote the promoted release in place on the old main.
        (f"COPY (SELECT 'evil' AS institution_id) TO '{table}'", None),
        (f"COPY (SELECT 1 AS x) TO '{out / 'written.csv'}'", out / "written.csv"),
        (f"ATTACH '{out / 'other.duckdb'}' AS other", out / "other.duckdb"),
        (f"EXPORT DATABASE '{out / 'exported'}'", out / "exported"),
        (f"SELECT * FROM read_csv('{out / 'secret.csv'}')", None),
        ("SELECT * FROM read_text('/etc/passwd')", None),
        ("SELECT * FROM glob('/etc/*')", None),
        ("INSTALL httpfs", None),
        ("SET enable_external_access = true", None),
        ("SET allowed_paths = ['/etc/passwd']", None),
        ("SET lock_configuration = false", None),
    ]


def test_every_escape_from_the_views_fails(out: Path) -> None:
    table = out / LATEST / "institutions.parquet"
    before = table.read_bytes()
    con = govmap.connect(out=out)
    for query, created in attempts(out):
        with pytest.raises(duckdb.Error):
            con.execute(query).fetchall()
        assert created is None or not created.exists(), query
    assert table.read_bytes() == before
    assert con.execute("SELECT count(*) FROM institutions").fetchone()[0] == len(release_rows()["institutions"])


def test_the_cli_refuses_them_with_one_line_and_exit_2(out: Path) -> None:
    runner = CliRunner()
    table = out / LATEST / "institutions.parquet"
    before = table.read_bytes()
    for query, _ in attempts(out)[:5]:
        result = runner.invoke(app, ["sql", query, "--out", str(out)])
        assert result.exit_code == 2, (query, result.output)
        assert "SQL error" in result.output
    assert table.read_bytes() == before
    ok = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM mentions", "--out", str(out), "--format", "csv"])
    assert ok.exit_code == 0 and ok.output.splitlines()[1] == str(len(release_rows()["mentions"]))


def test_allow_files_gives_the_file_functions_back(out: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "sql",
            f"SELECT password FROM read_csv('{out / 'secret.csv'}')",
            "--out",
            str(out),
            "--allow-files",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0 and result.output.splitlines() == ["password", "s3cr3t"]
    con = connect_release(resolve_release(out), allow_files=True)
    con.execute(f"COPY (SELECT 1 AS x) TO '{out / 'written.csv'}'")
    assert (out / "written.csv").is_file()


def test_a_committed_release_is_read_only_on_disk(out: Path) -> None:
    release = out / "releases" / RELEASE_1
    files = [p for p in release.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {f"{name}.parquet" for name in TABLES} | {"manifest.json"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o444, p
    assert os.access(release, os.W_OK)  # the folder stays removable by its owner (prune)
