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

Finding those places is itself a scan of every character, and most words start with a letter some
form starts with.  So the scan checks more than the first character: the first few characters (and
the whitespace between words) each form's regex requires (`_leading_tests`), all the forms' as one
prefix tree.  A case-insensitive alternation scans the text lower-cased, without IGNORECASE, which
`re` runs about twice as fast: `str.lower` keeps every other character where it is, a word
character a word character and whitespace whitespace, and the only non-ASCII letters IGNORECASE
folds onto ASCII ones either lower to theirs or are accepted wherever a letter is (`_case_folds`);
a text in which lower-casing moves characters is scanned the old way.  The scan only skips places
where no form can match; what matches is still decided on the original text.
"""

from __future__ import annotations

import array
import functools
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence

from govmap.sources.misread_ai import I_PRINTED

__all__ = [
    "WORD_START",
    "Alternation",
    "alternations",
    "finditer_before",
    "finditer_before_places",
    "finditer_in_windows",
    "finditer_word",
    "lowered_for_scan",
]

# How `surface_regex` opens every form: no letter or digit just before it.
WORD_START = r"(?<![\w])"


_UNKNOWN = object()  # a text prefix `Alternation.finditer` has not met yet

# How many leading tests of each form the position scan checks (a test: one character, or the
# whitespace between two words): a form's first word alone is often a common word ("National",
# "Government"), so the scan reads into the next ones; past fourteen, checking more saves little.
SCAN_PREFIX_TESTS = 14
# What `surface_regex` makes of the "I" in "AI": OCR "Al" reads as "AI".
_OCR_I = I_PRINTED
# What `surface_regex` puts between two words.
_BETWEEN_WORDS = r"\s+"
# After a character test, these make it optional, repeated or one alternative of several.
_QUANTIFIERS = frozenset("?*+{|")


@functools.cache
def _case_folds() -> str:
    """The lower-cased forms of the non-ASCII characters that IGNORECASE matches to an ASCII
    letter, where those stay non-ASCII (U+017F LONG S, U+0131 DOTLESS I): asked of `re` itself,
    over every character (decoded from their code points in one go: a str of each is slower)."""
    codes = array.array("I", range(0x80, sys.maxunicode + 1))
    if codes.itemsize == 4:
        non_ascii = codes.tobytes().decode(f"utf-32-{sys.byteorder[0]}e", "surrogatepass")
    else:
        non_ascii = "".join(map(chr, codes))
    lowered = {c.lower() for c in re.findall("[a-z]", non_ascii, re.IGNORECASE)}
    return "".join(sorted(c for c in lowered if len(c) == 1 and not c.isascii()))


def _top_level_alternation(source: str) -> bool:
    """Whether `source` has a "|" outside every group and class (then it opens no fixed way)."""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            # a "]" first in a class (after any "^") is one of its characters
            i += 2 if source.startswith("^]", i + 1) else 1 if source.startswith("]", i + 1) else 0
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def _leading_tests(source: str, limit: int = SCAN_PREFIX_TESTS) -> list[str]:
    """The tests `source` makes right after its WORD_START, in order, up to `limit`: plain ASCII
    letters and digits, `_OCR_I`, and (after a first character) `_BETWEEN_WORDS`.  Stops at
    anything else (an escape, a class, a group), and before a test a quantifier changes; [] when
    the source does not open with WORD_START or is an alternation at its top level."""
    if not source.startswith(WORD_START) or _top_level_alternation(source):
        return []
    tests: list[str] = []
    i = len(WORD_START)
    while len(tests) < limit:
        if source.startswith(_OCR_I, i):
            test = _OCR_I
        elif source.startswith(_BETWEEN_WORDS, i) and tests:
            test = _BETWEEN_WORDS
        elif source[i : i + 1].isascii() and source[i : i + 1].isalnum():
            test = source[i]
        else:
            break
        i += len(test)
        if source[i : i + 1] in _QUANTIFIERS:
            break
        tests.append(test)
    return tests


def _prefix_tree_regex(tree: dict, test_regex: Callable[[str], str]) -> str:
    """A regex for the paths of a prefix tree (test -> subtree; None marks a path's end, after
    which anything may follow), each test written as `test_regex` gives it."""
    if None in tree:
        return ""
    branches = [test_regex(test) + _prefix_tree_regex(sub, test_regex) for test, sub in sorted(tree.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _word_start_after_first(tree: dict) -> str:
    """The prefix tree as one branch per first test (always a character), each looking back for
    the word start only after it: a regex whose branches all open with a literal lets `re` skip
    to those characters, which for a case-sensitive tree are mostly capitals, rare in a text.  A
    match takes that character (a word character: no other form can start inside it)."""
    branches = []
    for test, sub in sorted(tree.items()):
        rest = "" if None in sub else "(?=" + _prefix_tree_regex(sub, str) + ")"
        branches.append(test + r"(?<!\w\w)" + rest)  # no word character before the first one
    return "(?:" + "|".join(branches) + ")"


def _lower_test(test: str) -> str:
    return test.lower()


def _folding_test(test: str) -> str:
    """A lower-cased test that also accepts the characters IGNORECASE folds onto letters."""
    if test == _BETWEEN_WORDS:
        return test
    chars = test.strip("[]")  # one character, or the letters of `_OCR_I`
    return "[" + chars.lower() + re.escape(_case_folds()) + "]"


class _PrefixScan:
    """Matches starting at least wherever one of the sources can start to match: a word start
    followed by one form's leading tests (`_leading_tests`), the forms as one prefix tree.  A
    case-folding scan runs on the lower-cased text, without IGNORECASE."""

    def __init__(self, sources: Sequence[str], fold: bool) -> None:
        tree: dict = {}
        for source in sources:
            node = tree
            for test in _leading_tests(source):
                node = node.setdefault(test.lower() if fold else test, {})
            node[None] = {}
        self.fold = fold
        self._tree = tree
        if fold:
            _case_folds()  # worked out once per process, before the pipeline's workers start
            # lower-case letters are most of a text: there, looking for the word start first is faster
            self._plain = re.compile(WORD_START + "(?=" + _prefix_tree_regex(tree, _lower_test) + ")")
        else:
            self._plain = re.compile(_word_start_after_first(tree))

    @classmethod
    def of(cls, sources: Sequence[str], fold: bool) -> "_PrefixScan | None":
        """The scan, or None when some source has no leading test to check."""
        return cls(sources, fold) if all(_leading_tests(source) for source in sources) else None

    def places(self, text: str) -> Iterator[re.Match[str]] | None:
        """The scan's matches in `text` (offsets into `text`); None when lower-casing `text`
        moves characters (U+0130 lowers to two)."""
        if not self.fold:
            return self._plain.finditer(text)
        lowered = text.lower()
        if len(lowered) != len(text):
            return None
        # The plain tree is faster; the folding one is needed only where a folded letter stands.
        folded = any(c in lowered for c in _case_folds())
        return (self._folding if folded else self._plain).finditer(lowered)

    @functools.cached_property
    def _folding(self) -> re.Pattern[str]:
        """The tree whose letters also accept what IGNORECASE folds onto them (compiled when a
        text first needs it: rarely)."""
        return re.compile(WORD_START + "(?=" + _prefix_tree_regex(self._tree, _folding_test) + ")")


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
    keys = {second, *_OCR_I.strip("[]")} if form[:2] == "AI" else {second}
    return frozenset(k.lower() for k in keys) if fold else frozenset(keys)


@functools.lru_cache(maxsize=None)
def _compile_any(sources: tuple[str, ...], flags: int) -> re.Pattern[str] | None:
    """The sources as one alternation, compiled the first time some text needs it: a large
    knowledge base has hundreds of (first, second character) groups, seconds of compilation that
    a document needs only a part of."""
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
        # first character -> the sources of the forms that start with it
        self._groups: dict[str, tuple[str, ...]] | None = None
        # first character -> next character -> the group's forms that can go on with it
        self._pairs: dict[str, dict[str, tuple[str, ...]]] = {}
        # first character -> the group's forms whose second character is not a fixed one
        self._unpaired: dict[str, tuple[str, ...]] = {}
        self._starts: re.Pattern[str] | None = None
        # Places some form's first characters stand; None: scan with _starts.
        self._scan: _PrefixScan | None = None
        self._by_prefix: dict[str, re.Pattern[str] | None] = {}
        if items and all(_dispatchable(form) for form, _ in items):
            by_char: dict[str, list[tuple[str, str]]] = {}
            for form, src in items:
                by_char.setdefault(self._key(form[0]), []).append((form, src))
            self._groups = {c: tuple(src for _, src in group) for c, group in by_char.items()}
            for c, group in by_char.items():
                self._index_second_characters(c, group)
            chars = "".join(sorted({form[0] for form, _ in items}))
            # The same flags decide which text characters can open a form (case folding included).
            self._starts = re.compile(r"(?<![\w])[" + re.escape(chars) + "]", flags)
            if flags in (0, re.IGNORECASE):
                self._scan = _PrefixScan.of(self._sources, self._fold)

    def _index_second_characters(self, first: str, group: list[tuple[str, str]]) -> None:
        keyed = [(_second_keys(form, self._fold), src) for form, src in group]
        seconds = {k for keys, _ in keyed if keys is not None for k in keys}
        self._pairs[first] = {k: tuple(src for keys, src in keyed if keys is None or k in keys) for k in seconds}
        self._unpaired[first] = tuple(src for keys, src in keyed if keys is None)

    @property
    def dispatches(self) -> bool:
        """True when a match is tried only with the forms that start with the text's characters."""
        return self._groups is not None

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
            return _compile_any(self._groups.get(first, ()), self.flags) if self._groups is not None else None
        pairs = self._pairs.get(first)
        if pairs is None:
            return None
        return _compile_any(pairs.get(nxt.lower() if self._fold else nxt, self._unpaired[first]), self.flags)

    def _places(self, text: str) -> Iterator[re.Match[str]]:
        """Where a form may start: `_scan`'s places when it can tell, else `_starts`'."""
        places = self._scan.places(text) if self._scan is not None else None
        return places if places is not None else self._starts.finditer(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches `self.full.finditer(text)` gives, in the same order."""
        if self._groups is None or self._starts is None:
            yield from self.full.finditer(text)
            return
        pos = 0
        by_prefix = self._by_prefix
        for c in self._places(text):
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


def alternations(forms: Iterable[str], regex: Callable[[str], str], flags: int = 0) -> list[Alternation]:
    """`forms` (longest first) as alternations that keep the per-character shortcut: the few
    forms that open with a non-ASCII letter or a symbol ("Ørsted Institute", "(ISC)²") get one
    of their own, run as a plain regex, so that one such name never turns the scan over every
    other form into a single IGNORECASE alternation tried at each position of the text (a
    hundred times slower on a long document).  The lists' matches may overlap each other."""
    ordered = sorted(dict.fromkeys(forms), key=lambda s: (-len(s), s))
    split = ([f for f in ordered if _dispatchable(f)], [f for f in ordered if not _dispatchable(f)])
    return [Alternation([(f, regex(f)) for f in group], flags) for group in split if group]


@functools.lru_cache(maxsize=1024)
def _without_word_start(source: str, flags: int) -> re.Pattern[str]:
    """`source` compiled without its opening WORD_START lookbehind."""
    return re.compile(source[len(WORD_START) :], flags)


# What WORD_START looks behind for (flags that change it leave `finditer_word` to `re`).
_WORD_CHAR = re.compile(r"\w")


def finditer_word(source: str, text: str, flags: int = 0) -> Iterator[re.Match[str]]:
    """The matches `re.finditer(source, text, flags)` gives, for a `source` that opens with
    WORD_START and never matches empty text (as `surface_regex` builds them).

    `re` can jump ahead to a pattern's literal first characters, but not when the pattern opens
    with a lookbehind: then it tries every position of the text.  Searching for the pattern
    without the lookbehind finds the only places a match can begin; a match there stands when
    no word character comes before it, which is what the lookbehind would check.  (Compiling
    only that pattern also halves the cost of a new name.)
    """
    if not source.startswith(WORD_START) or flags & (re.ASCII | re.LOCALE):
        yield from re.finditer(source, text, flags)
        return
    rest = _without_word_start(source, flags)
    pos = 0
    while (m := rest.search(text, pos)) is not None:
        start = m.start()
        if start and _WORD_CHAR.match(text, start - 1):
            pos = start + 1
            continue
        yield m
        pos = max(m.end(), start + 1)


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
    return finditer_before_places(pattern, (a.start() for a in anchor.finditer(text)), text, runs)


def finditer_before_places(
    pattern: re.Pattern[str], places: Iterable[int], text: str, runs: int
) -> Iterator[re.Match[str]]:
    """`finditer_before` with the anchor's places given (in order), found however is cheapest."""
    return finditer_in_windows(pattern, ((_start_of_runs_before(text, place, runs), place) for place in places), text)


def finditer_in_windows(
    pattern: re.Pattern[str], windows: Iterable[tuple[int, int]], text: str
) -> Iterator[re.Match[str]]:
    """The matches `pattern.finditer(text)` gives, for a pattern that never matches empty text
    and whose every match starts inside one of the `windows` (start, end): only those positions
    are tried, in order (overlapping windows are joined first)."""
    pos = 0
    for lo, hi in _joined(windows):
        p = max(pos, lo)
        while p < hi:
            m = pattern.match(text, p)
            if m is None:
                p += 1
                continue
            yield m
            p = pos = m.end()


def _joined(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The windows, sorted, with those that overlap or touch merged into one."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def lowered_for_scan(text: str) -> str | None:
    """`text.lower()`, in which a search without IGNORECASE for lower-case ASCII words (with
    whitespace and punctuation) finds them exactly where an IGNORECASE search finds them in
    `text`, at the same offsets; None when it would not: lower-casing moved characters (U+0130
    lowers to two), or the text holds a letter IGNORECASE folds onto an ASCII one that stays
    non-ASCII lower-cased (U+017F LONG S)."""
    lowered = text.lower()
    if len(lowered) != len(text) or any(c in lowered for c in _case_folds()):
        return None
    return lowered
