"""govmap: AI-governance reports -> versioned, validated Parquet datasets.

The analyst API (`load`, `connect`) is imported on first use, so importing ``govmap.errors`` in a
worker process does not pull in pandas and DuckDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["load", "connect"]

# The stages (flows, extractors, sources, datasets, expectations) import as `govmap.<stage>`, so
# installing govmap adds one top-level name and never shadows another distribution's (Hugging
# Face's `datasets`).  The wheel places their folders inside this package; a source checkout keeps
# them beside it, where the design card puts them, and this line lets the same imports find them.
_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "flows" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))


def __getattr__(name: str) -> Any:
    if name in __all__:
        from govmap import api

        return getattr(api, name)
    raise AttributeError(f"module 'govmap' has no attribute {name!r}")
