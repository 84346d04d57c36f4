"""`govmap review` and `govmap run --curation` on the embedded samples: decisions written with the
CLI, a curation-only rerun that extracts nothing again, a broken file refused before any work,
and concurrent review writes serialised by the run lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from govmap.datasets.curation import load_curation
from govmap.flows.cli import app

GOVMAP = [sys.executable, "-m", "govmap.flows.cli"]


def review(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["review", *args])
    return result.exit_code, result.output + (repr(result.exception) if result.exit_code == 1 else "")


def _ids(release: Path, table: str, key: str) -> list[str]:
    return pq.read_table(release / f"{table}.parquet", columns=[key]).column(key).to_pylist()


@pytest.mark.slow
def test_decisions_made_with_the_cli_reach_the_next_release_without_extracting_again(
    tmp_path: Path, samples_folder: Path, prefect_server: str, prefect_api_env: dict[str, str]
) -> None:
    from govmap.flows.ingest import ingest

    out, curation = tmp_path / "out", tmp_path / "curation.yaml"
    first = ingest([str(samples_folder)], str(out))
    assert first.outcome is not None
    release = first.outcome.path
    code, listing = review("--out", str(out), "--limit", "50")
    assert code == 0 and "discovered body" in listing

    collaboration = _ids(release, "collaborations", "collaboration_id")[0]
    rating = _ids(release, "criteria_ratings", "rating_id")[0]
    common = ["--out", str(out), "--curation", str(curation), "--by", "tester"]
    for args in (
        ["reject", "collaborations", collaboration, "--why", "not stated"],
        ["confirm", "ratings", rating, "--why", "matches the table"],
        ["confirm", "mentions", "0" * 16, "--why", "no such record"],
    ):
        code, output = review(*args, *common)
        assert (code == 0) == (args[2] != "0" * 16), output
    assert len(load_curation(curation).decisions) == 2  # the typo was refused, nothing written

    # One more decision written by hand, on a record this release does not hold: stale, not lost.
    with curation.open("a", encoding="utf-8") as f:
        f.write(
            "  - op: reject\n    table: mentions\n    id: 'ffffffffffffffff'\n    by: tester\n    at: 2026-01-01\n"
            "    why: left from an older release\n"
        )
    second = ingest([str(samples_folder)], str(out), curation=str(curation))
    assert all(s.cached for s in second.documents)  # no document extracted again
    assert second.outcome is not None and second.outcome.promoted
    new = second.outcome.path
    assert collaboration not in _ids(new, "collaborations", "collaboration_id")
    reviews = dict(zip(_ids(new, "criteria_ratings", "rating_id"), _ids(new, "criteria_ratings", "review")))
    assert reviews[rating] == "confirmed"
    manifest = json.loads((new / "manifest.json").read_text())
    assert len(manifest["curation"]["applied"]) == 2
    assert [s["number"] for s in manifest["curation"]["stale"]] == [3]
    assert manifest["review"]["criteria_ratings"]["confirmed"] == 1
    report = json.loads(second.outcome.report_json.read_text())
    assert report["review"]["curation"]["stale"][0]["reason"] == "no such record in this release"
    html = second.outcome.report_html.read_text()
    assert "Stale decisions" in html and "To review first" in html
    assert "stale: #3 reject mentions" in (new / "README.md").read_text()

    # Unchanged inputs and curation file: nothing to publish.
    assert (
        ingest([str(samples_folder)], str(out), curation=str(curation)).unchanged_release == second.outcome.release_id
    )

    # A syntax error is one line and exit 2, before any work.
    broken = tmp_path / "broken.yaml"
    broken.write_text("decisions:\n  - op: merge\n    keep: [a\n", encoding="utf-8")
    run = subprocess.run(
        [*GOVMAP, "run", str(samples_folder), "--out", str(out), "--curation", str(broken)],
        capture_output=True,
        text=True,
        env=prefect_api_env,
        timeout=300,
    )
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "not valid YAML" in run.stderr and str(broken) in run.stderr

    # Four reviewers at once: every decision lands, none overwrites another.
    ratings = _ids(new, "criteria_ratings", "rating_id")[1:5]
    procs = [
        subprocess.Popen(
            [*GOVMAP, "review", "confirm", "ratings", r, "--why", "seen", *common],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=prefect_api_env,
        )
        for r in ratings
    ]
    assert [p.wait(timeout=300) for p in procs] == [0] * len(ratings)
    assert sorted(d.id for d in load_curation(curation).decisions[3:]) == sorted(ratings)
