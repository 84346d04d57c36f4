"""Shared fixtures.  Slow tests (shared corpus, whole flow) are opt-in with --slow; `make test` passes it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import SHARED_CORPUS

# Nothing may phone home, in any test.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run slow tests (shared corpus, whole flow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (make test does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """../shared/corpus beside the project; tests that need it skip where it is absent."""
    if not (SHARED_CORPUS / "text").is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


# --- object storage (S3) --------------------------------------------------------------------------
# Shared by tests/sources, tests/datasets and tests/flows: one local S3 API server per session.

# A test that names an s3:// URL without the fixtures below must not make botocore look for
# credentials at the instance-metadata address (and CLI subprocesses inherit this).
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def s3_server() -> "Iterator[str]":
    """moto's S3 server on 127.0.0.1 (a free port) for the session; yields its endpoint URL.

    Nothing is put in os.environ here: `s3_env` sets fake credentials per test, so no other test
    ever signs a request with them or sends one to AWS.
    """
    import logging

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request otherwise
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


S3_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "govmap-test",
    "AWS_SECRET_ACCESS_KEY": "govmap-test",
    "AWS_DEFAULT_REGION": "us-east-1",
    # Never ask an instance-metadata address for credentials: only loopback is ever a target.
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture()
def s3_env(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Fake credentials and the test server's endpoint in this test's environment; returns them."""
    env = {**S3_TEST_ENV, "AWS_ENDPOINT_URL": s3_server, "AWS_ENDPOINT_URL_S3": s3_server}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture()
def s3_bucket(s3_env: dict[str, str]) -> str:
    """A new, empty bucket on the test server; returns its name."""
    import uuid

    import fsspec

    name = f"govmap-{uuid.uuid4().hex[:12]}"
    fsspec.filesystem("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"]).mkdir(name)
    return name
