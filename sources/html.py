"""HTML: main text without scripts, styles and navigation; <table>s as Tables; title and author."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bs4 import BeautifulSoup, CData, NavigableString, Tag
from bs4.builder import ParserRejectedMarkup

from govmap.errors import ParseError
from govmap.sources.model import Cell, Document, Page, RawDocument, Table
from govmap.sources.normalize import normalize_cell, normalize_pages
from govmap.sources.settings import ParseSettings

__all__ = ["parse_html"]

# Not the document's words: code, styling, and the site's own chrome around the article.
_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "svg",
    "iframe",
    "form",
    "button",
    "select",
)
_BLOCKS = frozenset(
    """
address article blockquote body caption dd details dialog div dl dt fieldset figcaption figure h1 h2
h3 h4 h5 h6 hr li main ol p pre section summary table tbody thead tfoot tr ul
""".split()
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TABLE_CAPTION = re.compile(r"^\s*Table\s+[0-9A-Z]")


def parse_html(raw: RawDocument, settings: ParseSettings | Mapping[str, Any] | None = None) -> Document:
    """HTML -> one-page Document: block elements on their own lines, tables as Tables
    (colspan/rowspan-covered positions are None), <title> or the first <h1> as meta_title and
    <meta name=author> as meta_author.  Raises ParseError when no text is left."""
    settings = ParseSettings.resolve(settings)
    where = raw.source_uri
    if not raw.data.strip():
        raise ParseError(f"{where}: empty file; nothing to parse; document quarantined")
    try:
        soup = BeautifulSoup(raw.data, "lxml")
    except (ParserRejectedMarkup, ValueError) as exc:
        raise ParseError(f"{where}: unreadable HTML ({exc}); document quarantined") from exc
    meta = _meta_tags(soup)
    site = _first(meta, _SITE_KEYS)
    h1 = _text_of(soup.find("h1"))
    meta_title = _page_title(_first(meta, _TITLE_KEYS) or _text_of(soup.title), site=site, h1=h1) or h1
    authors = [a for k in _AUTHOR_KEYS for a in meta.get(k, ())]
    meta_author = ", ".join(dict.fromkeys(authors)) or None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = soup.body or soup
    tables = _tables(root)
    text = _block_text(root)
    [page_text] = normalize_pages([text], settings)
    if not page_text.strip():
        raise ParseError(f"{where}: no text left after removing scripts, styles and navigation; document quarantined")
    return Document(
        doc_id=raw.doc_id,
        source_uri=raw.source_uri,
        media_type=raw.media_type,
        sha256=raw.sha256,
        pages=(Page(1, page_text, tuple(tables)),),
        meta_title=normalize_cell(meta_title) if meta_title else None,
        meta_author=meta_author,
        meta_published=_date_of(_first(meta, _DATE_KEYS)),
        meta_publisher=_first(meta, _PUBLISHER_KEYS) or (site if site and not _DOMAIN.search(site) else None),
    )


# <meta name=...> / <meta property=...> keys per field, most specific first (Open Graph, Dublin
# Core, Highwire "citation_" tags as scholarly publishers print them).
_TITLE_KEYS = ("citation_title", "og:title", "dc.title", "twitter:title")
_AUTHOR_KEYS = ("citation_author", "author", "dc.creator", "article:author")
_DATE_KEYS = (
    "citation_publication_date",
    "citation_date",
    "article:published_time",
    "dc.date",
    "date",
    "dcterms.created",
    "publication_date",
    "article:modified_time",
)
_PUBLISHER_KEYS = ("citation_publisher", "dc.publisher", "publisher", "citation_journal_title")
_SITE_KEYS = ("og:site_name", "application-name", "twitter:site")
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|org|net|gov|edu|int|uk|eu|io|ai|cn|de|fr|jp)\b|^@", re.I)
# " - Example Agency", " | Some Institute", " – The Ministry", "_Site": a site's name after the page's title.
_TITLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+|\s*[|_]\s*|\s+::\s+")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})(?:-(\d{2}))?(?:-(\d{2}))?")


def _meta_tags(soup: BeautifulSoup) -> dict[str, list[str]]:
    """Content of every <meta name|property=...> by lower-cased key, in document order."""
    out: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("name") or tag.get("property") or tag.get("itemprop")
        content = " ".join(str(tag.get("content", "")).split())
        if key and content:
            out.setdefault(str(key).strip().lower(), []).append(content)
    return out


def _first(meta: Mapping[str, list[str]], keys: tuple[str, ...]) -> str | None:
    return next((meta[k][0] for k in keys if meta.get(k)), None)


def _casefold_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _page_title(title: str | None, *, site: str | None, h1: str | None) -> str | None:
    """The page's title without the site's name after it.

    The last part after a separator is dropped when it is the site's declared name, a domain, or
    when what stands before it is the page's own <h1>; otherwise the title is kept whole (a colon
    or dash may belong to the title itself).
    """
    if not title:
        return None
    title = " ".join(title.split())
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    head = title[: title.rfind(parts[-1])].rstrip(" |–—-_:")
    last = parts[-1]
    site_words = _casefold_words(site or "")
    if (site_words and _casefold_words(last) in (site_words, site_words.removeprefix("the "))) or _DOMAIN.search(last):
        return head or title
    if h1 and _casefold_words(head) == _casefold_words(h1):
        return head
    return title


def _date_of(text: str | None) -> str | None:
    m = _ISO_DATE.search(text or "")
    if m is None:
        return None
    return "-".join(part for part in m.groups() if part)


def _text_of(tag: Any) -> str | None:
    if not isinstance(tag, Tag):
        return None
    return " ".join(tag.get_text(" ").split()) or None


def _block_text(root: Tag) -> str:
    """Text with every block element on its own line and table cells separated by TABs.

    One walk over the tree with an explicit stack, writing a line break where a block opens and
    closes and a TAB after each cell: time linear in the document, however deep its nesting (the
    tree is not changed; inserting marker strings into it costs a walk down per insertion,
    quadratic in the depth of nested blocks).
    """
    types = root.interesting_string_types or {NavigableString, CData}
    pieces: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node.name in ("td", "th"):
                pieces.append("\t")
            if node.name in _BLOCKS:
                pieces.append("\n")
        elif isinstance(node, Tag):
            if node.name == "br":
                pieces.append("\n")
                continue
            if node.name in _BLOCKS:
                pieces.append("\n")
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif type(node) in types:  # text and CDATA; not comments, doctypes or processing instructions
            pieces.append(str(node))
    lines = []
    for line in "".join(pieces).split("\n"):
        cells = [" ".join(part.split()) for part in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()  # the TAB appended after a row's last cell
        lines.append("\t".join(cells).strip(" "))
    # One line per block: HTML paragraphs are already their own lines, blank lines add nothing.
    return "\n".join(line for line in lines if line)


def _own_rows(table: Tag) -> list[Tag]:
    # Rows of this table, not of a table nested in one of its cells.
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, "1")).strip() or 1), 1000))
    except ValueError:
        return 1


def _tables(root: Tag) -> list[Table]:
    out: list[Table] = []
    for table in root.find_all("table"):
        grid: list[list[Cell]] = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
        for tr in _own_rows(table):
            row: list[Cell] = []
            col = 0
            for cell in tr.find_all(["td", "th"], recursive=False):
                while pending.get(col, 0) > 0:
                    row.append(Cell(None))
                    pending[col] -= 1
                    col += 1
                colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
                row.append(Cell(normalize_cell(" ".join(cell.get_text(" ").split()))))
                row.extend(Cell(None) for _ in range(colspan - 1))
                for c in range(col, col + colspan):
                    if rowspan > 1:
                        pending[c] = rowspan - 1
                col += colspan
            for c in sorted(k for k, v in pending.items() if k >= col and v > 0):
                row.extend(Cell(None) for _ in range(c - len(row) + 1))
                pending[c] -= 1
            if row:
                grid.append(row)
        if len(grid) < 1 or not any(c.text for r in grid for c in r):
            continue
        width = max(len(r) for r in grid)
        rows = tuple(tuple(r) + (Cell(None),) * (width - len(r)) for r in grid)
        out.append(Table(page=1, index=len(out), rows=rows, title=_title(table), pages=(1,)))
    return out


def _title(table: Tag) -> str | None:
    caption = table.find("caption")
    if isinstance(caption, Tag) and caption.find_parent("table") is table:
        return normalize_cell(_text_of(caption))
    prev = table.find_previous_sibling()
    if isinstance(prev, Tag):
        text = _text_of(prev)
        if text and (prev.name in _HEADINGS or _TABLE_CAPTION.match(text)):
            return normalize_cell(text)
    return None
