"""`govmap_metadata`: a document's title, authors, publisher and publication date.

Read from the top of page 1 (Markdown heading, bold or "By ..." bylines, a date line), from
copyright and "Published by" lines anywhere, and from the metadata the file itself declares
(`Document.meta_title`, `meta_author`).  Nothing is invented: a field the document does not state
stays None (or an empty tuple of authors).
"""

from __future__ import annotations

import functools
import re

from spacy.language import Language
from spacy.tokens import Doc

from govmap.extractors import extensions  # noqa: F401  (registers doc._.govmap_document and _metadata)
from govmap.extractors.records import DocMetadata
from govmap.sources.model import Document

__all__ = ["MetadataReader", "find_metadata", "parse_date", "DEFAULT_TOP_LINES"]

# Title, byline and date sit in the first lines of page 1; later lines are the body.
DEFAULT_TOP_LINES = 25
MAX_TITLE_CHARS = 200

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    re.compile(rf"\b{_YEAR}-(?P<month_n>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_DAY} {_MONTH},? {_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH} {_DAY}, {_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH},? {_YEAR}\b", re.I),
)
_UNNAMED_DATE = rf"(?:(?:[0-3]?\d(?:st|nd|rd|th)? )?{_MONTH.replace('?P<month>', '')}(?: [0-3]?\d(?:st|nd|rd|th)?,)?,? )?(?:19|20)\d{{2}}"  # "June, 2021" too
_DATE_ONLY_LINE = re.compile(rf"^(?:published:?\s*|date:?\s*)?{_UNNAMED_DATE}$", re.I)
# At the start of a line: "copyright" inside a sentence is about copyright, not a notice.
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)\s*(?:©\s*)?(?P<rest>.+)", re.I)
_PUBLISHED_BY = re.compile(r"^published by:?\s+(?:the\s+)?(?P<org>[^.,;\n]+)", re.I)
_BY = re.compile(r"^(?:by|authors?|written by)\s*:?\s+(?P<names>.+)$", re.I)
_BOLD_LINE = re.compile(r"^\*\*(?P<inner>[^*]+)\*\*$")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||\band\b|&)\s*")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zà-ÿ'’-]+(?:-[A-Z][a-zà-ÿ'’]+)?|[A-Z]\.(?:[A-Z]\.)*|[A-Z][a-z]?[A-Z][a-z]+)$")
# Words that make a "name" an organisation, never a person.
_ORG_WORDS = re.compile(
    r"\b(?:institute|university|universit|centre|center|foundation|council|organi[sz]ation|group|network|office|"
    r"agency|commission|department|ministry|school|college|lab|labs|laboratory|association|society|partnership|"
    r"endowment|forum|initiative|programme|program|report|summary|introduction|contents|status|ai|inc|ltd|llc)\b",
    re.I,
)
_NOISE_LINE = re.compile(r"^(?:cite as|table of contents|contents|abstract|summary|epistemic status)\b", re.I)


@Language.factory(
    "govmap_metadata",
    default_config={"top_lines": DEFAULT_TOP_LINES},
    assigns=["doc._.govmap_metadata"],
)
def make_metadata_reader(nlp: Language, name: str, top_lines: int) -> "MetadataReader":
    return MetadataReader(top_lines=top_lines)


class MetadataReader:
    """Sets ``doc._.govmap_metadata`` from the parsed document the Doc was made from.

    top_lines: how many non-empty lines of page 1 count as "the top" (default 25).
    """

    def __init__(self, *, top_lines: int = DEFAULT_TOP_LINES) -> None:
        if top_lines < 1:
            raise ValueError(f"top_lines must be ≥ 1, got {top_lines}")
        self.top_lines = top_lines

    def __call__(self, doc: Doc) -> Doc:
        document = doc._.govmap_document
        doc._.govmap_metadata = (
            find_metadata(document, top_lines=self.top_lines) if document is not None else DocMetadata()
        )
        return doc


def find_metadata(document: Document, *, top_lines: int = DEFAULT_TOP_LINES) -> DocMetadata:
    """Title, authors, publisher and publication date that `document` states.

    top_lines: how many non-empty lines of page 1 are searched for title, byline and date.
    Raises ValueError when top_lines < 1.
    """
    if top_lines < 1:
        raise ValueError(f"top_lines must be ≥ 1, got {top_lines}")
    first = document.pages[0].text if document.pages else ""
    top = [line.strip() for line in first.splitlines() if line.strip()][:top_lines]
    all_lines = [line.strip() for page in document.pages for line in page.text.splitlines() if line.strip()]
    declared = document.media_type != "application/pdf"  # a PDF's /Title is often a file name
    meta_title = document.meta_title
    # Anywhere in the document: a cover may be an image that prints the title only as pixels.
    if meta_title and not declared and not _printed_on(meta_title, "\n".join(page.text for page in document.pages)):
        meta_title = None  # "Draft v2 - team", "Report-final-v3": not what page 1 says
    title, title_at = _title(top, meta_title, prefer_meta=declared)
    declared_authors = _declared_names(document.meta_author) if declared else ()
    return DocMetadata(
        title=title,
        authors=declared_authors or _authors(top, title_at, document.meta_author),
        publisher=document.meta_publisher or _publisher(top, all_lines),
        published=document.meta_published or _published(top, all_lines),
    )


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _printed_on(title: str, page_text: str) -> bool:
    """Whether most of the title's words (or CJK characters) are printed in the text."""
    page = page_text.casefold()
    if _CJK.search(title):
        chars = _CJK.findall(title)
        return sum(ch in page for ch in chars) >= 0.6 * len(chars)
    words = re.findall(r"[^\W_]+", title.casefold())
    printed = set(re.findall(r"[^\W_]+", page))
    return bool(words) and sum(w in printed for w in words) >= 0.6 * len(words)


_HONORIFIC = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|sir|dame)\.?\s+", re.I)


def _declared_names(text: str | None) -> tuple[str, ...]:
    """Authors a file declares (front matter, meta tags): split at commas, semicolons and "and",
    honorifics dropped; an organisation stays one name."""
    if not text:
        return ()
    parts = [p.strip(" .") for p in re.split(r"\s*(?:;|,|\band\b|&)\s*", text) if p.strip(" .")]
    if any(_ORG_WORDS.search(p) for p in parts):
        return ()  # an organisation as the file's author is no person (the publisher says who it is)
    return tuple(dict.fromkeys(_HONORIFIC.sub("", p) for p in parts))


def parse_date(text: str) -> str | None:
    """The first date stated in `text` as YYYY-MM-DD, YYYY-MM or YYYY; None when there is none.

    "12 May 2024" -> "2024-05-12"; "March 2024" -> "2024-03"; "2023" alone -> "2023".
    """
    for rx in _DATE_PATTERNS:
        m = rx.search(text)
        if not m:
            continue
        parts = m.groupdict()
        month = int(parts["month_n"]) if parts.get("month_n") else _MONTHS[parts["month"].lower().rstrip(".")]
        if not 1 <= month <= 12:
            continue
        if parts.get("day"):
            day = int(parts["day"])
            if 1 <= day <= 31:
                return f"{parts['year']}-{month:02d}-{day:02d}"
        return f"{parts['year']}-{month:02d}"
    m = re.fullmatch(r"\s*(?:(?:published|date)\s*:?\s*)?((?:19|20)\d{2})\s*", text, re.I)
    return m.group(1) if m else None


_MARKDOWN_MARKS = re.compile(r"^#+\s*|\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)")


# The title, byline, publisher and date searches each read the same lines.
@functools.lru_cache(maxsize=4096)
def _plain(line: str) -> str:
    """A line without Markdown emphasis and heading marks."""
    if "*" not in line and "_" not in line and "#" not in line:
        return line.strip()  # every mark holds one of these: a scan would find none
    return _MARKDOWN_MARKS.sub("", line).strip()


def _title(top: list[str], meta_title: str | None, *, prefer_meta: bool = False) -> tuple[str | None, int]:
    """The title and the index of its line in `top` (-1 when it is not there).

    prefer_meta: the file declares its title (front matter, <title>, og:title), which then beats
    a heading in the text — a page may open with a section heading rather than its title.
    """
    # A declared title may be long ("FACT SHEET: Two Partners Launch ... Initiative on Shared Technology (ISTI)").
    limit = 30 if prefer_meta else 14
    meta = " ".join(meta_title.split()) if meta_title and _usable_title(meta_title.strip(), max_words=limit) else None
    if meta and prefer_meta:
        return meta, next((i for i, line in enumerate(top) if _plain(line) == meta), -1)
    for i, line in enumerate(top):
        if re.match(r"^#\s+\S", line):
            return _plain(line), i
    if meta:
        return meta, next((i for i, line in enumerate(top) if _plain(line) == meta), -1)
    for i, line in enumerate(top):
        if _PROVENANCE.match(line) or _KEY_VALUE.match(line):
            continue
        text = _plain(line)
        joined = _joined_title(top, i)
        if joined is not None:
            return joined, i
        if _usable_title(text):
            return text, i
    return None, -1


# "URL: https://...", "Source: ...", "Retrieved 3 May": where the file came from, never its title.
_PROVENANCE = re.compile(
    r"^(?:url|source|link|retrieved|accessed|downloaded|archived|fetched|original)\b\s*:?|^(?:https?://|www\.)", re.I
)
# "layout: post", "title : X": front matter a converter left in the text.
_KEY_VALUE = re.compile(r"^[a-z_][\w-]*\s*:\s", re.I)
# A title broken over lines: the first line ends with, or the next opens with, a joining word.
_JOINING = r"(?:of|on|for|and|in|to|the|a|an|with|from|towards?|between|at)"
_ENDS_JOINING = re.compile(rf"\b{_JOINING}$", re.I)
# Not "the"/"a": a title often opens with them under a date or a series name.
_OPENS_JOINING = re.compile(r"^(?:of|on|for|and|in|to|with|from|towards?|between|at)\b", re.I)


def _joined_title(top: list[str], i: int) -> str | None:
    """Line i and the next as one title when they read as one ("RESOLUTION" / "ON THE HARBOUR RULES ...")."""
    if i + 1 >= len(top):
        return None
    first, second = _plain(top[i]), _plain(top[i + 1])
    if not first or not second or not (_ENDS_JOINING.search(first) or _OPENS_JOINING.match(second)):
        return None
    if _BY.match(second) or _names(second) or _DATE_ONLY_LINE.match(first) or _DATE_ONLY_LINE.match(second):
        return None  # a byline under the title, a date above or below it
    if not (first[0].isupper() or first[0].isdigit()) or first.endswith((".", ",", ";")):
        return None
    # Both in capitals, or both title-like: a sentence wrapped over two lines is neither.
    if not (first.isupper() and second.isupper()) and (len(first.split()) > 8 or len(second.split()) > 12):
        return None
    joined = f"{first} {second}".rstrip(" –—-")
    return joined if _usable_title(joined, max_words=24) else None


def _usable_title(text: str, *, max_words: int = 14) -> bool:
    if _CJK.search(text or ""):
        # Chinese, Japanese or Korean: no spaces between words; a title is a short line of them.
        return 4 <= len(text) <= 80 and not re.search(r"\d{1,2}:\d{2}|[。！？]$", text)
    # Prose is no title: a line opening in lower case or holding a sentence break.
    if not text or not (text[0].isupper() or text[0].isdigit()) or re.search(r"[a-z]\. [A-Z]", text):
        return False
    words = text.split()
    # "DRAFT DRAFT", "XX XX": a marker repeated on the cover, not a title.
    if len(set(w.casefold() for w in words)) == 1 and len(words) > 1:
        return False
    # A title in capitals may run long: it is set apart by its case, not its length.
    if text.isupper():
        max_words = max(max_words, 24)
    if not text or len(text) > MAX_TITLE_CHARS or _DATE_ONLY_LINE.match(text) or _NOISE_LINE.match(text):
        return False
    if re.match(r"^[\d\W]+$", text) or text.endswith((".", ",", ";")):
        return False
    # Hard-wrapped body prose fills the line; titles rarely run past 14 words.
    # A list of several names is a byline; a single "Two Words" line may well be a title.
    return 2 <= len(words) <= max_words and len(_names(text)) < 2


def _names(text: str) -> tuple[str, ...]:
    """Person names in a byline ("Jane Doe, John Roe and A. N. Other"); () when any item is not one."""
    text = re.sub(r"^\*|\*$", "", text.strip()).strip()
    items = [i.strip(" .*") for i in _NAME_SPLIT.split(text) if i.strip(" .*")]
    if not items:
        return ()
    for item in items:
        tokens = item.split()
        if not 2 <= len(tokens) <= 4 or _ORG_WORDS.search(item) or not all(_NAME_TOKEN.match(t) for t in tokens):
            return ()
        if _MONTHS.get(tokens[0].lower().rstrip(".")):
            return ()
    return tuple(items)


def _authors(top: list[str], title_at: int, meta_author: str | None) -> tuple[str, ...]:
    found: list[str] = []
    # Where an unmarked byline may stand: just under the title, or at the very top when the title
    # came from the file's metadata (PDF parsing may drop a title it took for a running header).
    zone = range(title_at + 1, title_at + 4) if title_at >= 0 else range(0, 2)
    unmarked_taken = False
    for i, line in enumerate(top):
        bold = _BOLD_LINE.match(line)
        by = _BY.match(_plain(line))
        if bold:
            found += _names(bold.group("inner"))
        elif by:
            found += _names(by.group("names"))
        elif i in zone and not unmarked_taken and not line.startswith("*"):
            # One unmarked line of names is the byline; a starred list below it names contributors.
            names = _names(_plain(line))
            found += names
            unmarked_taken = bool(names)
    if not found and meta_author:
        found += _names(meta_author) or ((meta_author.strip(),) if not _ORG_WORDS.search(meta_author) else ())
    return tuple(dict.fromkeys(found))


def _publisher(top: list[str], all_lines: list[str]) -> str | None:
    for line in top + all_lines:
        m = _PUBLISHED_BY.search(_plain(line))
        if m:
            return _clean_org(m.group("org"))
    for line in all_lines:
        m = _COPYRIGHT.search(_plain(line))
        if m:
            org = _clean_org(m.group("rest"))
            if org:
                return org
    return None


def _clean_org(text: str) -> str | None:
    text = re.sub(r"\ball rights reserved\b.*", "", text, flags=re.I)
    text = re.split(r"(?<=[a-z)])\.(?:\s|$)", text, maxsplit=1)[0]  # "... Society. Design by ...": first sentence
    text = re.sub(r"\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:19|20)?\d{2,4})?", "", text)
    text = re.sub(r"^(?:by\s+)?(?:the\s+)?", "", text.strip(" ,.;:©"), flags=re.I).strip(" ,.;:©")
    # An organisation's name: capitalised, short, no dot leaders of a contents line.
    if not text or not text[0].isupper() or len(text.split()) > 10 or re.search(r"[·.]{3}", text):
        return None
    return text


def _published(top: list[str], all_lines: list[str]) -> str | None:
    for line in top:
        plain = _plain(line)
        if _DATE_ONLY_LINE.match(plain) or re.match(r"^(?:published|date|dated)\b", plain, re.I):
            found = parse_date(plain)
            if found:
                return found
    for line in top:
        plain = _plain(line)
        if len(plain) <= 80:  # a short line near the top ("Policy brief, March 2024"), not body prose
            found = parse_date(plain)
            if found:
                return found
    for line in all_lines:
        m = _COPYRIGHT.search(_plain(line))
        if m:
            y = re.search(r"\b(?:19|20)\d{2}\b", m.group("rest"))
            if y:
                return y.group(0)
    return None
