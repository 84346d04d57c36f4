"""Build the evaluation releases: the pipeline's own stages as plain functions, without Prefect
and without validation, so an extraction change is scored in seconds.

    python -m tests.eval.run [--corpus text|pdf|dev|real ...] [--out .eval] [--workers 2]

Each corpus becomes `<out>/<corpus>/` holding the seven tables as Parquet, written by the same
`process_raw`, `resolve` and `record_rows` a published release uses.  `make eval` runs this, then
`tests.eval.score` on the releases.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests import ROOT, SHARED_CORPUS

CORPORA = ("text", "pdf", "dev", "real")


def _work(raw, settings):
    """Parse and extract one document in a worker, with the worker's one pipeline."""
    from govmap.flows.documents import process_raw, worker_nlp

    return process_raw(raw, settings, worker_nlp())


def build(corpus: str, paths: list[Path], out: Path, workers: int) -> Path:
    import pyarrow.parquet as pq

    from govmap.datasets.contract import TABLES
    from govmap.datasets.curate import CurationRun
    from govmap.datasets.curation import EMPTY
    from govmap.datasets.parquet import to_arrow
    from govmap.extractors.kb import load_kb
    from govmap.extractors.resolve import resolve, summarize
    from govmap.extractors.rows import record_rows
    from govmap.flows.release import _document_row
    from govmap.sources import ParseSettings, iter_sources, pull

    # Scores must not depend on how busy the machine is: no wall-time budget for evaluation runs.
    settings = ParseSettings(document_seconds=3600.0)
    refs = list(iter_sources([str(p) for p in paths], settings))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_work, [pull(r, settings) for r in refs], [settings] * len(refs)))
    resolution = resolve((summarize(r.extraction) for r in results if r.extraction is not None), load_kb())
    target = out / corpus
    target.mkdir(parents=True, exist_ok=True)
    # The rows a release publishes with no reviewer's decisions (review state "machine").
    curated = CurationRun(EMPTY, resolution)
    tables: dict[str, list] = {name: [] for name in TABLES}
    for r in results:
        row = _document_row(r)
        tables["documents"].append(row)
        for name, rows in curated.document(
            row["doc_id"], record_rows(row["doc_id"], r.pages, r.extraction, curated.resolution), r.pages
        ).items():
            tables[name].extend(rows)
    tables["institutions"], tables["instruments"] = curated.entity_rows()
    for name, rows in tables.items():
        pq.write_table(to_arrow(TABLES[name], rows), target / f"{name}.parquet")
    bad = [r.row for r in results if r.row.status != "ok"]
    for row in bad:
        print(f"  quarantined: {row.source_uri}: {row.error}", file=sys.stderr)
    return target


def corpus_paths(corpus: str) -> list[Path]:
    folder = SHARED_CORPUS / corpus
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != "README.md")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tests.eval.run", description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", nargs="+", default=["text", "pdf", "dev"], choices=CORPORA)
    ap.add_argument("--out", type=Path, default=ROOT / ".eval")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    if not SHARED_CORPUS.is_dir():
        print(f"no shared corpus at {SHARED_CORPUS}: nothing to evaluate", file=sys.stderr)
        return 2
    for corpus in args.corpus:
        target = build(corpus, corpus_paths(corpus), args.out, args.workers)
        print(f"{corpus}: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
