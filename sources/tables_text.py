"""Tables in plain text: Markdown pipe tables and TAB-separated blocks, found line by line.

Finding is apart from building records: `find_text_tables` returns line spans, `text_tables`
turns them into `Table`s.  The table's lines stay in the page text, so mentions in them keep
their offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govmap.sources.model import Cell, Table

__all__ = ["TextTable", "find_text_tables", "text_tables", "caption_of"]

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
# A cell border; "\|" is a pipe inside a cell.
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_CAPTION = re.compile(r"^\s*(?:\*\*|__)?\s*((?:Table|TABLE)\s+[0-9A-Z][\w.-]*\b.*?)\s*(?:\*\*|__)?\s*$")


@dataclass(frozen=True)
class TextTable:
    """A table found in text: its rows (header first), first and last line, and caption."""

    rows: tuple[tuple[str | None, ...], ...]
    first_line: int
    last_line: int
    title: str | None


def _split_pipe_row(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = _UNESCAPED_PIPE.split(body)
    return [c.strip().replace("\\|", "|") for c in cells]


def caption_of(lines: list[str], first_line: int) -> str | None:
    """The nearest non-blank line above `first_line`, if it reads as a caption ("Table 2. ...")."""
    i = first_line - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0:
        return None
    m = _CAPTION.match(lines[i])
    return m.group(1).strip() if m else None


def _rectangular(rows: list[list[str]]) -> tuple[tuple[str | None, ...], ...]:
    # A short row has no cells past its end (None), which is not the same as empty cells ("").
    width = max(len(r) for r in rows)
    return tuple(tuple(r) + (None,) * (width - len(r)) for r in rows)


def find_text_tables(text: str) -> list[TextTable]:
    """Pipe tables (header, |---| separator, rows) and TAB blocks (2+ lines with the same
    number, at least 2, of TAB-separated fields; a leading TAB is an empty first cell)."""
    lines = text.split("\n")
    found: list[TextTable] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        # A header row: "| a | b |", or "a | b" without the outer pipes (GFM allows both).
        if (
            _UNESCAPED_PIPE.search(line)
            and i + 1 < len(lines)
            and _PIPE_SEPARATOR.match(lines[i + 1])
            and "|" in lines[i + 1]
        ):
            outer = bool(_PIPE_ROW.match(line))
            rows = [_split_pipe_row(line)]
            j = i + 2
            # Rows go on while lines hold a pipe; without outer pipes the table ends at a line
            # without an unescaped pipe.
            while j < len(lines) and (_PIPE_ROW.match(lines[j]) or (not outer and _UNESCAPED_PIPE.search(lines[j]))):
                rows.append(_split_pipe_row(lines[j]))
                j += 1
            found.append(TextTable(_rectangular(rows), i, j - 1, caption_of(lines, i)))
            i = j
            continue
        width = line.count("\t") + 1
        if width >= 2 and line.strip():
            j = i + 1
            while j < len(lines) and lines[j].count("\t") + 1 == width and lines[j].strip():
                j += 1
            if j - i >= 2:
                rows = [[cell.strip() for cell in lines[k].split("\t")] for k in range(i, j)]
                found.append(TextTable(_rectangular(rows), i, j - 1, caption_of(lines, i)))
                i = j
                continue
        i += 1
    return found


def text_tables(pages: list[str], *, first_index: int = 0) -> list[list[Table]]:
    """Tables of each page's text, numbered in document order.

    A table followed, with only blank lines or a page break between, by a table of the same width
    whose header row repeats its own is one table continued: the repeated header is dropped.
    """
    parts: list[tuple[int, TextTable, bool]] = []  # (page number, table, starts at page top)
    for number, text in enumerate(pages, start=1):
        lines = text.split("\n")
        for t in find_text_tables(text):
            at_top = not any(line.strip() for line in lines[: t.first_line])
            parts.append((number, t, at_top))
    merged: list[dict] = []
    prev_end: tuple[int, int, int] | None = None  # (page, last line, lines on page)
    for number, t, at_top in parts:
        last = merged[-1] if merged else None
        if last is not None and prev_end is not None and _continues(last, number, t, at_top, prev_end, pages):
            last["rows"].extend(t.rows[1:])
            last["row_pages"].extend([number] * (len(t.rows) - 1))
            if number not in last["pages"]:
                last["pages"].append(number)
        else:
            merged.append(
                {
                    "page": number,
                    "rows": list(t.rows),
                    "title": t.title,
                    "row_pages": [number] * len(t.rows),
                    "pages": [number],
                    "header": t.rows[0],
                }
            )
        prev_end = (number, t.last_line, t.first_line)
    out: list[list[Table]] = [[] for _ in pages]
    for index, m in enumerate(merged, start=first_index):
        multi = len(m["pages"]) > 1
        table = Table(
            page=m["page"],
            index=index,
            rows=tuple(tuple(Cell(text) for text in row) for row in m["rows"]),
            title=m["title"],
            bbox=None,
            pages=tuple(m["pages"]),
            row_pages=tuple(m["row_pages"]) if multi else (),
        )
        out[m["page"] - 1].append(table)
    return out


def _continues(
    last: dict, number: int, t: TextTable, at_top: bool, prev_end: tuple[int, int, int], pages: list[str]
) -> bool:
    if t.rows[0] != last["header"] or len(t.rows) < 2 or t.title is not None:
        return False
    prev_page, prev_last_line, _ = prev_end
    if number == prev_page:
        between = pages[number - 1].split("\n")[prev_last_line + 1 : t.first_line]
        return not any(line.strip() for line in between)
    if number == prev_page + 1 and at_top:
        rest = pages[prev_page - 1].split("\n")[prev_last_line + 1 :]
        return not any(line.strip() for line in rest)
    return False
