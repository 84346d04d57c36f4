"""`prepare_output`: a run checks --out before any work, after sweeping what a failed run left."""

from __future__ import annotations

import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from govmap.datasets import release
from govmap.datasets.release import prepare_output
from govmap.errors import PublishError

ROOT = Path(__file__).resolve().parents[2]
Usage = namedtuple("Usage", "total used free")


def test_a_file_is_no_output_folder(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder")
    with pytest.raises(PublishError, match=r"out: is a file, not a folder; give --out a folder; nothing done$"):
        prepare_output(target)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's read-only /sys")
@pytest.mark.parametrize(
    "target",
    [
        Path("/sys/govmap-out"),  # cannot be created (even by root)
        Path("/sys/kernel"),  # exists, cannot be written
    ],
)
def test_an_unwritable_folder_fails_at_once(target: Path) -> None:
    with pytest.raises(PublishError, match=r"(cannot create the output folder|not writable) \(.+\); nothing done$"):
        prepare_output(target)


def test_leftover_staging_is_swept_before_space_is_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A run that died of a full disk left its staging folder; the disk has room only once it is
    # gone, and the next run must sweep it before it asks for space (once it failed in the lock).
    staging = tmp_path / "releases" / ".staging-20250101T000000Z-abc"
    staging.mkdir(parents=True)
    (staging / "mentions.parquet").write_bytes(b"x" * 1000)
    monkeypatch.setattr(release.shutil, "disk_usage", lambda path: Usage(10**12, 0, 0 if staging.exists() else 10**9))
    assert prepare_output(tmp_path) == [staging]
    assert not staging.exists()


def test_a_full_disk_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(release.shutil, "disk_usage", lambda path: Usage(10**12, 10**12, 5 * 2**20))
    with pytest.raises(PublishError, match=r": 5 MB free on its disk, under the 200 MB a run needs; free some space"):
        prepare_output(tmp_path)


def test_cli_out_naming_a_file_exits_2_with_one_line(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("x")
    result = subprocess.run(
        [sys.executable, "-c", "from govmap.flows.cli import app; app()", "run", "--out", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {target}: is a file, not a folder; give --out a folder; nothing done"
    ]
    assert target.read_text() == "x"
