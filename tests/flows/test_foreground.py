"""`govmap run` waits on its flow run: no flow-run heartbeats unless the operator asked for them."""

from __future__ import annotations

from prefect.settings import get_current_settings, temporary_settings

from govmap.flows.ingest import foreground_run


def test_a_foreground_run_sends_no_heartbeats_by_default() -> None:
    assert get_current_settings().flows.heartbeat_frequency == 180  # Prefect's default
    with foreground_run():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == 180


def test_a_frequency_the_operator_set_is_kept() -> None:
    with temporary_settings(updates={"flows.heartbeat_frequency": 60}), foreground_run():
        assert get_current_settings().flows.heartbeat_frequency == 60
