"""The pipeline as plain functions, no Prefect: the bench's comparison run.

python -m tests.bench.plain FOLDER OUT --workers N     # prints the stage seconds as JSON
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

_STAGE_SECONDS = {"parse": 0.0, "extract": 0.0}


def _timed(name: str, fn):
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _STAGE_SECONDS[name] += time.perf_counter() - t

    return wrapper


def _init_plain_worker() -> None:
    """Pool initializer: build the pipeline once, and time parse and extract in this worker by
    wrapping the very functions `process_raw` calls (only in this bench's worker processes)."""
    import govmap.extractors.extract as extract
    import govmap.flows.documents as documents

    documents.parse = _timed("parse", documents.parse)
    extract.extract_document = _timed("extract", extract.extract_document)
    documents.init_worker()


def _plain_document(raw, settings, cache) -> tuple[object, dict[str, float]]:
    from govmap.flows.documents import run_in_worker

    before = dict(_STAGE_SECONDS)
    summary = run_in_worker(raw, settings, cache)
    return summary, {k: _STAGE_SECONDS[k] - before[k] for k in _STAGE_SECONDS}


def plain_run(folder: Path, out: Path, workers: int) -> dict[str, float]:
    """pull -> parse + extract on a spawned process pool -> publish_release, no Prefect.

    It imports nothing from `govmap.flows.ingest` (which imports Prefect), so Prefect's import time
    counts as Prefect overhead.  The bench corpora hold no duplicate files, so reading each
    summary's cached result once is what the flow's loader does."""
    from concurrent.futures import ProcessPoolExecutor
    from dataclasses import replace

    from govmap.datasets.release import input_fingerprint
    from govmap.extractors.config import NlpConfig
    from govmap.flows.documents import worker_context
    from govmap.flows.result_cache import ResultCache
    from govmap.flows.release import prepare_publish, publish_release
    from govmap.version import pipeline_version
    from govmap.sources import ParseSettings, iter_sources, pull

    t0 = time.perf_counter()
    settings = ParseSettings.resolve(None)
    out.mkdir(parents=True, exist_ok=True)
    cache = ResultCache(out / ".cache", settings_key=settings.cache_key() + NlpConfig().cache_key())
    refs = list(iter_sources([str(folder)], settings))
    prepare_publish()  # as the flow does once a document needs extracting
    times = {"parse": 0.0, "extract": 0.0}
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(), initializer=_init_plain_worker) as pool:
        futures = [(ref, pool.submit(_plain_document, pull(ref, settings), settings, cache)) for ref in refs]
        summaries = []
        for ref, f in futures:
            summary, spent = f.result()
            summaries.append(replace(summary, source_uri=ref.uri))
            for k, v in spent.items():
                times[k] += v
    pool_s = time.perf_counter() - t0
    fingerprint = input_fingerprint(
        (s.sha256 for s in summaries), pipeline_version=pipeline_version(), extra=settings.cache_key()
    )
    outcome = publish_release(
        lambda: (cache.get(s.sha256) for s in summaries),
        out,
        fingerprint=fingerprint,
        pipeline_version=pipeline_version(),
    )
    return {"pull_parse_extract_wall": pool_s, **times, **outcome.stage_seconds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.bench.plain", description="the pipeline as plain functions, no Prefect"
    )
    ap.add_argument("folder", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--workers", type=int, required=True)
    a = ap.parse_args(argv)
    print(json.dumps(plain_run(a.folder, a.out, a.workers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
