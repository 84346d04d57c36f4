"""`make bench`: where time and memory go, against two reference floors on the same PDFs.

For each corpus size (default 100, 1,000 and 5,000 pages) it reports
- end-to-end wall time of the real CLI (`govmap run`: Prefect flow, process pool, resolution,
  Parquet, validation, publishing), pointed at one Prefect server the bench starts first, whose
  start is reported apart (it is a one-off per machine, not per document);
- the same run as plain functions without Prefect (`python -m govmap.flows.bench plain`): the same process
  pool, worker count, per-document functions and `publish_release`, in a fresh interpreter like the
  CLI.  It gives the stage times: parse and extract as worker-seconds (summed over documents, in
  the workers), resolve / write / validate / publish as wall seconds;
- Prefect overhead = CLI end-to-end minus the plain run's end-to-end: what the flow, its task
  runs, state reporting to the server and the CLI's own imports add to identical work;
- peak RSS of the whole process tree (CLI plus workers), of the CLI process and of the largest
  worker (any child process, Dask's included), sampled from /proc every 0.2 s;
- floor (a): pypdfium2 plain text of every page; floor (b): pdfplumber text + extract_tables of
  every page, each in one process; floor (b) is measured up to 1,000 pages and extrapolated
  beyond from the 1,000-page per-page rate (the corpora repeat the same seed pages);
- a least-squares fit of end-to-end seconds = a + b * pages over the sizes run.
Sizes up to 1,000 pages run the CLI and the plain comparison three times each, into empty
folders, and report the median run: a shared VM's speed drifts between runs of seconds.
Corpora concatenate the shared corpus PDFs and our sample PDFs into files of 50 pages, cached
under .bench/.  Results: .bench/results.md and .bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
SEED_DIRS = (ROOT.parent / "shared" / "corpus" / "pdf", ROOT.parent / "shared" / "corpus" / "real", ROOT / "samples")
PAGES_PER_FILE = 50
DEFAULT_SIZES = (100, 1000, 5000)
FLOOR_B_MAX_PAGES = 1000  # larger corpora: floor (b) extrapolated from the 1,000-page rate
QUIET_ENV = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
             "PREFECT_UI_ENABLED": "false", "PREFECT_LOGGING_TO_API_ENABLED": "false"}
OVERHEAD_DEFINITION = ("Prefect overhead = CLI end-to-end (flow, task runs, server round trips, CLI imports) minus the "
                       "same work as plain functions in a fresh interpreter (same process pool and worker count, "
                       "same per-document functions, same publish_release); the server start is reported apart.")


# --- corpora and floors -----------------------------------------------------------------------


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


# --- measuring a process tree -----------------------------------------------------------------


def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Children of every process and every process's resident bytes, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(d.name))
            rss[int(d.name)] = int(stat[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    return children, rss


def tree_rss(pid: int) -> tuple[int, int, int]:
    """(resident bytes of `pid` and all its descendants, of `pid` alone, of the largest descendant:
    a worker process)."""
    children, rss = _processes()
    total, largest, stack = 0, 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        if p != pid:
            largest = max(largest, rss.get(p, 0))
        stack.extend(children.get(p, []))
    return total, rss.get(pid, 0), largest


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, int, str]:
    """Wall time, peak RSS of the process tree, of the command's own process and of its largest
    child process (a worker), and stdout of one command."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = main = largest = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, main, largest
        while not done.is_set():
            total, own, child = tree_rss(proc.pid)
            peak, main, largest = max(peak, total), max(main, own), max(largest, child)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd[1:])} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, peak, main, largest, out


# --- one Prefect server for every run ---------------------------------------------------------


def _start_server() -> "PrefectServer":
    """The bench's own Prefect server, on a fresh PREFECT_HOME."""
    from govmap.flows.prefect_server import PrefectServer

    home = BENCH / "prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    return PrefectServer(home, env=QUIET_ENV)


# --- the pipeline without Prefect -------------------------------------------------------------

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
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(),
                             initializer=_init_plain_worker) as pool:
        futures = [(ref, pool.submit(_plain_document, pull(ref, settings), settings, cache)) for ref in refs]
        summaries = []
        for ref, f in futures:
            summary, spent = f.result()
            summaries.append(replace(summary, source_uri=ref.uri))
            for k, v in spent.items():
                times[k] += v
    pool_s = time.perf_counter() - t0
    fingerprint = input_fingerprint((s.sha256 for s in summaries), pipeline_version=pipeline_version(), extra=settings.cache_key())
    outcome = publish_release(lambda: (cache.get(s.sha256) for s in summaries), out, fingerprint=fingerprint,
                              pipeline_version=pipeline_version())
    return {"pull_parse_extract_wall": pool_s, **times, **outcome.stage_seconds}


# --- the report -------------------------------------------------------------------------------


def linear_fit(xs: list[float], ys: list[float]) -> dict[str, float] | None:
    """Least squares y = a + b x, with R^2 (None for fewer than two sizes)."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return {"a_s": round(a, 2), "b_s_per_page": round(b, 4), "r2": round(1 - ss_res / ss_tot, 4) if ss_tot else 1.0}


def _mib(n: int) -> int:
    return round(n / 2**20)


def _median_run(runs: list[tuple[float, int, int, int, str]]) -> tuple[float, int, int, int, str]:
    """The run of median wall time (the upper one of an even count)."""
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


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
    wall, peak, main, largest, cli_out = _median_run(cli_runs)
    row["end_to_end_runs_s"] = [round(r[0], 2) for r in cli_runs]
    # what the run says it did: documents ok and quarantined, pages published (the CLI's summary)
    for key, pattern in (("documents_ok", r"documents(?: ok\W+|: )(\d+)"), ("documents_quarantined", r"(\d+) quarantined|quarantined\W+(\d+)"),
                         ("pages_published", r"rows: pages\W+([\d,]+)")):
        if m := re.search(pattern, cli_out):
            row[key] = int(next(g for g in m.groups() if g).replace(",", ""))
    row.update(end_to_end_s=round(wall, 2), pages_per_s=round(pages / wall, 1), peak_rss_mib=_mib(peak),
               cli_process_rss_mib=_mib(main), max_worker_rss_mib=_mib(largest), vs_floor_a=round(wall / fa, 1), vs_floor_b=round(wall / fb, 3),
               speedup_vs_floor_b=round(fb / wall, 2))

    rerun, _, _, _, rerun_out = run_measured(cli, env)
    row.update(unchanged_rerun_s=round(rerun, 2), rerun_published_nothing="nothing changed" in rerun_out)

    if plain:
        plain_out = BENCH / f"plain-{pages}"
        shutil.rmtree(plain_out, ignore_errors=True)
        plain_runs = []
        for _ in range(repeats):
            shutil.rmtree(plain_out, ignore_errors=True)
            plain_runs.append(run_measured([sys.executable, "-m", "govmap.flows.bench", "plain", str(folder), str(plain_out),
                                            "--workers", str(workers)], env))
        shutil.rmtree(plain_out, ignore_errors=True)
        pwall, ppeak, _, _, pout = _median_run(plain_runs)
        row["plain_end_to_end_runs_s"] = [round(r[0], 2) for r in plain_runs]
        stages = json.loads(pout.strip().splitlines()[-1])
        row["plain_end_to_end_s"] = round(pwall, 2)
        row["plain_peak_rss_mib"] = _mib(ppeak)
        row["stages_s"] = {k: round(v, 2) for k, v in stages.items()}
        row["prefect_overhead_s"] = round(wall - pwall, 2)
        row["prefect_overhead_pct"] = round(100 * (wall - pwall) / wall, 1)

    if dask:
        shutil.rmtree(out, ignore_errors=True)
        dwall, dpeak, dmain, dlargest, _ = run_measured(cli + ["--task-runner", "dask"], env)
        row["dask"] = {"end_to_end_s": round(dwall, 2), "pages_per_s": round(pages / dwall, 1), "peak_rss_mib": _mib(dpeak),
                       "cli_process_rss_mib": _mib(dmain), "max_worker_rss_mib": _mib(dlargest)}
    shutil.rmtree(out, ignore_errors=True)
    return row


def _dask_available(env: dict[str, str]) -> bool:
    """Whether this checkout's CLI has `--task-runner` (the Dask task runner)."""
    r = subprocess.run([sys.executable, "-m", "govmap.flows.cli", "run", "--help"], cwd=ROOT, env=env, capture_output=True, text=True)
    return "--task-runner" in r.stdout


STAGE_COLUMNS = ("parse", "extract", "resolve", "write", "validate", "publish")


def render(results: dict) -> str:
    runs = results["runs"]
    head = ["pages", "end-to-end s", "pages/s", "floor (a) s", "floor (b) s", "e2e ÷ floor (a)", "× faster than floor (b)",
            "Prefect overhead s (%)", "peak RSS MiB", "CLI process MiB", "largest worker MiB", "unchanged re-run s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in runs:
        fb = f"{r['floor_b_pdfplumber_s']}" + (" (extrapolated)" if r["floor_b_extrapolated"] else "")
        lines.append("| " + " | ".join(map(str, [
            r["pages"], r["end_to_end_s"], r["pages_per_s"], r["floor_a_pdfium_s"], fb, r["vs_floor_a"], r["speedup_vs_floor_b"],
            f"{r['prefect_overhead_s']} ({r['prefect_overhead_pct']}%)" if "stages_s" in r else "not measured", r["peak_rss_mib"], r["cli_process_rss_mib"], r["max_worker_rss_mib"], r["unchanged_rerun_s"],
        ])) + " |")
    shead = ["pages", "plain end-to-end s", "pool wall s", *[f"{s} s" for s in STAGE_COLUMNS]]
    slines = ["| " + " | ".join(shead) + " |", "|" + "---:|" * len(shead)]
    for r in (r for r in runs if "stages_s" in r):
        st = r["stages_s"]
        slines.append("| " + " | ".join(map(str, [r["pages"], r["plain_end_to_end_s"], st.get("pull_parse_extract_wall", ""),
                                                   *[st.get(s, "") for s in STAGE_COLUMNS]])) + " |")
    repeated = [f"{r['pages']} pages: CLI {', '.join(map(str, r['end_to_end_runs_s']))} s"
                + (f"; plain {', '.join(map(str, r['plain_end_to_end_runs_s']))} s" if "plain_end_to_end_runs_s" in r else "")
                for r in runs if len(r.get("end_to_end_runs_s", ())) > 1]
    parts = [
        f"Machine: {results['machine']['cores']} cores, Python {results['machine']['python']}; workers per run: {runs[0]['workers'] if runs else '-'}.",
        f"Prefect server start (one-off, outside every run below): {results['prefect_server_start_s']} s.",
        "",
        "\n".join(lines),
        "",
        "Stage times of the same work without Prefect (parse and extract: worker-seconds summed over documents; the rest: wall seconds; "
        "larger sizes skip this comparison to keep the bench under 15 minutes):",
        "",
        "\n".join(slines),
        "",
        results["overhead_definition"],
    ]
    if repeated:
        parts += ["", "End-to-end times are the median of fresh runs (this machine's speed drifts between runs of "
                      "seconds); each run: " + "; ".join(repeated) + "."]
    if results.get("fit"):
        f = results["fit"]
        parts += ["", f"Linear fit of end-to-end time over the sizes run: seconds = {f['a_s']} + {f['b_s_per_page']} x pages (R^2 = {f['r2']})."]
    dask_rows = [r for r in runs if "dask" in r]
    for r in dask_rows:
        d = r["dask"]
        parts += ["", f"{r['pages']} pages, --task-runner dask: {d['end_to_end_s']} s ({d['pages_per_s']} pages/s), peak RSS {d['peak_rss_mib']} MiB, "
                      f"largest worker {d['max_worker_rss_mib']} MiB; process pool: {r['end_to_end_s']} s ({r['pages_per_s']} pages/s), "
                      f"peak RSS {r['peak_rss_mib']} MiB, largest worker {r['max_worker_rss_mib']} MiB."]
    if results.get("dask_note"):
        parts += ["", results["dask_note"]]
    parts += ["", f"Bench wall time: {results['bench_wall_s']} s."]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["plain"]:
        ap = argparse.ArgumentParser(prog="govmap.flows.bench plain", description="the pipeline as plain functions, no Prefect")
        ap.add_argument("folder", type=Path)
        ap.add_argument("out", type=Path)
        ap.add_argument("--workers", type=int, required=True)
        a = ap.parse_args(argv[1:])
        print(json.dumps(plain_run(a.folder, a.out, a.workers)))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", ",".join(map(str, DEFAULT_SIZES))))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    # Stage times are always measured now; the flag stays accepted for `make bench`.
    ap.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--plain-max-pages", type=int, default=1000,
                    help="run the Prefect-free comparison (stage times, Prefect overhead) up to this size; it doubles a size's cost")
    ap.add_argument("--repeats", type=int, default=3, help="fresh runs per size (CLI and plain), the median reported")
    ap.add_argument("--repeat-max-pages", type=int, default=1000, help="sizes above this run once (their runs take a minute)")
    ap.add_argument("--dask-size", type=int, default=1000, help="also run this size with --task-runner dask when the CLI has it (0: never)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.perf_counter()
    BENCH.mkdir(exist_ok=True)
    for pages in sizes:
        build_corpus(pages)
    server = _start_server()
    results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                     "prefect_server_start_s": round(server.seconds, 2), "overhead_definition": OVERHEAD_DEFINITION, "runs": []}
    print(f"prefect server start: {results['prefect_server_start_s']} s ({server.api_url})", flush=True)
    env = {**os.environ, **QUIET_ENV, "PREFECT_API_URL": server.api_url}
    try:
        dask = bool(args.dask_size) and args.dask_size in sizes and _dask_available(env)
        if args.dask_size and not dask:
            results["dask_note"] = "Dask task runner: not measured (this checkout's `govmap run` has no --task-runner)."
        for pages in sizes:
            row = measure(pages, args.workers, env, dask and pages == args.dask_size, pages <= args.plain_max_pages,
                          repeats=args.repeats if pages <= args.repeat_max_pages else 1)
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
