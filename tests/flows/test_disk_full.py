"""A disk that fills during a run: one line, exit 2, nothing of the failed release left behind,
`latest` untouched.  Writes are sent to /dev/full, where the kernel answers ENOSPC as a full disk
does, at each place a run writes: a table, the quality report, the manifest, the flush to disk,
the `latest` switch and the result cache."""

from __future__ import annotations

import errno
import os
import pathlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govmap.datasets import release as release_module
from govmap.datasets.release import LATEST, RELEASES, list_releases
from govmap.flows import result_cache
from govmap.flows.result_cache import ResultCache
from govmap.errors import DiskFull
from tests.flows.conftest import ROOT
from tests.flows.test_release import publish, result

pytestmark = pytest.mark.skipif(
    not (Path("/dev/full").exists() and Path("/dev/full").is_char_device()), reason="needs /dev/full (Linux)"
)

FULL = (
    r"the disk filled while {doing} \(No space left on device\); nothing published, latest unchanged; "
    r"free some space and run again$"
)


def _dev_full(fd: int, mode: str = "rb", *args: object, **kwargs: object):
    """`os.fdopen` for a file on a full disk: the same call, writing to /dev/full."""
    os.close(fd)
    return open("/dev/full", mode, buffering=0)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published")
    assert publish(out, [result()], "first").promoted
    return out


def _full(where: object, name: str) -> object:
    """`where`, or /dev/full when it is the file `name`: as an open file, never a path, since
    pyarrow removes the file at a path it failed to write (it once removed /dev/full itself)."""
    import pyarrow as pa

    return pa.OSFile("/dev/full", "wb") if Path(str(where)).name == name else where


def _full_table(real, name: str):
    def write_table(table, where, *args, **kwargs):
        return real(table, _full(where, name), *args, **kwargs)

    return write_table


def _full_file(real, name: str):
    def write_text(self, *args, **kwargs):
        if self.name != name:
            return real(self, *args, **kwargs)
        with open("/dev/full", "w") as f:  # the error comes when the buffer is written, at close
            return f.write(*args[:1])

    return write_text


def _no_space(*args: object, **kwargs: object) -> None:
    """A call the kernel answers ENOSPC: fsync, when a delayed allocation finds no space; a symlink,
    when the folder needs a new block for its name."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.slow  # each point validates a release (great-expectations)
@pytest.mark.parametrize(
    ("point", "doing"),
    [
        ("documents table", r"writing release \S+"),
        ("pages table (streamed)", r"writing release \S+"),
        ("quality report", r"writing release \S+"),
        ("manifest", r"writing release \S+"),
        ("flush to disk", r"writing release \S+"),
        ("latest switch", r"switching latest to \S+"),
    ],
)
def test_a_disk_that_fills_while_publishing_leaves_nothing(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str, doing: str
) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    shutil.copytree(published, out, symlinks=True)
    before, releases = os.readlink(out / LATEST), list_releases(out)
    if point == "documents table":
        monkeypatch.setattr(pq, "write_table", _full_table(pq.write_table, "documents.parquet"))
    elif point == "pages table (streamed)":
        real_writer = pq.ParquetWriter
        monkeypatch.setattr(
            pq, "ParquetWriter", lambda where, *a, **k: real_writer(_full(where, "pages.parquet"), *a, **k)
        )
    elif point == "quality report":
        monkeypatch.setattr(pathlib.Path, "write_text", _full_file(pathlib.Path.write_text, "report.html"))
    elif point == "manifest":
        monkeypatch.setattr(pathlib.Path, "write_text", _full_file(pathlib.Path.write_text, "manifest.json"))
    elif point == "flush to disk":
        monkeypatch.setattr(release_module.os, "fsync", _no_space)
    else:
        monkeypatch.setattr(release_module.os, "symlink", _no_space)
    with pytest.raises(DiskFull, match=f"^{re.escape(str(out))}: " + FULL.format(doing=doing)):
        publish(out, [result(sha="c" * 64)], f"full-{point}")
    assert not [p for p in (out / RELEASES).iterdir() if p.name.startswith(".")], "a staging folder was left"
    assert not list(out.glob(f"{LATEST}.tmp-*"))
    assert os.readlink(out / LATEST) == before
    if point != "latest switch":  # there the release was committed, only never promoted
        assert list_releases(out) == releases


def test_a_disk_that_fills_while_caching_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResultCache(tmp_path / ".cache")
    monkeypatch.setattr(result_cache.os, "fdopen", _dev_full)
    full = f"^{re.escape(str(tmp_path / '.cache'))}: " + FULL.format(doing="caching the result of memo.txt")
    with pytest.raises(DiskFull, match=full):
        cache.put(result())
    assert list(cache.folder.iterdir()) == []  # no half-written entry


class _FullDiskCache(ResultCache):
    """A cache whose disk is full, in whichever process writes it (a pool worker here)."""

    def put(self, entry) -> None:
        from unittest import mock

        with mock.patch.object(result_cache.os, "fdopen", _dev_full):
            super().put(entry)


@pytest.mark.slow  # a worker process builds the pipeline
def test_a_worker_that_finds_the_disk_full_stops_the_run_in_one_line(tmp_path: Path) -> None:
    from govmap.flows.runners import ProcessExtractor
    from govmap.sources import ParseSettings
    from tests.flows.test_workers import _raw

    cache = _FullDiskCache(tmp_path / ".cache")
    with ProcessExtractor(cache, ParseSettings(), None, workers=1) as extractor:
        future = extractor.submit(_raw("memo.md", "# Memo\n\nThe Harbor Board met the Northwind Office.\n"))
        full = f"^{re.escape(str(tmp_path / '.cache'))}: " + FULL.format(doing="caching the result of memo.md")
        with pytest.raises(DiskFull, match=full):
            extractor.collect(future)


_FULL_TABLE_RUN = """
from pathlib import Path
import pyarrow as pa
import pyarrow.parquet as pq
real = pq.write_table
def write_table(table, where, *args, **kwargs):  # the disk is full when the institutions table is written
    if Path(str(where)).name == "institutions.parquet":
        where = pa.OSFile("/dev/full", "wb")  # an open file: pyarrow removes a path it failed to write
    return real(table, where, *args, **kwargs)
pq.write_table = write_table
from govmap.flows.cli import main
main()
"""


@pytest.mark.slow  # two whole CLI runs
def test_cli_disk_full_mid_run_exits_2_in_one_line(
    tmp_path: Path, samples_folder: Path, prefect_api_env: dict[str, str]
) -> None:
    out = tmp_path / "out"
    cli = [
        sys.executable,
        "-c",
        "from govmap.flows.cli import main; main()",
        "run",
        str(samples_folder),
        "--out",
        str(out),
    ]
    first = subprocess.run(cli, cwd=ROOT, env=prefect_api_env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    before = os.readlink(out / LATEST)
    full = [sys.executable, "-c", _FULL_TABLE_RUN, *cli[3:], "--force"]
    done = subprocess.run(full, cwd=ROOT, env=prefect_api_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 2, done.stdout + done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if "disk filled" in line]
    assert len(errors) == 1 and errors[0].startswith(
        f"error: {out.resolve()}: the disk filled while writing release "
    ), done.stderr
    assert not [p for p in (out / RELEASES).iterdir() if p.name.startswith(".")]
    assert os.readlink(out / LATEST) == before
