"""The reference corpus's table-borne facts, counted and fingerprinted, to check a reader change.

    python -m tests.parity.table_facts [FOLDER]      # default ../shared/corpus/pdf

Prints, for the PDFs of the folder, the ratings and collaborations the table extractors find
and the instruments defined in tables (with a description), plus a sha256 of every record:
run it before and after a change to the PDF reader; the lines must be the same.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

from tests import SHARED_CORPUS

DEFAULT_FOLDER = SHARED_CORPUS / "pdf"


def main(argv: list[str] | None = None) -> int:
    from govmap.extractors.extract import extract_document
    from govmap.extractors.nlp import build_nlp
    from govmap.sources import RawDocument, parse

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else DEFAULT_FOLDER
    logging.disable(logging.WARNING)
    nlp = build_nlp()
    ratings, collaborations, definitions = [], [], []
    for path in sorted(folder.glob("*.pdf")):
        extraction = extract_document(nlp, parse(RawDocument(str(path), path.read_bytes(), "application/pdf")))
        ratings += [(path.name, repr(r)) for r in extraction.ratings if r.extractor.startswith("table:")]
        collaborations += [(path.name, repr(c)) for c in extraction.collaborations if c.extractor.startswith("table:")]
        definitions += [
            (path.name, repr(d)) for d in extraction.discoveries if d.entity_type == "instrument" and d.description
        ]
    for name, records in (
        ("ratings", ratings),
        ("table collaborations", collaborations),
        ("instrument definitions", definitions),
    ):
        digest = hashlib.sha256("\n".join(sorted(map(str, records))).encode()).hexdigest()[:16]
        print(f"{name}: {len(records)}  sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
