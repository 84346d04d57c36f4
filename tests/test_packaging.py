"""govmap installs one top-level import name, `govmap`, and lives beside Hugging Face `datasets`; the
cache key covers pipeline code and data, never developer tools."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from govmap.version import pipeline_files
from tests.test_import_layers import LAYERS, imported_modules

ROOT = Path(__file__).resolve().parent.parent
STAGES = tuple(LAYERS)  # the stage folders


def test_no_module_imports_a_stage_as_a_top_level_name() -> None:
    # A top-level `import datasets` would load a second copy of the stage in a checkout and
    # Hugging Face's library in an installed environment.
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for folder in ("govmap", *STAGES, "tests", "samples")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, name in imported_modules(path)
        if name.split(".")[0] in STAGES
    ]
    assert offenders == []


def test_stages_import_from_the_checkout_as_govmap_subpackages() -> None:
    import govmap.datasets.contract as contract

    assert Path(contract.__file__).resolve() == ROOT / "datasets" / "contract.py"


def _is_script(path: Path) -> bool:
    """A module with an `if __name__ == "__main__":` block: a tool run by hand, not a stage."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
    return False


def test_pipeline_version_digests_no_developer_tool() -> None:
    files = [path for _, path in pipeline_files()]
    assert any(p.parent.name == "kb" for p in files)  # the knowledge base is part of it
    assert all(p.resolve().is_relative_to(ROOT) and "tests" not in p.relative_to(ROOT).parts for p in files)
    scripts = [str(p.relative_to(ROOT)) for p in files if p.suffix == ".py" and _is_script(p)]
    assert not scripts


@pytest.mark.slow
def test_wheel_installs_beside_hugging_face_datasets(tmp_path: Path) -> None:
    uv = Path(sys.executable).with_name("uv")
    wheels = tmp_path / "dist"
    subprocess.run([str(uv), "build", "--wheel", "--out-dir", str(wheels), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("govmap-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        top = {name.split("/")[0] for name in zf.namelist()}
        names = set(zf.namelist())
    assert {name for name in top if not name.endswith(".dist-info")} == {"govmap"}
    samples = {p.name for p in (ROOT / "samples").iterdir() if p.is_file()}
    assert samples and {f"govmap/samples/{n}" for n in samples} <= names
    assert not [n for n in names if "bench" in n or "evaluation" in n or "/tests/" in n]

    # The locked versions of govmap's stack, so the venv is built from uv's cache like the checkout's.
    pins = tmp_path / "pins.txt"
    subprocess.run(
        [str(uv), "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--output-file", str(pins)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([str(uv), "venv", "--python", sys.executable, str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(uv), "pip", "install", "--python", str(python), "-c", str(pins), str(wheel), "datasets"],
        check=True,
        capture_output=True,
    )

    probe = (
        "import datasets, govmap, json; import govmap.datasets.contract as c;"
        "print(json.dumps([hasattr(datasets, 'load_dataset'), c.__name__]))"
    )
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "HF_DATASETS_OFFLINE": "1",
    }
    out = subprocess.run([str(python), "-c", probe], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == [True, "govmap.datasets.contract"]

    release = tmp_path / "out"
    run = subprocess.run(
        [str(venv / "bin" / "govmap"), "run", "--out", str(release)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    # The samples shipped inside the wheel were the input: one document each, institutions found.
    tables = json.loads((release / "latest" / "manifest.json").read_text())["tables"]
    assert tables["documents"]["rows"] == len(samples)
    assert tables["institutions"]["rows"] > 0
