"""Parity of govmap's PDF reader with stock pdfplumber (tables) and pypdfium2 (page text).

    python -m tests.parity.harness [FOLDER ...] [--json OUT] [--quiet]

Takes any folder of PDFs (searched recursively).  Without one it reads pdfplumber's own test
PDFs from `.parity-cache/tests/pdfs`; get them with

    git clone --depth 1 https://github.com/jsvine/pdfplumber /tmp/pdfplumber
    mkdir -p .parity-cache && cp -r /tmp/pdfplumber/tests .parity-cache/     # or just tests/pdfs

(`make parity` does the same with `PARITY_PDFS=folder` to point elsewhere).  The cache folder is
git-ignored: third-party PDFs are never committed.

For every file:

- **tables**: pdfplumber's `find_tables()` (default settings, the "lines" strategy govmap uses)
  on every page, against govmap's tables of that page (a table govmap merged across pages is
  split back into its per-page parts).  A pdfplumber table is *real* when it has >= 2 rows,
  >= 2 columns and at least half its slots hold text.  Each real table is *equal* (every cell
  equal once whitespace runs are one space, after govmap's cell repairs applied to pdfplumber's
  text too), *equal without spaces* (equal once all whitespace is removed), *different* (a
  govmap table covers it, with another shape or text: the cause is printed) or *missed*.  A govmap
  table covering no pdfplumber table is *extra*.
- **page text**: pypdfium2's `get_text_range()` per page, against govmap's page text:
  *false hyphens* (a line-end hyphen pdfium marks with U+FFFE, kept by govmap inside a word
  although the document never prints that word with a hyphen elsewhere), *lines lost* (a line
  of pdfium's text whose letters and digits are nowhere in govmap's page), split into page
  numbers, running heads (the same line at the top or bottom of most pages) and *other*, and
  control characters left in govmap's text.
- **speed**: govmap's `parse_pdf` against pdfplumber's text + `extract_tables()` of every page
  (the bench's floor (b)), each timed once, per file and overall.

Targets (issue 17) are printed with each figure.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = ROOT / ".parity-cache" / "tests" / "pdfs"

# A pdfplumber table counts as real with at least this many rows and columns, and more than this
# share of its slots holding text (boxes around prose, layout frames and empty grids do not).
REAL_MIN_ROWS = 2
REAL_MIN_COLS = 2
REAL_MIN_FILLED = 0.5
# Two tables on a page are the same table when their boxes overlap this much (intersection over
# union: a frame around a table is not the table).
SAME_TABLE_OVERLAP = 0.5
_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In pdfium's text, a hyphen it took for a line-end hyphen: U+FFFE (sometimes followed by the
# line break, sometimes not).
_FFFE_SITE = re.compile(r"([^\W\d_]+)\ufffe(?:\r?\n)?([^\W\d_]+)")


@dataclass
class FileResult:
    name: str
    pages: int = 0
    error: str = ""
    govmap_s: float = 0.0
    plumber_s: float = 0.0
    pdfplumber_pages: int = 0  # pages govmap handed to pdfplumber
    real_tables: int = 0
    equal: int = 0
    equal_nospace: int = 0
    different: int = 0
    missed: int = 0
    extra: int = 0
    causes: list[str] = field(default_factory=list)
    hyphen_sites: int = 0
    false_hyphens: list[str] = field(default_factory=list)
    lost_hyphens: list[str] = field(default_factory=list)
    lines_lost_page_number: int = 0
    lines_lost_running: int = 0
    lines_lost_other: list[str] = field(default_factory=list)
    control_chars: int = 0
    chars_pdfium: int = 0
    chars_govmap: int = 0


# --- reading --------------------------------------------------------------------------------------


def _plumber(path: Path) -> tuple[float, list[list[tuple[tuple[float, ...], list[list[str | None]]]]]]:
    """pdfplumber's time (text + tables of every page) and each page's tables as (bbox, rows)."""
    import pdfplumber

    start = time.perf_counter()
    tables = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            found = page.find_tables()
            tables.append([(tuple(t.bbox), t.extract()) for t in found])
            page.close()
    return time.perf_counter() - start, tables


def _pdfium_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        return texts
    finally:
        pdf.close()


def _govmap(path: Path) -> tuple[float, Any, int]:
    """govmap's time, its Document, and how many pages it handed to pdfplumber."""
    from govmap.sources import pdf as pdf_module
    from govmap.sources.model import RawDocument
    from govmap.sources.pdf import parse_pdf

    raw = RawDocument(path.name, path.read_bytes(), "application/pdf")
    handed: list[int] = []
    original = pdf_module.find_tables_pdfplumber

    def spy(data: bytes, pages: list[int], *args: Any, **kwargs: Any) -> Any:
        handed.extend(pages)
        return original(data, pages, *args, **kwargs)

    pdf_module.find_tables_pdfplumber = spy  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        doc = parse_pdf(raw)
        return time.perf_counter() - start, doc, len(handed)
    finally:
        pdf_module.find_tables_pdfplumber = original  # type: ignore[assignment]


def _govmap_page_tables(doc: Any) -> dict[int, list[tuple[tuple[float, ...] | None, list[list[str | None]]]]]:
    """govmap's tables per page, a table merged across pages split back into its pages' parts
    (a continued part printed its header row again; govmap dropped it)."""
    out: dict[int, list[tuple[tuple[float, ...] | None, list[list[str | None]]]]] = {}
    for t in doc.tables:
        grid = t.grid
        if len(t.pages) <= 1:
            out.setdefault(t.page, []).append((t.bbox, grid))
            continue
        for page in t.pages:
            rows = [r for r, p in zip(grid, t.row_pages) if p == page]
            if page != t.page:
                rows = [grid[0]] + rows
            # Only the first part's box is known; later parts match on their text.
            out.setdefault(page, []).append((t.bbox if page == t.page else None, rows))
    return out


# --- comparing ------------------------------------------------------------------------------------


def _is_real(rows: list[list[str | None]]) -> bool:
    if len(rows) < REAL_MIN_ROWS or max((len(r) for r in rows), default=0) < REAL_MIN_COLS:
        return False
    slots = [c for r in rows for c in r]
    return sum(1 for c in slots if c and c.strip()) > REAL_MIN_FILLED * len(slots)


def _overlap(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> float:
    if a is None or b is None:
        return 0.0
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0


def _cells(rows: list[list[str | None]], key: Any) -> list[list[str | None]]:
    return [[None if c is None else key(c) for c in r] for r in rows]


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _nospace(text: str) -> str:
    return "".join(text.split())


def _difference(plumber: list[list[str | None]], govmap: list[list[str | None]]) -> str:
    """One line saying how govmap's table differs from pdfplumber's."""
    from govmap.sources.normalize import normalize_cell

    if len(plumber) != len(govmap) or [len(r) for r in plumber] != [len(r) for r in govmap]:
        return f"shape {len(plumber)}x{max(map(len, plumber))} vs {len(govmap)}x{max(map(len, govmap), default=0)}"
    for pr, gr in zip(plumber, govmap):
        for p, g in zip(pr, gr):
            if (p is None) != (g is None):
                return f"merged slot: {p!r} vs {g!r}"
            if p is not None and _nospace(normalize_cell(p) or "") != _nospace(g or ""):
                return f"text: {_spaced(p)[:40]!r} vs {(g or '')[:40]!r}"
    for pr, gr in zip(plumber, govmap):
        for p, g in zip(pr, gr):
            if p is not None and normalize_cell(p) != g:
                return f"spaces: {_spaced(p)[:40]!r} vs {(g or '')[:40]!r}"
    return "?"


def _compare_tables(
    result: FileResult,
    plumber_pages: list[list[tuple[tuple[float, ...], list[list[str | None]]]]],
    govmap_pages: dict[int, list[tuple[tuple[float, ...] | None, list[list[str | None]]]]],
) -> None:
    from govmap.sources.normalize import normalize_cell

    for number, plumber in enumerate(plumber_pages, start=1):
        ours = list(govmap_pages.get(number, []))
        used: set[int] = set()
        for bbox, rows in plumber:
            real = _is_real(rows)
            result.real_tables += real
            expect = _cells(rows, lambda c: normalize_cell(c) or "")
            match, best = None, SAME_TABLE_OVERLAP
            for k, (gbox, grows) in enumerate(ours):
                if k in used:
                    continue
                if gbox is None and _cells(grows, _nospace) == _cells(expect, _nospace):
                    match = k
                    break
                if _overlap(bbox, gbox) >= best:
                    match, best = k, _overlap(bbox, gbox)
            if match is None:
                if real:
                    result.missed += 1
                    result.causes.append(f"p{number} missed {len(rows)}x{max(map(len, rows))} table")
                continue
            used.add(match)
            if not real:
                continue
            grows = ours[match][1]
            if _cells(grows, _spaced) == _cells(expect, _spaced):
                result.equal += 1
            elif _cells(grows, _nospace) == _cells(expect, _nospace):
                result.equal_nospace += 1
                result.causes.append(f"p{number} {_difference(rows, grows)}")
            else:
                result.different += 1
                result.causes.append(f"p{number} {_difference(rows, grows)}")
        for k, (_gbox, grows) in enumerate(ours):
            if k not in used:
                result.extra += 1
                result.causes.append(f"p{number} extra {len(grows)}x{max(map(len, grows), default=0)} table")


def _line_key(line: str) -> str:
    return _ALNUM.sub("", unicodedata.normalize("NFKC", line.replace("\ufffe", "").replace("\u00ad", ""))).lower()


def _compare_text(result: FileResult, pdfium_texts: list[str], govmap_texts: list[str]) -> None:
    """Hyphens at line ends are judged on the document's own words: a hyphen govmap keeps is false
    when the document prints the joined word elsewhere or the part after the hyphen is no word of
    the document ("con-structed", "tempera-ture"); a hyphen govmap drops was real when the
    document prints the hyphenated word elsewhere, not at a line end."""
    from govmap.sources.normalize import _PAGE_NUMBER  # a lost line govmap took for a page number

    whole = "\n".join(pdfium_texts)
    printed_hyphenated = {m.group(0).lower() for m in re.finditer(r"[^\W\d_]+-[^\W\d_]+", whole)}
    # the document's words away from these breaks
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", _FFFE_SITE.sub(" ", whole))}
    govmap_whole = "\n".join(govmap_texts)
    for page_raw, page_ours in zip(pdfium_texts, govmap_texts):
        for m in _FFFE_SITE.finditer(page_raw):
            head, tail = m.group(1), m.group(2)
            if not (head[-1].islower() and tail[0].islower()):
                continue
            result.hyphen_sites += 1
            hyphenated = f"{head}-{tail}"
            joined = (head + tail).lower()
            compound = hyphenated.lower() in printed_hyphenated
            split = joined in words or tail.lower() not in words
            if re.search(rf"(?<![^\W\d_]){re.escape(hyphenated)}(?![^\W\d_])", page_ours):
                if split and not compound:
                    result.false_hyphens.append(hyphenated)
            elif compound and re.search(rf"(?<![^\W\d_]){re.escape(head + tail)}(?![^\W\d_])", page_ours):
                result.lost_hyphens.append(hyphenated)
    # Lines lost: pdfium's lines whose letters and digits govmap's page no longer holds.
    raw_lines = [[ln for ln in re.split(r"\r\n|\r|\n", t) if _line_key(ln)] for t in pdfium_texts]
    edge_counts: Counter[str] = Counter()
    for lines in raw_lines:
        edge = lines[:3] + lines[-3:]
        edge_counts.update({re.sub(r"\d+", "#", _line_key(ln)) for ln in edge})
    for lines, ours in zip(raw_lines, govmap_texts):
        have = _line_key(ours)
        edge = set(lines[:3] + lines[-3:])
        for line in lines:
            if _line_key(line) in have:
                continue
            if _PAGE_NUMBER.match(line):
                result.lines_lost_page_number += 1
            elif (
                line in edge
                and len(pdfium_texts) >= 3
                and edge_counts[re.sub(r"\d+", "#", _line_key(line))] >= 0.5 * len(pdfium_texts)
            ):
                result.lines_lost_running += 1
            else:
                result.lines_lost_other.append(line.strip()[:60])
    result.control_chars = len(_CONTROL.findall(govmap_whole))
    result.chars_pdfium = sum(len(_line_key(t)) for t in pdfium_texts)
    result.chars_govmap = sum(len(_line_key(t)) for t in govmap_texts)


def measure(path: Path) -> FileResult:
    """Every figure of one PDF."""
    from govmap.errors import ParseError

    result = FileResult(path.name)
    try:
        result.govmap_s, doc, result.pdfplumber_pages = _govmap(path)
    except ParseError as exc:
        result.error = f"govmap: {exc}"
        return result
    try:
        result.plumber_s, plumber_pages = _plumber(path)
    except Exception as exc:  # a file pdfplumber cannot read is reported, not fatal
        result.error = f"pdfplumber: {type(exc).__name__}: {exc}"[:200]
        return result
    result.pages = len(doc.pages)
    _compare_tables(result, plumber_pages, _govmap_page_tables(doc))
    _compare_text(result, _pdfium_texts(path), [p.text for p in doc.pages])
    return result


# --- report ---------------------------------------------------------------------------------------


def _pct(n: float, d: float) -> str:
    return f"{100 * n / d:.1f} %" if d else "n/a"


def report(results: list[FileResult], *, verbose: bool = True) -> str:
    ok = [r for r in results if not r.error]
    real = sum(r.real_tables for r in ok)
    equal = sum(r.equal for r in ok)
    equal_ns = equal + sum(r.equal_nospace for r in ok)
    gov_s, plumb_s = sum(r.govmap_s for r in ok), sum(r.plumber_s for r in ok)
    false_h = sum(len(r.false_hyphens) for r in ok)
    lost_other = sum(len(r.lines_lost_other) for r in ok)
    ratios = [(r.plumber_s / r.govmap_s, r.name) for r in ok if r.govmap_s > 0]
    slowest = min(ratios) if ratios else (0.0, "")
    out = []
    if verbose:
        out.append(
            f"{'file':44} {'pg':>3} {'real':>4} {'eq':>3} {'eq~':>3} {'diff':>4} {'miss':>4} {'xtra':>4} "
            f"{'fhyph':>5} {'lost':>4} {'ctl':>3} {'plumb':>4} {'x':>6}"
        )
        for r in results:
            if r.error:
                out.append(f"{r.name[:44]:44} {r.error[:80]}")
                continue
            x = r.plumber_s / r.govmap_s if r.govmap_s else 0.0
            out.append(
                f"{r.name[:44]:44} {r.pages:3} {r.real_tables:4} {r.equal:3} {r.equal_nospace:3} {r.different:4} "
                f"{r.missed:4} {r.extra:4} {len(r.false_hyphens):5} {len(r.lines_lost_other):4} "
                f"{r.control_chars:3} {r.pdfplumber_pages:4} {x:6.1f}"
            )
        out.append("")
        out.append("differences, by file:")
        for r in ok:
            for cause in r.causes:
                out.append(f"  {r.name}: {cause}")
            if r.false_hyphens:
                out.append(f"  {r.name}: false hyphens {sorted(set(r.false_hyphens))[:8]}")
            if r.lost_hyphens:
                out.append(f"  {r.name}: compound hyphens lost {sorted(set(r.lost_hyphens))[:8]}")
            if r.lines_lost_other:
                out.append(f"  {r.name}: lines lost {r.lines_lost_other[:5]}")
        out.append("")
    out += [
        f"files: {len(results)} ({len(results) - len(ok)} not compared: quarantined by govmap or unreadable)",
        f"pdfplumber real tables: {real}",
        f"  equal cells (spaces):        {equal:4}  {_pct(equal, real):>8}   target >= 90 %",
        f"  equal cells (no whitespace): {equal_ns:4}  {_pct(equal_ns, real):>8}   target >= 97 %",
        f"  different:                   {sum(r.different for r in ok):4}",
        f"  missed:                      {sum(r.missed for r in ok):4}",
        f"  govmap extra tables:         {sum(r.extra for r in ok):4}",
        f"page text: line-end hyphen sites {sum(r.hyphen_sites for r in ok)}, false hyphens {false_h} "
        f"in {sum(1 for r in ok if r.false_hyphens)} files (target 0); compound hyphens lost "
        f"{sum(len(r.lost_hyphens) for r in ok)}",
        f"  lines lost: page numbers {sum(r.lines_lost_page_number for r in ok)}, running heads "
        f"{sum(r.lines_lost_running for r in ok)}, other {lost_other} in "
        f"{sum(1 for r in ok if r.lines_lost_other)} files (target 0 other)",
        f"  control characters left: {sum(r.control_chars for r in ok)}; letters+digits pdfium "
        f"{sum(r.chars_pdfium for r in ok)}, govmap {sum(r.chars_govmap for r in ok)}",
        f"speed: govmap {gov_s:.2f} s, pdfplumber {plumb_s:.2f} s: {plumb_s / gov_s if gov_s else 0:.1f}x overall "
        f"(target >= 6x); slowest file {slowest[0]:.1f}x ({slowest[1]}) (target >= 1x); "
        f"{sum(1 for r in ok if r.pdfplumber_pages)} files with pages handed to pdfplumber",
    ]
    return "\n".join(out)


def pdfs_in(folders: list[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found += [folder] if folder.is_file() else sorted(folder.rglob("*.pdf"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.parity.harness", description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help=f"PDFs or folders of PDFs (default: {DEFAULT_FOLDER})")
    parser.add_argument("--json", type=Path, help="also write every file's figures here")
    parser.add_argument("--quiet", action="store_true", help="the totals only")
    args = parser.parse_args(argv)
    folders = args.folders or [DEFAULT_FOLDER]
    missing = [f for f in folders if not f.exists()]
    if missing:
        print(
            f"{missing[0]}: not found.  pdfplumber's test PDFs: git clone --depth 1 "
            f"https://github.com/jsvine/pdfplumber /tmp/pdfplumber && mkdir -p {DEFAULT_FOLDER.parent} && "
            f"cp -r /tmp/pdfplumber/tests/pdfs {DEFAULT_FOLDER.parent}/  (or name any folder of PDFs)",
            file=sys.stderr,
        )
        return 2
    import logging

    logging.disable(logging.WARNING)  # pdfminer and govmap warn about damaged test files
    results = []
    for path in pdfs_in(folders):
        results.append(measure(path))
        if not args.quiet:
            print(f"  {path.name}: {results[-1].govmap_s:.2f} s / {results[-1].plumber_s:.2f} s", file=sys.stderr)
    print(report(results, verbose=not args.quiet))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
