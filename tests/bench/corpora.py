"""The bench corpora (PDFs of a given page count, cached under .bench/) and the two floors."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests import ROOT, SHARED_CORPUS

BENCH = ROOT / ".bench"
SEED_DIRS = (SHARED_CORPUS / "pdf", SHARED_CORPUS / "real", ROOT / "samples")
PAGES_PER_FILE = 50
DEFAULT_SIZES = (100, 1000, 5000)
FLOOR_B_MAX_PAGES = 1000  # larger corpora: floor (b) extrapolated from the 1,000-page rate


def build_corpus(pages: int) -> Path:
    """A folder of PDFs with `pages` pages in all, made from the seed PDFs (cached)."""
    import pypdfium2 as pdfium

    folder = BENCH / f"corpus-{pages}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    seeds = sorted(p for d in SEED_DIRS if d.is_dir() for p in d.glob("*.pdf"))
    if not seeds:
        raise SystemExit("bench: no seed PDFs found (../shared/corpus or samples/)")
    sources = [(s, len(pdfium.PdfDocument(s))) for s in seeds]
    made, i, n = 0, 0, 0
    while made < pages:
        out = pdfium.PdfDocument.new()
        while len(out) < min(PAGES_PER_FILE, pages - made):
            path, count = sources[i % len(sources)]
            take = min(count, PAGES_PER_FILE - len(out), pages - made - len(out))
            out.import_pages(pdfium.PdfDocument(path), list(range(take)))
            i += 1
        made += len(out)
        out.save(folder / f"part-{n:04d}.pdf")
        n += 1
    (folder / ".complete").write_text(str(pages))
    return folder


def floor_pdfium(folder: Path) -> float:
    import pypdfium2 as pdfium

    t = time.perf_counter()
    for path in sorted(folder.glob("*.pdf")):
        doc = pdfium.PdfDocument(path)
        for page in doc:
            page.get_textpage().get_text_range()
    return time.perf_counter() - t


def floor_pdfplumber(folder: Path) -> float:
    import pdfplumber

    t = time.perf_counter()
    for path in sorted(folder.glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.flush_cache()
    return time.perf_counter() - t
