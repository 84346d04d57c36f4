"""Nothing a Dask run starts outlives it, by its own means: after `govmap run --task-runner dask`
ends, is stopped with SIGTERM or killed with SIGKILL, its Dask workers, their forkservers and the
processes those fork for documents are gone within seconds.

The run's watcher (`govmap.reaper`) is switched off here: it ends whatever holds the run's token
after the run dies, but a run without one (a flow run of `govmap serve`, a flow called from
Python) or whose watcher died must not leave a forkserver and a worker holding a spaCy pipeline
re-parented to init, as every Dask run once did, even one that ended normally.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govmap.reaper import RUN_VARIABLE
from tests.flows.conftest import ROOT

pytestmark = pytest.mark.slow

_MARK = "GOVMAP_TEST_DASK_REAPING"
_WORKER_MARK = "GOVMAP_TEST_DASK_WORKER"


def _living(needle: str) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of each living process whose environment holds `needle`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle.encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if fields[0] != "Z":
            found.append((int(entry.name), int(fields[1]), command[:120]))
    return found


def _run_mark(run: subprocess.Popen) -> str:
    return f"{_MARK}={run.pid}"  # every process the run starts


def _dask_mark(run: subprocess.Popen) -> str:
    return f"{_WORKER_MARK}={run.pid}"  # the Dask workers and what they start


def _start(folder: Path, out: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from govmap.flows.cli import app; app()", "run", str(folder), "--out", str(out)]
    cmd += ["--task-runner", "dask", "--workers", "2"]
    # The marks carry the pid of the shell that execs the run: the run's own.  The nannies set the
    # second one in each worker's environment.  A token naming the run's own pid is how
    # `start_reaper` knows a watcher is there already: none starts.
    script = (
        f"export {_MARK}=$$ {RUN_VARIABLE}=$$-no-watcher "
        f"DASK_DISTRIBUTED__NANNY__ENVIRON=\"{{'{_WORKER_MARK}': '$$'}}\"; "
        'exec "$@"'
    )
    # Its messages to a file, not a pipe: a process left behind would hold a pipe open, and a
    # test reading it to the end would wait for that process instead of failing.
    with open(log, "w") as stderr:
        return subprocess.Popen(
            ["sh", "-c", script, "sh", *cmd],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


def _left_after(mark: str, seconds: float) -> list[tuple[int, int, str]]:
    deadline = time.monotonic() + seconds
    while (left := _living(mark)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return left


def _wait_for_document_processes(run: subprocess.Popen, timeout: float = 300.0) -> None:
    """Until some Dask worker's forkserver has forked a process for documents (the forkserver
    and its child share the command line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        servers = {pid: cmd for pid, _, cmd in _living(_dask_mark(run)) if "multiprocessing.forkserver" in cmd}
        if any(parent in servers for _, parent, _ in _living(_dask_mark(run))):
            return
        time.sleep(0.25)
    raise AssertionError(f"no document process started on the Dask workers (run exit code {run.poll()})")


@pytest.fixture()
def reap_after(request: pytest.FixtureRequest) -> list[subprocess.Popen]:
    """Runs to clean up after the test, whatever it found: nothing may leak into the session."""
    runs: list[subprocess.Popen] = []
    yield runs
    for run in runs:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid, _, _ in _living(_run_mark(run)) + _living(_dask_mark(run)):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def test_a_dask_run_that_ends_leaves_no_process(
    tmp_path: Path, samples_folder: Path, prefect_api_env: dict[str, str], reap_after: list
) -> None:
    run = _start(samples_folder, tmp_path / "out", prefect_api_env, tmp_path / "stderr")
    reap_after.append(run)
    assert run.wait(timeout=600) == 0, (tmp_path / "stderr").read_text()[-2000:]
    assert _left_after(_run_mark(run), 5.0) == []
    assert _living(_dask_mark(run)) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_or_killed_dask_run_leaves_no_dask_process(
    tmp_path: Path, samples_folder: Path, prefect_api_env: dict[str, str], reap_after: list, signum: int
) -> None:
    # SIGTERM ends the run at once (exit 143, see `govmap.flows.cli`), which leaves its processes
    # no more chance to clean up than SIGKILL: each must die with its parent.
    run = _start(samples_folder, tmp_path / "out", prefect_api_env, tmp_path / "stderr")
    reap_after.append(run)
    _wait_for_document_processes(run)
    os.kill(run.pid, signum)  # the run alone, not its process group
    assert run.wait(timeout=30) == (143 if signum == signal.SIGTERM else -signal.SIGKILL)
    assert _left_after(_dask_mark(run), 5.0) == []
