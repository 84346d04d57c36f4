"""One Prefect server on a free loopback port, for as long as a long-lived command needs it.

`govmap serve` without PREFECT_API_URL, and the bench, start `prefect server start` themselves
rather than rely on Prefect's temporary server: that one is started per process, so each flow
run `serve` spawns started a second one of its own, and it runs no scheduler.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from govmap.errors import RunnerError

__all__ = ["PrefectServer"]

DEFAULT_START_TIMEOUT = 180.0  # seconds; a fresh PREFECT_HOME takes 10-30 s here


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrefectServer:
    """`prefect server start` on a free loopback port with `home` as its PREFECT_HOME; `seconds`
    is the time from launch until /api/health answers.  Raises RunnerError when it does not."""

    def __init__(
        self, home: Path, *, env: Mapping[str, str] | None = None, timeout: float = DEFAULT_START_TIMEOUT
    ) -> None:
        home.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        environ = {**os.environ, **(env or {}), "PREFECT_HOME": str(home)}
        environ.pop("PREFECT_API_URL", None)
        t = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("prefect")),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=home,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = t + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RunnerError(
                    f"{home}: prefect server exited ({self.proc.returncode}) before answering; "
                    "set PREFECT_API_URL to a server you run"
                )
            try:
                with urllib.request.urlopen(self.api_url + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            self.stop()
            raise RunnerError(
                f"{home}: prefect server did not answer /api/health within {timeout:g} s; "
                "set PREFECT_API_URL to a server you run"
            )
        self.seconds = time.perf_counter() - t

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)  # the server's own session: it and the uvicorn it started
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
