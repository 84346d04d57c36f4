"""`govmap_sentences`: sentence boundaries for report text, without a trained parser.

Report text mixes prose paragraphs, headings, list items and table rows, and PDF text is
hard-wrapped.  A newline therefore ends a sentence only when the line looks finished (it ends in
sentence punctuation, is followed by a blank line, or the next line opens a list item or table
row); full stops inside a line end a sentence when a capitalised word follows.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extractors.extensions import doc_text

__all__ = ["SentenceSplitter"]

_END = frozenset(".!?:;")
# Markers that open a list item in the middle of a line ("... in 2024. - The UK ..." or "• ...").
_INLINE_MARKERS = frozenset({"-", "\u2013", "\u2022", "\u25aa", "\u25e6", "*"})
# Bullets that open an item wherever they stand (a dash may be a clause dash, so it needs a full stop).
_BULLETS = frozenset({"\u2022", "\u25aa", "\u25e6"})
_QUOTES = frozenset('"\u201d\u2019\'')
_LIST_OPENER = re.compile(r"^\s*([-*•▪◦]|\d{1,2}[.)]|\(?[a-z]\)|#+|\|)\s")
# Abbreviations that end with a full stop but do not end a sentence.
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "et al", "al", "vs", "cf", "no", "fig", "u.s", "u.k", "mr", "ms", "dr", "prof", "inc", "ltd", "co", "st"}
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
        starts: set[int] = set()
        for token in doc[:-1]:
            nxt = doc[token.i + 1]
            if token.is_space or "\n" in token.whitespace_:
                if "\n" in token.text or "\n" in token.whitespace_:
                    if self._line_break_ends_sentence(text, token, nxt):
                        starts.add(self._first_non_space(doc, nxt.i))
                continue
            if nxt.text in _BULLETS and token.whitespace_ and token.i + 2 < len(doc):
                # A bullet inside a line ("... risks • Testing ...") opens a new item.
                starts.add(nxt.i)
                continue
            if token.text in _END or token.text.endswith("."):
                if token.text.endswith(".") and token.text.rstrip(".").lower() in _ABBREVIATIONS:
                    continue
                if nxt.text in _QUOTES and not token.whitespace_ and nxt.whitespace_ and nxt.i + 1 < len(doc):
                    # A closing quote belongs to the sentence it closes: '... AI Safety." - The ...'
                    after = doc[nxt.i + 1]
                    if self._starts_sentence(doc, after):
                        starts.add(self._first_non_space(doc, after.i))
                    continue
                if self._starts_sentence(doc, nxt):
                    starts.add(self._first_non_space(doc, nxt.i))
        return {s for s in starts if 0 < s < len(doc)}

    def _line_break_ends_sentence(self, text: str, token, nxt) -> bool:
        newline_at = token.idx + token.text.index("\n") if "\n" in token.text else token.idx + len(token.text) + token.whitespace_.index("\n")
        line = text[text.rfind("\n", 0, newline_at) + 1 : newline_at].strip()
        after = text[newline_at : newline_at + 2000]  # bounded: a slice to the end per line is quadratic
        if not line or re.match(r"\n[ \t]*\n", after):
            return True
        if line[-1] in _END or line.endswith(('."', '.\u201d')):
            return True
        next_line = after[1:].split("\n", 1)[0]
        if _LIST_OPENER.match(next_line) or "\t" in line or "\t" in next_line or line.startswith(("#", "|", "**")):
            return True
        # A short, mostly capitalised line followed by a capitalised line is a heading.
        return len(line) <= self.max_heading_chars and next_line[:1].isupper() and _looks_like_heading(line)

    @staticmethod
    def _starts_sentence(doc: Doc, token) -> bool:
        i = token.i
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i >= len(doc):
            return False
        t = doc[i].text
        if t in _INLINE_MARKERS and doc[i].whitespace_:
            return True  # "... last year. - The UK ...": a list item run into the line
        return t[:1].isupper() or t[:1].isdigit() or t[:1] in "\"“‘(["

    @staticmethod
    def _first_non_space(doc: Doc, i: int) -> int:
        while i < len(doc) - 1 and doc[i].is_space:
            i += 1
        return i


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 14:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return capitalised >= max(1, len(words) // 2)
