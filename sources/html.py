"""HTML: main text without scripts, styles and navigation; <table>s as Tables; title and author."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bs4 import BeautifulSoup, CData, NavigableString, Tag
from bs4.builder import ParserRejectedMarkup

from govmap.errors import ParseError
from sources.model import Cell, Document, Page, RawDocument, Table
from sources.normalize import normalize_cell, normalize_pages
from sources.settings import ParseSettings

__all__ = ["parse_html"]

# Not the document's words: code, styling, and the site's own chrome around the article.
_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg", "iframe",
         "form", "button", "select")
_BLOCKS = frozenset("""
address article blockquote body caption dd details dialog div dl dt fieldset figcaption figure h1 h2
h3 h4 h5 h6 hr li main ol p pre section summary table tbody thead tfoot tr ul
""".split())
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
    meta_title = _text_of(soup.title) or _text_of(soup.find("h1"))
    author = soup.find("meta", attrs={"name": re.compile(r"^author$", re.I)})
    meta_author = " ".join(str(author.get("content", "")).split()) or None if isinstance(author, Tag) else None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = soup.body or soup
    tables = _tables(root)
    text = _block_text(root)
    [page_text] = normalize_pages([text], settings)
    if not page_text.strip():
        raise ParseError(
            f"{where}: no text left after removing scripts, styles and navigation; document quarantined"
        )
    return Document(
        doc_id=raw.doc_id,
        source_uri=raw.source_uri,
        media_type=raw.media_type,
        sha256=raw.sha256,
        pages=(Page(1, page_text, tuple(tables)),),
        meta_title=normalize_cell(meta_title) if meta_title else None,
        meta_author=meta_author,
    )


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
