"""`Alternation`: a big regex alternation searched like `re.finditer`, trying at each position only
the alternatives that can start there.

Python's `re` tries every branch of an alternation at every position of the text, and a branch
that opens with a lookbehind defeats its quick first-character test, so a ruler of a thousand
names costs a thousand attempts per character.  Every govmap surface form begins with a letter or
digit, so a cheap scan for word-initial characters that some form starts with finds the only
places a match can begin; there, a sub-alternation holding just the forms with that first
character (in the original priority order) decides.  The leftmost position and, at it, the first
alternative that matches are the same as the whole alternation's, so the matches are identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

__all__ = ["Alternation"]


def _dispatchable(form: str) -> bool:
    """The form's regex opens with this literal character (escaped, case-folded by the flags)."""
    return form[:1].isascii() and form[:1].isalnum()


class Alternation:
    """`items` are (surface form, regex source) in priority order; each source must match only
    text that starts with the form's first character and a word boundary before it (as
    `surface_regex` builds them).  Forms that open otherwise disable the shortcut for the whole
    alternation, which then runs as one regex."""

    def __init__(self, items: Sequence[tuple[str, str]], flags: int = 0) -> None:
        self.flags = flags
        self._sources = [src for _, src in items]
        self._full: re.Pattern[str] | None = None
        self._fold = bool(flags & re.IGNORECASE)
        self._groups: dict[str, re.Pattern[str]] | None = None
        self._starts: re.Pattern[str] | None = None
        if items and all(_dispatchable(form) for form, _ in items):
            by_char: dict[str, list[str]] = {}
            for form, src in items:
                by_char.setdefault(self._key(form[0]), []).append(src)
            self._groups = {c: re.compile("|".join(srcs), flags) for c, srcs in by_char.items()}
            chars = "".join(sorted({form[0] for form, _ in items}))
            # The same flags decide which text characters can open a form (case folding included).
            self._starts = re.compile(r"(?<![\w])[" + re.escape(chars) + "]", flags)

    @property
    def full(self) -> re.Pattern[str]:
        """The whole alternation as one regex, compiled on first use: with the shortcut it only
        decides at the rare folded non-ASCII letter, and compiling it costs a worker seconds."""
        if self._full is None:
            self._full = re.compile("|".join(self._sources), self.flags)
        return self._full

    def _key(self, ch: str) -> str:
        return ch.lower() if self._fold else ch

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches `self.full.finditer(text)` gives, in the same order."""
        if self._groups is None or self._starts is None:
            yield from self.full.finditer(text)
            return
        pos = 0
        groups = self._groups
        for c in self._starts.finditer(text):
            p = c.start()
            if p < pos:
                continue
            ch = text[p]
            # A non-ASCII character that folds onto a form's first letter (Kelvin sign, long s)
            # is rare enough to hand to the whole alternation.
            pattern = groups.get(self._key(ch)) if ch.isascii() else self.full
            m = pattern.match(text, p) if pattern is not None else None
            if m is not None:
                yield m
                pos = m.end()
