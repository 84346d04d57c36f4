"""Analyst commands: `govmap sql`, `govmap show institution|document`, `govmap diff`.

Thin wrappers: the work is in `govmap.datasets.query` and `govmap.datasets.diff`; these only parse arguments
and print.  `--out` is a folder or an object-store URL (``s3://bucket/prefix``), read through its
`latest` pointer.  Exit codes: 0 ok; 2 no release, nothing found, an ambiguous name or a bad query.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from govmap.escape import escape_markup

__all__ = ["register", "OutOption", "S3EndpointOption", "use_s3_endpoint", "new_console"]

# Off a terminal rich lays out for 80 columns, so a table piped to `less` or a file wrapped each
# cell letter by letter; a pipe gets this width instead (a table only takes what it needs).
PIPE_WIDTH = 400


def new_console(*, stderr: bool = False) -> Console:
    """A console for command output: the terminal's width, or PIPE_WIDTH when written to a pipe
    or a file (COLUMNS, when set, still decides)."""
    stream = sys.stderr if stderr else sys.stdout
    wide = not os.environ.get("COLUMNS") and not (hasattr(stream, "isatty") and stream.isatty())
    return Console(stderr=stderr, highlight=False, width=PIPE_WIDTH if wide else None)


out_console = new_console()
err_console = new_console(stderr=True)

# A str, not a Path: a Path cannot hold a URL (Path("s3://b/x") is "s3:/b/x").
OutOption = Annotated[
    str,
    typer.Option(
        "--out", "-o", help="Folder, or object-store URL (s3://bucket/prefix), that holds releases/ and latest."
    ),
]
ReleaseOption = Annotated[Optional[str], typer.Option("--release", help="Release id (default: latest).")]
S3EndpointOption = Annotated[
    Optional[str],
    typer.Option(
        "--s3-endpoint", metavar="URL", help="S3 API endpoint for s3:// URLs (default: AWS_ENDPOINT_URL, else AWS)."
    ),
]
DEFAULT_OUT = "datasets"


def use_s3_endpoint(endpoint: str | None) -> None:
    """Make `endpoint` this process's S3 endpoint.  The environment is the carrier because it
    reaches every worker process a run starts (spawned pool workers, a local Dask cluster)."""
    if endpoint:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        os.environ["AWS_ENDPOINT_URL_S3"] = endpoint  # botocore prefers the service-specific one


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {escape_markup(message)}", soft_wrap=True, markup=True)
    raise typer.Exit(code)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _table(title: str | None, columns: list[str], rows: list[tuple[Any, ...]] | list[list[Any]]) -> RichTable:
    table = RichTable(title=escape_markup(title) if title else None, title_justify="left")
    for c in columns:
        table.add_column(escape_markup(c), overflow="fold")
    for row in rows:
        table.add_row(*(escape_markup(_text(v)) for v in row))
    return table


def _records_table(title: str, records: list[dict[str, Any]], columns: list[str]) -> RichTable:
    return _table(f"{title} ({len(records)})", columns, [[r.get(c) for c in columns] for r in records])


def _connect(out: str, release: str | None, *, allow_files: bool = False) -> Any:
    from govmap.datasets.query import connect_release, resolve_release
    from govmap.errors import GovmapError

    try:
        return connect_release(resolve_release(out, release), allow_files=allow_files)
    except GovmapError as exc:
        _fail(str(exc))


def sql(
    query: Annotated[
        Optional[str], typer.Argument(help="A DuckDB query over the table views. None: list the views.")
    ] = None,
    out: OutOption = DEFAULT_OUT,
    release: ReleaseOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    s3_endpoint: S3EndpointOption = None,
    allow_files: Annotated[
        bool,
        typer.Option(
            "--allow-files",
            help="Let the query use DuckDB's file functions (read_csv, COPY TO, ATTACH). "
            "Default: it reads the release's tables and nothing else.",
        ),
    ] = False,
) -> None:
    """Query the latest release with DuckDB SQL (one view per table); read-only unless --allow-files."""
    from govmap.datasets.query import describe_views, run_sql
    from govmap.errors import GovmapError

    use_s3_endpoint(s3_endpoint)
    con = _connect(out, release, allow_files=allow_files)
    if query is None:
        for name, columns in describe_views(con).items():
            out_console.print(_table(name, ["column", "type"], columns))
        return
    try:
        columns, rows = run_sql(con, query)
    except GovmapError as exc:
        _fail(str(exc))
    if fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_csv(v) for v in row] for row in rows])
    elif fmt is Format.json:
        sys.stdout.write(
            json.dumps(
                [dict(zip(columns, row, strict=True)) for row in rows], default=str, ensure_ascii=False, indent=2
            )
            + "\n"
        )
    else:
        out_console.print(_table(None, columns, rows))
        out_console.print(f"{len(rows)} rows")


def _csv(value: Any) -> Any:
    return json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _print_collaborations(records: list[dict[str, Any]], who: str, *, with_doc: bool) -> None:
    """One block per collaboration: the evidence is too long for a table column."""
    out_console.print(f"[italic]collaborations ({len(records)})[/]")
    for c in records:
        where = f"{c['doc_id']} p.{c['page']}" if with_doc else f"p.{c['page']}"
        out_console.print(
            f"- with {_text(c[who])}: {_text(c['types'])} ({c['status']}) — {where} "
            f"[{c['extractor']}, confidence {_text(c['confidence'])}]",
            soft_wrap=True,
            markup=False,
        )
        out_console.print(f"    {c['evidence']}", soft_wrap=True, markup=False)


show_app = typer.Typer(help="Profile one institution or one document of the latest release.", no_args_is_help=True)


def _candidates(exc: Any, columns: list[str]) -> None:
    err_console.print(f"[bold red]error:[/] {escape_markup(exc)}", soft_wrap=True)
    err_console.print(_table("candidates", columns, [[c.get(k) for k in columns] for c in exc.candidates]))
    raise typer.Exit(2)


def _profile(
    profile: Any, key: str, out: str, release: str | None, s3_endpoint: str | None, candidate_columns: list[str]
) -> dict[str, Any]:
    """`profile(con, key)` over the chosen release; no match or several end the command in one line."""
    from govmap.datasets.query import Ambiguous, NotFound

    use_s3_endpoint(s3_endpoint)
    con = _connect(out, release)
    try:
        return profile(con, key)
    except Ambiguous as exc:
        _candidates(exc, candidate_columns)
    except NotFound as exc:
        _fail(str(exc))


@show_app.command("institution")
def show_institution(
    key: Annotated[
        str, typer.Argument(metavar="ID_OR_NAME", help="institution_id, name, acronym or alias (any case).")
    ],
    out: OutOption = DEFAULT_OUT,
    release: ReleaseOption = None,
    s3_endpoint: S3EndpointOption = None,
) -> None:
    """Kind, country, aliases, documents, collaborations and ratings of one institution."""
    from govmap.datasets.query import institution_profile

    p = _profile(
        institution_profile, key, out, release, s3_endpoint, ["institution_id", "name", "acronym", "kind", "country"]
    )
    i = p["institution"]
    out_console.print(f"[bold]{escape_markup(i['name'])}[/] ({escape_markup(i['institution_id'])})")
    for label, value in (
        ("acronym", i["acronym"]),
        ("kind", i["kind"]),
        ("country", i["country"]),
        ("known", "knowledge base" if i["known"] else "discovered"),
        ("aliases", i["aliases"]),
        ("documents", i["n_documents"]),
        ("mentions", i["n_mentions"]),
    ):
        out_console.print(f"  {label}: {escape_markup(_text(value))}", soft_wrap=True)
    out_console.print(
        _records_table("documents", p["documents"], ["doc_id", "title", "mentions", "collaborations", "ratings"])
    )
    _print_collaborations(p["collaborations"], "partners", with_doc=True)
    out_console.print(
        _records_table(
            "ratings received",
            p["ratings"],
            ["criterion", "rating", "score", "scale", "doc_id", "page", "table_id", "rationale"],
        )
    )


@show_app.command("document")
def show_document(
    key: Annotated[str, typer.Argument(metavar="DOC", help="doc_id (or a prefix) or source path.")],
    out: OutOption = DEFAULT_OUT,
    release: ReleaseOption = None,
    s3_endpoint: S3EndpointOption = None,
) -> None:
    """Metadata, status, row counts, institutions, collaborations and ratings of one document."""
    from govmap.datasets.query import document_profile

    p = _profile(document_profile, key, out, release, s3_endpoint, ["doc_id", "source_uri", "title", "status"])
    d = p["document"]
    out_console.print(
        f"[bold]{escape_markup(_text(d['title'])) or '(untitled)'}[/] ({escape_markup(d['doc_id'])})", soft_wrap=True
    )
    for label in (
        "source_uri",
        "media_type",
        "authors",
        "publisher",
        "published",
        "n_pages",
        "n_chars",
        "status",
        "error",
        "ingested_at",
        "pipeline_version",
    ):
        if d.get(label) not in (None, "", []):
            out_console.print(f"  {label}: {escape_markup(_text(d[label]))}", soft_wrap=True)
    out_console.print("  rows: " + ", ".join(f"{k} {v}" for k, v in p["counts"].items()))
    out_console.print(_records_table("institutions", p["institutions"], ["institution_id", "name", "kind", "mentions"]))
    _print_collaborations(p["collaborations"], "parties", with_doc=False)
    out_console.print(
        _records_table(
            "ratings",
            p["ratings"],
            ["subject", "subject_id", "criterion", "rating", "score", "scale", "page", "table_id"],
        )
    )


def diff(
    old: Annotated[Optional[str], typer.Argument(help="Older release id (default: the one before NEW).")] = None,
    new: Annotated[Optional[str], typer.Argument(help="Newer release id (default: latest).")] = None,
    out: OutOption = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
    s3_endpoint: S3EndpointOption = None,
) -> None:
    """Rows added, removed and changed per table between two releases, by primary key."""
    from govmap.datasets.diff import default_pair, diff_releases
    from govmap.datasets.objectstore import is_remote, remote_pair
    from govmap.errors import GovmapError, NoPreviousRelease

    use_s3_endpoint(s3_endpoint)
    try:
        pair = remote_pair(out, old, new) if is_remote(out) else default_pair(Path(out), old, new)
        d = diff_releases(*pair)
    except NoPreviousRelease as exc:
        # Right after the first run this is the expected state, not a mistake.
        out_console.print(
            f"{exc}: it is the first release; the next run that publishes one will have a diff",
            soft_wrap=True,
            markup=False,
        )
        return
    except GovmapError as exc:
        _fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps(d.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n")
        return
    out_console.print(
        _table(
            f"{d.old} -> {d.new}",
            ["table", "old rows", "new rows", "added", "removed", "changed", "e.g."],
            [
                [
                    t.table,
                    t.old_rows,
                    t.new_rows,
                    t.added,
                    t.removed,
                    t.changed,
                    ", ".join(t.added_keys[:2] + t.removed_keys[:2] + t.changed_keys[:2]),
                ]
                for t in d.tables
            ],
        )
    )
    for t in d.tables:
        if t.columns_added or t.columns_removed:
            out_console.print(f"{t.table}: columns added {t.columns_added}, removed {t.columns_removed}", markup=False)
    for label, items in (("appeared", d.institutions_appeared), ("vanished", d.institutions_vanished)):
        out_console.print(
            f"institutions {label} ({len(items)}): "
            + (", ".join(f"{i['name']} ({i['institution_id']})" for i in items) or "none"),
            soft_wrap=True,
            markup=False,
        )
    if d.unchanged:
        out_console.print("no changes")


def register(app: typer.Typer) -> None:
    """Add `sql`, `show` and `diff` to the govmap app."""
    app.command("sql")(sql)
    app.add_typer(show_app, name="show")
    app.command("diff")(diff)
