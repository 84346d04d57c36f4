"""`python -m tests.bench`: see the package docstring."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import time
from pathlib import Path

from tests.bench import __doc__ as BENCH_DOC
from tests.bench.corpora import (
    BENCH,
    DEFAULT_SIZES,
    FLOOR_B_MAX_PAGES,
    build_corpus,
    floor_pdfium,
    floor_pdfplumber,
)
from tests.bench.processes import run_measured
from tests.bench.report import median_run, mib, linear_fit, render

QUIET_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}
OVERHEAD_DEFINITION = (
    "Prefect overhead = CLI end-to-end (flow, task runs, server round trips, CLI imports) minus the "
    "same work as plain functions in a fresh interpreter (same process pool and worker count, "
    "same per-document functions, same publish_release); the server start is reported apart."
)


# --- one Prefect server for every run ---------------------------------------------------------


def _start_server():
    """The bench's own Prefect server, on a fresh PREFECT_HOME."""
    from govmap.flows.prefect_server import PrefectServer

    home = BENCH / "prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    return PrefectServer(home, env=QUIET_ENV)


def measure(pages: int, workers: int, env: dict[str, str], dask: bool, plain: bool, repeats: int = 1) -> dict:
    folder = build_corpus(pages)
    row: dict = {"pages": pages, "files": len(list(folder.glob("*.pdf"))), "workers": workers}
    fa = floor_pdfium(folder)
    row["floor_a_pdfium_s"] = round(fa, 2)
    if pages <= FLOOR_B_MAX_PAGES:
        fb = floor_pdfplumber(folder)
        row["floor_b_pdfplumber_s"], row["floor_b_extrapolated"] = round(fb, 2), False
        measure.floor_b_per_page = fb / pages  # type: ignore[attr-defined]
    else:
        per_page = getattr(measure, "floor_b_per_page", None)
        if per_page is None:
            per_page = floor_pdfplumber(build_corpus(100)) / 100
        fb = per_page * pages
        row["floor_b_pdfplumber_s"], row["floor_b_extrapolated"] = round(fb, 2), True

    out = BENCH / f"out-{pages}"
    cli = [sys.executable, "-m", "govmap.flows.cli", "run", str(folder), "--out", str(out), "--workers", str(workers)]
    # A shared 2-core VM's speed drifts by a fifth from one run of seconds to the next: the
    # median of `repeats` fresh runs (each into an empty folder) is what a size reports.
    cli_runs = []
    for _ in range(repeats):
        shutil.rmtree(out, ignore_errors=True)
        cli_runs.append(run_measured(cli, env))
    wall, peak, main, largest, cli_out = median_run(cli_runs)
    row["end_to_end_runs_s"] = [round(r[0], 2) for r in cli_runs]
    # what the run says it did: documents ok and quarantined, pages published (the CLI's summary)
    for key, pattern in (
        ("documents_ok", r"documents(?: ok\W+|: )(\d+)"),
        ("documents_quarantined", r"(\d+) quarantined|quarantined\W+(\d+)"),
        ("pages_published", r"rows: pages\W+([\d,]+)"),
    ):
        if m := re.search(pattern, cli_out):
            row[key] = int(next(g for g in m.groups() if g).replace(",", ""))
    row.update(
        end_to_end_s=round(wall, 2),
        pages_per_s=round(pages / wall, 1),
        peak_rss_mib=mib(peak),
        cli_process_rss_mib=mib(main),
        max_worker_rss_mib=mib(largest),
        vs_floor_a=round(wall / fa, 1),
        vs_floor_b=round(wall / fb, 3),
        speedup_vs_floor_b=round(fb / wall, 2),
    )

    rerun, _, _, _, rerun_out = run_measured(cli, env)
    row.update(unchanged_rerun_s=round(rerun, 2), rerun_published_nothing="nothing changed" in rerun_out)
    row.update(_curation_rerun(cli, out, env, wall))

    if plain:
        plain_out = BENCH / f"plain-{pages}"
        plain_runs = []
        for _ in range(repeats):
            shutil.rmtree(plain_out, ignore_errors=True)
            plain_runs.append(
                run_measured(
                    [sys.executable, "-m", "tests.bench.plain", str(folder), str(plain_out), "--workers", str(workers)],
                    env,
                )
            )
        shutil.rmtree(plain_out, ignore_errors=True)
        pwall, ppeak, _, _, pout = median_run(plain_runs)
        row["plain_end_to_end_runs_s"] = [round(r[0], 2) for r in plain_runs]
        stages = json.loads(pout.strip().splitlines()[-1])
        row["plain_end_to_end_s"] = round(pwall, 2)
        row["plain_peak_rss_mib"] = mib(ppeak)
        row["stages_s"] = {k: round(v, 2) for k, v in stages.items()}
        row["prefect_overhead_s"] = round(wall - pwall, 2)
        row["prefect_overhead_pct"] = round(100 * (wall - pwall) / wall, 1)

    if dask:
        shutil.rmtree(out, ignore_errors=True)
        dwall, dpeak, dmain, dlargest, _ = run_measured(cli + ["--task-runner", "dask"], env)
        row["dask"] = {
            "end_to_end_s": round(dwall, 2),
            "pages_per_s": round(pages / dwall, 1),
            "peak_rss_mib": mib(dpeak),
            "cli_process_rss_mib": mib(dmain),
            "max_worker_rss_mib": mib(dlargest),
        }
    shutil.rmtree(out, ignore_errors=True)
    return row


def _curation_rerun(cli: list[str], out: Path, env: dict[str, str], full_s: float) -> dict:
    """A run after one review decision and nothing else: it must re-publish from the extraction
    cache (the issue's budget: at most 15 % of a full run)."""
    import pyarrow.parquet as pq

    from govmap.datasets.curation import append_decision, new_decision

    institutions = pq.read_table(
        out / "latest" / "institutions.parquet", columns=["institution_id", "kind"]
    ).to_pylist()
    if not institutions:
        return {}
    curation = out.parent / f"curation-{out.name}.yaml"
    curation.unlink(missing_ok=True)
    first = institutions[0]
    append_decision(
        curation,
        new_decision(
            {
                "op": "set",
                "id": first["institution_id"],
                "values": {"kind": "other" if first["kind"] != "other" else "company"},
            },
            by="bench",
            why="a curation-only re-run",
        ),
    )
    wall, _, _, _, output = run_measured(cli + ["--curation", str(curation)], env)
    curation.unlink(missing_ok=True)
    return {
        "curation_rerun_s": round(wall, 2),
        "curation_rerun_pct": round(100 * wall / full_s, 1),
        "curation_rerun_published": "latest ->" in output,
    }


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(prog="python -m tests.bench", description=BENCH_DOC.splitlines()[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", ",".join(map(str, DEFAULT_SIZES))))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--plain-max-pages",
        type=int,
        default=1000,
        help="run the Prefect-free comparison (stage times, Prefect overhead) up to this size; it doubles a size's cost",
    )
    ap.add_argument("--repeats", type=int, default=3, help="fresh runs per size (CLI and plain), the median reported")
    ap.add_argument(
        "--repeat-max-pages", type=int, default=1000, help="sizes above this run once (their runs take a minute)"
    )
    ap.add_argument(
        "--dask-size",
        type=int,
        default=1000,
        help="also run this size with --task-runner dask (0: never)",
    )
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    BENCH.mkdir(exist_ok=True)
    for pages in sizes:
        build_corpus(pages)
    server = _start_server()
    results: dict = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "prefect_server_start_s": round(server.seconds, 2),
        "overhead_definition": OVERHEAD_DEFINITION,
        "runs": [],
    }
    print(f"prefect server start: {results['prefect_server_start_s']} s ({server.api_url})", flush=True)
    env = {**os.environ, **QUIET_ENV, "PREFECT_API_URL": server.api_url}
    try:
        for pages in sizes:
            row = measure(
                pages,
                args.workers,
                env,
                pages == args.dask_size,
                pages <= args.plain_max_pages,
                repeats=args.repeats if pages <= args.repeat_max_pages else 1,
            )
            results["runs"].append(row)
            print(json.dumps(row), flush=True)
    finally:
        server.stop()
    results["fit"] = linear_fit([r["pages"] for r in results["runs"]], [r["end_to_end_s"] for r in results["runs"]])
    results["bench_wall_s"] = round(time.perf_counter() - started, 1)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2))
    text = render(results)
    (BENCH / "results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
