"""`govmap validate`: re-run a release's own checks on a copy of it (a downloaded folder, or a
release under an output folder or URL).

Two layers, as publishing ran them: the files are the ones the manifest describes (size,
sha256, the contract's Arrow schema), and the tables pass the data contract's suites and
cross-table rules (`expectations.validate_release`).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from govmap.datasets.contract import TABLES, to_arrow_schema

if TYPE_CHECKING:
    from govmap.datasets.query import Release
    from govmap.expectations.validate import ValidationReport

__all__ = ["ReleaseCheck", "verify_release"]


@dataclass(frozen=True)
class ReleaseCheck:
    """What `verify_release` found: file problems (one line each) and the suites' report."""

    release_id: str
    file_problems: tuple[str, ...]
    report: "ValidationReport | None"  # None when a table could not be read at all

    @property
    def passed(self) -> bool:
        return not self.file_problems and self.report is not None and self.report.passed


def _read(release: "Release", relative: str) -> bytes:
    if isinstance(release, Path):
        return (release / relative).read_bytes()
    return release.fs.cat_file(f"{release.path}/{relative}")


def verify_release(release: "Release") -> ReleaseCheck:
    """Check `release` (a folder, or a RemoteRelease) as publishing did; bad data is reported,
    never raised.  Raises ReleaseNotFound when its manifest cannot be read."""
    from govmap.expectations.validate import validate_release
    from govmap.errors import ReleaseNotFound

    where = str(release) if isinstance(release, Path) else release.url
    try:
        manifest: dict[str, Any] = json.loads(_read(release, "manifest.json"))
    except (OSError, ValueError) as exc:
        raise ReleaseNotFound(f"{where}/manifest.json: cannot read ({exc}); not a release") from exc
    problems: list[str] = []
    frames = {}
    for name, table in TABLES.items():
        entry = manifest.get("tables", {}).get(name, {})
        relative = entry.get("path", f"{name}.parquet")
        try:
            data = _read(release, relative)
            read = pq.read_table(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - a missing or unreadable table is one line of the verdict
            problems.append(f"{where}/{relative}: not a readable Parquet table ({type(exc).__name__}: {exc})")
            continue
        if len(data) != entry.get("bytes") or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(
                f"{where}/{relative}: differs from manifest.json (size or sha256): changed since it was published"
            )
        if not read.schema.equals(to_arrow_schema(table), check_metadata=False):
            problems.append(f"{where}/{relative}: schema differs from the data contract's {name}")
        frames[name] = read.to_pandas()
    report = validate_release(frames) if len(frames) == len(TABLES) else None
    return ReleaseCheck(release_id=manifest.get("release_id", ""), file_problems=tuple(problems), report=report)
