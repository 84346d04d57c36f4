"""Rating scales as data: each scale names its ordered values, and a value's score is its rank in [0, 1].

    scale = detect_scale(["Strong", "Mixed", "Weak", "Uncertain"])   # strong-mixed-weak
    scale.score("Mixed")       # 0.5
    scale.score("Uncertain")   # None: printed, kept, but not on the scale
    PRESENCE.score("x")        # 1.0; PRESENCE.score("") -> 0.0

Ordinal scales list their values from lowest to highest; value i of n scores i / (n - 1).  Synonyms
("moderate" for "medium") map onto a listed value.  Numeric scales score (v - low) / (high - low).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

__all__ = [
    "Scale",
    "ORDINAL_SCALES",
    "NUMERIC_SCALES",
    "PRESENCE",
    "PRESENCE_MARKS",
    "DEFAULT_MIN_SCALE_SHARE",
    "normalize_rating",
    "detect_scale",
    "is_presence_mark",
    "LINE_SCALES",
    "NOT_APPLICABLE",
    "read_judgement",
    "detect_line_scale",
    "is_number",
]

# Marks that say "this option has this feature" in a presence matrix.  "✗"/"-" are absences printed
# explicitly, so they read as blank.
PRESENCE_MARKS = frozenset({"x", "✓", "✔", "☑", "●", "•", "■", "✅", "yes", "y", "*"})
PRESENCE_ABSENT = frozenset({"", "✗", "✘", "❌", "-", "–", "—", "no", "n"})
# Share of a matrix's non-blank cells that must be values of one scale for the table to be read
# as rated on it; the rest keep their text with score None ("Uncertain", "TBD").
DEFAULT_MIN_SCALE_SHARE = 0.6

_TRAILING = re.compile(r"[\s.:;,*_]+$")
_LEADING = re.compile(r"^[\s*_]+")


def normalize_rating(text: str | None) -> str:
    """Comparable form of a printed rating: lower case, no surrounding space, markup or full stop."""
    if text is None:
        return ""
    text = _LEADING.sub("", _TRAILING.sub("", text))
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Scale:
    """A named scale.  ``values`` are the canonical values from lowest to highest; ``synonyms`` map
    other printed forms onto them.  A numeric scale has ``low``/``high`` instead of values."""

    name: str
    values: tuple[str, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None

    def canonical(self, rating: str | None) -> str | None:
        """The scale value a printed rating stands for, or None when it is not on this scale."""
        key = normalize_rating(rating)
        if self.low is not None and self.high is not None:
            try:
                value = float(key)
            except ValueError:
                return None
            return key if self.low <= value <= self.high else None
        key = self.synonyms.get(key, key)
        return key if key in self.values else None

    def score(self, rating: str | None) -> float | None:
        """The rating's score in [0, 1], or None when it is not on this scale."""
        key = self.canonical(rating)
        if key is None:
            return None
        if self.low is not None and self.high is not None:
            return (float(key) - self.low) / (self.high - self.low)
        return self.values.index(key) / (len(self.values) - 1)


def _ordinal(name: str, values: Iterable[str], **synonyms: str) -> Scale:
    return Scale(name=name, values=tuple(values), synonyms={k.replace("_", " "): v for k, v in synonyms.items()})


# Lowest first.  Names list the values highest first, as reports print them in legends.
ORDINAL_SCALES: tuple[Scale, ...] = (
    _ordinal("strong-mixed-weak", ("weak", "mixed", "strong"), moderate="mixed", partial="mixed"),
    _ordinal("high-medium-low", ("low", "medium", "high"), moderate="medium", med="medium", mid="medium"),
    _ordinal("yes-partial-no", ("no", "partial", "yes"), partly="partial", partially="partial", some="partial"),
    _ordinal("good-fair-poor", ("poor", "fair", "good")),
    _ordinal("strong-moderate-weak", ("weak", "moderate", "strong")),
    _ordinal("very-high-to-very-low", ("very low", "low", "medium", "high", "very high"), moderate="medium"),
)
NUMERIC_SCALES: tuple[Scale, ...] = (
    Scale(name="numeric-1-5", low=1.0, high=5.0),
    Scale(name="numeric-1-10", low=1.0, high=10.0),
)


class _Presence(Scale):
    def canonical(self, rating: str | None) -> str | None:
        key = normalize_rating(rating)
        if key in PRESENCE_MARKS:
            return "x"
        if key in PRESENCE_ABSENT:
            return ""
        return None

    def score(self, rating: str | None) -> float | None:
        key = self.canonical(rating)
        return None if key is None else (1.0 if key == "x" else 0.0)


PRESENCE: Scale = _Presence(name="presence", values=("", "x"))


def is_presence_mark(text: str | None) -> bool:
    return normalize_rating(text) in PRESENCE_MARKS


def detect_scale(values: Iterable[str | None], *, min_share: float = DEFAULT_MIN_SCALE_SHARE) -> Scale | None:
    """The scale a matrix's cell values are printed on, or None when they are not ratings.

    values: every body cell of the matrix (None and "" are blanks).  Presence when every non-blank
    cell is a presence mark; otherwise the ordinal or numeric scale covering the most non-blank
    cells, if it covers at least `min_share` of them and at least two cells.  Out-of-scale values
    must be short (a word or two) — long text means a description table, not a rating matrix.
    """
    printed = [normalize_rating(v) for v in values]
    filled = [v for v in printed if v]
    if not filled:
        return None
    if all(v in PRESENCE_MARKS for v in filled):
        return PRESENCE
    if any(len(v.split()) > 3 for v in filled):
        return None
    counts = Counter(filled)
    best: tuple[int, int, Scale] | None = None
    for scale in (*ORDINAL_SCALES, *NUMERIC_SCALES):
        covered = sum(n for v, n in counts.items() if scale.canonical(v) is not None)
        # On a tie the scale whose own words are printed wins over one reached through synonyms
        # ("moderate" is strong-moderate-weak's word, a synonym in strong-mixed-weak).
        direct = sum(n for v, n in counts.items() if v in scale.values)
        if covered and (best is None or (covered, direct) > best[:2]):
            best = (covered, direct, scale)
    if best is None or best[0] < 2 or best[0] < min_share * len(filled):
        return None
    return best[2]


# ---------------------------------------------------------------------------------------------
# Judgement lines: one criterion's values (a column, or a row when the columns are the subjects),
# read when the table as a whole is on no single scale — comparison tables whose rows each have
# their own scale, or whose value cells carry a qualifier ("Yes (since 2024)", "High; mandated").

# Printed for "does not apply": neither on nor off a scale, so left out of the share.
NOT_APPLICABLE = frozenset({"n/a", "na", "n.a", "not applicable", "-", "–", "—", "tbd", "?"})
# Marks that stand for a scale's words.  Harvey balls and traffic lights are ordinal marks.
_MARK_WORDS = {
    "✓": "yes",
    "✔": "yes",
    "✔️": "yes",
    "☑": "yes",
    "✅": "yes",
    "✗": "no",
    "✘": "no",
    "❌": "no",
    "✖": "no",
    "✖️": "no",
    "⚠️": "partial",
    "⚠": "partial",
    "~": "partial",
    "◐": "partial",
    "◑": "partial",
}

LINE_SCALES: tuple[Scale, ...] = (
    _ordinal(
        "yes-partial-no",
        ("no", "partial", "yes"),
        partly="partial",
        partially="partial",
        some="partial",
        limited="partial",
        mixed="partial",
        **{"in part": "partial"},
    ),
    _ordinal(
        "very-high-to-very-low",
        ("very low", "low", "medium", "high", "very high"),
        moderate="medium",
        med="medium",
        limited="low",
        minimal="very low",
        significant="high",
        none="very low",
    ),
    _ordinal(
        "strong-moderate-weak",
        ("weak", "moderate", "strong"),
        mixed="moderate",
        medium="moderate",
        limited="weak",
        partial="moderate",
    ),
    _ordinal("good-fair-poor", ("poor", "fair", "good"), excellent="good", adequate="fair", weak="poor"),
    _ordinal(
        "extensive-moderate-minimal", ("minimal", "moderate", "extensive"), limited="minimal", comprehensive="extensive"
    ),
    _ordinal("harvey-balls", ("○", "◔", "◐", "◕", "●")),
    _ordinal(
        "green-amber-red",
        ("red", "amber", "green"),
        **{"🔴": "red", "🟠": "amber", "🟡": "amber", "🟢": "green", "yellow": "amber"},
    ),
)
_GRADE = re.compile(r"^([a-f])([+-]?)$")
_STARS = re.compile(r"^([★⭐✪*]+)([☆✩]*)$")
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:/|out of|of)\s*(\d+(?:\.\d+)?)$")
_NUMBER = re.compile(r"^[~≈<>]?\s*[-+]?\d+(?:[.,]\d+)*\s*%?$")
# Between a rating word and its qualifier: "High; mandated", "Yes (via ...)", "Strong — ...".  Not a
# full stop: "Mixed. <sentences>" is a paragraph of reasons that opens with a rating, not a cell value.
_QUALIFIER = re.compile(r"^\s*(?:[;:,(\[–—]|\s-\s)")
# A rating with a qualifier stays short; a longer cell is prose about the subject.
MAX_JUDGEMENT_WORDS = 10
_GRADES = _ordinal("grade-a-f", ("f", "e", "d", "c", "b", "a"))
_STAR_SCALE = Scale(name="stars", low=0.0, high=1.0)
_FRACTION_SCALE = Scale(name="fraction", low=0.0, high=1.0)


def is_number(text: str | None) -> bool:
    """A printed number, optionally with a leading "~" or a trailing "%" ("84.80", "1,200", "45%")."""
    return bool(_NUMBER.match(normalize_rating(text)))


_LONGEST_FIRST: dict[str, tuple[str, ...]] = {}


def _words_longest_first(scale: Scale) -> tuple[str, ...]:
    words = _LONGEST_FIRST.get(scale.name)
    if words is None:
        words = _LONGEST_FIRST[scale.name] = tuple(sorted((*scale.values, *scale.synonyms), key=len, reverse=True))
    return words


def _lead(scale: Scale, key: str) -> float | None:
    """Score of a normalised cell on an ordinal scale: a value, two values joined by "-" or "to"
    ("low-medium": their mean), or a value followed by a qualifier ("yes (since 2024)")."""
    key = _MARK_WORDS.get(key, key)
    value = scale.synonyms.get(key, key)
    if value in scale.values:
        return scale.values.index(value) / (len(scale.values) - 1)
    for sep in ("-", "–", " to ", "/"):
        if sep in key:
            a, _, b = key.partition(sep)
            a, b = scale.synonyms.get(a.strip(), a.strip()), scale.synonyms.get(b.strip(), b.strip())
            if a in scale.values and b in scale.values:
                n = len(scale.values) - 1
                return (scale.values.index(a) + scale.values.index(b)) / (2 * n)
    # The longest value (or synonym) the cell opens with, if a qualifier follows it.
    for word in _words_longest_first(scale):
        if key.startswith(word) and _QUALIFIER.match(key[len(word) :]):
            value = scale.synonyms.get(word, word)
            return scale.values.index(value) / (len(scale.values) - 1)
    return None


def read_judgement(scale: Scale, text: str | None) -> float | None:
    """The score in [0, 1] of a printed cell on a line scale, or None when it is not on it."""
    return _judge(scale, normalize_rating(text))


def _judge(scale: Scale, key: str) -> float | None:
    if not key or len(key.split()) > MAX_JUDGEMENT_WORDS:
        return None
    if key[0].isdigit() and scale is not _FRACTION_SCALE:
        return None  # no word scale, grade or star rating opens with a digit
    if scale is _GRADES:
        m = _GRADE.match(key)
        return None if m is None else scale.values.index(m.group(1)) / (len(scale.values) - 1)
    if scale is _STAR_SCALE:
        m = _STARS.match(key.replace(" ", ""))
        if m is None:
            return None
        full, empty = len(m.group(1)), len(m.group(2))
        return full / (full + empty) if empty else None  # "★★★" alone: its maximum is not printed
    if scale is _FRACTION_SCALE:
        m = _FRACTION.match(key)
        # "73/84" counts documents; a rating is out of a small maximum or out of 100.
        if (
            m is None
            or not (0 < float(m.group(2)) <= 10 or float(m.group(2)) == 100)
            or float(m.group(1)) > float(m.group(2))
        ):
            return None
        return float(m.group(1)) / float(m.group(2))
    return _lead(scale, key)


def detect_line_scale(values: Iterable[str | None], *, min_share: float = DEFAULT_MIN_SCALE_SHARE) -> Scale | None:
    """The scale one criterion's values are judgements on, or None.

    Blank and "n/a" cells are left out; of the rest, at least two and at least `min_share` must be
    on the scale (a value, a compound "Low-Medium", or a value with a qualifier).  Grades (A-F),
    stars (★★☆) and fractions (3/5) are scales of their own.
    """
    printed = [normalize_rating(v) for v in values]
    filled = [v for v in printed if v and v not in NOT_APPLICABLE]
    if not filled:
        return None
    # Only short cells can be judgements: decide on them before trying every scale.
    short = [v for v in filled if len(v.split()) <= MAX_JUDGEMENT_WORDS]
    if len(short) < 2 or len(short) < min_share * len(filled):
        return None
    counts = Counter(short)
    best: tuple[int, Scale] | None = None
    for scale in (*LINE_SCALES, _GRADES, _STAR_SCALE, _FRACTION_SCALE):
        covered = sum(n for v, n in counts.items() if _judge(scale, v) is not None)
        if covered and (best is None or covered > best[0]):
            best = (covered, scale)
    if best is None or best[0] < 2 or best[0] < min_share * len(filled):
        return None
    return best[1]
