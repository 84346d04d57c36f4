"""Immutable releases and the atomic `latest` switch.

Layout (DESIGN.md)::

    <out>/releases/<release_id>/<table>.parquet
    <out>/releases/<release_id>/manifest.json
    <out>/releases/<release_id>/quality/
    <out>/latest -> releases/<release_id>

A release is written into a hidden staging folder beside its final name, fsynced, and renamed
into place in one step; `latest` is a symlink replaced with ``os.replace``, which is atomic on
POSIX.  A reader of ``<out>/latest/`` therefore sees one whole release or the previous one, even
if the writer is killed at any instant.  Every file of a committed release is made read-only (0444).  Staging folders a killed run leaves behind are swept
by the next run.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from govmap.datasets.contract import CONTRACT_VERSION, TABLES
from govmap.errors import DiskFull, PublishError

__all__ = [
    "RELEASES",
    "READ_ONLY",
    "LATEST",
    "StagedRelease",
    "new_release_id",
    "stage_release",
    "discard_on_failure",
    "disk_full",
    "build_manifest",
    "commit_release",
    "promote",
    "latest_release",
    "read_manifest",
    "list_releases",
    "input_fingerprint",
    "sweep_staging",
    "prepare_output",
    "DEFAULT_MIN_FREE_MB",
]

RELEASES = "releases"
LATEST = "latest"
_STAGING_PREFIX = ".staging-"
# A committed release's files: readable by all, writable by none (its folders stay writable by
# their owner, so `govmap prune` and the sweep of staging folders can still remove them).
READ_ONLY = 0o444


def new_release_id(fingerprint: str, now: dt.datetime | None = None) -> str:
    """Sortable, unique release id: UTC time plus the first hex of the input fingerprint."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + fingerprint[:8]


def input_fingerprint(sha256s: Iterable[str], *, pipeline_version: str, extra: str = "") -> str:
    """Hash of what determines a release's content: inputs, pipeline and contract versions."""
    h = hashlib.sha256()
    for part in (pipeline_version, CONTRACT_VERSION, extra, *sorted(set(sha256s))):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class StagedRelease:
    """A release being written: files go into `path`, which nobody reads until it is committed."""

    out: Path
    release_id: str
    path: Path

    def table_path(self, table: str) -> Path:
        return self.path / f"{table}.parquet"

    @property
    def final_path(self) -> Path:
        return self.out / RELEASES / self.release_id


def sweep_staging(out: Path) -> list[Path]:
    """Remove staging folders left by killed runs; returns what was removed."""
    root = out / RELEASES
    removed = []
    if root.is_dir():
        for p in root.iterdir():
            if p.name.startswith(_STAGING_PREFIX):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    for p in out.glob(f"{LATEST}.tmp-*"):
        p.unlink(missing_ok=True)
    return removed


# Below this much free space a run would fail halfway (Prefect's database, the cache, the
# release's files); better to say so before any work.
DEFAULT_MIN_FREE_MB = 200


def prepare_output(out: Path, *, min_free_mb: int = DEFAULT_MIN_FREE_MB) -> list[Path]:
    """Check that a run can write under `out` before it does any work, after sweeping what a
    failed run left (staging folders), which may be what filled the disk.

    Returns the folders swept.  Raises PublishError with one line when `out` is a file, cannot be
    created or written, or its disk has less than `min_free_mb` MB free.
    """
    from govmap.datasets.lock import ReleaseLocked, release_lock

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out}: is a file, not a folder; give --out a folder; nothing done")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"{out}: cannot create the output folder ({exc.strerror}); nothing done") from None
    swept: list[Path] = []
    try:
        with release_lock(out, wait_seconds=0):  # the sweep needs no space: it only frees some
            swept = sweep_staging(out)
    except ReleaseLocked:
        pass  # a live run holds it: its staging folder is no debris, and it has checked the space
    except PublishError as exc:
        raise PublishError(f"{out}: not writable ({_reason(exc)}); nothing done") from None
    try:
        with open(out / f".write-check-{os.getpid()}", "wb") as probe:
            probe.write(b"\0")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise PublishError(f"{out}: not writable ({exc.strerror}); nothing done") from None
    finally:
        (out / f".write-check-{os.getpid()}").unlink(missing_ok=True)
    free_mb = shutil.disk_usage(out).free // 2**20
    if free_mb < min_free_mb:
        raise PublishError(
            f"{out}: {free_mb} MB free on its disk, under the {min_free_mb} MB a run needs; "
            "free some space and run again; nothing done"
        )
    return swept


def _reason(exc: BaseException) -> str:
    cause = exc.__cause__
    return cause.strerror if isinstance(cause, OSError) and cause.strerror else str(exc)


def stage_release(out: Path, release_id: str) -> StagedRelease:
    """A fresh, empty staging folder for `release_id` under `out`."""
    final = out / RELEASES / release_id
    if final.exists():
        raise PublishError(f"{final}: release already exists; releases are never rewritten")
    path = out / RELEASES / f"{_STAGING_PREFIX}{release_id}"
    try:
        path.mkdir(parents=True, exist_ok=False)
    except OSError as exc:
        raise PublishError(f"{path}: cannot create staging folder ({exc.strerror}); nothing published") from exc
    return StagedRelease(out=out, release_id=release_id, path=path)


# A write that failed for want of space: a full disk, or the owner's quota.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def disk_full(exc: BaseException, where: Path, doing: str) -> DiskFull | None:
    """The one-line DiskFull for `exc` when it is a write that found no space (`doing` says what
    was being written under `where`), else None."""
    if not isinstance(exc, OSError) or exc.errno not in _NO_SPACE:
        return None
    return DiskFull(
        f"{where}: the disk filled while {doing} ({os.strerror(exc.errno)}); nothing published, "
        "latest unchanged; free some space and run again"
    )


@contextmanager
def discard_on_failure(staged: StagedRelease) -> Iterator[StagedRelease]:
    """Remove `staged` at once when writing it fails (a full disk gets its space back before the
    error is reported), and turn a full disk into DiskFull."""
    try:
        yield staged
    except BaseException as exc:
        shutil.rmtree(staged.path, ignore_errors=True)
        if (full := disk_full(exc, staged.out, f"writing release {staged.release_id}")) is not None:
            raise full from None
        raise


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_tree(path: Path, *, mode: int | None = None) -> None:
    """Flush every file under `path` to disk, giving each `mode` first when one is given."""
    for p in sorted(path.rglob("*")):
        if p.is_file():
            with p.open("rb") as f:
                if mode is not None:
                    os.fchmod(f.fileno(), mode)
                os.fsync(f.fileno())
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_manifest(
    staged: StagedRelease,
    *,
    pipeline_version: str,
    fingerprint: str,
    inputs: list[Mapping[str, Any]],
    validation_passed: bool,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest, computed from the table files as written."""
    tables = {}
    for name in TABLES:
        path = staged.table_path(name)
        meta = pq.read_metadata(path)
        tables[name] = {
            "path": path.name,
            "rows": meta.num_rows,
            "bytes": path.stat().st_size,
            "sha256": _sha256_file(path),
            "schema": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in pq.read_schema(path)],
        }
    return {
        "release_id": staged.release_id,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "pipeline_version": pipeline_version,
        "contract_version": CONTRACT_VERSION,
        "input_fingerprint": fingerprint,
        "validation_passed": validation_passed,
        "tables": tables,
        "inputs": inputs,
        **(extra or {}),
    }


def commit_release(staged: StagedRelease, manifest: Mapping[str, Any]) -> Path:
    """Write the manifest, flush everything to disk, make every file read-only and rename the
    release into place."""
    (staged.path / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    _fsync_tree(staged.path, mode=READ_ONLY)
    final = staged.final_path
    try:
        os.rename(staged.path, final)
    except OSError as exc:
        raise PublishError(f"{final}: cannot move release into place ({exc.strerror}); latest unchanged") from exc
    _fsync_dir(final.parent)
    return final


def promote(out: Path, release_id: str) -> None:
    """Point `<out>/latest` at `release_id` in one atomic step."""
    target = Path(RELEASES) / release_id
    if not (out / target / "manifest.json").is_file():
        raise PublishError(f"{out / target}: no committed release to promote; latest unchanged")
    tmp = out / f"{LATEST}.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        os.symlink(target, tmp, target_is_directory=True)
        os.replace(tmp, out / LATEST)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise disk_full(exc, out, f"switching latest to {release_id}") or PublishError(
            f"{out / LATEST}: cannot switch to {release_id} ({exc.strerror}); latest unchanged"
        ) from exc
    _fsync_dir(out)


def latest_release(out: Path) -> Path | None:
    """The folder `<out>/latest` points at, or None before the first promoted release."""
    link = out / LATEST
    if not link.exists():
        return None
    return link.resolve()


def read_manifest(release: Path) -> dict[str, Any]:
    path = release / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PublishError(f"{path}: unreadable manifest ({exc}); is this a govmap release?") from exc


def list_releases(out: Path) -> list[Path]:
    """Committed releases under `out`, oldest first."""
    root = out / RELEASES
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").is_file()
    )
