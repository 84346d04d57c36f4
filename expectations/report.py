"""The data-quality report: JSON for machines, one self-contained HTML page for reviewers.

Both are rendered from a `ValidationReport` (plain records), never from GX output.  The HTML has
inline CSS only: no scripts, no external assets, every value escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from govmap.datasets.contract import CONTRACT_VERSION
from govmap.expectations.rating_grids import CSS as _GRID_CSS, rating_grids_html
from govmap.expectations.rejection import DEFAULT_MAX_REJECTED, REJECTED_FILE, Rejection
from govmap.expectations.suites import SLUGS
from govmap.expectations.validate import CheckResult, TableResult, ValidationReport
from govmap.escape import escape_html as _e  # every value on the page goes through it

__all__ = ["write_quality_report", "render_html", "summarize", "over_limit_lines", "QUALITY_DIR"]

QUALITY_DIR = "quality"
_REJECTED_SHOWN = 200  # rows listed on the page; the Parquet file holds them all


def _rejected(rejection: Rejection | None, max_rejected: float) -> dict[str, Any] | None:
    """The rejected rows for the JSON report: counts per table and per check, the tables over
    the limit, and the first rows (all of them are in quality/rejected.parquet)."""
    if rejection is None or not rejection.count:
        return None
    df = rejection.rejected
    by_check = df.groupby(["table", "check", "column"], dropna=False, sort=True).size()
    return {
        "count": rejection.count,
        "file": f"{QUALITY_DIR}/{REJECTED_FILE}",
        "max_fraction": max_rejected,
        "per_table": {
            name: {"rejected": n, "rows_before": rejection.rows_before[name]}
            for name, n in rejection.per_table().items()
        },
        "over_limit": sorted(rejection.over(max_rejected)),
        "per_check": [
            {"table": t, "check": c, "column": None if pd.isna(col) else col, "rows": int(n)}
            for (t, c, col), n in by_check.items()
        ],
        "rows": [
            {k: None if pd.isna(v) else v for k, v in r.items()}
            for r in df[["table", "key", "check", "column", "reason"]].head(_REJECTED_SHOWN).to_dict("records")
        ],
    }


def _quarantined(documents: pd.DataFrame) -> list[dict[str, str]]:
    if documents.empty or "status" not in documents.columns:
        return []
    rows = documents[documents["status"] == "quarantined"]
    return [
        {
            "doc_id": str(row.get("doc_id", "")),
            "source_uri": str(row.get("source_uri", "")),
            "error": "" if pd.isna(row.get("error")) else str(row.get("error")),
        }
        for _, row in rows.iterrows()
    ]


def write_quality_report(
    report: ValidationReport,
    out_dir: Path,
    *,
    release_id: str,
    documents: pd.DataFrame,
    row_counts: Mapping[str, int],
    diff: Mapping[str, Any] | None = None,
    figures: Sequence[Any] = (),
    rejection: Rejection | None = None,
    max_rejected: float = DEFAULT_MAX_REJECTED,
    review: Mapping[str, Any] | None = None,
    ratings: pd.DataFrame | None = None,
) -> tuple[Path, Path]:
    """Write ``<out_dir>/quality/report.json`` and ``report.html``; returns (json_path, html_path).

    `out_dir` is the release folder, `documents` the release's documents table (quarantined rows
    are listed with their error) and `row_counts` the rows written per table.  `diff` (a
    ``ReleaseDiff.to_dict()``) and `figures` (records with ``title`` and ``svg``) are optional;
    `ratings` (the criteria_ratings table) gives the page one heat table per rating table.
    `rejection` holds the rows set aside by row checks: they are written to
    ``quality/rejected.parquet`` and listed; more than `max_rejected` of a table fails the verdict.
    `review` (``govmap.datasets.review_queue.review_summary``) gives the review section: rows per review
    state, the curation file's applied and stale decisions, the records to review first.
    """
    import pyarrow.parquet as pq

    quality = Path(out_dir) / QUALITY_DIR
    quality.mkdir(parents=True, exist_ok=True)
    quarantined = _quarantined(documents)
    rejected = _rejected(rejection, max_rejected)
    if rejection is not None and rejection.count:
        pq.write_table(rejection.to_arrow(), quality / REJECTED_FILE, compression="zstd")
    created_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    payload: dict[str, Any] = {
        "release_id": release_id,
        "contract_version": CONTRACT_VERSION,
        "created_at": created_at,
        "passed": passed(report, rejected),
        "row_counts": {name: int(n) for name, n in row_counts.items()},
        "quarantined": quarantined,
        "rejected": rejected,
        "validation": report.to_dict(),
        "diff": dict(diff) if diff is not None else None,
        "review": dict(review) if review is not None else None,
        "figures": [f"{getattr(f, 'name', 'figure')}.svg" for f in figures],
    }
    json_path = quality / "report.json"
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path = quality / "report.html"
    html_path.write_text(
        render_html(
            report,
            release_id=release_id,
            quarantined=quarantined,
            row_counts=row_counts,
            created_at=created_at,
            diff=diff,
            figures=figures,
            rejected=rejected,
            review=review,
            rating_grids=rating_grids_html(ratings, documents),
        ),
        encoding="utf-8",
    )
    return json_path, html_path


def passed(report: ValidationReport, rejected: Mapping[str, Any] | None) -> bool:
    """The release's verdict: every check holds on the rows kept, and no table lost more than
    its allowed share of rows to row checks."""
    return report.passed and not (rejected and rejected["over_limit"])


def over_limit_lines(rejection: Rejection, max_rejected: float) -> list[str]:
    """One terminal line per table that lost more than `max_rejected` of its rows to row checks."""
    return [
        f"  {name}: {n} of {total} rows failed row checks, more than {max_rejected:.0%}; release not promoted"
        for name, (n, total) in sorted(rejection.over(max_rejected).items())
    ]


def summarize(
    report: ValidationReport, rejection: Rejection | None = None, max_rejected: float = DEFAULT_MAX_REJECTED
) -> str:
    """A few plain lines for the terminal: the verdict, then each failing check and each kind of
    rejected row."""
    checks = sum(len(t.checks) for t in report.tables)
    failures = report.failures
    rejected = _rejected(rejection, max_rejected)
    verdict = "PASSED" if passed(report, rejected) else "FAILED"
    with_rows = f" with {rejected['count']} rejected row{'' if rejected['count'] == 1 else 's'}" if rejected else ""
    lines = [f"validation {verdict}{with_rows}: {len(report.tables)} tables, {checks} checks, {len(failures)} failed"]
    for table, check in failures:
        example = f" e.g. {check.examples[0]}" if check.examples else ""
        lines.append(f"  {table}.{check.column or '*'}: {check.slug} ({check.unexpected_count} rows){example}")
    if rejected:
        lines += over_limit_lines(rejection, max_rejected)
        first = {}
        for r in rejected["rows"]:
            first.setdefault((r["table"], r["check"], r["column"]), r)
        for c in rejected["per_check"]:
            shown = first.get((c["table"], c["check"], c["column"]))
            example = f" e.g. {shown['key']}: {shown['reason']}" if shown else ""
            lines.append(f"  rejected {c['table']}.{c['column'] or '*'}: {c['check']} ({c['rows']} rows){example}")
        lines.append(f"  rejected rows: {rejected['file']}")
    return "\n".join(lines)


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:70rem;color:#1d1d1f;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
.meta{color:#555}.verdict{font-size:1.6rem;font-weight:700;padding:.8rem 1.2rem;border-radius:6px;margin:1rem 0}
.pass{background:#e3f5e6;color:#135c21;border:2px solid #2f9a45}.fail{background:#fde6e6;color:#8a1616;border:2px solid #cc3333}
ul.failures{margin:.2rem 0 1rem;padding-left:1.3rem}ul.failures li{margin:.15rem 0;overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;margin:.5rem 0}table.narrow{width:auto;min-width:min(32rem,100%)}
th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f6;white-space:nowrap}td{overflow-wrap:break-word}td.wrap,ul.ex{overflow-wrap:anywhere}
.nowrap{white-space:nowrap}small.gx{color:#666}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:normal}
tr.bad td{background:#fff3f3}.ok{color:#2f9a45;font-weight:600}.no{color:#cc3333;font-weight:600}
code,.ex{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}ul.ex{margin:0;padding-left:1.1rem}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:#555}
figure{margin:1rem 0 2rem}figcaption{font-weight:600;margin-bottom:.4rem}
figure svg{display:block;max-width:100%;height:auto}
"""


def _table(head: str, rows: str, *, narrow: bool = False) -> str:
    # Long values (failing examples, errors, sources) wrap instead of widening the page; a table
    # still too wide for a narrow window scrolls inside its own box, never the whole page.
    return f'<div class="scroll"><table{" class=narrow" if narrow else ""}>{head}{rows}</table></div>'


def _check_row(check: CheckResult) -> str:
    status = '<span class="ok">pass</span>' if check.passed else '<span class="no">FAIL</span>'
    examples = "".join(f"<li>{_e(x)}</li>" for x in check.examples)
    return (
        f'<tr class="{"" if check.passed else "bad"}"><td>{status}</td><td><code>{_e(check.slug)}</code>'
        f'<br><small>{_e(SLUGS.get(check.slug, ""))}</small><br><small class="gx">{_e(check.expectation)}</small></td>'
        f'<td class="nowrap"><code>{_e(check.column or "(table)")}</code></td>'
        f'<td class="num">{check.unexpected_count}</td>'
        f"<td>{f'<ul class=ex>{examples}</ul>' if examples else ''}</td></tr>"
    )


def _table_section(result: TableResult) -> str:
    head = "<tr><th>result</th><th>check</th><th>column</th><th class=num>failing rows</th><th>examples</th></tr>"
    failing = [c for c in result.checks if not c.passed]
    passing = [c for c in result.checks if c.passed]
    verdict = '<span class="ok">passed</span>' if result.passed else f'<span class="no">{len(failing)} failed</span>'
    parts = [
        f'<h3 id="t-{_e(result.table)}">{_e(result.table)} — {verdict}, {result.rows} rows, {len(result.checks)} checks</h3>'
    ]
    if failing:
        parts.append(_table(head, "".join(_check_row(c) for c in failing)))
    if passing:
        parts.append(
            f"<details><summary>{len(passing)} passing checks</summary>"
            f"{_table(head, ''.join(_check_row(c) for c in passing))}</details>"
        )
    return "\n".join(parts)


def _diff_section(diff: Mapping[str, Any] | None) -> str:
    if diff is None:
        return ""
    rows = "".join(
        f"<tr><td>{_e(t['table'])}</td><td class=num>{t['old_rows']}</td><td class=num>{t['new_rows']}</td>"
        f"<td class=num>{t['added']}</td><td class=num>{t['removed']}</td><td class=num>{t['changed']}</td></tr>"
        for t in diff["tables"]
    )

    def names(items: Sequence[Mapping[str, Any]]) -> str:
        return _e(", ".join(f"{i['name']} ({i['institution_id']})" for i in items)) or "none"

    head = (
        "<tr><th>table</th><th class=num>old rows</th><th class=num>new rows</th><th class=num>added</th>"
        "<th class=num>removed</th><th class=num>changed</th></tr>"
    )
    return (
        f"<h2>Changes since release <code>{_e(diff['old'])}</code></h2>"
        f"{_table(head, rows)}"
        f"<p>Institutions appeared: {names(diff['institutions_appeared'])}</p>"
        f"<p>Institutions vanished: {names(diff['institutions_vanished'])}</p>"
    )


def _figures_section(figures: Sequence[Any]) -> str:
    if not figures:
        return ""
    # SVG written by matplotlib from the release's own data: embedded as is (no scripts, no links).
    parts = [f"<figure><figcaption>{_e(f.title)}</figcaption>{_inline_svg(f.svg)}</figure>" for f in figures]
    return "<h2>Figures</h2>" + "".join(parts)


_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def _inline_svg(svg: str) -> str:
    """The <svg> element alone: no XML prolog or DOCTYPE, and no RDF metadata block (the files in
    the release keep it; on the page it only adds vocabulary URIs nobody needs)."""
    start = svg.find("<svg")
    return _SVG_METADATA.sub("", svg[start:], count=1) if start >= 0 else ""


def _overview(report: ValidationReport, row_counts: Mapping[str, int]) -> str:
    """One line per table: rows written and how its checks went, linked to its section."""
    results = {t.table: t for t in report.tables}
    rows = []
    for name in dict.fromkeys([*row_counts, *results]):
        result = results.get(name)
        if result is None:
            checks, outcome = "", ""
        else:
            failed = sum(not c.passed for c in result.checks)
            checks = f"{len(result.checks) - failed} of {len(result.checks)} passed"
            outcome = '<span class="ok">passed</span>' if result.passed else f'<span class="no">{failed} failed</span>'
        count = row_counts.get(name, result.rows if result is not None else 0)
        link = f'<a href="#t-{_e(name)}">{_e(name)}</a>' if result is not None else _e(name)
        rows.append(f'<tr><td>{link}</td><td class="num">{int(count)}</td><td>{checks}</td><td>{outcome}</td></tr>')
    head = '<tr><th>table</th><th class="num">rows</th><th>checks</th><th>result</th></tr>'
    return _table(head, "".join(rows), narrow=True)


def _failure_list(report: ValidationReport) -> str:
    """Under a failed verdict: each failing check in one line, linked to its table's section."""
    items = []
    for table, check in report.failures:
        rows = f"{check.unexpected_count} row{'' if check.unexpected_count == 1 else 's'}"
        example = f" — e.g. <code>{_e(check.examples[0])}</code>" if check.examples else ""
        items.append(
            f'<li><a href="#t-{_e(table)}">{_e(table)}.{_e(check.column or "*")}</a>: '
            f"<code>{_e(check.slug)}</code> ({rows}){example}</li>"
        )
    return f'<ul class="failures">{"".join(items)}</ul>' if items else ""


def _rejected_section(rejected: Mapping[str, Any] | None) -> str:
    if not rejected:
        return ""
    rows = "".join(
        f"<tr><td>{_e(r['table'])}</td><td class=wrap><code>{_e(r['key'])}</code></td><td><code>{_e(r['check'])}</code></td>"
        f"<td class=wrap>{_e(r['reason'])}</td></tr>"
        for r in rejected["rows"]
    )
    shown = len(rejected["rows"])
    more = f" (the first {shown} shown)" if shown < rejected["count"] else ""
    return (
        f"<h2>Rejected rows ({rejected['count']})</h2>"
        f"<p>Rows that failed a row check, and the rows that depend on them, are left out of the release"
        f"{more}; all of them are in <code>{_e(rejected['file'])}</code>.</p>"
        + _table("<tr><th>table</th><th>key</th><th>check</th><th>reason</th></tr>", rows)
    )


def _confidence(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _review_section(review: Mapping[str, Any] | None) -> str:
    """Counts by review state, the curation file's stale decisions, the records to review first
    (each linked to its document at the page)."""
    if not review:
        return ""
    states = ("machine", "confirmed", "corrected", "added")
    head = "<tr><th>table</th>" + "".join(f"<th class=num>{s}</th>" for s in states) + "</tr>"
    rows = "".join(
        f"<tr><td>{_e(t)}</td>" + "".join(f"<td class=num>{c.get(s, 0)}</td>" for s in states) + "</tr>"
        for t, c in review["counts"].items()
    )
    cur = review["curation"]
    if cur["file"] is None:
        decisions = "<p>No curation file: every record is as the pipeline found it.</p>"
    else:
        decisions = (
            f"<p>Curation file <code>{_e(cur['file'])}</code> (sha256 <code>{_e(cur['sha256'][:12])}</code>): "
            f"{len(cur['applied'])} decisions applied, {len(cur['stale'])} stale.</p>"
        )
    if cur["stale"]:
        stale_rows = "".join(
            f"<tr><td class=wrap>{_e(x['decision'])}</td><td class=wrap>{_e(x['reason'])}</td></tr>"
            for x in cur["stale"]
        )
        decisions += (
            "<h3>Stale decisions</h3><p>Their record, id or words are not in this release; they stay in "
            "the file until a reviewer removes or changes them.</p>"
            + _table("<tr><th>decision</th><th>why it is stale</th></tr>", stale_rows)
        )
    if cur["applied"]:
        decisions += (
            f"<details><summary>{len(cur['applied'])} decisions applied</summary><ul class=ex>"
            + "".join(f"<li>{_e(a)}</li>" for a in cur["applied"])
            + "</ul></details>"
        )
    queue = review["queue"]
    if queue:

        def where(item: Mapping[str, Any]) -> str:
            label = f"{_e(item['doc_id'][:8])} p. {item['page']}"
            return f'<a href="{_e(item["link"])}">{label}</a>' if item.get("link") else label

        q_rows = "".join(
            f"<tr><td>{_e(i['table'])}<br><code>{_e(i['id'])}</code></td><td class=wrap>{_e(i['what'])}</td>"
            f"<td class=nowrap>{where(i)}</td><td class=wrap>{_e(i['evidence'])}</td>"
            f"<td class=num>{_confidence(i['confidence'])}</td>"
            f"<td>{_e(', '.join(i['reasons']))}</td></tr>"
            for i in queue
        )
        shown = f"the first {len(queue)} of {review['queue_total']}" if review["queue_total"] > len(queue) else "all"
        q_html = f"<h3>To review first ({shown}; <code>govmap review</code> lists them all)</h3>" + _table(
            "<tr><th>record</th><th>what</th><th>where</th><th>evidence</th><th class=num>confidence</th>"
            "<th>why</th></tr>",
            q_rows,
        )
    else:
        q_html = "<p>Nothing waits for review.</p>"
    return f"<h2 id=review>Review</h2>{_table(head, rows, narrow=True)}{decisions}{q_html}"


def render_html(
    report: ValidationReport,
    *,
    release_id: str,
    quarantined: list[dict[str, str]],
    row_counts: Mapping[str, int],
    created_at: str = "",
    diff: Mapping[str, Any] | None = None,
    figures: Sequence[Any] = (),
    rejected: Mapping[str, Any] | None = None,
    review: Mapping[str, Any] | None = None,
    rating_grids: str = "",
) -> str:
    """The report page as one self-contained HTML string (inline CSS, no scripts).

    Reading order is a reviewer's: the verdict (with each failing check under it), the tables at a
    glance, quarantined documents, the review section, every table's checks, then the diff, the
    figures and the rating tables (`rating_grids`: `rating_grids_html`'s section).
    """
    failures = report.failures
    if passed(report, rejected) and rejected:
        verdict = (
            f'<div class="verdict pass">PASSED with {rejected["count"]} rejected rows — every expectation '
            "holds on the rows kept; the release may be promoted.</div>"
        )
    elif passed(report, rejected):
        verdict = '<div class="verdict pass">PASSED — every expectation holds; the release may be promoted.</div>'
    elif report.passed:
        verdict = (
            f'<div class="verdict fail">FAILED — too many rejected rows in '
            f"{_e(', '.join(rejected['over_limit']))} (more than {rejected['max_fraction']:.0%}); "
            "the release is not promoted.</div>"
        )
    else:
        verdict = (
            f'<div class="verdict fail">FAILED — {len(failures)} check(s) failed; '
            "the release is not promoted.</div>" + _failure_list(report)
        )
    if quarantined:
        q_rows = "".join(
            f"<tr><td class=nowrap><code>{_e(q['doc_id'])}</code></td><td class=wrap>{_e(q['source_uri'])}</td>"
            f"<td class=wrap>{_e(q['error'])}</td></tr>"
            for q in quarantined
        )
        q_html = _table("<tr><th>doc_id</th><th>source</th><th>error</th></tr>", q_rows)
    else:
        q_html = "<p>None.</p>"
    tables = "\n".join(_table_section(t) for t in report.tables)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govmap data quality — {_e(release_id)}</title>
<style>{_CSS}{_GRID_CSS}</style></head>
<body>
<h1>Data-quality report</h1>
<p class="meta">release <code>{_e(release_id)}</code> · contract {_e(CONTRACT_VERSION)}{f" · {_e(created_at)}" if created_at else ""}</p>
{verdict}
<h2>Tables</h2>
{_overview(report, row_counts)}
<h2>Quarantined documents ({len(quarantined)})</h2>
{q_html}
{_rejected_section(rejected)}
{_review_section(review)}
<h2>Expectations per table</h2>
{tables}
{_diff_section(diff)}
{_figures_section(figures)}
{rating_grids}
</body></html>
"""
