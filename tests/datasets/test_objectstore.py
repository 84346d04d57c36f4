"""Releases in object storage against a real S3 API server on 127.0.0.1 (moto's server mode):
objects first, verified, the `latest` pointer last; readers resolve `latest` through the pointer
and never see an unfinished upload."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pandas as pd
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

import govmap
from govmap.datasets.contract import TABLES
from govmap.datasets.diff import diff_releases
from govmap.datasets.objectstore import ReleaseStore, remote_pair
from govmap.datasets.query import ReleaseNotFound, load_table
from govmap.errors import PublishError
from tests.datasets.builders import RELEASE_1, RELEASE_2, release_rows, second_release_rows, write_release


@pytest.fixture
def local(tmp_path: Path) -> Path:
    """Two committed local releases (with README and datapackage), the second promoted."""
    write_release(tmp_path, release_rows(), RELEASE_1, docs=True)
    write_release(tmp_path, second_release_rows(), RELEASE_2, docs=True)
    return tmp_path


@pytest.fixture
def store(s3_bucket: str) -> ReleaseStore:
    return ReleaseStore.open(f"s3://{s3_bucket}/govmap")


def _publish(store: ReleaseStore, local: Path, release_id: str) -> None:
    store.upload_release(local / "releases" / release_id, release_id)
    store.write_pointer(release_id)


def test_readers_resolve_latest_through_the_pointer(store: ReleaseStore, local: Path) -> None:
    with pytest.raises(ReleaseNotFound, match="no promoted release yet"):
        govmap.load("institutions", out=store.url)
    _publish(store, local, RELEASE_1)
    assert store.read_pointer() == RELEASE_1
    for name in TABLES:  # the same frames, types included, as from the local folder
        pd.testing.assert_frame_equal(
            govmap.load(name, out=store.url), load_table(local / "releases" / RELEASE_1, name)
        )
    _publish(store, local, RELEASE_2)
    assert len(govmap.load("institutions", out=store.url)) == 3
    assert len(govmap.load("institutions", out=store.url, release=RELEASE_1)) == 2
    con = govmap.connect(out=store.url)  # DuckDB over the registered filesystem, in place
    assert con.execute("SELECT count(*) FROM institutions").fetchone() == (3,)
    assert store.list_releases() == [RELEASE_1, RELEASE_2]


def test_pyarrow_reads_the_published_objects_with_its_own_s3_client(
    store: ReleaseStore, local: Path, s3_env: dict[str, str]
) -> None:
    _publish(store, local, RELEASE_1)
    fs = pafs.S3FileSystem(
        endpoint_override=s3_env["AWS_ENDPOINT_URL"],
        access_key=s3_env["AWS_ACCESS_KEY_ID"],
        secret_key=s3_env["AWS_SECRET_ACCESS_KEY"],
        region="us-east-1",
    )
    pointer = fs.open_input_stream(f"{store.root}/latest").read().decode().strip()
    manifest = json.loads(fs.open_input_stream(f"{store.root}/releases/{pointer}/manifest.json").read())
    for _name, entry in manifest["tables"].items():
        table = pq.read_table(f"{store.root}/releases/{pointer}/{entry['path']}", filesystem=fs)
        assert (
            table.num_rows == entry["rows"] == pq.read_metadata(local / "releases" / pointer / entry["path"]).num_rows
        )


def test_an_unfinished_upload_is_never_seen(store: ReleaseStore, local: Path) -> None:
    _publish(store, local, RELEASE_1)

    def die(n: int) -> None:
        if n == 2:
            raise KeyboardInterrupt  # the writer stops between two objects

    with pytest.raises(KeyboardInterrupt):
        store.upload_release(local / "releases" / RELEASE_2, RELEASE_2, after_object=die)
    assert store.fs.find(store.release_path(RELEASE_2))  # objects were written ...
    assert store.list_releases() == [RELEASE_1]  # ... but without a manifest it is no release
    assert store.read_pointer() == RELEASE_1 and len(govmap.load("institutions", out=store.url)) == 2
    with pytest.raises(PublishError, match="no committed release"):
        store.write_pointer(RELEASE_2)
    with pytest.raises(ReleaseNotFound):
        govmap.load("institutions", out=store.url, release=RELEASE_2)


def test_an_object_that_does_not_read_back_as_written_stops_the_publish(store: ReleaseStore, local: Path) -> None:
    _publish(store, local, RELEASE_1)

    def corrupt(n: int) -> None:
        if n == 1:  # what a faulty store or proxy would do to the first object
            first = sorted(store.fs.find(store.release_path(RELEASE_2)))[0]
            store.fs.pipe_file(first, b"not what was written")

    with pytest.raises(PublishError, match="differ from the release"):
        store.upload_release(local / "releases" / RELEASE_2, RELEASE_2, after_object=corrupt)
    assert store.read_pointer() == RELEASE_1


def test_diff_over_the_store_downloads_the_pair(
    store: ReleaseStore, local: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVMAP_CACHE_DIR", str(tmp_path / "cache"))
    _publish(store, local, RELEASE_1)
    with pytest.raises(ReleaseNotFound, match="no release before"):
        remote_pair(store.url)
    _publish(store, local, RELEASE_2)
    old, new = remote_pair(store.url)
    assert (old.name, new.name) == (RELEASE_1, RELEASE_2)
    remote = diff_releases(old, new).to_dict()
    assert remote == diff_releases(local / "releases" / RELEASE_1, local / "releases" / RELEASE_2).to_dict()
    # A downloaded copy is as immutable as the release it copies.
    files = [p for p in new.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in files)


def test_any_fsspec_url_is_an_output(local: Path) -> None:
    store = ReleaseStore.open("memory://govmap-test-out")
    try:
        _publish(store, local, RELEASE_1)
        assert len(govmap.load("institutions", out="memory://govmap-test-out")) == 2
        con = govmap.connect(out="memory://govmap-test-out")
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(release_rows()["documents"])
    finally:
        store.fs.rm(store.root, recursive=True)
