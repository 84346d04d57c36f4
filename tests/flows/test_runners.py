"""Choosing where extraction runs: bad option combinations and unusable Dask addresses fail with
one line before any work starts; the per-process pipeline cache builds once per configuration."""

from __future__ import annotations

import os
import socket

import pytest

from govmap.flows.runners import RunnerError, check_dask_address, check_runner_options


@pytest.mark.parametrize(
    ("runner", "options", "message"),
    [
        ("threads", {}, "--task-runner threads: unknown; choose one of process, dask"),
        ("process", {"dask_address": "tcp://127.0.0.1:8786"}, "--dask-address needs --task-runner dask"),
        ("dask", {"workers": 0}, "--workers 0: must be at least 1"),
        ("dask", {"workers": 4, "dask_address": "tcp://127.0.0.1:8786"}, "has its own workers"),
    ],
)
def test_bad_runner_options_are_one_line_errors(runner: str, options: dict, message: str) -> None:
    with pytest.raises(RunnerError, match=message) as err:
        check_runner_options(runner, **options)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("runner", ["process", "dask"])
def test_good_runner_options_pass(runner: str) -> None:
    check_runner_options(runner)
    check_runner_options(runner, workers=2)
    if runner == "dask":
        check_runner_options(runner, dask_address="tcp://127.0.0.1:8786")


def test_an_address_that_is_no_address_is_refused() -> None:
    with pytest.raises(RunnerError, match="not a Dask scheduler address"):
        check_dask_address("scheduler", None)


def test_a_closed_port_is_refused_at_once() -> None:
    with socket.socket() as s:  # a port nobody listens on: bind, note it, close
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RunnerError, match="no Dask scheduler answers there"):
        check_dask_address(f"tcp://127.0.0.1:{port}", None)


@pytest.mark.parametrize("api_url", [None, "http://127.0.0.1:4200/api", "http://localhost:4200/api"])
def test_a_remote_cluster_needs_a_prefect_server_its_workers_can_reach(api_url: str | None) -> None:
    with pytest.raises(RunnerError, match="set PREFECT_API_URL"):
        check_dask_address("tcp://10.1.2.3:8786", api_url)


def test_a_port_that_accepts_but_never_answers_is_refused_in_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import govmap.flows.runners

    monkeypatch.setattr(govmap.flows.runners, "_CONNECT_TIMEOUT_S", 1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(RunnerError, match="no Dask scheduler answers there"):
            check_dask_address(f"tcp://127.0.0.1:{s.getsockname()[1]}", None)


def test_a_running_scheduler_passes() -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        check_dask_address(cluster.scheduler_address, None)


def test_worker_pipeline_is_built_once_per_configuration() -> None:
    from govmap.extractors.nlp import DEFAULT_COMPONENTS, NlpConfig
    from govmap.flows.documents import nlp_builds, worker_nlp

    before = nlp_builds()
    first = worker_nlp()
    assert worker_nlp() is first and worker_nlp(NlpConfig()) is first
    built = nlp_builds()
    assert built - before <= 1  # another test in this process may have built the default already
    fewer = NlpConfig(components=DEFAULT_COMPONENTS[:1])
    other = worker_nlp(fewer)
    assert other is not first and worker_nlp(fewer) is other
    assert nlp_builds() == built + 1


def _worker_state(_: int) -> tuple[int, bool]:
    from govmap.flows.documents import has_pipeline

    return os.getpid(), has_pipeline()


def test_pool_workers_start_with_the_default_pipeline_built() -> None:
    """Workers fork from a server that built the pipeline once: none of them builds its own, so
    a bigger pool costs no more start-up CPU."""
    from concurrent.futures import ProcessPoolExecutor

    from govmap.flows.documents import worker_context

    with ProcessPoolExecutor(max_workers=2, mp_context=worker_context()) as pool:
        states = list(pool.map(_worker_state, range(6)))
    assert all(ready for _, ready in states), states
    assert os.getpid() not in {pid for pid, _ in states}
