"""`govmap sql`, `show` and `diff` through typer's CliRunner, over small releases on disk (no Prefect)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import govmap.flows.analyst_commands as analyst_commands

from govmap.flows.cli import app
from tests.datasets.builders import (
    DOC_BAD,
    DOC_OK,
    RELEASE_1,
    RELEASE_2,
    release_rows,
    second_release_rows,
    write_release,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles, so table cells are not folded across lines (rich uses 80 columns off a TTY)."""
    monkeypatch.setattr(analyst_commands, "out_console", Console(highlight=False, width=300))
    monkeypatch.setattr(analyst_commands, "err_console", Console(stderr=True, highlight=False, width=300))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    write_release(tmp_path, release_rows(), RELEASE_1)
    return tmp_path


def invoke(*args: str) -> "object":
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_sql_table_output(out: Path) -> None:
    result = invoke("sql", "SELECT institution_id, kind FROM institutions ORDER BY 1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "harbor-aisi" in result.output and "standards_body" in result.output and "2 rows" in result.output


def test_sql_csv_and_json(out: Path) -> None:
    result = invoke(
        "sql", "SELECT institution_id, aliases FROM institutions ORDER BY 1", "--out", str(out), "--format", "csv"
    )
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["institution_id", "aliases"] and rows[1][0] == "harbor-aisi"
    assert json.loads(rows[1][1]) == ["Harbor AI Safety Institute"]
    result = invoke("sql", "SELECT count(*) AS n FROM mentions", "--out", str(out), "--format", "json")
    assert json.loads(result.stdout) == [{"n": 3}]


def test_sql_without_query_lists_views(out: Path) -> None:
    result = invoke("sql", "--out", str(out))
    assert result.exit_code == 0
    for name in ("documents", "criteria_ratings", "collaboration_id", "ingested_at"):
        assert name in result.output


def test_sql_error_exits_2(out: Path) -> None:
    result = invoke("sql", "SELECT nope FROM institutions", "--out", str(out))
    assert result.exit_code == 2
    assert "SQL error" in result.output


def test_no_release_exits_2(tmp_path: Path) -> None:
    result = invoke("sql", "SELECT 1", "--out", str(tmp_path))
    assert result.exit_code == 2 and "no promoted release" in result.output


def test_show_institution(out: Path) -> None:
    result = invoke("show", "institution", "nso", "--out", str(out))
    assert result.exit_code == 0, result.output
    for text in (
        "Northwind Standards Office",
        "standards_body",
        "with Harbor AI Safety Institute",
        "information_sharing",
        "announced",
        DOC_OK,
    ):
        assert text in result.output


def test_show_institution_ambiguous_and_missing(tmp_path: Path) -> None:
    rows = release_rows()
    rows["institutions"][1]["acronym"] = "HAISI"
    rows["institutions"][0]["acronym"] = "HAISI"
    write_release(tmp_path, rows, RELEASE_1)
    result = invoke("show", "institution", "haisi", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "2 institutions match" in result.output and "northwind-standards-office" in result.output
    assert invoke("show", "institution", "nobody", "--out", str(tmp_path)).exit_code == 2


def test_show_document(out: Path) -> None:
    result = invoke("show", "document", DOC_BAD[:8], "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "quarantined" in result.output and "no text layer" in result.output
    result = invoke("show", "document", "reports/one.txt", "--out", str(out))
    assert result.exit_code == 0 and "Harbor report" in result.output and "Independence" in result.output


def test_diff_table_and_json(out: Path) -> None:
    write_release(out, second_release_rows(), RELEASE_2)
    result = invoke("diff", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{RELEASE_1} -> {RELEASE_2}" in result.output and "Eastgate Lab (eastgate-lab)" in result.output
    result = invoke("diff", RELEASE_2, RELEASE_1, "--out", str(out), "--json")
    data = json.loads(result.stdout)
    assert data["old"] == RELEASE_2 and [i["institution_id"] for i in data["institutions_vanished"]] == ["eastgate-lab"]


def test_diff_of_the_first_release_is_one_friendly_line(out: Path) -> None:
    """Right after the Quickstart there is one release: that is said, and it is not an error."""
    result = invoke("diff", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        f"{out}: no release before {RELEASE_1} to compare with: it is the first release; the next run that "
        "publishes one will have a diff"
    ]


def test_diff_of_an_unknown_release_exits_2(out: Path) -> None:
    result = invoke("diff", "nope", "--out", str(out))
    assert result.exit_code == 2 and "no release 'nope'" in result.output


def test_show_institution_with_an_empty_name_is_an_error(out: Path) -> None:
    """'' matched every institution without an acronym on the old main."""
    for key in ("", "  "):
        result = invoke("show", "institution", key, "--out", str(out))
        assert result.exit_code == 2 and "empty institution name matches nothing" in result.output
    result = invoke("show", "document", "", "--out", str(out))
    assert result.exit_code == 2 and "empty document name" in result.output


def test_tables_written_to_a_pipe_are_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off a terminal a table keeps a long cell on one line instead of folding it at 80 columns."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal: a pipe
    console = analyst_commands.new_console()
    console.print(analyst_commands._table(None, ["institution_id", "evidence"], [["harbor-aisi", "word " * 40]]))
    lines = console.file.getvalue().splitlines()
    assert any(("word " * 40).strip() in line for line in lines), lines
    assert console.width == analyst_commands.PIPE_WIDTH


def test_an_error_naming_a_path_with_markup_prints_it(tmp_path: Path) -> None:
    """A path holding `[/bold]` raised rich's MarkupError instead of printing the error."""
    folder = tmp_path / "reports[/bold] [x]"
    result = invoke("sql", "--out", str(folder))
    assert result.exit_code == 2
    assert f"{folder}: no promoted release yet" in " ".join(result.output.split())
