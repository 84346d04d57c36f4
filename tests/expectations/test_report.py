from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from govmap.expectations import ValidationReport, summarize, validate_release, write_quality_report
from tests.expectations.conftest import QUARANTINE_ERROR

Frames = dict[str, pd.DataFrame]


def _write(report: ValidationReport, frames: Frames, tmp_path: Path) -> tuple[Path, Path]:
    return write_quality_report(
        report,
        tmp_path,
        release_id="2025-01-02T030405Z-abc",
        documents=frames["documents"],
        row_counts={name: len(df) for name, df in frames.items()},
    )


def test_html_has_verdict_and_quarantine_error(release_frames: Frames, tmp_path: Path) -> None:
    json_path, html_path = _write(validate_release(release_frames), release_frames, tmp_path)
    assert (json_path, html_path) == (tmp_path / "quality" / "report.json", tmp_path / "quality" / "report.html")
    html = html_path.read_text(encoding="utf-8")
    assert "PASSED" in html
    assert QUARANTINE_ERROR in html
    # Self-contained: no scripts, no external assets.
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_failing_report_shows_failure_escaped(release_frames: Frames, tmp_path: Path) -> None:
    release_frames["institutions"].loc[0, "kind"] = "<b>lab</b>"
    report = validate_release(release_frames)
    _, html_path = _write(report, release_frames, tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert "FAILED" in html
    assert "in-vocabulary" in html
    assert "&lt;b&gt;lab&lt;/b&gt;" in html and "<b>lab</b>" not in html


def test_json_report_round_trips(release_frames: Frames, tmp_path: Path) -> None:
    report = validate_release(release_frames)
    json_path, _ = _write(report, release_frames, tmp_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["passed"] is True
    assert data["row_counts"]["mentions"] == 3
    assert [q["error"] for q in data["quarantined"]] == [QUARANTINE_ERROR]
    assert ValidationReport.from_dict(data["validation"]) == report


def test_summarize_names_verdict_and_failures(release_frames: Frames) -> None:
    assert summarize(validate_release(release_frames)).startswith("validation PASSED")
    release_frames["criteria_ratings"].loc[0, "score"] = 1.5
    text = summarize(validate_release(release_frames))
    assert text.splitlines()[0].startswith("validation FAILED")
    assert "criteria_ratings.score: between (1 rows)" in text
