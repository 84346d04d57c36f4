"""Nothing outlives its run: a small watcher process that ends a run's processes when the run dies.

A run starts processes of its own and through Prefect: the forkserver and the pool's workers,
the figures process, multiprocessing's resource tracker, and Prefect's temporary API server
(uvicorn).  A run that exits normally stops them all; a run killed with SIGKILL cannot, and they
live on, re-parented to init.  `start_reaper`, called before the run starts any process, puts a
token unique to the run in its environment, which every process it starts inherits (through
fork, spawn, the forkserver or Popen alike), and starts this module as a process in a session of
its own (so a signal to the run's process group spares it).  Once the run is gone, it sends every
process holding the token SIGTERM, then SIGKILL to those still there two seconds later.
Linux only (/proc); elsewhere `start_reaper` does nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["RUN_VARIABLE", "start_reaper", "holders"]

RUN_VARIABLE = "GOVMAP_RUN"
_POLL_S = 0.5
_TERM_GRACE_S = 2.0
_PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time in clock ticks) of `pid`, or None once it is gone (a zombie
    counts as gone: it runs nothing)."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[19])


def holders(token: str) -> list[int]:
    """Every process (but this one) whose environment holds ``GOVMAP_RUN=<token>``."""
    needle = f"{RUN_VARIABLE}={token}".encode()
    found = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:  # gone, or another user's
                continue
            if needle in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


def _signal_all(pids: list[int], signum: int) -> list[int]:
    """Send `signum` to each of `pids`; returns those it reached."""
    reached = []
    for pid in pids:
        try:
            os.kill(pid, signum)
            reached.append(pid)
        except ProcessLookupError:
            pass
    return reached


def watch(run_pid: int, token: str) -> None:
    """Wait for `run_pid` to end, then end every process of its run (this process's whole job)."""
    run = _stat(run_pid)
    while (stat := _stat(run_pid)) is not None and run is not None and stat[1] == run[1]:
        time.sleep(_POLL_S)
    if _signal_all(holders(token), signal.SIGTERM):
        time.sleep(_TERM_GRACE_S)
        _signal_all(holders(token), signal.SIGKILL)


def start_reaper() -> subprocess.Popen | None:
    """Start the watcher for this process (see the module doc); None where /proc is missing."""
    if not (_PROC / "self" / "stat").exists() or os.environ.get(RUN_VARIABLE, "").startswith(f"{os.getpid()}-"):
        return None  # no /proc, or this process has its watcher already
    token = f"{os.getpid()}-{time.time_ns()}"
    os.environ[RUN_VARIABLE] = token
    # The watcher itself must not hold the token: it would end itself.
    env = {k: v for k, v in os.environ.items() if k != RUN_VARIABLE}
    return subprocess.Popen(
        [sys.executable, "-m", "govmap.reaper", str(os.getpid()), token],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2])
