"""Nothing outlives its run: after SIGKILL of the run (as the OOM killer would) at any instant,
its processes (forkserver, workers, figures process, resource tracker, Prefect's temporary
server) are gone within seconds; SIGTERM and SIGINT stop a run at once with 143 and 130."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.flows.conftest import ROOT

pytestmark = pytest.mark.slow


_MARK = "GOVMAP_TEST_REAPING"


def _processes_of(run: subprocess.Popen) -> list[str]:
    """Command lines of the living processes the run started: each inherits the test's mark."""
    needle = f"{_MARK}={run.pid}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (
                needle in (entry / "environ").read_bytes().split(b"\0")
                and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
            ):
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
        except OSError:
            continue
    return found


def _start(folder: Path, out: Path, env: dict[str, str], command: tuple[str, ...] = ()) -> subprocess.Popen:
    # The mark is the pid of a shell that execs the run, so the run's pid is in its own mark.
    args = command or ("run", str(folder), "--out", str(out))
    cmd = [sys.executable, "-c", "from govmap.flows.cli import app; app()", *args]
    script = f'export {_MARK}=$$; exec "$@"'
    return subprocess.Popen(
        ["sh", "-c", script, "sh", *cmd],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _left_after_sigkill(run: subprocess.Popen, grace: float = 5.0) -> list[str]:
    """SIGKILL the run alone (as the OOM killer would: not its group); what of it is left after `grace`."""
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + grace
    while (left := _processes_of(run)) and time.monotonic() < deadline:
        time.sleep(0.25)
    return left


def _kill_marked(run: subprocess.Popen) -> None:
    """SIGKILL whatever of the run is left, so that a failing test never leaks into the session."""
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            if f"{_MARK}={run.pid}".encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _own_server_env() -> dict[str, str]:
    # No PREFECT_API_URL: the run starts Prefect's temporary server, the process that once stayed.
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.mark.parametrize("after", [0.5, 2.0, 5.0, 10.0, 20.0])
def test_sigkill_at_any_instant_leaves_no_process(tmp_path: Path, samples_folder: Path, after: float) -> None:
    proc = _start(samples_folder, tmp_path / "out", _own_server_env())
    try:
        time.sleep(after)
        assert _left_after_sigkill(proc) == []
    finally:
        _kill_marked(proc)


def test_a_killed_serve_leaves_no_server(tmp_path: Path, samples_folder: Path) -> None:
    # `govmap serve` starts Prefect's temporary server; killed (as the OOM killer would), it must
    # not leave that server listening, as the run's watcher sees to for `govmap run`.
    registry = tmp_path / "sources.yaml"
    registry.write_text(f"allow_absolute_paths: true\nsources:\n  s:\n    folder: {samples_folder}\n")
    serve = ("serve", "--registry", str(registry), "--cron", "0 6 1 1 *", "--out", str(tmp_path / "out"))
    proc = _start(samples_folder, tmp_path / "out", _own_server_env(), serve)
    try:
        deadline = time.monotonic() + 120.0
        while not any("server start" in c for c in _processes_of(proc)) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            time.sleep(0.5)
        assert any("server start" in c for c in _processes_of(proc)), "the serve never started its server"
        assert _left_after_sigkill(proc) == []
    finally:
        _kill_marked(proc)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_sigint_stop_a_run_at_once(
    tmp_path: Path, samples_folder: Path, prefect_api_env: dict[str, str], signum: int, code: int
) -> None:
    out = tmp_path / "out"
    proc = _start(samples_folder, out, prefect_api_env)
    time.sleep(4.0)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == code, err[-2000:]
    assert "Traceback" not in err
    deadline = time.monotonic() + 5.0
    while _processes_of(proc) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert _processes_of(proc) == []
    if (out / ".lock").exists():  # the lock is free for the next run
        with open(out / ".lock", "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert not (out / "latest").exists() or (out / "latest" / "manifest.json").exists()
