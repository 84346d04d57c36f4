"""The bench's tables: results.md from results.json."""

from __future__ import annotations


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


def mib(n: int) -> int:
    return round(n / 2**20)


def median_run(runs: list[tuple[float, int, int, int, str]]) -> tuple[float, int, int, int, str]:
    """The run of median wall time (the upper one of an even count)."""
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


STAGE_COLUMNS = ("parse", "extract", "resolve", "write", "validate", "publish")


def render(results: dict) -> str:
    runs = results["runs"]
    head = [
        "pages",
        "end-to-end s",
        "pages/s",
        "floor (a) s",
        "floor (b) s",
        "e2e ÷ floor (a)",
        "× faster than floor (b)",
        "Prefect overhead s (%)",
        "peak RSS MiB",
        "CLI process MiB",
        "largest worker MiB",
        "unchanged re-run s",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in runs:
        fb = f"{r['floor_b_pdfplumber_s']}" + (" (extrapolated)" if r["floor_b_extrapolated"] else "")
        lines.append(
            "| "
            + " | ".join(
                map(
                    str,
                    [
                        r["pages"],
                        r["end_to_end_s"],
                        r["pages_per_s"],
                        r["floor_a_pdfium_s"],
                        fb,
                        r["vs_floor_a"],
                        r["speedup_vs_floor_b"],
                        f"{r['prefect_overhead_s']} ({r['prefect_overhead_pct']}%)"
                        if "stages_s" in r
                        else "not measured",
                        r["peak_rss_mib"],
                        r["cli_process_rss_mib"],
                        r["max_worker_rss_mib"],
                        r["unchanged_rerun_s"],
                    ],
                )
            )
            + " |"
        )
    shead = ["pages", "plain end-to-end s", "pool wall s", *[f"{s} s" for s in STAGE_COLUMNS]]
    slines = ["| " + " | ".join(shead) + " |", "|" + "---:|" * len(shead)]
    for r in (r for r in runs if "stages_s" in r):
        st = r["stages_s"]
        slines.append(
            "| "
            + " | ".join(
                map(
                    str,
                    [
                        r["pages"],
                        r["plain_end_to_end_s"],
                        st.get("pull_parse_extract_wall", ""),
                        *[st.get(s, "") for s in STAGE_COLUMNS],
                    ],
                )
            )
            + " |"
        )
    repeated = [
        f"{r['pages']} pages: CLI {', '.join(map(str, r['end_to_end_runs_s']))} s"
        + (f"; plain {', '.join(map(str, r['plain_end_to_end_runs_s']))} s" if "plain_end_to_end_runs_s" in r else "")
        for r in runs
        if len(r.get("end_to_end_runs_s", ())) > 1
    ]
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
        parts += [
            "",
            "End-to-end times are the median of fresh runs (this machine's speed drifts between runs of "
            "seconds); each run: " + "; ".join(repeated) + ".",
        ]
    if results.get("fit"):
        f = results["fit"]
        parts += [
            "",
            f"Linear fit of end-to-end time over the sizes run: seconds = {f['a_s']} + {f['b_s_per_page']} x pages (R^2 = {f['r2']}).",
        ]
    dask_rows = [r for r in runs if "dask" in r]
    for r in dask_rows:
        d = r["dask"]
        parts += [
            "",
            f"{r['pages']} pages, --task-runner dask: {d['end_to_end_s']} s ({d['pages_per_s']} pages/s), peak RSS {d['peak_rss_mib']} MiB, "
            f"largest worker {d['max_worker_rss_mib']} MiB; process pool: {r['end_to_end_s']} s ({r['pages_per_s']} pages/s), "
            f"peak RSS {r['peak_rss_mib']} MiB, largest worker {r['max_worker_rss_mib']} MiB.",
        ]
    curated = [
        f"{r['pages']} pages: {r['curation_rerun_s']} s ({r['curation_rerun_pct']}% of the full run"
        + ("" if r.get("curation_rerun_published") else "; NOT published")
        + ")"
        for r in runs
        if "curation_rerun_s" in r
    ]
    if curated:
        parts += [
            "",
            "Curation-only re-run (one review decision added, nothing else changed; no document extracted "
            "again): " + "; ".join(curated) + ".",
        ]
    parts += ["", f"Bench wall time: {results['bench_wall_s']} s."]
    return "\n".join(parts) + "\n"
