"""One writer per output folder: an exclusive lock on ``<out>/.lock`` held while a run publishes.

The lock is an ``fcntl.flock`` on an open file, so the kernel drops it when the holder exits, even
by SIGKILL: a crashed run never leaves a stale lock, and the next run takes it at once.  The
file's contents (holder pid and start time) are informational only, for the waiting run's message.

    >>> with release_lock(Path("datasets"), wait_seconds=30):
    ...     publish()
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govmap.errors import PublishError

__all__ = ["LOCK_FILE", "ReleaseLocked", "release_lock", "lock_is_held"]

LOCK_FILE = ".lock"
# How often a waiting run retries the lock; short enough that --wait is honoured to a tenth of a second.
_POLL_SECONDS = 0.1


class ReleaseLocked(PublishError):
    """Another run holds the output folder's lock and did not release it within the wait."""


@contextmanager
def release_lock(out: Path, *, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold the exclusive lock on `out` for the block; yields the lock file's path.

    Waits up to `wait_seconds` for another holder; raises ReleaseLocked (naming the holder) when
    it is still held then, PublishError when the lock file cannot be opened, ValueError for a
    negative wait.
    """
    if wait_seconds < 0:
        raise ValueError(f"wait_seconds must be >= 0, not {wait_seconds!r}")
    out = Path(out)
    path = out / LOCK_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(f"{path}: cannot open the run lock ({exc.strerror}); nothing published") from exc
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise PublishError(f"{path}: cannot take the run lock ({exc.strerror}); nothing published") from exc
                if time.monotonic() >= deadline:
                    raise ReleaseLocked(
                        f"{out}: another govmap run holds {path} ({_holder(path)}); waited {wait_seconds:g} s "
                        "(--wait); nothing published"
                    ) from None
                time.sleep(_POLL_SECONDS)
        started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {started}\n".encode(), 0)
        except OSError:  # a full disk: the note is informational, and the run may be about to free space
            pass
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)  # the next waiter's message must not name a finished run
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def lock_is_held(out: Path) -> bool:
    """Whether a run holds `out`'s lock now (a moment's answer: it may change at once)."""
    try:
        fd = os.open(Path(out) / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False  # no lock file: no run has ever held it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the lock this took
    return False


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "holder unknown"
