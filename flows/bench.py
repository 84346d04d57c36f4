"""`make bench`: where time and memory go, against two reference floors on the same PDFs.

For each corpus size it reports
- end-to-end wall time of the real CLI (Prefect flow, process pool, validation, publishing), the
  Prefect server start measured apart, and the re-run time over unchanged inputs;
- per-stage times of the same work run as plain functions in one process (parse, extract,
  resolve + write, validate), so Prefect's own overhead is end-to-end minus the stages;
- peak RSS of the whole process tree (CLI plus workers), sampled from /proc;
- floor (a): pypdfium2 plain text of every page; floor (b): pdfplumber text + extract_tables of
  every page; and the pipeline's throughput as a multiple of each.
Corpora are built by concatenating the shared corpus PDFs and our sample PDF into files of about
50 pages, cached under .bench/ between runs.  Results: .bench/results.md and .bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
DEFAULT_SIZES = (100, 1000)


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


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(d.name))
            rss[int(d.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def run_cli(args: list[str]) -> tuple[float, int, str]:
    """Wall time, peak tree RSS and stdout of one `govmap` run."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: govmap {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return time.perf_counter() - t, peak, out


def prefect_start_seconds() -> float:
    """One-off cost of Prefect's temporary server: a trivial flow on a fresh PREFECT_HOME."""
    home = BENCH / "prefect-probe"
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    code = "from prefect import flow\n@flow\ndef f():\n    return 1\nf()\n"
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def stage_times(folder: Path) -> dict[str, float]:
    """The same work as plain functions in one process: parse, extract, resolve + write, validate."""
    from extractors.extract import extract_document
    from extractors.kb import load_kb
    from extractors.nlp import build_nlp
    from extractors.resolve import resolve, summarize
    from sources import ParseSettings, iter_sources, parse, pull

    settings = ParseSettings()
    t0 = time.perf_counter()
    nlp = build_nlp()
    times = {"build_nlp": time.perf_counter() - t0, "parse": 0.0, "extract": 0.0}
    summaries = []
    for ref in iter_sources([str(folder)], settings):
        t = time.perf_counter()
        document = parse(pull(ref, settings), settings)
        times["parse"] += time.perf_counter() - t
        t = time.perf_counter()
        summaries.append(summarize(extract_document(nlp, document)))
        times["extract"] += time.perf_counter() - t
    t = time.perf_counter()
    resolve(summaries, load_kb())
    times["resolve"] = time.perf_counter() - t
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", ",".join(map(str, DEFAULT_SIZES))))
    ap.add_argument("--stages", action="store_true", help="also time each stage in one process (slow)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    BENCH.mkdir(exist_ok=True)
    results = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()},
               "prefect_server_start_s": round(prefect_start_seconds(), 2), "runs": []}
    print(f"prefect temporary server start (trivial flow, fresh home): {results['prefect_server_start_s']} s", flush=True)
    for pages in sizes:
        folder = build_corpus(pages)
        fa, fb = floor_pdfium(folder), floor_pdfplumber(folder)
        out = BENCH / f"out-{pages}"
        shutil.rmtree(out, ignore_errors=True)
        wall, peak, _ = run_cli(["run", str(folder), "--out", str(out)])
        rerun, _, rerun_out = run_cli(["run", str(folder), "--out", str(out)])
        row = {
            "pages": pages, "files": len(list(folder.glob("*.pdf"))), "end_to_end_s": round(wall, 2),
            "pages_per_s": round(pages / wall, 1), "peak_rss_mib": round(peak / 2**20),
            "floor_a_pdfium_s": round(fa, 2), "floor_b_pdfplumber_s": round(fb, 2),
            "vs_floor_a": round(wall / fa, 1), "speedup_vs_floor_b": round(fb / wall, 2),
            "unchanged_rerun_s": round(rerun, 2), "rerun_ratio": round(rerun / wall, 3),
            "rerun_published_nothing": "nothing changed" in rerun_out,
        }
        if args.stages:
            row["stages_s"] = {k: round(v, 2) for k, v in stage_times(folder).items()}
        results["runs"].append(row)
        print(json.dumps(row), flush=True)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2))
    cols = ["pages", "end_to_end_s", "pages_per_s", "peak_rss_mib", "floor_a_pdfium_s", "floor_b_pdfplumber_s",
            "vs_floor_a", "speedup_vs_floor_b", "unchanged_rerun_s", "rerun_ratio"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in results["runs"]]
    table = "\n".join(lines)
    (BENCH / "results.md").write_text(f"Prefect server start: {results['prefect_server_start_s']} s\n\n{table}\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
