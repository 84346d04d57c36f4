"""Versions that go into every release and every cache key."""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

__all__ = ["__version__", "pipeline_files", "pipeline_version"]

__version__ = "0.1.0"

# What decides the records a document yields: parsing, extraction code and knowledge-base data.
_PIPELINE_PARTS = ("sources", "extractors")


def _part_folder(part: str) -> Path:
    """Found by import, not beside this file: a checkout keeps the stages next to `govmap/`, the
    wheel inside it."""
    spec = importlib.util.find_spec(f"govmap.{part}")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"govmap.{part} is not installed beside govmap")
    return Path(next(iter(spec.submodule_search_locations)))


def pipeline_files() -> list[tuple[str, Path]]:
    """(name, path) of the files whose bytes `pipeline_version` digests, sorted: code and data of
    the parts, each named as "<part>/<path inside it>" wherever the part is installed."""
    out = []
    for part in _PIPELINE_PARTS:
        folder = _part_folder(part)
        out += [
            (f"{part}/{path.relative_to(folder).as_posix()}", path)
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix in {".py", ".jsonl", ".json", ".txt"} and "__pycache__" not in path.parts
        ]
    return out


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Package version plus a digest of the parsing and extraction code and data.

    Any change to a rule, a parser or the knowledge base changes it, so cached per-document
    results are never reused across a change that could alter them.  Evaluation and bench code
    live under tests/, so editing them invalidates nothing.
    """
    h = hashlib.sha256()
    for name, path in pipeline_files():
        h.update(name.encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:10]}"
