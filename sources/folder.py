"""Local sources: expand a file or folder spec into files, and read a file's bytes."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Iterator, NoReturn

from govmap.errors import SourceError, SourceTooLarge
from govmap.media import DOCUMENT_SUFFIXES

__all__ = ["iter_folder", "read_file"]
log = logging.getLogger(__name__)


def iter_folder(folder: Path, *, follow_symlinks: bool = False) -> Iterator[Path]:
    """Document files under `folder`, recursively, sorted by relative path (deterministic), and
    the subfolders that cannot be listed (`read_file` says why).

    Hidden files and folders (a leading dot: .git, .cache) are skipped; symlinked folders are not
    followed, so a link loop cannot make the walk endless.  A symlinked file whose target lies
    outside `folder` is skipped with a warning unless `follow_symlinks`: a source folder names
    what it holds, not what it points at (``reports/x.md -> /etc/passwd``).
    """
    found: list[tuple[str, Path]] = []

    def unreadable(exc: OSError) -> None:
        # A subfolder that cannot be listed is yielded itself: reading it fails with the reason,
        # so it gets a quarantined row instead of vanishing from the run without a word.
        if exc.filename is not None and Path(exc.filename) != folder:
            path = Path(exc.filename)
            found.append((path.relative_to(folder).as_posix(), path))

    inside = folder.resolve()
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            if name.startswith(".") or path.suffix.lower() not in DOCUMENT_SUFFIXES or not path.is_file():
                continue
            if not follow_symlinks and path.is_symlink() and not path.resolve().is_relative_to(inside):
                log.warning(
                    "%s: a link to %s, outside the source folder %s; not read (follow_symlinks to read it)",
                    path.absolute(),
                    path.resolve(),
                    inside,
                )
                continue
            found.append((path.relative_to(folder).as_posix(), path))
    for _, path in sorted(found):
        yield path


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of `path`; raises SourceTooLarge over `max_bytes`, SourceError if unreadable."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):  # a subfolder `iter_folder` could not list
            _raise_for_folder(path)
        if st.st_size > max_bytes:
            raise SourceTooLarge(
                f"{path}: {st.st_size} bytes is over the {max_bytes}-byte limit (max_bytes); document skipped"
            )
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc}); check permissions; document skipped") from exc
    if len(data) > max_bytes:  # the file grew between stat and read
        raise SourceTooLarge(f"{path}: over the {max_bytes}-byte limit (max_bytes); document skipped")
    return data


def _raise_for_folder(path: Path) -> NoReturn:
    """Raise SourceError for folder `path`, with the reason it cannot be listed."""
    try:
        os.scandir(path).close()
    except OSError as exc:
        raise SourceError(
            f"{path}: folder cannot be listed ({exc.strerror or exc}); check permissions; its documents skipped"
        ) from exc
    raise SourceError(f"{path}: a folder, not a document; document skipped")
