"""`Alternation`: a big regex alternation searched like `re.finditer`, trying at each position only
the alternatives that can start there.

Python's `re` tries every branch of an alternation at every position of the text, and a branch
that opens with a lookbehind defeats its quick first-character test, so a ruler of a thousand
names costs a thousand attempts per character.  Every govmap surface form begins with a letter or
digit, so a cheap scan for word-initial characters that some form starts with finds the only
places a match can begin; there, a sub-alternation holding just the forms with that first
character — and, when the text's next character is plain ASCII, just those whose second
character it can be — decides, in the original priority order.  The leftmost position and, at
it, the first alternative that matches are the same as the whole alternation's, so the matches
are identical.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

__all__ = ["WORD_START", "Alternation", "finditer_before", "finditer_word"]

# How `surface_regex` opens every form: no letter or digit just before it.
WORD_START = r"(?<![\w])"


_UNKNOWN = object()  # a text prefix `Alternation.finditer` has not met yet


def _dispatchable(form: str) -> bool:
    """The form's regex opens with this literal character (escaped, case-folded by the flags)."""
    return form[:1].isascii() and form[:1].isalnum()


def _second_keys(form: str, fold: bool) -> frozenset[str] | None:
    """The text characters (case-folded with `fold`) the form's regex accepts second, or None
    when that is not one fixed ASCII letter or digit (a one-letter first word, a hyphen)."""
    second = form[1:2]
    if not (second.isascii() and second.isalnum()):
        return None
    # `surface_regex` also reads OCR "Al" for "AI".
    keys = {second, "l"} if form[:2] == "AI" else {second}
    return frozenset(k.lower() for k in keys) if fold else frozenset(keys)


def _compile_any(sources: list[str], flags: int) -> re.Pattern[str] | None:
    return re.compile("|".join(sources), flags) if sources else None


class Alternation:
    """`items` are (surface form, regex source) in priority order; each source must match only
    text that starts with the form's first character and a word boundary before it, and whose
    second character is the form's second one when that is an ASCII letter or digit (or "l" for
    the "I" of an opening "AI"), folded by the flags — as `surface_regex` builds them.  Forms
    that open otherwise disable the shortcut for the whole alternation, which then runs as one
    regex."""

    def __init__(self, items: Sequence[tuple[str, str]], flags: int = 0) -> None:
        self.flags = flags
        self._sources = [src for _, src in items]
        self._full: re.Pattern[str] | None = None
        self._fold = bool(flags & re.IGNORECASE)
        self._groups: dict[str, re.Pattern[str]] | None = None
        # first character -> next character -> the group's forms that can go on with it
        self._pairs: dict[str, dict[str, re.Pattern[str] | None]] = {}
        # first character -> the group's forms whose second character is not a fixed one
        self._unpaired: dict[str, re.Pattern[str] | None] = {}
        self._starts: re.Pattern[str] | None = None
        self._by_prefix: dict[str, re.Pattern[str] | None] = {}
        if items and all(_dispatchable(form) for form, _ in items):
            by_char: dict[str, list[tuple[str, str]]] = {}
            for form, src in items:
                by_char.setdefault(self._key(form[0]), []).append((form, src))
            self._groups = {c: re.compile("|".join(src for _, src in group), flags) for c, group in by_char.items()}
            for c, group in by_char.items():
                self._index_second_characters(c, group)
            chars = "".join(sorted({form[0] for form, _ in items}))
            # The same flags decide which text characters can open a form (case folding included).
            self._starts = re.compile(r"(?<![\w])[" + re.escape(chars) + "]", flags)

    def _index_second_characters(self, first: str, group: list[tuple[str, str]]) -> None:
        keyed = [(_second_keys(form, self._fold), src) for form, src in group]
        seconds = {k for keys, _ in keyed if keys is not None for k in keys}
        self._pairs[first] = {
            k: _compile_any([src for keys, src in keyed if keys is None or k in keys], self.flags) for k in seconds
        }
        self._unpaired[first] = _compile_any([src for keys, src in keyed if keys is None], self.flags)

    @property
    def full(self) -> re.Pattern[str]:
        """The whole alternation as one regex, compiled on first use: with the shortcut it only
        decides at the rare folded non-ASCII letter, and compiling it costs a worker seconds."""
        if self._full is None:
            self._full = re.compile("|".join(self._sources), self.flags)
        return self._full

    def _key(self, ch: str) -> str:
        return ch.lower() if self._fold else ch

    def _candidates_for(self, prefix: str) -> re.Pattern[str] | None:
        """The alternatives that can match text opening with `prefix` (its first two characters,
        the first one that some form starts with)."""
        ch = prefix[0]
        if not ch.isascii():
            # A non-ASCII character that folds onto a form's first letter (Kelvin sign, long s)
            # is rare enough to hand to the whole alternation.
            return self.full
        first = ch.lower() if self._fold else ch
        nxt = prefix[1:]
        if not nxt.isascii():  # the same folding question for the second character
            return self._groups.get(first) if self._groups is not None else None
        pairs = self._pairs.get(first)
        if pairs is None:
            return None
        return pairs.get(nxt.lower() if self._fold else nxt, self._unpaired[first])

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches `self.full.finditer(text)` gives, in the same order."""
        if self._groups is None or self._starts is None:
            yield from self.full.finditer(text)
            return
        pos = 0
        by_prefix = self._by_prefix
        for c in self._starts.finditer(text):
            p = c.start()
            if p < pos:
                continue
            prefix = text[p : p + 2]
            # The choice depends on the two characters only: worked out once per pair.
            pattern = by_prefix.get(prefix, _UNKNOWN)
            if pattern is _UNKNOWN:
                pattern = by_prefix[prefix] = self._candidates_for(prefix)
            m = pattern.match(text, p) if pattern is not None else None
            if m is not None:
                yield m
                pos = m.end()


@functools.lru_cache(maxsize=1024)
def _word_patterns(source: str, flags: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`source` compiled whole and without its opening WORD_START lookbehind."""
    return re.compile(source, flags), re.compile(source[len(WORD_START) :], flags)


def finditer_word(source: str, text: str, flags: int = 0) -> Iterator[re.Match[str]]:
    """The matches `re.finditer(source, text, flags)` gives, for a `source` that opens with
    WORD_START and never matches empty text (as `surface_regex` builds them).

    `re` can jump ahead to a pattern's literal first characters, but not when the pattern opens
    with a lookbehind: then it tries every position of the text.  Searching for the pattern
    without the lookbehind finds the only places a match can begin; the whole pattern, tried
    there, decides (a lookbehind sees the text before the position `match` starts at).
    """
    if not source.startswith(WORD_START):
        yield from re.finditer(source, text, flags)
        return
    whole, rest = _word_patterns(source, flags)
    pos = 0
    while (candidate := rest.search(text, pos)) is not None:
        m = whole.match(text, candidate.start())
        if m is None:
            pos = candidate.start() + 1
            continue
        yield m
        pos = max(m.end(), m.start() + 1)


def _start_of_runs_before(text: str, end: int, runs: int) -> int:
    """Where the `runs`-th whitespace-free run before `end` starts (0 when there are fewer)."""
    i = end
    for _ in range(runs):
        while i > 0 and text[i - 1].isspace():
            i -= 1
        while i > 0 and not text[i - 1].isspace():
            i -= 1
    return i


def finditer_before(pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, runs: int) -> Iterator[re.Match[str]]:
    """The matches `pattern.finditer(text)` gives, for a pattern whose every match runs up to a
    place where `anchor` matches (never inside another of anchor's matches) and starts within
    the `runs` whitespace-free runs before that place.  Only those stretches of text are tried,
    position by position in order, so the leftmost match is still found first: worth it when
    the anchor is rare and the pattern opens with a long alternation `re` tries everywhere."""
    pos = 0
    for a in anchor.finditer(text):
        p = max(pos, _start_of_runs_before(text, a.start(), runs))
        while p < a.start():
            m = pattern.match(text, p)
            if m is None:
                p += 1
                continue
            yield m
            p = pos = m.end()
        pos = max(pos, a.start())
