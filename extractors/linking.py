"""The interface between components that meet a name and the knowledge base that knows it."""

from __future__ import annotations

from typing import Protocol

__all__ = ["Linker"]


class Linker(Protocol):
    """Turns a surface form into an entity key, or None when it names no known or discovered body."""

    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        """Key for `surface`; `kind_hint` (an institution kind) says what the context is about,
        e.g. "ai_safety_institute" makes "UK" mean the UK AI Safety Institute."""
        ...
