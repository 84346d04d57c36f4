"""Prefect's own `ProcessPoolTaskRunner` against govmap's process pool, on the same documents:
the measured reason govmap schedules its workers itself (#20).

python -m tests.bench.prefect_pool FOLDER [--workers 2]     # starts a Prefect server unless PREFECT_API_URL is set

Both ways run the same work per document (`run_in_worker`: parse, extract, cache the result)
inside a Prefect flow, each in a fresh interpreter (so each pays its own imports and worker
start-up), with the same worker count:
- govmap: `ProcessExtractor` (workers forked from a forkserver that built the pipeline once,
  per-document time and memory budgets, a dead worker costs one document);
- prefect: a flow with `ProcessPoolTaskRunner(max_workers, initializer=init_worker)`, one task per
  document.
Then each is run again with one document whose worker is killed (SIGKILL, as the OOM killer
would), to see what the run makes of it.  Prints one JSON line per run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The worker of one document is SIGKILLed at its start by govmap's crash hook (both ways run
# `run_in_worker`, which has it), as the OOM killer or a crash in C would.
KILL_AT = "GOVMAP_TEST_KILL_AT"


def run(way: str, folder: Path, workers: int) -> dict:
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.task_runners import ProcessPoolTaskRunner

    from govmap.extractors.config import NlpConfig
    from govmap.flows.documents import init_worker, run_in_worker
    from govmap.flows.result_cache import ResultCache
    from govmap.flows.runners import ProcessExtractor
    from govmap.sources import ParseSettings, iter_sources, pull

    settings = ParseSettings.resolve(None)
    cache = ResultCache(
        Path(tempfile.mkdtemp()) / ".cache", settings_key=settings.cache_key() + NlpConfig().cache_key()
    )
    refs = list(iter_sources([str(folder)], settings))
    extract_one = task(run_in_worker, cache_policy=NO_CACHE, name="extract-one")

    @flow(task_runner=ProcessPoolTaskRunner(max_workers=workers, initializer=init_worker))
    def with_prefect_pool() -> list:
        futures = [extract_one.submit(pull(ref, settings), settings, cache) for ref in refs]
        return [f.result() for f in futures]

    @flow
    def with_govmap_pool() -> list:
        with ProcessExtractor(cache, settings, None, workers) as extractor:
            futures = [extractor.submit(pull(ref, settings)) for ref in refs]
            return [extractor.collect(f) for f in futures]

    started = time.perf_counter()
    try:
        summaries = (with_prefect_pool if way == "prefect" else with_govmap_pool)()
        outcome = {
            "ok": sum(s.status == "ok" for s in summaries),
            "quarantined": [s.error for s in summaries if s.error],
        }
    except BaseException as exc:  # noqa: BLE001 - what the run makes of a dead worker is the measurement
        outcome = {"failed": f"{type(exc).__name__}: {str(exc)[:160]}"}
    return {"way": way, "documents": len(refs), "wall_s": round(time.perf_counter() - started, 2), **outcome}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.bench.prefect_pool", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3, help="timed runs of each way, alternating")
    ap.add_argument("--way", choices=("govmap", "prefect"), help=argparse.SUPPRESS)  # one run, in a child
    a = ap.parse_args(argv)
    if a.way:
        print(json.dumps(run(a.way, a.folder, a.workers)), flush=True)
        return 0
    pdfs = sorted(a.folder.glob("*.pdf"))
    victim = pdfs[len(pdfs) // 2].name
    server = None
    if "PREFECT_API_URL" not in os.environ:
        from tests.bench.__main__ import QUIET_ENV, _start_server

        server = _start_server()
        os.environ.update({**QUIET_ENV, "PREFECT_API_URL": server.api_url})
    try:
        _compare(a, victim)
    finally:
        if server is not None:
            server.stop()
    return 0


def _compare(a: argparse.Namespace, victim: str) -> None:
    for env in [{}] * a.repeats + [{KILL_AT: f"worker:{victim}"}]:
        for way in ("govmap", "prefect"):
            child = [sys.executable, "-m", "tests.bench.prefect_pool", str(a.folder), "--workers", str(a.workers)]
            out = subprocess.run(
                [*child, "--way", way], env={**os.environ, **env}, capture_output=True, text=True, timeout=900
            )
            line = (out.stdout.strip().splitlines() or [json.dumps({"way": way, "error": out.stderr[-300:]})])[-1]
            result = json.loads(line)
            result["killed_worker"] = bool(env)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
