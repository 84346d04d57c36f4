"""`govmap validate [RELEASE]` re-runs a release's own checks on a copy of it."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from govmap.datasets.contract import TABLES
from govmap.datasets.parquet import to_arrow
from govmap.flows.cli import app
from tests.datasets.builders import RELEASE_1, release_rows, write_release

runner = CliRunner()


def _copy(tmp_path: Path) -> Path:
    """A release as a user downloads it: a folder of its own, anywhere, writable."""
    release = write_release(tmp_path / "out", release_rows(), RELEASE_1, docs=True)
    copied = Path(shutil.copytree(release, tmp_path / "download" / RELEASE_1))
    for p in copied.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return copied


def test_a_copy_passes(tmp_path: Path) -> None:
    copied = _copy(tmp_path)
    result = runner.invoke(app, ["validate", str(copied)])
    assert result.exit_code == 0, result.output
    assert f"release: {RELEASE_1}" in result.output and "validation PASSED" in result.output
    assert result.output.strip().endswith("PASSED")
    # By id under --out, and the promoted one by default.
    assert runner.invoke(app, ["validate", RELEASE_1, "--out", str(tmp_path / "out")]).exit_code == 0
    assert runner.invoke(app, ["validate", "--out", str(tmp_path / "out")]).exit_code == 0


def test_a_changed_table_fails(tmp_path: Path) -> None:
    copied = _copy(tmp_path)
    rows = copy.deepcopy(release_rows())
    rows["institutions"][0]["kind"] = "not-a-kind"  # outside the contract's vocabulary
    pq.write_table(to_arrow(TABLES["institutions"], rows["institutions"]), copied / "institutions.parquet")
    result = runner.invoke(app, ["validate", str(copied)])
    assert result.exit_code == 1, result.output
    assert "institutions.parquet: differs from manifest.json" in result.output
    assert "validation FAILED" in result.output and "institutions.kind" in result.output


def test_not_a_release(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "no release" in result.output
