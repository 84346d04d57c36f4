"""Runs whose `out` is an object-store URL: work in a local folder, then upload and point.

The run itself is unchanged: it publishes into a local working folder (`work_dir_for(url)`) with
the staging, fsync and atomic-symlink steps of a local release.  Around it, `output_target`

1. takes a lock for the URL on this machine (one writer per output, as for a local folder),
2. deletes from the store what an earlier run of this working folder left half-uploaded,
3. makes the local `latest` name the release the store's `latest` pointer names (downloading
   it if needed), so the diff and the unchanged-inputs check compare with what readers see;

and `OutputTarget.publish` uploads a new release, verifies every object, and writes the pointer
last, only when the release passed validation (a failed one is uploaded for its report, as a
local one is kept, but `latest` does not move).

    with output_target("s3://bucket/govmap") as target:
        result = target.publish(run_ingest(sources, target.local))
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from govmap.datasets.lock import release_lock
from govmap.datasets.objectstore import ReleaseStore, is_remote, work_dir_for
from govmap.datasets.release import LATEST, latest_release, list_releases, promote
from govmap.runtime import kill_at_test_point
from govmap.errors import GovmapError, PublishError

if TYPE_CHECKING:
    from govmap.flows.ingest import RunResult

__all__ = ["OutputTarget", "output_target", "remote_unchanged"]

log = logging.getLogger(__name__)

# Release ids whose upload started; a marker left behind names an upload a killed run did not finish.
_UPLOADING = ".uploading"
# The URL's lock lives in its own folder: the run takes `<work>/.lock` itself, and flock is per open file.
_REMOTE_LOCK_DIR = ".remote"


@dataclass(frozen=True)
class OutputTarget:
    """Where a run writes (`local`) and, for an object-store `out`, where it publishes to."""

    out: str
    local: Path
    store: ReleaseStore | None = None

    def publish(self, result: "RunResult") -> "RunResult":
        """Upload the run's new release and move the pointer (object store only; a no-op otherwise)."""
        if self.store is None or result.outcome is None:
            return result
        outcome = result.outcome
        release_id = outcome.release_id
        marker = self.local / _UPLOADING / release_id
        marker.parent.mkdir(exist_ok=True)
        marker.touch()
        try:
            n = self.store.upload_release(outcome.path, release_id, after_object=_kill_after_first)
            notes = [f"uploaded {n} objects to {self.store.release_url(release_id)}/ and verified them"]
            if outcome.promoted:
                kill_at_test_point("before-pointer")
                self.store.write_pointer(release_id)
                notes.append(f"{self.store.url}/{LATEST} -> {release_id}")
            else:
                notes.append(f"{self.store.url}/{LATEST} unchanged (validation failed)")
        except GovmapError:
            raise
        except Exception as exc:  # a storage error outside the upload's own translation
            raise PublishError(
                f"{self.store.url}: publishing {release_id} failed ({type(exc).__name__}: {exc}); latest unchanged"
            ) from exc
        marker.unlink()
        _prune_local(self.local, keep={release_id})
        return replace(result, notes=(*result.notes, *notes))


def _kill_after_first(n: int) -> None:
    if n == 1:
        kill_at_test_point("upload-after-first-object")


@contextmanager
def output_target(out: str, *, wait_seconds: float = 0.0) -> Iterator[OutputTarget]:
    """The target for `out`: the folder itself, or for a URL its working folder, locked and in step
    with the store's pointer for the duration of the block."""
    if not is_remote(out):
        yield OutputTarget(out=out, local=Path(out))
        return
    store = ReleaseStore.open(out)
    store.check()
    work = work_dir_for(out)
    work.mkdir(parents=True, exist_ok=True)
    with release_lock(work / _REMOTE_LOCK_DIR, wait_seconds=wait_seconds):
        try:
            _sweep_unfinished_uploads(store, work)
            _sync_latest(store, work)
        except GovmapError:
            raise
        except Exception as exc:  # the store went away between the check and here
            raise PublishError(
                f"{out}: cannot prepare the run ({type(exc).__name__}: {exc}); nothing published"
            ) from exc
        log.info("%s: working folder %s", out, work)
        yield OutputTarget(out=out, local=work, store=store)


def _sweep_unfinished_uploads(store: ReleaseStore, work: Path) -> None:
    """Delete the objects of uploads this working folder started and never finished.

    Only releases this folder's markers name are touched: another writer's upload in progress
    under the same URL is never taken for debris.
    """
    markers = work / _UPLOADING
    if not markers.is_dir():
        return
    pointer = store.read_pointer()
    for marker in sorted(markers.iterdir()):
        if marker.name != pointer:  # killed after the pointer moved: the release is published
            store.delete_release(marker.name)
            log.warning("removed %s/ left by an interrupted upload", store.release_url(marker.name))
        marker.unlink()


def _sync_latest(store: ReleaseStore, work: Path) -> None:
    """Make `<work>/latest` name the release the store's pointer names (none before the first)."""
    pointer = store.read_pointer()
    local = latest_release(work)
    if pointer is None:
        if local is not None:
            (work / LATEST).unlink()
        return
    if local is not None and local.name == pointer:
        return
    store.download_release(pointer, work)
    promote(work, pointer)


def _prune_local(work: Path, *, keep: set[str]) -> None:
    """Keep only `keep` and the promoted release in the working folder: the store holds them all."""
    latest = latest_release(work)
    for release in list_releases(work):
        if release.name not in keep and (latest is None or release.resolve() != latest):
            shutil.rmtree(release, ignore_errors=True)


def remote_unchanged(out: str, fingerprint: str) -> str | None:
    """The store's promoted release id when it was built from exactly these inputs, else None.

    A read-only check (no lock, no download), for the CLI's pre-check; any storage error gives
    None and the full run decides.
    """
    try:
        store = ReleaseStore.open(out)
        pointer = store.read_pointer()
        if pointer is None:
            return None
        manifest = store.read_manifest(pointer)
    except Exception as exc:
        log.info("%s: cannot read the promoted release (%s); running in full", out, exc)
        return None
    return pointer if manifest.get("input_fingerprint") == fingerprint else None
