"""`govmap_sentences`: sentence boundaries for report text, without a trained parser.

Report text mixes prose paragraphs, headings, list items and table rows, and PDF text is
hard-wrapped.  A newline therefore ends a sentence only when the line looks finished (it ends in
sentence punctuation, is followed by a blank line, or the next line opens a list item or table
row); full stops inside a line end a sentence when a capitalised word follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from govmap.extractors.extensions import doc_text

__all__ = ["SentenceSplitter"]

_END = frozenset(".!?:;")
# Markers that open a list item in the middle of a line ("... in 2024. - The UK ..." or "• ...").
_INLINE_MARKERS = frozenset({"-", "\u2013", "\u2022", "\u25aa", "\u25e6", "*"})
# PDF text drawn in a symbol font (Symbol, Wingdings) maps its bullets and arrows into this
# private-use block; a lone glyph of it in running text is a list marker, never a word.
_SYMBOL_FONT_GLYPHS = frozenset(chr(c) for c in range(0xF020, 0xF100))
# Bullets that open an item wherever they stand (a dash may be a clause dash, so it needs a full stop).
_BULLETS = frozenset({"\u2022", "\u25aa", "\u25e6"}) | _SYMBOL_FONT_GLYPHS
_QUOTES = frozenset("\"\u201d\u2019'")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_OPENER = re.compile(r"^\s*([-*•▪◦\uf020-\uf0ff]|\d{1,2}[.)]|\(?[a-z]\)|#+|\|)\s")
# Abbreviations that end with a full stop but do not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "etc",
        "et al",
        "al",
        "vs",
        "cf",
        "no",
        "fig",
        "u.s",
        "u.k",
        "mr",
        "ms",
        "dr",
        "prof",
        "inc",
        "ltd",
        "co",
        "st",
    }
)


@Language.factory(
    "govmap_sentences",
    default_config={"max_heading_chars": 90},
    assigns=["token.is_sent_start"],
)
def make_sentence_splitter(nlp: Language, name: str, max_heading_chars: int) -> "SentenceSplitter":
    return SentenceSplitter(max_heading_chars=max_heading_chars)


class SentenceSplitter:
    """Marks sentence starts from line structure and punctuation."""

    def __init__(self, *, max_heading_chars: int = 90) -> None:
        if max_heading_chars < 1:
            raise ValueError(f"max_heading_chars must be ≥ 1, got {max_heading_chars}")
        self.max_heading_chars = max_heading_chars

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # Written in one array: setting token.is_sent_start one token at a time rescans the whole
        # doc each time (Doc.has_annotation), which is quadratic on a report of hundreds of pages.
        # SENT_START: 1 starts a sentence, -1 (as uint64, the array type spaCy reads) does not.
        values = numpy.full((len(doc), 1), numpy.iinfo(numpy.uint64).max, dtype=numpy.uint64)
        values[sorted(self.find_starts(doc) | {0}), 0] = 1
        doc.from_array([SENT_START], values)
        return doc

    def find_starts(self, doc: Doc) -> set[int]:
        text = doc_text(doc)
        tokens = _TokenTable.of(doc, text)
        words, spaces = tokens.words, tokens.spaces
        n = len(words)
        starts: set[int] = set()
        for i in tokens.candidates:
            word, space, nxt = words[i], spaces[i], i + 1
            if tokens.is_space[i] or "\n" in space:
                if "\n" in word or "\n" in space:
                    if self._line_break_ends_sentence(text, tokens.idx[i], word, space):
                        starts.add(tokens.first_non_space(nxt))
                continue
            if words[nxt] in _BULLETS and space and i + 2 < n:
                # A bullet inside a line ("... risks • Testing ...") opens a new item.
                starts.add(nxt)
                continue
            if word in _END or word.endswith("."):
                if word.endswith(".") and word.rstrip(".").lower() in _ABBREVIATIONS:
                    continue
                if words[nxt] in _QUOTES and not space and spaces[nxt] and nxt + 1 < n:
                    # A closing quote belongs to the sentence it closes: '... AI Safety." - The ...'
                    if tokens.starts_sentence(nxt + 1):
                        starts.add(tokens.first_non_space(nxt + 1))
                    continue
                if tokens.starts_sentence(nxt):
                    starts.add(tokens.first_non_space(nxt))
        return {s for s in starts if 0 < s < n}

    def _line_break_ends_sentence(self, text: str, idx: int, word: str, space: str) -> bool:
        """Whether the line break in or after the token at `idx` (`word`, then `space`) ends a sentence."""
        newline_at = idx + word.index("\n") if "\n" in word else idx + len(word) + space.index("\n")
        line = text[text.rfind("\n", 0, newline_at) + 1 : newline_at].strip()
        # What follows is read no further than this: a look to the end per line is quadratic.
        horizon = newline_at + 2000
        if not line or _BLANK_LINE.match(text, newline_at, horizon):
            return True
        if line[-1] in _END or line.endswith(('."', ".\u201d")):
            return True
        line_end = text.find("\n", newline_at + 1, horizon)
        next_line = text[newline_at + 1 : line_end if line_end >= 0 else horizon]
        if _LIST_OPENER.match(next_line) or "\t" in line or "\t" in next_line or line.startswith(("#", "|", "**")):
            return True
        # A short, mostly capitalised line followed by a capitalised line is a heading.
        return len(line) <= self.max_heading_chars and next_line[:1].isupper() and _looks_like_heading(line)


@dataclass(frozen=True)
class _TokenTable:
    """The token facts the splitter reads, as plain lists: indexing a Doc builds a Token object
    per access, which on a long report costs more than the splitting itself."""

    words: "_Words"  # token.text
    spaces: list[str]  # token.whitespace_
    is_space: list[int]  # token.is_space, as 1 or 0
    idx: list[int]  # token.idx
    # The tokens (but the last) after which `find_starts` may start a sentence; at any other it
    # does nothing, and reading only these skips most of a report's tokens.
    candidates: list[int]

    @classmethod
    def of(cls, doc: Doc, text: str) -> "_TokenTable":
        """`text` is the doc's text (`doc_text`): each token's text is its slice."""
        if not len(doc):
            return cls(_Words(text, [], []), [], [], [], [])
        columns = doc.to_array([IDX, LENGTH, SPACY, IS_SPACE])
        idx, length, spacy, is_space = columns.T.tolist()
        return cls(
            _Words(text, idx, length),
            list(map(("", " ").__getitem__, spacy)),
            is_space,
            idx,
            _break_candidates(text, columns[:, 0], columns[:, 1], columns[:, 3]),
        )

    def starts_sentence(self, i: int) -> bool:
        """Whether the first non-space token from `i` on can open a sentence."""
        n = len(self.words)
        while i < n and self.is_space[i]:
            i += 1
        if i >= n:
            return False
        t = self.words[i]
        if t in _INLINE_MARKERS and self.spaces[i]:
            return True  # "... last year. - The UK ...": a list item run into the line
        return t[:1].isupper() or t[:1].isdigit() or t[:1] in '"“‘(['

    def first_non_space(self, i: int) -> int:
        while i < len(self.words) - 1 and self.is_space[i]:
            i += 1
        return i


class _Words:
    """token.text by index, sliced from the doc's text when asked: the splitter reads few."""

    def __init__(self, text: str, idx: list[int], length: list[int]) -> None:
        self._text, self._idx, self._length = text, idx, length

    def __len__(self) -> int:
        return len(self._idx)

    def __getitem__(self, i: int) -> str:
        start = self._idx[i]
        return self._text[start : start + self._length[i]]


# Code points of the characters that make a token a break candidate.
_END_CODES = numpy.array(sorted(ord(c) for c in _END), dtype=numpy.uint32)
_BULLET_CODES = numpy.array(sorted(ord(c) for c in _BULLETS), dtype=numpy.uint32)


def _break_candidates(text: str, idx: numpy.ndarray, length: numpy.ndarray, is_space: numpy.ndarray) -> list[int]:
    """Indices i < n - 1 of the tokens that are whitespace, end in a character of _END (which
    every token in _END or ending in "." does), or come before a token that is one bullet."""
    # one code unit per character (a lone surrogate too), so token offsets index it
    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    last = codes[(idx + length - 1).astype(numpy.intp)]
    first = codes[idx.astype(numpy.intp)]
    before_bullet = numpy.zeros(len(idx), dtype=bool)
    before_bullet[:-1] = (length[1:] == 1) & numpy.isin(first[1:], _BULLET_CODES)
    candidate = (is_space != 0) | numpy.isin(last, _END_CODES) | before_bullet
    return numpy.flatnonzero(candidate[:-1]).tolist()


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 14:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return capitalised >= max(1, len(words) // 2)
