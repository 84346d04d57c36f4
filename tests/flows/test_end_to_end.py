"""The whole CLI, as a user runs it: ingest, publish, then read the release back with DuckDB.

Each test module run pays Prefect's temporary-server start once per CLI call, so the runs are
module-scoped fixtures shared by the assertions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from govmap.datasets.contract import TABLES, to_arrow_schema

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
GOVMAP = [sys.executable, "-m", "govmap.flows.cli"]

pytestmark = pytest.mark.slow


def run_cli(
    *args: str, cwd: Path = ROOT, timeout: int = 900, api_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`govmap ARGS` in a subprocess; with `api_url` it uses the session's Prefect server
    instead of starting its own (which costs 12-40 s per run)."""
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
    }
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return subprocess.run([*GOVMAP, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def query(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for name in TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / 'latest' / (name + '.parquet')}')")
    return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def samples_out(tmp_path_factory: pytest.TempPathFactory, prefect_server: str) -> Path:
    out = tmp_path_factory.mktemp("samples-release")
    corpus = out / "in"
    shutil.copytree(SAMPLES, corpus, ignore=shutil.ignore_patterns("src"))
    result = run_cli("run", str(corpus), "--out", str(out), api_url=prefect_server)
    assert result.returncode == 0, result.stdout + result.stderr
    (out / "stdout.txt").write_text(result.stdout)
    return out


def test_run_prints_rows_release_and_report(samples_out: Path) -> None:
    stdout = (samples_out / "stdout.txt").read_text()
    release = os.readlink(samples_out / "latest").split("/")[-1]
    assert f"release: {release}" in stdout
    assert "quality report:" in stdout and "report.html" in stdout
    for name in TABLES:
        assert name in stdout


def test_every_table_has_the_contract_schema(samples_out: Path) -> None:
    for name, table in TABLES.items():
        schema = pq.read_schema(samples_out / "latest" / f"{name}.parquet")
        assert schema.remove_metadata().equals(to_arrow_schema(table).remove_metadata()), name


def test_manifest_describes_the_files_as_written(samples_out: Path) -> None:
    import hashlib

    release = (samples_out / "latest").resolve()
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["validation_passed"] is True
    for _name, entry in manifest["tables"].items():
        data = (release / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert pq.read_metadata(release / entry["path"]).num_rows == entry["rows"]
    assert (release / "quality" / "report.html").is_file()
    assert len(manifest["inputs"]) == 3


def test_all_three_sample_documents_ingested(samples_out: Path) -> None:
    rows = query(samples_out, "SELECT media_type, status FROM documents ORDER BY media_type")
    assert rows == [("application/pdf", "ok"), ("text/html", "ok"), ("text/markdown", "ok")]


def test_rating_table_from_the_sample_pdf(samples_out: Path) -> None:
    rows = query(
        samples_out,
        """
        SELECT subject, subject_id, criterion, rating, score, scale, rationale IS NOT NULL
        FROM criteria_ratings WHERE scale <> 'presence' AND extractor LIKE 'table:%' ORDER BY subject, criterion""",
    )
    assert len(rows) == 9
    by_cell = {(r[0], r[2]): r for r in rows}
    assert by_cell[("OECD", "Speed")][1:6] == ("oecd", "Speed", "High", 1.0, "high-medium-low")
    assert by_cell[("OECD", "Legitimacy")][4] == pytest.approx(0.5)
    assert by_cell[("International Telecommunication Union", "Expertise")][1] == "itu"
    # "Unclear" is outside the scale: kept as printed, no score.
    assert by_cell[("New treaty body", "Expertise")][3:5] == ("Unclear", None)
    assert by_cell[("New treaty body", "Speed")][1] is None  # not an institution
    assert all(r[6] for r in rows), "every rating has its appendix rationale"


def test_presence_matrix_from_the_sample_html(samples_out: Path) -> None:
    rows = query(
        samples_out,
        """
        SELECT subject, criterion, rating, score FROM criteria_ratings
        WHERE scale = 'presence' ORDER BY criterion, subject""",
    )
    assert len(rows) == 9
    cells = {(s, c): (r, sc) for s, c, r, sc in rows}
    assert cells[("Treaty Annex", "Binding obligations")] == ("x", 1.0)
    assert cells[("Bilateral MoU", "Binding obligations")] == ("", 0.0)


def test_collaborations_from_table_and_prose(samples_out: Path) -> None:
    rows = query(samples_out, "SELECT parties, types, status, extractor FROM collaborations")
    found = {(tuple(p), s): (set(t), e) for p, t, s, e in rows}
    # Markdown table: a pair followed by a continuation row naming one more type.
    assert found[(("canada-aisi", "uk-aisi"), "existing")] == (
        {"joint_research", "capacity_building"},
        "table:collaboration",
    )
    assert found[(("japan-aisi", "uk-aisi"), "existing")][0] == {"model_testing"}
    # Prose: integration, and an announcement.
    assert "institutional_integration" in found[(("gpai", "oecd"), "existing")][0]
    assert (("canada-aisi", "korea-aisi"), "announced") in found
    # A body that "did not sign" is in no collaboration.
    assert not [p for p, _ in found if "google-deepmind" in p]


def test_discovered_institution_gets_a_stable_id(samples_out: Path) -> None:
    rows = query(
        samples_out, "SELECT institution_id, acronym, known FROM institutions WHERE name = 'Global Compute Observatory'"
    )
    assert rows == [("global-compute-observatory", "GCO", False)]


def test_mention_offsets_point_into_published_page_text(samples_out: Path) -> None:
    bad = query(
        samples_out,
        """
        SELECT m.mention_id FROM mentions m JOIN pages p USING (doc_id, page)
        WHERE substr(p.text, m.char_start + 1, m.char_end - m.char_start) <> m.surface""",
    )
    assert bad == []
    assert query(samples_out, "SELECT count(*) FROM mentions")[0][0] > 20


def test_rerun_on_unchanged_inputs_publishes_nothing(samples_out: Path) -> None:
    before = os.readlink(samples_out / "latest")
    result = run_cli("run", str(samples_out / "in"), "--out", str(samples_out))
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert os.readlink(samples_out / "latest") == before


def test_report_command_prints_the_verdict(samples_out: Path) -> None:
    result = run_cli("report", "--out", str(samples_out))
    assert result.returncode == 0, result.stderr
    assert "report.html" in result.stdout


def test_missing_source_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr
