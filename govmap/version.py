"""Versions that go into every release and every cache key."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["__version__", "pipeline_files", "pipeline_version"]

__version__ = "0.1.0"

_ROOT = Path(__file__).resolve().parent.parent
# What decides the records a document yields: parsing, extraction code and knowledge-base data.
_PIPELINE_PARTS = ("sources", "extractors")


def pipeline_files() -> list[Path]:
    """The files whose bytes `pipeline_version` digests, sorted: code and data of the parts."""
    return [path for part in _PIPELINE_PARTS for path in sorted((_ROOT / part).rglob("*"))
            if path.is_file() and path.suffix in {".py", ".jsonl", ".json", ".txt"} and "__pycache__" not in path.parts]


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Package version plus a digest of the parsing and extraction code and data.

    Any change to a rule, a parser or the knowledge base changes it, so cached per-document
    results are never reused across a change that could alter them.  Evaluation and bench code
    live under tests/, so editing them invalidates nothing.
    """
    h = hashlib.sha256()
    for path in pipeline_files():
        h.update(str(path.relative_to(_ROOT)).encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:10]}"
