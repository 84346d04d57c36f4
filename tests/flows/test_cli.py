"""`govmap run`'s options are checked before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govmap.flows.cli import app


@pytest.mark.parametrize(
    "value",
    [
        "-0.1",  # a negative share of rows
        "1.5",  # more than the whole table
    ],
)
def test_max_rejected_must_be_a_fraction(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "--max-rejected", value])
    assert result.exit_code == 2
    assert "--max-rejected" in result.output
    assert not (tmp_path / "out").exists()
