"""Object storage through the real CLI, against moto's S3 server on 127.0.0.1: sources read from a
bucket and releases published to one give the same tables as the local path; readers (pyarrow's
own S3 client, DuckDB, `govmap sql`) resolve `latest` through the pointer object; a run killed
mid-upload or before the pointer leaves the previous release in place, and the next run cleans
up and publishes.  CLI subprocesses use the session's Prefect server (PREFECT_API_URL)."""

from __future__ import annotations

import json
import shutil
import signal
import uuid

import fsspec
import pandas as pd
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

import govmap
from govmap.datasets.contract import TABLES
from tests.conftest import S3_TEST_ENV
from tests.flows.conftest import SAMPLES
from tests.flows.test_crash import _cli

pytestmark = pytest.mark.slow


def _frame(df: pd.DataFrame, name: str, drop: tuple[str, ...] = ("ingested_at",)) -> pd.DataFrame:
    """A table as comparable across runs: run-time columns dropped, rows in primary-key order."""
    df = df.drop(columns=[c for c in drop if c in df.columns])
    key = [k for k in TABLES[name].primary_key if k in df.columns]
    df = df.sort_values(key).reset_index(drop=True)
    return df.map(lambda v: tuple(v) if isinstance(v, list) else v)  # lists compare by value


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, s3_server: str, prefect_server: str) -> dict:
    """One bucket; the samples in a local folder and under s3://bucket/in; a CLI environment with
    fake credentials (the endpoint is given with --s3-endpoint) and its own cache folder."""
    import os

    root = tmp_path_factory.mktemp("s3-cli")
    folder = root / "in"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("src"))
    env = {
        **os.environ,
        **S3_TEST_ENV,
        "PREFECT_API_URL": prefect_server,
        "PYTHONUNBUFFERED": "1",
        "GOVMAP_CACHE_DIR": str(root / "cache"),
    }
    for key in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "GOVMAP_TEST_KILL_AT"):
        env.pop(key, None)
    bucket = f"govmap-{uuid.uuid4().hex[:12]}"
    fs = fsspec.filesystem(
        "s3",
        endpoint_url=s3_server,
        key=S3_TEST_ENV["AWS_ACCESS_KEY_ID"],
        secret=S3_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
        skip_instance_cache=True,
        use_listings_cache=False,
    )  # the test lists again after each run
    fs.mkdir(bucket)
    for p in sorted(folder.iterdir()):
        fs.put_file(str(p), f"{bucket}/in/{p.name}")
    return {
        "root": root,
        "folder": folder,
        "env": env,
        "bucket": bucket,
        "fs": fs,
        "endpoint": s3_server,
        "url": f"s3://{bucket}/govmap",
    }


@pytest.fixture(scope="module")
def runs(world: dict) -> dict:
    """The same samples published three ways: local -> folder, local -> s3, s3 -> folder."""
    out = {}
    for label, sources, target in (
        ("local", [str(world["folder"])], str(world["root"] / "local-out")),
        ("to_s3", [str(world["folder"])], world["url"]),
        ("from_s3", [f"s3://{world['bucket']}/in"], str(world["root"] / "from-s3-out")),
    ):
        result = _cli(["run", *sources, "--out", target, "--s3-endpoint", world["endpoint"]], world["env"])
        assert result is not None and result.returncode == 0, (label, result.stdout, result.stderr[-3000:])
        out[label] = result
    return out


def _pointer(world: dict) -> str:
    return world["fs"].cat_file(f"{world['bucket']}/govmap/latest").decode().strip()


def test_s3_release_has_the_tables_of_the_local_one(world: dict, runs: dict, s3_env: dict[str, str]) -> None:
    release = _pointer(world)
    stdout = runs["to_s3"].stdout
    assert f"release: {release}" in stdout and f"{world['url']}/latest -> {release}" in stdout
    local = world["root"] / "local-out"
    for name in TABLES:
        pd.testing.assert_frame_equal(
            _frame(govmap.load(name, out=world["url"]), name), _frame(govmap.load(name, out=local), name), obj=name
        )


def test_s3_sources_give_the_tables_of_local_files(world: dict, runs: dict) -> None:
    local, from_s3 = world["root"] / "local-out", world["root"] / "from-s3-out"
    uris = govmap.load("documents", out=from_s3)["source_uri"]
    assert sorted(uris) == sorted(f"s3://{world['bucket']}/in/{p.name}" for p in world["folder"].iterdir())
    for name in TABLES:
        pd.testing.assert_frame_equal(
            _frame(govmap.load(name, out=from_s3), name, ("ingested_at", "source_uri")),
            _frame(govmap.load(name, out=local), name, ("ingested_at", "source_uri")),
            obj=name,
        )


def test_pyarrow_and_duckdb_read_the_release_over_s3(world: dict, runs: dict, s3_env: dict[str, str]) -> None:
    fs = pafs.S3FileSystem(
        endpoint_override=world["endpoint"],
        access_key=S3_TEST_ENV["AWS_ACCESS_KEY_ID"],
        secret_key=S3_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
        region="us-east-1",
    )
    base = f"{world['bucket']}/govmap/releases/{_pointer(world)}"
    manifest = json.loads(fs.open_input_stream(f"{base}/manifest.json").read())
    assert manifest["validation_passed"] is True
    for _name, entry in manifest["tables"].items():
        assert pq.read_table(f"{base}/{entry['path']}", filesystem=fs).num_rows == entry["rows"]
    con = govmap.connect(out=world["url"])
    rows = con.execute("SELECT media_type, status FROM documents ORDER BY media_type").fetchall()
    assert rows == [("application/pdf", "ok"), ("text/html", "ok"), ("text/markdown", "ok")]
    result = _cli(
        [
            "sql",
            "SELECT count(*) AS n FROM institutions",
            "--out",
            world["url"],
            "--format",
            "csv",
            "--s3-endpoint",
            world["endpoint"],
        ],
        world["env"],
    )
    assert result is not None and result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", str(manifest["tables"]["institutions"]["rows"])]


def test_unchanged_inputs_publish_nothing(world: dict, runs: dict) -> None:
    before = _pointer(world)
    result = _cli(
        ["run", str(world["folder"]), "--out", world["url"], "--s3-endpoint", world["endpoint"]], world["env"]
    )
    assert result is not None and result.returncode == 0, result.stderr[-3000:]
    assert f"nothing changed since release {before}" in result.stdout
    assert _pointer(world) == before


def test_killed_uploads_leave_the_previous_release_and_the_next_run_publishes(
    world: dict, runs: dict, s3_env: dict[str, str]
) -> None:
    fs, bucket = world["fs"], world["bucket"]
    first = _pointer(world)
    n_docs = len(govmap.load("documents", out=world["url"]))
    (world["folder"] / "new-note.md").write_text("# Note\n\nThe Standards Forum met the Global Compute Registry.\n")
    args = ["run", str(world["folder"]), "--out", world["url"], "--s3-endpoint", world["endpoint"]]

    def releases() -> set[str]:
        return {p.rsplit("/", 1)[-1] for p in fs.ls(f"{bucket}/govmap/releases", detail=False)}

    # Killed after the first object of the new release, then after every object but before the pointer.
    debris = []
    for point, complete in (("upload-after-first-object", False), ("before-pointer", True)):
        result = _cli(args, {**world["env"], "GOVMAP_TEST_KILL_AT": point})
        assert result is not None and result.returncode == -signal.SIGKILL, (point, result.stderr[-3000:])
        assert _pointer(world) == first, point
        assert len(govmap.load("documents", out=world["url"])) == n_docs, point  # readers get the previous one
        (left,) = releases() - {first}  # this run's objects; the one before swept the earlier run's
        assert fs.exists(f"{bucket}/govmap/releases/{left}/manifest.json") is complete, point
        debris.append(left)
    assert debris[0] != debris[1]
    result = _cli(args, world["env"])
    assert result is not None and result.returncode == 0, result.stderr[-3000:]
    final = _pointer(world)
    assert final != first and f"{world['url']}/latest -> {final}" in result.stdout
    assert releases() == {first, final}  # the unpointed upload is swept
    documents = govmap.load("documents", out=world["url"])
    assert len(documents) == n_docs + 1 and documents["source_uri"].str.endswith("new-note.md").any()
    # The reader commands follow the pointer too.
    diff = _cli(["diff", "--out", world["url"], "--json", "--s3-endpoint", world["endpoint"]], world["env"])
    assert diff is not None and diff.returncode == 0, diff.stderr
    assert (json.loads(diff.stdout)["old"], json.loads(diff.stdout)["new"]) == (first, final)
    report = _cli(["report", "--out", world["url"], "--s3-endpoint", world["endpoint"]], world["env"])
    assert report is not None and report.returncode == 0, report.stderr
    assert (
        f"release: {final}" in report.stdout and f"{world['url']}/releases/{final}/quality/report.html" in report.stdout
    )
