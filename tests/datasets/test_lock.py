"""The run lock: one writer per output folder; a killed holder releases it; waiters give up cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from govmap.datasets.lock import LOCK_FILE, ReleaseLocked, release_lock
from govmap.errors import PublishError

ROOT = Path(__file__).resolve().parents[2]

_HOLDER = """
import sys, time
from pathlib import Path
from govmap.datasets.lock import release_lock
with release_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def _start_holder(out: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_process_waits_then_fails_with_holder_named(tmp_path: Path) -> None:
    holder = _start_holder(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(ReleaseLocked) as info:
            with release_lock(tmp_path, wait_seconds=0.5):
                pass
        waited = time.monotonic() - started
        assert 0.5 <= waited < 3
        message = str(info.value)
        assert "\n" not in message and f"pid {holder.pid}" in message and "--wait" in message
        assert isinstance(info.value, PublishError)
    finally:
        holder.kill()
        holder.wait()


def test_killed_holder_releases_the_lock_at_once(tmp_path: Path) -> None:
    # SIGKILL runs no cleanup: recovery comes from the kernel dropping the flock, not from us.
    holder = _start_holder(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_FILE).exists()  # the stale file stays; it does not matter
    with release_lock(tmp_path, wait_seconds=0) as path:
        assert f"pid {os.getpid()}" in path.read_text()


def test_waiter_gets_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    got = threading.Event()
    with release_lock(tmp_path):

        def wait_for_it() -> None:
            with release_lock(tmp_path, wait_seconds=10):
                got.set()

        t = threading.Thread(target=wait_for_it)
        t.start()
        time.sleep(0.3)
        assert not got.is_set()  # flock is per open file, so a second open in one process also waits
    t.join(5)
    assert got.is_set()


def test_run_ingest_refuses_while_another_run_holds_the_folder(tmp_path: Path) -> None:
    from govmap.flows.ingest import run_ingest

    holder = _start_holder(tmp_path)
    try:
        with pytest.raises(ReleaseLocked):
            run_ingest([str(ROOT / "samples")], tmp_path, wait_seconds=0.2)
        assert not (tmp_path / "releases").exists()  # nothing was swept, staged or published
    finally:
        holder.kill()
        holder.wait()


def test_negative_wait_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="wait_seconds"):
        with release_lock(tmp_path, wait_seconds=-1):
            pass


def test_nothing_changed_is_not_answered_while_another_run_holds_the_lock(tmp_path: Path) -> None:
    # `govmap run --wait` said "nothing changed" and exited 0 while another run was promoting
    # other inputs; with the lock held, only the full run (which waits for it) may answer.
    import hashlib
    import json

    from govmap.datasets.release import input_fingerprint
    from govmap.flows.ingest import _fingerprint_extra, unchanged_local_inputs
    from govmap.version import pipeline_version
    from govmap.sources import ParseSettings

    source = tmp_path / "note.md"
    source.write_text("# A note")
    out = tmp_path / "out"
    release = out / "releases" / "r1"
    release.mkdir(parents=True)
    fingerprint = input_fingerprint(
        [hashlib.sha256(source.read_bytes()).hexdigest()],
        pipeline_version=pipeline_version(),
        extra=_fingerprint_extra(ParseSettings(), None),
    )
    (release / "manifest.json").write_text(json.dumps({"release_id": "r1", "input_fingerprint": fingerprint}))
    os.symlink("releases/r1", out / "latest")
    assert unchanged_local_inputs([str(source)], out) == "r1"
    with release_lock(out):
        assert unchanged_local_inputs([str(source)], out) is None
    assert unchanged_local_inputs([str(source)], out) == "r1"
