"""govmap: AI-governance reports -> versioned, validated Parquet datasets.

The analyst API (`load`, `connect`) is imported on first use, so importing ``govmap.errors`` in a
worker process does not pull in pandas and DuckDB.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load", "connect"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from govmap import api

        return getattr(api, name)
    raise AttributeError(f"module 'govmap' has no attribute {name!r}")
