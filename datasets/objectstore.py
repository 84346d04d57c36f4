"""Releases in object storage (``s3://bucket/prefix``, any fsspec URL): upload, verify, point, read.

Layout under an output URL, the same as a local folder's except that `latest` is an object::

    <prefix>/releases/<release_id>/...   one release's objects; manifest.json is written last
    <prefix>/latest                      pointer object: the current release id, one line

An object store has no rename, so DESIGN.md's guarantee is kept by ordering instead: every object
of a release is written under a prefix no reader resolves, then read back and checked against
the manifest (size and sha256), and only then is the `latest` pointer object written.  A single
PUT replaces an object whole, so a reader resolving `latest` gets the previous release id or the
new one, and the release it names is complete.  A run killed mid-upload leaves an unpointed
prefix, which readers never see and the next run of the same writer deletes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govmap.datasets.release import LATEST, READ_ONLY, RELEASES, read_manifest as read_local_manifest
from govmap.errors import GovmapError, NoPreviousRelease, PublishError
from govmap.storage import open_filesystem

__all__ = [
    "MANIFEST",
    "is_remote",
    "ReleaseStore",
    "RemoteRelease",
    "work_dir_for",
    "read_cache_for",
    "remote_pair",
]

MANIFEST = "manifest.json"
_STAGING_PREFIX = ".staging-"


def is_remote(out: str | Path) -> bool:
    """True when `out` is a URL (``s3://…``, ``memory://…``), not a local folder.

    A Path cannot hold a URL (``Path("s3://b")`` is ``s3:/b``), so callers pass output URLs as str.
    """
    return isinstance(out, str) and "://" in out and not out.lower().startswith("file://")


def _cache_root() -> Path:
    """GOVMAP_CACHE_DIR, else $XDG_CACHE_HOME/govmap, else ~/.cache/govmap."""
    if os.environ.get("GOVMAP_CACHE_DIR"):
        return Path(os.environ["GOVMAP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govmap"


def _url_key(url: str) -> str:
    return hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]


def work_dir_for(url: str) -> Path:
    """The local working folder of runs publishing to `url`: extraction cache, staging, the run
    lock and a copy of the promoted release (for the diff and the unchanged-inputs check).

    One per output URL and kept across runs, so unchanged documents are never extracted twice.
    """
    return _cache_root() / "out" / _url_key(url)


def read_cache_for(url: str) -> Path:
    """Where readers keep downloaded releases of `url` (releases are immutable: a copy never goes stale)."""
    return _cache_root() / "read" / _url_key(url)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _release_not_found(message: str) -> GovmapError:
    from govmap.datasets.query import (
        ReleaseNotFound,
    )  # the reader's error; govmap.datasets.query imports this module lazily

    return ReleaseNotFound(message)


@dataclass(frozen=True)
class RemoteRelease:
    """One committed release in object storage, as readers use it (`name` is the release id)."""

    url: str  # <prefix>/releases/<release_id>, with its scheme
    path: str  # the same inside `fs`
    fs: Any
    name: str

    def table_path(self, table: str) -> str:
        """Path of `table`'s object inside `fs` (for pyarrow's `filesystem=`); ReleaseNotFound if absent."""
        path = f"{self.path}/{table}.parquet"
        try:
            present = self.fs.exists(path)
        except Exception as exc:
            raise _release_not_found(f"{self.url}: cannot read ({_one_line(exc)})") from exc
        if not present:
            raise _release_not_found(f"{self.url}: release has no {table}.parquet")
        return path

    def table_url(self, table: str) -> str:
        """URL of `table`'s object (for DuckDB over a registered filesystem)."""
        return self.fs.unstrip_protocol(self.table_path(table))

    def read_text(self, relative: str) -> str:
        return self.fs.cat_file(f"{self.path}/{relative}").decode("utf-8")


@dataclass(frozen=True)
class ReleaseStore:
    """The releases and the `latest` pointer under one output URL."""

    url: str
    fs: Any
    root: str

    @classmethod
    def open(cls, url: str) -> "ReleaseStore":
        fs, root = open_filesystem(url)
        return cls(url=url.rstrip("/"), fs=fs, root=root.rstrip("/"))

    # --- names ---------------------------------------------------------------------------------

    @property
    def pointer_path(self) -> str:
        return f"{self.root}/{LATEST}"

    def release_path(self, release_id: str) -> str:
        return f"{self.root}/{RELEASES}/{release_id}"

    def release_url(self, release_id: str) -> str:
        return f"{self.url}/{RELEASES}/{release_id}"

    def check(self) -> str | None:
        """Fail early, before a run: PublishError when the store cannot be read (endpoint,
        credentials) or the S3 bucket does not exist; returns the pointer's release id."""
        try:
            if self.fs.protocol in ("s3", ("s3", "s3a")) and not self.fs.exists(self.root.split("/", 1)[0]):
                raise PublishError(f"{self.url}: bucket {self.root.split('/', 1)[0]!r} does not exist; create it first")
            return self.read_pointer()
        except PublishError:
            raise
        except Exception as exc:
            raise PublishError(
                f"{self.url}: cannot read ({_one_line(exc)}); check the endpoint and credentials"
            ) from exc

    # --- reading -------------------------------------------------------------------------------

    def read_pointer(self) -> str | None:
        """The release id `latest` names, or None before the first promoted release."""
        try:
            text = self.fs.cat_file(self.pointer_path).decode("utf-8").strip()
        except FileNotFoundError:
            return None
        if not text or "/" in text or text.startswith("."):
            raise PublishError(f"{self.url}/{LATEST}: not a release id ({text[:40]!r}); is this a govmap output?")
        return text

    def has_release(self, release_id: str) -> bool:
        """Whether `release_id` is committed here (its manifest, written last, exists)."""
        return bool(self.fs.exists(f"{self.release_path(release_id)}/{MANIFEST}"))

    def read_manifest(self, release_id: str) -> dict[str, Any]:
        path = f"{self.release_path(release_id)}/{MANIFEST}"
        try:
            return json.loads(self.fs.cat_file(path))
        except FileNotFoundError as exc:
            raise _release_not_found(f"{self.url}: no release {release_id!r}") from exc
        except (OSError, ValueError) as exc:
            raise PublishError(
                f"{self.release_url(release_id)}/{MANIFEST}: unreadable manifest ({_one_line(exc)})"
            ) from exc

    def list_releases(self) -> list[str]:
        """Ids of the committed releases (manifest present), oldest first."""
        try:
            entries = self.fs.ls(f"{self.root}/{RELEASES}", detail=False)
        except FileNotFoundError:
            return []
        ids = sorted(e.rstrip("/").rsplit("/", 1)[-1] for e in entries)
        return [i for i in ids if not i.startswith(".") and self.has_release(i)]

    def release(self, release_id: str) -> RemoteRelease:
        """A committed release for readers; ReleaseNotFound when there is none of that id."""
        if not self.has_release(release_id):
            raise _release_not_found(f"{self.url}: no release {release_id!r} (see {self.url}/{RELEASES}/)")
        return RemoteRelease(
            url=self.release_url(release_id), path=self.release_path(release_id), fs=self.fs, name=release_id
        )

    def latest(self) -> RemoteRelease:
        """The release `latest` points at; ReleaseNotFound before the first promoted release."""
        release_id = self.read_pointer()
        if release_id is None:
            raise _release_not_found(f"{self.url}: no promoted release yet; run `govmap run --out {self.url}` first")
        return self.release(release_id)

    # --- writing -------------------------------------------------------------------------------

    def upload_release(self, local: Path, release_id: str, *, after_object: Callable[[int], None] | None = None) -> int:
        """Copy the committed local release folder `local` to ``releases/<release_id>/``, then read
        every object back and check it; returns the number of objects.

        manifest.json goes last, so a prefix without one is an upload that did not finish.
        `after_object(n)` is called after the n-th object (the crash tests' kill point).  Raises
        PublishError when an object cannot be written or does not read back as written.
        """
        manifest = read_local_manifest(local)
        files = sorted((p for p in local.rglob("*") if p.is_file()), key=lambda p: (p.name == MANIFEST, p.as_posix()))
        expected = {p.relative_to(local).as_posix(): _expected_digest(p, local, manifest) for p in files}
        base = self.release_path(release_id)
        for n, path in enumerate(files, start=1):
            rel = path.relative_to(local).as_posix()
            try:
                self.fs.put_file(str(path), f"{base}/{rel}")
            except Exception as exc:
                raise PublishError(
                    f"{self.release_url(release_id)}/{rel}: upload failed ({_one_line(exc)}); latest unchanged"
                ) from exc
            if after_object is not None:
                after_object(n)
        self.verify_release(release_id, expected)
        return len(files)

    def verify_release(self, release_id: str, expected: Mapping[str, tuple[int, str]]) -> None:
        """Read each object of `release_id` back; PublishError unless its size and sha256 are `expected`."""
        base = self.release_path(release_id)
        for rel, (size, sha) in expected.items():
            where = f"{self.release_url(release_id)}/{rel}"
            try:
                data = self.fs.cat_file(f"{base}/{rel}")
            except Exception as exc:
                raise PublishError(f"{where}: cannot read back ({_one_line(exc)}); latest unchanged") from exc
            if len(data) != size or _sha256(data) != sha:
                raise PublishError(
                    f"{where}: read back {len(data)} bytes that differ from the release "
                    f"({size} bytes, sha256 {sha[:12]}); latest unchanged"
                )

    def write_pointer(self, release_id: str) -> None:
        """Point `latest` at `release_id` (one PUT: readers see the old id or the new one)."""
        if not self.has_release(release_id):
            raise PublishError(f"{self.release_url(release_id)}: no committed release to point at; latest unchanged")
        try:
            self.fs.pipe_file(self.pointer_path, (release_id + "\n").encode())
        except Exception as exc:
            raise PublishError(
                f"{self.url}/{LATEST}: cannot point at {release_id} ({_one_line(exc)}); latest unchanged"
            ) from exc

    def delete_release(self, release_id: str) -> None:
        """Remove every object under ``releases/<release_id>/`` (an unfinished upload)."""
        path = self.release_path(release_id)
        if self.fs.exists(path):
            self.fs.rm(path, recursive=True)

    def download_release(self, release_id: str, dest: Path) -> Path:
        """``dest/releases/<release_id>``, downloaded unless already there; each table is checked
        against the manifest.  Releases are immutable, so an existing copy is reused as it is."""
        final = dest / RELEASES / release_id
        if (final / MANIFEST).is_file():
            return final
        manifest = self.read_manifest(release_id)
        staging = dest / RELEASES / f"{_STAGING_PREFIX}{release_id}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            for key in self.fs.find(self.release_path(release_id)):
                rel = key[len(self.release_path(release_id)) :].lstrip("/")
                if ".." in rel.split("/"):  # a key naming a place outside the release's folder
                    raise PublishError(
                        f"{self.release_url(release_id)}: object {key!r} leads outside the release; not used"
                    )
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                self.fs.get_file(key, str(target))
                target.chmod(READ_ONLY)  # a copy of a release is as immutable as the release
            for _name, entry in manifest.get("tables", {}).items():
                data = (staging / entry["path"]).read_bytes()
                if _sha256(data) != entry["sha256"]:
                    raise PublishError(
                        f"{self.release_url(release_id)}/{entry['path']}: does not match its manifest; not used"
                    )
            os.rename(staging, final)
        except OSError as exc:
            if (final / MANIFEST).is_file():  # another reader got there first; its copy is as good
                return final
            raise PublishError(f"{self.release_url(release_id)}: cannot download ({_one_line(exc)})") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return final


def _expected_digest(path: Path, local: Path, manifest: Mapping[str, Any]) -> tuple[int, str]:
    """(size, sha256) an uploaded file must read back as: the manifest's for tables, else the file's own."""
    rel = path.relative_to(local).as_posix()
    for entry in manifest.get("tables", {}).values():
        if entry["path"] == rel:
            return int(entry["bytes"]), entry["sha256"]
    data = path.read_bytes()
    return len(data), _sha256(data)


def remote_pair(out: str, old: str | None = None, new: str | None = None) -> tuple[Path, Path]:
    """(old, new) releases under the output URL `out`, downloaded into the reader cache, for
    `govmap diff`: by default the promoted release and the newest validated one before it."""
    try:
        store = ReleaseStore.open(out)
        new_release = store.latest() if new in (None, "latest") else store.release(str(new))
        if old is not None:
            old_id = store.release(old).name
        else:
            older = [i for i in store.list_releases() if i < new_release.name]
            old_id = next((i for i in reversed(older) if store.read_manifest(i).get("validation_passed", True)), None)
            if old_id is None:
                raise NoPreviousRelease(f"{out}: no release before {new_release.name} to compare with")
        cache = read_cache_for(out)
        return store.download_release(old_id, cache), store.download_release(new_release.name, cache)
    except GovmapError:
        raise
    except Exception as exc:  # unreachable store, refused credentials
        raise _release_not_found(f"{out}: cannot read the releases ({_one_line(exc)})") from exc
