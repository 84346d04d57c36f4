"""What ships and what the cache key covers: pipeline code and data, never developer tools."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from govmap.version import pipeline_files

ROOT = Path(__file__).resolve().parents[1]


def _is_script(path: Path) -> bool:
    """A module with an `if __name__ == "__main__":` block: a tool run by hand, not a stage."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
    return False


def test_pipeline_version_digests_no_developer_tool():
    files = pipeline_files()
    assert any(p.parent.name == "kb" for p in files)  # the knowledge base is part of it
    assert all(p.resolve().is_relative_to(ROOT) and "tests" not in p.relative_to(ROOT).parts for p in files)
    scripts = [str(p.relative_to(ROOT)) for p in files if p.suffix == ".py" and _is_script(p)]
    assert not scripts


@pytest.mark.slow
def test_wheel_ships_the_samples_and_no_bench_or_evaluation(tmp_path):
    uv = Path(sys.executable).with_name("uv")
    subprocess.run([str(uv), "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    samples = {p.name for p in (ROOT / "samples").iterdir() if p.is_file()}
    assert samples and {f"govmap/samples/{n}" for n in samples} <= names
    assert not [n for n in names if "bench" in n or "evaluation" in n or n.startswith("tests/")]
