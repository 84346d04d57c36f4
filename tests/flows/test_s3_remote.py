"""Publishing to object storage without Prefect: `output_target` keeps the working folder in step
with the store's pointer, `publish` uploads then points, an interrupted upload is swept by the
next run, and `prune` works on a store.  Against moto's S3 server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

import govmap.flows.remote as remote
from govmap.datasets.objectstore import ReleaseStore, work_dir_for
from govmap.datasets.release import latest_release
from govmap.flows.ingest import RunResult
from govmap.flows.ops_commands import prune_releases
from govmap.flows.release import PublishOutcome
from tests.datasets.builders import RELEASE_1, RELEASE_2, release_rows, second_release_rows, write_release

RELEASE_3 = "20250301T000000Z-cccccccc"


@pytest.fixture
def url(s3_bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GOVMAP_CACHE_DIR", str(tmp_path / "cache"))
    return f"s3://{s3_bucket}/govmap"


def _run(local: Path, release_id: str, rows: dict, *, passed: bool = True) -> RunResult:
    """What `run_ingest` returns after publishing `release_id` in `local` (promoted when `passed`)."""
    path = write_release(local, rows, release_id, promote_it=passed)
    outcome = PublishOutcome(
        release_id=release_id,
        path=path,
        promoted=passed,
        validation_passed=passed,
        rows={},
        report_html=path / "quality" / "report.html",
        report_json=path / "quality" / "report.json",
        summary="",
    )
    return RunResult(documents=(), outcome=outcome)


def test_publish_points_only_at_validated_releases(url: str) -> None:
    store = ReleaseStore.open(url)
    with remote.output_target(url) as target:
        assert target.local == work_dir_for(url) and latest_release(target.local) is None
        result = target.publish(_run(target.local, RELEASE_1, release_rows()))
    assert store.read_pointer() == RELEASE_1
    assert any(note.endswith(f"latest -> {RELEASE_1}") for note in result.notes)
    with remote.output_target(url) as target:
        result = target.publish(_run(target.local, RELEASE_2, second_release_rows(), passed=False))
    assert store.read_pointer() == RELEASE_1  # uploaded for its report, not pointed at
    assert store.list_releases() == [RELEASE_1, RELEASE_2]
    assert any("unchanged (validation failed)" in note for note in result.notes)


def test_a_new_working_folder_starts_from_the_store_pointer(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with remote.output_target(url) as target:
        target.publish(_run(target.local, RELEASE_1, release_rows()))
    monkeypatch.setenv("GOVMAP_CACHE_DIR", str(tmp_path / "another-machine"))
    with remote.output_target(url) as target:
        previous = latest_release(target.local)  # what the diff and the unchanged check compare with
        assert previous is not None and previous.name == RELEASE_1
        assert (previous / "institutions.parquet").is_file()


def test_an_interrupted_upload_is_swept_by_the_next_run(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ReleaseStore.open(url)
    with remote.output_target(url) as target:
        target.publish(_run(target.local, RELEASE_1, release_rows()))

    def interrupted(n: int) -> None:
        raise KeyboardInterrupt  # the run stops after the first object

    with monkeypatch.context() as patch:
        patch.setattr(remote, "_kill_after_first", interrupted)
        with pytest.raises(KeyboardInterrupt), remote.output_target(url) as target:
            target.publish(_run(target.local, RELEASE_2, second_release_rows()))
    assert store.fs.find(store.release_path(RELEASE_2)) and store.read_pointer() == RELEASE_1
    with remote.output_target(url) as target:
        assert not store.fs.exists(store.release_path(RELEASE_2))  # swept before the run
        assert latest_release(target.local).name == RELEASE_1  # the local promote was undone
        target.publish(_run(target.local, RELEASE_3, second_release_rows()))
    assert store.read_pointer() == RELEASE_3 and store.list_releases() == [RELEASE_1, RELEASE_3]


def test_prune_keeps_the_newest_and_the_pointer(url: str) -> None:
    store = ReleaseStore.open(url)
    with remote.output_target(url) as target:
        target.publish(_run(target.local, RELEASE_1, release_rows()))
    for release_id in (RELEASE_2, RELEASE_3):  # newer releases that failed validation
        with remote.output_target(url) as target:
            target.publish(_run(target.local, release_id, second_release_rows(), passed=False))
    assert prune_releases(url, keep=1) == [store.release_url(RELEASE_2)]
    assert store.list_releases() == [RELEASE_1, RELEASE_3] and store.read_pointer() == RELEASE_1
