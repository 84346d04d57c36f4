"""The dataset card (``README.md``) of a release, rendered from the data contract and the manifest.

Every table and column section comes from `govmap.datasets.contract.TABLES` — the card never restates a
column by hand — and every number from the manifest and the documents table as written.  The
front matter follows the Hugging Face dataset-card conventions, so a release folder can be
uploaded as it stands.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

import pandas as pd

from govmap.datasets.contract import CONTRACT_VERSION, TABLES, Column, Table
from govmap.escape import escape_markdown

__all__ = ["CARD", "EXTRACTOR_FAMILIES", "column_rows", "render_card", "size_category", "write_release_docs"]

CARD = "README.md"

# What an `extractor` value says about a record, and how much review it wants.  Values are a
# family, a separator (":" or ".") and the rule, e.g. "table:rating", "institution_ruler.kb".
EXTRACTOR_FAMILIES: tuple[tuple[str, str], ...] = (
    (
        "table:*",
        "Read from a table in the document (collaboration tables, rating tables, presence matrices). "
        "The structure of the table carries the meaning: low review priority.",
    ),
    (
        "prose:*",
        "Found in running text by a cue rule (the part after the colon names it, e.g. prose:agreement). "
        "Review records with low confidence; the evidence column holds the sentence.",
    ),
    (
        "*.kb / kb:*",
        "Knowledge-base match: the surface form is a known name or alias of a curated entity "
        "(e.g. institution_ruler.kb). High precision.",
    ),
    (
        "discovery.* / discovery:*",
        "A name not in the knowledge base, discovered from an acronym definition, an "
        "organisation-name pattern or repetition. The entity has known = false: review first.",
    ),
    ("other", "Any other rule (e.g. institution_ruler.country for a country's government); see its confidence."),
)

_SIZE_BINS = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)


def size_category(rows: int) -> str:
    """The Hugging Face size category of a dataset with `rows` rows in its largest table."""
    for limit, label in _SIZE_BINS:
        if rows < limit:
            return label
    return "n>1B"


def _q(value: Any) -> str:
    # JSON scalars are valid YAML scalars: quoting through json never breaks the front matter.
    return json.dumps(value, ensure_ascii=False)


def _cell(value: Any) -> str:
    """One of our own texts (descriptions, constraints) in a table cell: may hold `code` spans."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _shown_source(uri: Any) -> str:
    """A source as the card shows it: a URL as published, an absolute local path by its file
    name (the operator's folders are no business of the card's readers; the `documents` table
    keeps the path)."""
    uri = str(uri)
    return PurePath(uri).name if "://" not in uri and PurePath(uri).is_absolute() else uri


def _constraints(column: Column) -> str:
    parts = []
    if column.unique:
        parts.append("unique")
    if column.vocabulary is not None:
        what = "each element one of" if column.is_list else "one of"
        parts.append(f"{what}: " + ", ".join(f"`{v}`" for v in column.vocabulary))
    if column.bounds is not None:
        lo, hi = column.bounds
        parts.append(f"in [{lo:g}, {hi:g}]")
    if column.pattern is not None:
        parts.append(f"matches `{column.pattern}`")
    if column.references is not None:
        ref_table, ref_column = column.references
        parts.append(f"{'each element ' if column.is_list else ''}refers to `{ref_table}.{ref_column}`")
    return "; ".join(parts)


def column_rows(table: Table) -> list[tuple[str, str, str, str, str]]:
    """(column, type, required, description, constraints) for every column of `table`, in order."""
    return [
        (c.name, str(c.arrow_type), "yes" if c.required else "", c.description, _constraints(c)) for c in table.columns
    ]


def _front_matter(manifest: Mapping[str, Any]) -> str:
    tables = manifest["tables"]
    largest = max((int(t["rows"]) for t in tables.values()), default=0)
    lines = [
        "---",
        f"pretty_name: {_q('govmap: institutions and collaborations in AI-governance reports')}",
        "license: other",
        f"license_name: {_q('source-licences')}",
        f"license_details: {_q('Machine-extracted data; each source document keeps its own licence (see documents.source_uri).')}",
        "language:",
        "- en",
        "annotations_creators:",
        "- machine-generated",
        "language_creators:",
        "- found",
        "source_datasets:",
        "- original",
        "size_categories:",
        f"- {size_category(largest)}",
        "tags:",
        "- ai-governance",
        "- institutions",
        "- policy",
        "configs:",
    ]
    for name in TABLES:
        path = tables.get(name, {}).get("path", f"{name}.parquet")
        lines += [f"- config_name: {name}", "  data_files:", "  - split: train", f"    path: {_q(path)}"]
    lines.append("---")
    return "\n".join(lines)


def _documents_section(documents: pd.DataFrame) -> str:
    if documents.empty:
        return "No documents.\n"
    status = documents["status"].astype(str)
    ok = documents[status == "ok"]
    bad = documents[status != "ok"]
    lines = [f"{len(ok)} ingested, {len(bad)} quarantined.", ""]
    if len(ok):
        lines += ["| doc_id | source | title | pages |", "|---|---|---|---:|"]
        for _, d in ok.iterrows():
            title = "" if pd.isna(d.get("title")) else d.get("title")
            lines.append(
                f"| `{d['doc_id']}` | {escape_markdown(_shown_source(d['source_uri']))} | {escape_markdown(title)} | {int(d['n_pages'])} |"
            )
        lines.append("")
    if len(bad):
        lines += [
            "Quarantined (not extracted; listed so nobody mistakes them for empty reports):",
            "",
            "| doc_id | source | error |",
            "|---|---|---|",
        ]
        for _, d in bad.iterrows():
            source, shown = str(d["source_uri"]), _shown_source(d["source_uri"])
            error = "" if pd.isna(d.get("error")) else str(d.get("error")).replace(source, shown)
            lines.append(f"| `{d['doc_id']}` | {escape_markdown(shown)} | {escape_markdown(error)} |")
        lines.append("")
    return "\n".join(lines)


def _table_section(table: Table, rows: int | None) -> str:
    key = ", ".join(f"`{c}`" for c in table.primary_key)
    lines = [
        f"### `{table.name}`",
        "",
        table.description,
        "",
        f"Rows: {rows if rows is not None else 'n/a'} · primary key: {key}",
    ]
    for column, ref_table, ref_column in table.foreign_keys:
        lines[-1] += f" · `{column}` → `{ref_table}.{ref_column}`"
    lines += ["", "| column | type | required | description | constraints |", "|---|---|---|---|---|"]
    for name, kind, required, description, constraints in column_rows(table):
        lines.append(f"| `{name}` | `{kind}` | {required} | {_cell(description)} | {_cell(constraints)} |")
    return "\n".join(lines) + "\n"


_LOADING = '''\
Every table is one Parquet file in this folder (`<table>.parquet`); `datapackage.json` describes
them as a Frictionless Data Package with types, constraints and keys.

```python
import pandas as pd
institutions = pd.read_parquet("institutions.parquet")
```

```python
import duckdb
duckdb.sql("""
    SELECT i.name, count(*) AS collaborations
    FROM 'collaborations.parquet' c, unnest(c.parties) AS p(party)
    JOIN 'institutions.parquet' i ON i.institution_id = p.party
    GROUP BY 1 ORDER BY 2 DESC
""").show()
```

```python
import polars as pl
ratings = pl.read_parquet("criteria_ratings.parquet")
```

```r
library(arrow)
mentions <- read_parquet("mentions.parquet")
```

With govmap installed: `govmap.load("institutions")`, `govmap.connect()` (DuckDB, one view per
table), or `govmap sql "SELECT ..."` on the command line.

## Checking a copy

`govmap validate <this folder>` re-runs the checks this release passed (the data contract's
suites and cross-table rules) on a copy of it and prints the same report.

`frictionless validate datapackage.json` checks the descriptor, which is valid, but reports every
table as invalid: its Parquet reader cannot read list cells (`authors`, `aliases`, `parties`,
`types`), reads a missing number as NaN (which then breaks `minimum`/`maximum`) and counts no
bytes (so `bytes` and `hash` "differ"). These are limits of that reader, not errors in the data;
`govmap validate` checks the same constraints on the Parquet files as written.
'''


def _review_section(manifest: Mapping[str, Any]) -> str:
    """Rows per review state and the curation file's applied and stale decisions."""
    counts = manifest.get("review") or {}
    curation = manifest.get("curation") or {}
    if not counts:
        return ""
    states = ("machine", "confirmed", "corrected", "added")
    rows = "\n".join(
        f"| `{name}` | " + " | ".join(str(int(c.get(s, 0))) for s in states) + " |" for name, c in counts.items()
    )
    if curation.get("file"):
        source = (
            f"Curation file {escape_markdown(_shown_source(curation['file']))} (sha256 `{_cell(curation['sha256'][:12])}`): "
            f"{len(curation['applied'])} decisions applied, {len(curation['stale'])} stale."
        )
    else:
        source = "No curation file: every record is as the pipeline found it."
    stale = "".join(
        f"\n- stale: {escape_markdown(x['decision'])} ({escape_markdown(x['reason'])})"
        for x in curation.get("stale", [])
    )
    return f"""## Review

Each record table ends with the `review` columns: `machine` (as extracted), `confirmed`,
`corrected` or `added` by a reviewer's decision, with who (`reviewed_by`), when (`reviewed_at`)
and why (`review_note`). {source} A stale decision names a record, id or words this release
does not hold; it is listed here and in `manifest.json`, never dropped silently.

| table | {" | ".join(states)} |
|---|{"---:|" * len(states)}
{rows}
{stale}
"""


def render_card(manifest: Mapping[str, Any], documents: pd.DataFrame) -> str:
    """The release's ``README.md``: front matter, then tables, columns, documents and provenance."""
    tables = manifest["tables"]
    counts = "\n".join(
        f"| [`{name}`](#{name}) | {int(tables[name]['rows'])} | {_cell(tbl.description)} |"
        for name, tbl in TABLES.items()
        if name in tables
    )
    families = "\n".join(f"| `{pattern}` | {_cell(meaning)} |" for pattern, meaning in EXTRACTOR_FAMILIES)
    sections = "\n".join(_table_section(tbl, tables.get(name, {}).get("rows")) for name, tbl in TABLES.items())
    validated = "passed" if manifest.get("validation_passed") else "FAILED (this release is not promoted)"
    return f"""{_front_matter(manifest)}

# govmap release `{manifest["release_id"]}`

Institutions, governance instruments, collaborations and criteria ratings stated in reports on
international AI governance, extracted by machine. Every record points back to the words that
support it: a document, a page, and the page's normalised text in `pages`.

- release: `{manifest["release_id"]}` · created {manifest.get("created_at", "")}
- pipeline version: `{manifest.get("pipeline_version", "")}` · data contract version: `{manifest.get("contract_version", CONTRACT_VERSION)}`
- validation: {validated} (see `quality/report.html`)

## Licence

This is machine-extracted data. The source documents keep their own licences and copyright; the
`evidence`, `sentence`, `rationale` and `pages.text` columns quote them. Check a source's terms
(`documents.source_uri`) before redistributing its text.

## Tables

| table | rows | description |
|---|---:|---|
{counts}

## Documents

{_documents_section(documents)}
## How to load

{_LOADING}
{_review_section(manifest)}
## Which rule found a record (`extractor`) and how far to trust it

`mentions`, `collaborations` and `criteria_ratings` carry an `extractor` column naming the rule
that produced the row; `mentions` and `collaborations` also carry a `confidence` in [0, 1]. Use
the pair as the review flag: review low-confidence rows first, and discovered entities before matched ones.

| extractor | meaning |
|---|---|
{families}

## Columns

{sections}"""


def write_release_docs(release_dir: Path, manifest: Mapping[str, Any], documents: pd.DataFrame) -> tuple[Path, Path]:
    """Write ``README.md`` and ``datapackage.json`` into a (staged) release folder; returns both paths."""
    from govmap.datasets.datapackage import DATAPACKAGE, to_datapackage

    card = Path(release_dir) / CARD
    card.write_text(render_card(manifest, documents), encoding="utf-8")
    package = Path(release_dir) / DATAPACKAGE
    package.write_text(json.dumps(to_datapackage(manifest), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return card, package
