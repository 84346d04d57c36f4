"""`govmap serve` without PREFECT_API_URL: one Prefect server for the serve and every run it
starts (not Prefect's temporary server per process), stopped with it; SIGTERM ends it cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import govmap.flows.ops_commands as ops_commands
import govmap.flows.prefect_server as prefect_server


class FakeServer:
    started: list["FakeServer"] = []

    def __init__(self, home: Path) -> None:
        self.home, self.api_url, self.seconds, self.stopped = home, "http://127.0.0.1:4321/api", 1.0, False
        FakeServer.started.append(self)

    def stop(self) -> None:
        self.stopped = True


def test_one_server_for_the_serve_and_its_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from rich.console import Console

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(prefect_server, "PrefectServer", FakeServer)
    FakeServer.started = []
    with ops_commands._api_server(tmp_path / ".prefect", Console()):
        # Flow runs are child processes: they inherit the environment, so they use this server.
        assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:4321/api"
        from prefect.settings import PREFECT_API_URL

        assert PREFECT_API_URL.value() == "http://127.0.0.1:4321/api"
    assert "PREFECT_API_URL" not in os.environ
    (server,) = FakeServer.started
    assert server.stopped and server.home == tmp_path / ".prefect"
    assert "starting a Prefect server" in capsys.readouterr().out


def test_an_api_url_given_is_used_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.internal:4200/api")
    monkeypatch.setattr(prefect_server, "PrefectServer", FakeServer)
    FakeServer.started = []
    with ops_commands._api_server(tmp_path, Console()):
        assert os.environ["PREFECT_API_URL"] == "http://prefect.internal:4200/api"
    assert FakeServer.started == []


def test_sigterm_stops_the_runner_without_a_warning(tmp_path: Path) -> None:
    """prefect.serve's SIGTERM handler left `Runner.astop` never awaited (a RuntimeWarning)."""
    script = textwrap.dedent("""
        import os, signal, threading, warnings
        warnings.simplefilter("error", RuntimeWarning)
        import govmap.flows.ops_commands as ops

        class FakeRunner:
            def __init__(self, **kwargs):
                self.handle_sigterm = None
            def add_deployment(self, deployment):
                pass
            async def start(self):
                import asyncio
                signal.signal(signal.SIGTERM, self.handle_sigterm)  # as Runner.start does
                print("started", flush=True)
                await asyncio.sleep(60)

        import prefect.runner
        prefect.runner.Runner = FakeRunner
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()
        ops.serve_until_stopped(object())
        print("stopped cleanly", flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["started", "stopped", "cleanly"]
    assert "RuntimeWarning" not in done.stderr
