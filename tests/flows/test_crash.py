"""Crash safety: a `govmap run` killed with SIGKILL at any point leaves `latest` on the previous
complete release (every file matching its manifest's sha256), never on a staging folder, and the
next run sweeps the debris and promotes.  Runs the real CLI in subprocesses against the session's
Prefect server (PREFECT_API_URL), so no subprocess starts its own."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows.conftest import ROOT

pytestmark = pytest.mark.slow


def _cli(
    args: list[str], env: dict[str, str], *, kill_after: float | None = None
) -> subprocess.CompletedProcess | None:
    """Run `govmap ARGS`; with `kill_after`, SIGKILL its whole process group then (returns None)."""
    cmd = [sys.executable, "-c", "from govmap.flows.cli import app; app()", *args]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=kill_after if kill_after is not None else 300)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    finally:
        try:  # worker processes orphaned by a SIGKILLed parent must not outlive the test
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _assert_latest_complete(out: Path) -> str:
    """`latest` is a committed release whose files all match the manifest; returns its id."""
    target = os.readlink(out / "latest")
    assert not Path(target).name.startswith("."), f"latest points at staging folder {target}"
    release = (out / "latest").resolve()
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["release_id"] == release.name and manifest["validation_passed"]
    for table in manifest["tables"].values():
        data = (release / table["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == table["sha256"] and len(data) == table["bytes"]
    return release.name


@pytest.fixture()
def baseline(tmp_path: Path, samples_folder: Path, prefect_api_env: dict[str, str]):
    """A first complete release over the samples, and how long a normal run took."""
    out = tmp_path / "out"
    started = time.monotonic()
    result = _cli(["run", str(samples_folder), "--out", str(out)], prefect_api_env)
    duration = time.monotonic() - started
    assert result is not None and result.returncode == 0, result.stderr if result else "killed"
    print(f"normal CLI run: {duration:.1f} s")
    return out, samples_folder, _assert_latest_complete(out), duration


def _add_input(folder: Path, n: int) -> None:
    """A new document, so the next run has something new to publish."""
    (folder / f"new-{n}.md").write_text(f"# Note {n}\n\nThe Standards Forum met the Global Compute Registry ({n}).\n")


def test_killed_runs_never_move_latest_and_the_next_run_recovers(baseline, prefect_api_env: dict[str, str]) -> None:
    out, folder, first, duration = baseline
    args = ["run", str(folder), "--out", str(out)]
    # The hook kills at the two instants that matter most: staging written but not renamed, and
    # release renamed into place but `latest` not yet switched.
    for n, point in enumerate(("before-commit", "before-promote")):
        _add_input(folder, n)
        result = _cli(args, {**prefect_api_env, "GOVMAP_TEST_KILL_AT": point})
        assert result is not None and result.returncode == -signal.SIGKILL, (point, result.stderr[-2000:])
        assert _assert_latest_complete(out) == first, point
    # A kill at an arbitrary instant (here half a normal run) may land anywhere, even after promotion:
    # latest is then the previous release or a complete new one, never anything else.
    _add_input(folder, 9)
    _cli(args, prefect_api_env, kill_after=duration * 0.5)
    _assert_latest_complete(out)
    result = _cli(args, prefect_api_env)
    assert result is not None and result.returncode == 0, result.stderr[-2000:]
    final = _assert_latest_complete(out)
    assert final != first
    assert not [p for p in (out / "releases").iterdir() if p.name.startswith(".staging-")]  # swept
    manifest = json.loads((out / "latest" / "manifest.json").read_text())
    assert {Path(i["source_uri"]).name for i in manifest["inputs"]} >= {"new-0.md", "new-1.md", "new-9.md"}
