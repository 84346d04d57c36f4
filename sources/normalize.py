"""Repairs of extraction artefacts, each a small pure function, applied in the order of `REPAIRS`.

The result is a page's published text: every downstream offset points into it, so a repair runs
before anything is located.  Most repairs look at one page's text (``str -> str``); two need the
whole document (running headers recur across pages, pull quotes repeat across pages) and take
the list of page texts.  `REPAIRS` is the one place their order is written down; `TEXT_REPAIRS`
is the per-text subset, and `CELL_REPAIRS` the part of it table cells go through too, so cell
text matches page text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from govmap.sources.misread_ai import fix_ai_ocr

if TYPE_CHECKING:
    from govmap.sources.settings import ParseSettings

__all__ = [
    "Repair",
    "REPAIRS",
    "TEXT_REPAIRS",
    "CELL_REPAIRS",
    "normalize_pages",
    "normalize_text",
    "normalize_cell",
    "normalize_newlines",
    "join_marked_hyphens",
    "fix_ligatures",
    "remove_soft_hyphens",
    "normalize_spaces",
    "drop_control_chars",
    "drop_noise_lines",
    "join_hyphenated_words",
    "tidy_whitespace",
    "strip_running_lines",
    "drop_repeated_paragraphs",
]

# --- per-text repairs -----------------------------------------------------------------------


def normalize_newlines(text: str) -> str:
    """CRLF/CR -> LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _keeps_hyphen(before: str, head: str, after: str) -> bool:
    """Whether a hyphen at a line end belongs to the word: the first part is one compounds are
    made of ("self-", "well-"), or the word has another hyphen ("state-of-the-art" broken at any
    of them).  Anything else is a typesetter's split ("gover-nance")."""
    return head.lower() in _KEEP_HYPHEN or before == "-" or after == "-"


_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_LIGATURE_TABLE = str.maketrans(_LIGATURES)
# str.translate with a dict looks up every character in Python; most pages have nothing to
# translate, and one search of a character class tells so at a tenth of the cost.
_LIGATURE_CHAR = re.compile(f"[{''.join(_LIGATURES)}]")


def fix_ligatures(text: str) -> str:
    """Typographic ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ) -> their letters; full NFKC would also rewrite ² and ½."""
    if _LIGATURE_CHAR.search(text) is None:
        return text
    return text.translate(_LIGATURE_TABLE)


# A soft hyphen at a line end splits a word; the rest of the word moves up so lines keep count.
_SOFT_HYPHEN_BREAK = re.compile(r"(\w)\u00ad[ \t]*\n[ \t]*(\w+)[ \t]?")


# Between digits a soft hyphen is a range or a code printed with the wrong character ("1\u00ad12
# months"): the hyphen is printed, so it stays.
_SOFT_HYPHEN_DIGITS = re.compile(r"(?<=\d)\u00ad(?=[ \t]*\n?[ \t]*\d)")


def remove_soft_hyphens(text: str) -> str:
    """Soft hyphens vanish, except between digits where they become "-"; one at a line end joins
    the word split across the break."""
    if "\u00ad" not in text:
        return text
    text = _SOFT_HYPHEN_DIGITS.sub("-", text)
    return _SOFT_HYPHEN_BREAK.sub(r"\1\2\n", text).replace("\u00ad", "")


_SPACES = {
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u200b": None,
    "\u200c": None,
    "\u200d": None,
    "\ufeff": None,
}
_SPACE_TABLE = str.maketrans(_SPACES)
_SPACE_CHAR = re.compile(f"[{''.join(_SPACES)}]")  # as _LIGATURE_CHAR: most pages have none


def normalize_spaces(text: str) -> str:
    """No-break and thin spaces -> space; zero-width characters and stray BOMs removed."""
    if _SPACE_CHAR.search(text) is None:
        return text
    return text.translate(_SPACE_TABLE)


# C0 control characters other than tab and line feed (and DEL): fonts without a Unicode map
# give them for glyphs, and they break CSV and terminal output downstream.  (pdfium's own 0x02,
# a line-end hyphen in per-character text, is read as "-" where it is read: `pdf_tables`.)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def drop_control_chars(text: str) -> str:
    """Control characters removed; tabs and newlines stay."""
    return _CONTROL.sub("", text)


# Lines made only of leaders, rules or bullets (". . .", "......", "____", "• • •", and the
# LaTeX "$\bullet \bullet$" left by some converters): decoration, not words.
_NOISE_LINE = re.compile(
    r"^[ \t]*(?:(?:[.\-_•·●▪■◦∙*=~–—…]|\$?\\bullet\$?|\$)[ \t]*){3,}$|^[ \t]*\$(?:\\bullet[ \t]*)+\$[ \t]*$",
    re.MULTILINE,
)


def drop_noise_lines(text: str) -> str:
    """Decorative lines of only dots, dashes, underscores or bullets become empty lines."""
    return _NOISE_LINE.sub("", text)


# "gover-\nnance" is a word split by the typesetter; "long-\nterm" a compound that keeps its hyphen.
# (The hyphen before the first part, if any, and the whole rest of a hyphenated word, so a
# compound broken at any of its hyphens is seen as one.)
_HYPHEN_BREAK = re.compile(r"(-?)\b([A-Za-z]*[a-z])-[ \t]*\n[ \t]*([a-z]+(?:-[A-Za-z]+)*)\b[ \t]?")
# _HYPHEN_BREAK tries a match at every word; this finds the few pages with a hyphen at a line
# end by its literal "-", many times faster.
_HYPHEN_AT_LINE_END = re.compile(r"-[ \t]*\n")
_KEEP_HYPHEN = frozenset(
    {
        "self",
        "non",
        "co",
        "cross",
        "multi",
        "well",
        "long",
        "short",
        "high",
        "low",
        "state",
        "open",
        "real",
        "large",
        "small",
        "full",
        "third",
        "first",
        "so",
        "human",
        "risk",
        "rule",
        "decision",
        "evidence",
        "cutting",
        "far",
        "wide",
        "fine",
        "pre",
        "post",
        "anti",
        "inter",
        "intra",
        "sub",
        "semi",
        "policy",
        "data",
        "mid",
        "all",
        "one",
        "two",
        "three",
        "general",
        "domain",
        "task",
        "safety",
        "value",
        "end",
        "top",
        "bottom",
        "closed",
        "private",
        "public",
        "for",
    }
)


def join_hyphenated_words(text: str) -> str:
    """A word hyphen-split at a line end is rejoined when the next line goes on in lowercase."""

    if _HYPHEN_AT_LINE_END.search(text) is None:
        return text

    def join(m: re.Match[str]) -> str:
        before, head, tail = m.groups()
        hyphen = "-" if _keeps_hyphen(before, head, "-" if "-" in tail else "") else ""
        return f"{before}{head}{hyphen}{tail}\n"

    return _HYPHEN_BREAK.sub(join, text)


_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def tidy_whitespace(text: str) -> str:
    """Trailing spaces go and runs of blank lines shrink to one; tabs stay (they separate cells)."""
    if " \n" in text or text.endswith(" "):
        # Line by line: a regex for trailing spaces tries a match at every space between words.
        text = "\n".join(line.rstrip(" ") for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


# --- whole-document repairs -------------------------------------------------------------------

_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"[^\W\d_]+")


def _printed_compounds(pages: Sequence[str]) -> frozenset[str]:
    """Every "word-word" the document prints with a real hyphen, lowercased.  Found from each "-"
    (a plain search), not by a pattern tried at every word: a tenth of the time."""
    found: set[str] = set()
    for page in pages:
        i = page.find("-")
        while i != -1:
            head = _WORD_END.search(page, max(0, i - 40), i)
            tail = _WORD_START.match(page, i + 1, i + 41)
            if head is not None and tail is not None:
                found.add(f"{head.group(0)}-{tail.group(0)}".lower())
            i = page.find("-", i + 1)
    return frozenset(found)


def join_marked_hyphens(pages: Sequence[str], settings: "ParseSettings") -> list[str]:
    r"""pdfium's line-end hyphen marker (U+FFFE) resolved, judged with the whole document.

    pdfium reports a hyphen it took for a line-end hyphen as U+FFFE, often with the line break
    already removed ("con\ufffestructed").  Followed by a lowercase letter, the word is joined
    unless it is a compound (`_keeps_hyphen`: "well-known", "state-of-the-art") or the document
    prints the same word with a hyphen elsewhere ("centre-village", "feed-forward").  Anywhere
    else (before a line break, a digit, a capital) it is a plain hyphen, which
    `join_hyphenated_words` judges when a line break follows.  Table cells never hold the marker:
    `pdf_tables` reads it as "-" character by character."""
    if not any("\ufffe" in page for page in pages):
        return list(pages)
    printed = _printed_compounds(pages)
    return [_resolve_markers(page, printed) if "\ufffe" in page else page for page in pages]


# A word, and a hyphen joining it to more letters ("state-" in "state-of").  Matched after each
# marker, and on the reversed page before it (the word and hyphen before the marker, backwards):
# each marker is judged where it stands, not by a pattern tried at every word of the page, which
# took a third of all repair time.
_WORD_HYPHEN = re.compile(r"([^\W\d_]+)(-(?=[^\W\d_]))?")


def _resolve_markers(page: str, printed: frozenset[str]) -> str:
    """`page` with each of pdfium's markers made "-" or joined away (see `join_marked_hyphens`)."""
    backwards = page[::-1]
    pieces = page.split("\ufffe")
    out = [pieces[0]]
    at = len(pieces[0])  # where the marker before `piece` stands in `page`
    for piece in pieces[1:]:
        out += ["-" if _keeps_marker(page, backwards, at, printed) else "", piece]
        at += 1 + len(piece)
    return "".join(out)


def _keeps_marker(page: str, backwards: str, at: int, printed: frozenset[str]) -> bool:
    """Whether the marker at `page[at]` is printed as "-" (`backwards` is `page` reversed)."""
    head = _WORD_HYPHEN.match(backwards, len(page) - at)
    tail = _WORD_HYPHEN.match(page, at + 1)
    if head is None or tail is None:
        return True  # not between two words: a plain hyphen
    word, before = head.group(1)[::-1], head.group(2) or ""
    return (
        not tail.group(1)[0].islower()
        or _keeps_hyphen(before, word, tail.group(2) or "")
        or f"{word}-{tail.group(1)}".lower() in printed
    )


_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s+)?(?P<numeral>\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def _line_key(line: str) -> str:
    # Running headers often carry the page number ("Report title | 7"): compare without digits.
    return _DIGITS.sub("#", " ".join(line.split()).lower())


# A running line has words: a line of only numbers, dates or symbols that recurs ("12/03/2024",
# "100", "#.#%") is a table row or a chart value, whatever its position.
_HAS_LETTERS = re.compile(r"[^\W\d_]{2}")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _page_number(line: str) -> int | None:
    """The number a page-number line prints ("7", "- 7 -", "Page 7 of 20", "vii", "ii of 20"), else None."""
    found = _PAGE_NUMBER.match(line)
    if found is None:
        return None
    numeral = found.group("numeral").lower()
    if numeral.isdigit():
        return int(numeral)
    values = [_ROMAN[ch] for ch in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0]))


def _zones(lines: list[str], zone: int) -> tuple[list[int], list[int]]:
    """Indexes of the first `zone` non-blank lines, and of the last `zone`."""
    if not zone:
        return [], []
    # From each end, so the lines in between (most of the page) are never looked at.
    return _filled(lines, range(len(lines)), zone), _filled(lines, range(len(lines) - 1, -1, -1), zone)


def _filled(lines: list[str], order: range, n: int) -> list[int]:
    """The first `n` indexes, in `order`, of non-blank lines."""
    found: list[int] = []
    for i in order:
        if lines[i].strip():
            found.append(i)
            if len(found) == n:
                break
    return found


def strip_running_lines(pages: Sequence[str], settings: "ParseSettings") -> list[str]:
    """Drop running headers/footers and page numbers: the lines that repeat the way running heads do.

    A running head or foot is a line with words, at the top (or the bottom) of at least
    `header_min_ratio` of the pages (and `header_min_pages` pages), digits aside ("Report | 7").
    A page number is a bare number at the top or bottom whose value goes up by one from page to
    page, on at least two pages.  Anything else stays, however often it recurs: table rows,
    dates and chart values at a page's edge are content.  One page is left alone.
    """
    if len(pages) < 2:
        return list(pages)
    split = [page.split("\n") for page in pages]
    # per page: line index -> (side, key) of each line in its top and bottom zone
    zone_keys: list[dict[int, list[tuple[str, str]]]] = []
    counts: Counter[tuple[str, str]] = Counter()
    # per page: line index -> the page number it prints minus the page's index
    numbered: list[dict[int, int]] = []
    offsets: Counter[int] = Counter()
    for page_index, lines in enumerate(split):
        keys: dict[int, list[tuple[str, str]]] = {}
        for side, indexes in zip(("top", "bottom"), _zones(lines, settings.header_zone_lines)):
            for i in indexes:
                keys.setdefault(i, []).append((side, _line_key(lines[i])))
        zone_keys.append(keys)
        counts.update({k for found in keys.values() for k in found})
        numbers = {i: value - page_index for i in keys if (value := _page_number(lines[i])) is not None}
        numbered.append(numbers)
        offsets.update(set(numbers.values()))
    threshold = max(settings.header_min_pages, settings.header_min_ratio * len(pages))
    running = {k for k, n in counts.items() if n >= threshold and _HAS_LETTERS.search(k[1])}
    sequences = {offset for offset, n in offsets.items() if n >= 2}
    out = []
    for page, lines, keys, numbers in zip(pages, split, zone_keys, numbered):
        drop = {i for i, found in keys.items() if any(k in running for k in found) or numbers.get(i) in sequences}
        out.append("\n".join(line for i, line in enumerate(lines) if i not in drop) if drop else page)
    return out


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _key(text: str) -> str:
    return " ".join(text.split())


def drop_repeated_paragraphs(pages: Sequence[str], settings: "ParseSettings") -> list[str]:
    """A paragraph of at least `pullquote_min_words` words printed verbatim again later (a pull
    quote) keeps its first occurrence only.

    A paragraph is a block the document sets apart between blank lines (text, Markdown, HTML).
    Lines of a PDF page, which come without blank lines, are never dropped for recurring: what
    repeats there line for line, in the same wrap as its first printing, is body text set in the
    same measure (a table's source note, a requirement restated), whereas a pull quote is set
    larger or boxed and so wraps differently.
    """
    seen_blocks: set[str] = set()
    out = []
    for page in pages:
        if not _PARAGRAPH_BREAK.search(page):
            out.append(page)
            continue
        kept = []
        for block in _PARAGRAPH_BREAK.split(page):
            key = _key(block)
            if len(key.split()) >= settings.pullquote_min_words:
                if key in seen_blocks:
                    continue
                seen_blocks.add(key)
            kept.append(block)
        out.append("\n\n".join(kept))
    return out


# --- the order, written once --------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """One repair: a function of one text, or of the document's page texts and the settings."""

    name: str
    text_fn: Callable[[str], str] | None = None
    document_fn: Callable[[Sequence[str], "ParseSettings"], list[str]] | None = None
    cells: bool = True  # a text repair that table cells go through too (`CELL_REPAIRS`)

    def apply(self, pages: Sequence[str], settings: "ParseSettings") -> list[str]:
        if self.text_fn is not None:
            return [self.text_fn(page) for page in pages]
        assert self.document_fn is not None
        return self.document_fn(pages, settings)


REPAIRS: tuple[Repair, ...] = (
    # pdfium's markers are judged on the text as pdfium gives it, before any line is touched.
    Repair("marked_hyphens", document_fn=join_marked_hyphens),
    Repair("newlines", text_fn=normalize_newlines),
    # Running headers are found on the lines as printed, before any line is joined or emptied.
    Repair("running_lines", document_fn=strip_running_lines),
    Repair("ligatures", text_fn=fix_ligatures),
    Repair("soft_hyphens", text_fn=remove_soft_hyphens),
    Repair("spaces", text_fn=normalize_spaces),
    Repair("control_chars", text_fn=drop_control_chars),
    # A table cell keeps what is printed in it: "*****" or "– – –" there is a value (not rated,
    # not applicable) that keeps its column in line with its rows, not a decorative line.
    Repair("noise_lines", text_fn=drop_noise_lines, cells=False),
    Repair("hyphenated_words", text_fn=join_hyphenated_words),
    Repair("ai_ocr", text_fn=fix_ai_ocr),
    Repair("whitespace", text_fn=tidy_whitespace),
    # Pull quotes are compared on repaired text, so two printings differing only in artefacts match.
    Repair("pull_quotes", document_fn=drop_repeated_paragraphs),
)
TEXT_REPAIRS: tuple[Callable[[str], str], ...] = tuple(r.text_fn for r in REPAIRS if r.text_fn is not None)
CELL_REPAIRS: tuple[Callable[[str], str], ...] = tuple(r.text_fn for r in REPAIRS if r.text_fn is not None and r.cells)


def normalize_pages(pages: Sequence[str], settings: "ParseSettings") -> list[str]:
    """Every repair of `REPAIRS`, in order, over a document's page texts."""
    out = list(pages)
    for repair in REPAIRS:
        out = repair.apply(out, settings)
    return out


def normalize_text(text: str) -> str:
    """The per-text repairs over one text (no document-level repairs)."""
    for fn in TEXT_REPAIRS:
        text = fn(text)
    return text


def normalize_cell(text: str | None) -> str | None:
    """A table cell's text: the repairs of page text but for noise lines (see `CELL_REPAIRS`),
    then its lines joined with a space (a cell whose text wraps is still one cell).  None (no
    cell) stays None."""
    if text is None:
        return None
    for fn in CELL_REPAIRS:
        text = fn(text)
    return " ".join(text.split())
