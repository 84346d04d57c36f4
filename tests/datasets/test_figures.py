"""Report figures (the collaboration network) and the report's diff section, with no Prefect."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govmap.datasets.contract import TABLES
from govmap.datasets.diff import default_pair, diff_releases
from govmap.datasets.figures import render_figures
from govmap.datasets.query import load_table
from tests.datasets.builders import RELEASE_1, RELEASE_2, release_rows, second_release_rows, write_release


def test_importing_figures_does_not_import_matplotlib() -> None:
    import importlib

    if "matplotlib" in sys.modules:
        pytest.skip("matplotlib already imported by an earlier test")
    importlib.import_module("govmap.datasets.figures")
    assert "matplotlib" not in sys.modules


def test_figures_saved_as_svg_and_png(tmp_path: Path) -> None:
    release = write_release(tmp_path, release_rows(), RELEASE_1)
    frames = {name: load_table(release, name) for name in TABLES}
    figures = render_figures(frames, tmp_path / "quality")
    assert [f.name for f in figures] == ["collaboration_network"]  # rating tables are HTML (rating_grids)
    for f in figures:
        assert f.svg_path.is_file() and f.png_path.read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in f.svg


def test_report_html_embeds_diff_and_figures(tmp_path: Path) -> None:
    from govmap.expectations.report import render_html
    from govmap.expectations.validate import ValidationReport

    write_release(tmp_path, release_rows(), RELEASE_1)
    release = write_release(tmp_path, second_release_rows(), RELEASE_2)
    frames = {name: load_table(release, name) for name in TABLES}
    figures = render_figures(frames, tmp_path / "quality")
    diff = diff_releases(*default_pair(tmp_path)).to_dict()
    html = render_html(
        ValidationReport(passed=True, tables=()),
        release_id=RELEASE_2,
        quarantined=[],
        row_counts={},
        diff=diff,
        figures=figures,
    )
    assert f"Changes since release <code>{RELEASE_1}</code>" in html
    assert "Eastgate Lab (eastgate-lab)" in html
    assert html.count("<svg") == len(figures) and "<?xml" not in html
    assert 'src="http' not in html and 'href="http' not in html.replace('href="http://www.w3.org', "")
