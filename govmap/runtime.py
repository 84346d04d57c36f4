"""Process environment for runs: nothing phones home, and Prefect keeps its state beside the data."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

__all__ = ["configure_environment", "die_with_parent", "kill_at_test_point"]

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# Prefect's temporary local server needs 12-20 s to start on a fresh PREFECT_HOME here; its
# default 20 s start-up timeout fails intermittently, so it gets more room.
_STARTUP_TIMEOUT_S = "180"


def configure_environment(prefect_home: Path | None = None) -> None:
    """Set telemetry off and give Prefect its own home, unless the operator set them already.

    Must run before `prefect` or `great_expectations` is imported.
    """
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", _STARTUP_TIMEOUT_S)
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    if prefect_home is not None and "PREFECT_API_URL" not in os.environ:
        os.environ.setdefault("PREFECT_HOME", str(prefect_home))
        # The temporary server's subprocess cannot create its database under a missing folder
        # and then only reports a start-up timeout.
        Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)


def die_with_parent(signum: int = signal.SIGKILL) -> bool:
    """Have the kernel send this process `signum` when its parent dies, even by SIGKILL.

    Called by the worker forkserver (`govmap.flows.worker_preload`) and by each pool worker it
    forks (`init_worker`), which otherwise live on, re-parented to init, after the run (or the
    Dask worker) that started them is killed.  The kernel watches the parent *thread*: the
    forkserver is started from a thread that lasts as long as its process
    (`start_worker_server`).  Linux only (prctl through ctypes); returns whether it is set.
    If the parent is already gone, this process exits at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(128 + signum)
    return True


def kill_at_test_point(point: str) -> None:
    """Test-only crash hook: GOVMAP_TEST_KILL_AT=<point> SIGKILLs this process at `point`, as the
    OOM killer or a crash in C would (tests/flows/test_crash.py, test_workers.py, test_s3_cli.py)."""
    if os.environ.get("GOVMAP_TEST_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
