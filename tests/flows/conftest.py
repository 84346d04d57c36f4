"""Flow fixtures: one Prefect test server for the whole session.

Prefect's temporary server costs 12-40 s to start, so every flow test (and every CLI subprocess a
test starts, through `prefect_api_env`) shares the one `prefect_test_harness` started here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

# Before prefect is imported anywhere in this session: its own home, nothing phones home.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="govmap-test-prefect-"))
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ.setdefault("PREFECT_UI_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[str]:
    """Start the one test server; yields its API URL (for CLI subprocesses)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture()
def prefect_api_env(prefect_server: str) -> dict[str, str]:
    """Environment for a `govmap` subprocess that uses the session's server, not its own."""
    env = dict(os.environ)
    env["PREFECT_API_URL"] = prefect_server
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@pytest.fixture()
def samples_folder(tmp_path: Path) -> Path:
    """A copy of the embedded samples (the good documents) in a fresh folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    for p in SAMPLES.iterdir():
        if p.is_file():
            shutil.copy2(p, folder / p.name)
    return folder
