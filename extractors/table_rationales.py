"""Rationales for a rating matrix given elsewhere in the document, e.g. an appendix where, under
a heading naming each rated subject, lines such as

    Criterion 1: Competent<TAB>Uncertain. <why>
    Competent: Strong — <why>

explain each (subject, criterion) rating.  `find_rationales` reads the pages' normalised text line
by line: a heading equal to a subject (or an alias of it: "The Network of AISIs" for "AISI Network",
"The OECD (or Other ...)" for "OECD") opens that subject's section; a criterion line opens a
rationale, which runs over the wrapped lines that follow until a blank line, the next criterion
line, or a heading.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from govmap.extractors.linking import Linker
from govmap.extractors.scales import Scale, normalize_rating
from govmap.sources.model import Document

__all__ = ["Rationale", "find_rationales", "subject_tokens"]

log = logging.getLogger(__name__)

# A heading is short; longer lines are prose even without a full stop (wrapped PDF lines).
MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 12
_STOPWORDS = frozenset({"the", "of", "or", "and", "for", "a", "an", "on", "in", "its"})
_PARENTHETICAL = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_HEADING_MARKUP = re.compile(r"^[#*_>\s\d.]*|[*_:\s]+$")
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]\s*$")
# "Uncertain. <why>", "Strong — <why>", "Mixed: <why>": a rating word of one to three words.
_RATING_LEAD = re.compile(r"^(?P<word>[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,2}?)\s*(?:[.:;–—]|\s-)\s*(?P<reason>.*)$", re.S)


@dataclass(frozen=True)
class Rationale:
    subject: str
    criterion: str
    rating_word: str | None  # the rating repeated before the reasons, as printed
    text: str  # the reasons, on one line
    page: int


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def subject_tokens(text: str) -> frozenset[str]:
    """Order-free comparable words of a name: 'The Network of AISIs' == 'AISI Network'."""
    text = _PARENTHETICAL.sub(" ", text.lower())
    return frozenset(_singular(w) for w in _WORD.findall(text) if w not in _STOPWORDS)


def _heading_text(line: str) -> str:
    return " ".join(_HEADING_MARKUP.sub("", line).split())


def _looks_like_heading(line: str, prev: str, nxt: str) -> bool:
    """Short, unpunctuated line after a finished sentence (or a blank) and before a new one.

    Wrapped prose lines also lack final punctuation, but follow an unfinished line or are
    followed by a lower-case continuation.
    """
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or "\t" in text:
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "#*"):
        return False
    if re.search(r"[.,;!?]$", text.rstrip("*_ ")):
        return False
    prev_done = not prev.strip() or bool(_SENTENCE_END.search(prev.strip()))
    next_fresh = not nxt.strip() or nxt.strip()[0].isupper() or nxt.strip()[0] in "#*["
    return prev_done and next_fresh


def _criterion_patterns(criteria: Sequence[str]) -> list[tuple[str, re.Pattern[str]]]:
    """One pattern per criterion, longest first so "Globally Inclusive" wins over "Inclusive"."""
    out = []
    for criterion in sorted(criteria, key=len, reverse=True):
        name = r"\s+".join(re.escape(w) for w in criterion.split())
        labelled = rf"^[\s*_•-]*criteri(?:on|a)\s*\d*\s*[:.–—-]?\s*[*_]*{name}[*_]*\s*(?:[:\t–—-]|\s)\s*(?P<rest>.*)$"
        bare = rf"^[\s*_•-]*[*_]*{name}[*_]*\s*(?:[:\t–—]|\s-)\s*(?P<rest2>.+)$"
        out.append((criterion, re.compile(rf"{labelled}|{bare}", re.I | re.S)))
    return out


def _match_subject(
    line: str,
    subjects: Sequence[str],
    tokens: Mapping[str, frozenset[str]],
    keys: Mapping[str, str | None],
    linker: Linker | None,
) -> str | None:
    heading = _heading_text(line)
    if not heading or len(heading.split()) > MAX_HEADING_WORDS:
        return None
    words = subject_tokens(heading)
    for subject in subjects:
        if words and words == tokens[subject]:
            return subject
    if linker is not None:
        key = linker.link(_PARENTHETICAL.sub(" ", heading).strip())
        if key is not None:
            for subject in subjects:
                if keys.get(subject) == key:
                    return subject
    return None


def _split_rating(rest: str, expected: str | None, scale: Scale | None) -> tuple[str | None, str]:
    """(rating word, reasons) of a rationale's text; the word only when it is the expected
    rating or a value of the scale."""
    m = _RATING_LEAD.match(rest)
    if m:
        word = m.group("word")
        norm = normalize_rating(word)
        known = norm == normalize_rating(expected) or (scale is not None and scale.canonical(word) is not None)
        if known:
            return word, m.group("reason").strip()
    return None, rest.strip()


def find_rationales(
    document: Document,
    *,
    subjects: Sequence[str],
    criteria: Sequence[str],
    ratings: Mapping[tuple[str, str], str] | None = None,
    scale: Scale | None = None,
    linker: Linker | None = None,
) -> dict[tuple[str, str], Rationale]:
    """Rationales found in the document's pages, by (subject, criterion).

    subjects, criteria: as printed in the matrix.  ratings: the printed rating of each
    (subject, criterion), used to tell the repeated rating word from the reasons; a rationale
    that opens with a different value of `scale` contradicts the table and is dropped.
    linker: lets a heading name a subject by an alias.  The first rationale found for a pair wins.
    """
    ratings = ratings or {}
    tokens = {s: subject_tokens(s) for s in subjects}
    keys = {s: (linker.link(s) if linker is not None else None) for s in subjects}
    patterns = _criterion_patterns(criteria)
    lines = [(page.number, line) for page in document.pages for line in page.text.split("\n")]

    found: dict[tuple[str, str], Rationale] = {}
    # The subject a line names, worked out once per distinct line: running headers, footers and
    # rating words repeat on every page.
    subject_of: dict[str, str | None] = {}
    subject: str | None = None
    open_key: tuple[str, str] | None = None
    open_page = 0
    parts: list[str] = []

    def close() -> None:
        nonlocal open_key, parts
        if open_key is not None and open_key not in found and parts:
            rest = " ".join(" ".join(parts).split())
            expected = ratings.get(open_key)
            word, reason = _split_rating(rest, expected, scale)
            if word is not None and expected is not None and normalize_rating(word) != normalize_rating(expected):
                log.debug("rationale for %s / %s says %r, table says %r; dropped", *open_key, word, expected)
            elif reason:
                found[open_key] = Rationale(open_key[0], open_key[1], word, reason, open_page)
        open_key, parts = None, []

    for i, (page_no, line) in enumerate(lines):
        prev = lines[i - 1][1] if i else ""
        nxt = lines[i + 1][1] if i + 1 < len(lines) else ""
        if not line.strip():
            close()
            continue
        criterion_hit = None
        if subject is not None:
            for criterion, pattern in patterns:
                m = pattern.match(line.strip())
                if m:
                    criterion_hit = (criterion, m.group("rest") or m.group("rest2") or "")
                    break
        if criterion_hit is not None:
            close()
            open_key, open_page, parts = (subject, criterion_hit[0]), page_no, [criterion_hit[1]]
            continue
        heading_like = _looks_like_heading(line, prev, nxt)
        matched = None
        if heading_like or not open_key:
            if line not in subject_of:
                subject_of[line] = _match_subject(line, subjects, tokens, keys, linker)
            matched = subject_of[line]
        if matched is not None:
            close()
            subject = matched
            continue
        if open_key is not None:
            if heading_like:
                close()
            else:
                parts.append(line.strip())
    close()
    return found
