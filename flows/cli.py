"""`govmap` command line: the same functions the flow and the tests call.

Exit codes: 0 release promoted (or nothing changed); 1 validation failed (release written, not
promoted); 2 bad usage or no readable source.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from govmap.runtime import configure_environment

__all__ = ["app", "main"]

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DEFAULT_OUT = Path("datasets")

app = typer.Typer(
    name="govmap",
    help="Turn reports on AI governance into validated, versioned Parquet datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder that holds releases/ and latest.")]


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        for name in ("prefect", "httpx", "great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)


@app.command()
def run(
    sources: Annotated[Optional[list[str]], typer.Argument(help="Files, folders or http(s) URLs. Default: the embedded samples.")] = None,
    out: OutOption = DEFAULT_OUT,
    workers: Annotated[Optional[int], typer.Option(help="Worker processes for parsing and extraction (default: cores).")] = None,
    force: Annotated[bool, typer.Option(help="Publish a new release even when the inputs are unchanged.")] = False,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another run writing to --out, then fail (exit 2).")] = 0.0,
    registry: Annotated[Optional[Path], typer.Option(help="sources.yaml naming the sources (added to SOURCES).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every stage.")] = False,
) -> None:
    """Ingest SOURCES and publish a validated release under --out."""
    configure_environment(out.resolve() / ".prefect")
    _setup_logging(verbose)
    from govmap.errors import GovmapError, SourceError
    given = [str(s) for s in sources or ()]
    specs = list(given)
    if registry is not None:
        from flows.registry import load_registry, registry_specs

        try:
            specs += registry_specs(load_registry(registry))
        except SourceError as exc:
            _fail(str(exc), 2)
    elif not given:
        specs = given = [str(SAMPLES)]
    # Check the specs before Prefect's server starts: a typo should fail in a second, not thirty.
    from sources import iter_sources

    try:
        if not list(iter_sources(specs)):
            _fail(f"{', '.join(specs)}: no .pdf, .txt, .md or .html documents found; nothing to ingest", 2)
    except SourceError as exc:
        _fail(str(exc), 2)
    from datasets.lock import ReleaseLocked
    from flows.ingest import ingest, unchanged_local_inputs

    # With a registry the flow decides: `on_removed: keep` may carry documents over.
    if not force and registry is None and (same := unchanged_local_inputs(specs, out)):
        out_console.print(f"nothing changed since release {same}; no new release published")
        return

    try:
        result = ingest(given, str(out), workers=workers, force=force, wait_seconds=wait,
                        registry=str(registry) if registry is not None else None)
    except (SourceError, ReleaseLocked) as exc:
        _fail(str(exc), 2)
    except GovmapError as exc:
        _fail(str(exc), 1)
    ok = sum(1 for d in result.documents if d.status == "ok")
    quarantined = [d for d in result.documents if d.status != "ok"]
    out_console.print(f"documents: {ok} ok, {len(quarantined)} quarantined")
    for d in quarantined:
        out_console.print(f"  quarantined: {d.error}", soft_wrap=True)
    if result.outcome is None:
        out_console.print(f"nothing changed since release {result.unchanged_release}; no new release published")
        return
    o = result.outcome
    table = RichTable(title=f"release {o.release_id}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in o.rows.items():
        table.add_row(name, str(rows))
    out_console.print(table)
    out_console.print(f"release: {o.release_id}")
    out_console.print(f"quality report: {o.report_html}")
    if not o.promoted:
        err_console.print("[bold red]validation failed:[/] release written but not promoted; latest unchanged. See the quality report.")
        err_console.print(o.summary)
        raise typer.Exit(1)
    out_console.print(f"latest -> {o.release_id}")


@app.command()
def report(out: OutOption = DEFAULT_OUT) -> None:
    """Print the latest release's data-quality summary and the path of its HTML report."""
    configure_environment()
    from datasets.release import latest_release
    from expectations import ValidationReport, summarize

    release = latest_release(out)
    if release is None:
        _fail(f"{out}: no promoted release yet; run `govmap run --out {out}` first", 2)
    quality = release / "quality"
    try:
        data = json.loads((quality / "report.json").read_text(encoding="utf-8"))
        rep = ValidationReport.from_dict(data["validation"])
    except (OSError, KeyError, ValueError) as exc:
        _fail(f"{quality / 'report.json'}: cannot read the quality report ({exc}); the release may predate it", 2)
    out_console.print(f"release: {release.name}")
    out_console.print(summarize(rep))
    for doc in data.get("quarantined", []):
        out_console.print(f"  quarantined: {doc.get('error')}", soft_wrap=True)
    out_console.print(f"HTML report: {quality / 'report.html'}")


# Modules that add their commands with `register(app)`; each keeps its command group apart.
_COMMAND_MODULES: tuple[str, ...] = ("flows.analyst_commands", "flows.ops_commands")
for _module in _COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
