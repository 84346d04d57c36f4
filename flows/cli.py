"""`govmap` command line: the same functions the flow and the tests call.

Exit codes: 0 release promoted, also with rows set aside by row checks (or nothing changed);
1 validation failed (release written, not promoted), or an unexpected error (with a traceback);
2 bad usage, no readable source, or an unusable --out (a file, not writable, disk full), before any
work, or a disk that fills during the run (what was being written is removed, latest unchanged);
130 / 143 stopped by SIGINT / SIGTERM.
"""

from __future__ import annotations

import atexit
import importlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

# One console pair and one `_fail` for every command (ops_commands imports them from here too).
from govmap.flows.analyst_commands import OutOption, S3EndpointOption, _fail, err_console, out_console, use_s3_endpoint
from govmap.runtime import configure_environment

__all__ = ["app", "main"]


def _samples() -> Path:
    """The embedded samples: inside the installed package (the wheel puts them in govmap/samples),
    else the checkout's samples/ (an editable install, or running from the source tree)."""
    from govmap import version  # any module of the package says where it is installed

    installed = Path(version.__file__).resolve().parent / "samples"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "samples"


DEFAULT_OUT = Path("datasets")

app = typer.Typer(
    name="govmap",
    help="Turn reports on AI governance into validated, versioned Parquet datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _local_folder(out: str) -> Path:
    """The folder a run writes in: `out` itself, or for an object-store URL its working folder."""
    from govmap.datasets.objectstore import is_remote, work_dir_for

    return work_dir_for(out) if is_remote(out) else Path(out).resolve()


def _stop_on_signals() -> None:
    """SIGTERM and SIGINT end a run at once, with 143 or 130 (128 + the signal).

    Safe at any instant, as a SIGKILL is: releases are promoted atomically, the lock is the
    kernel's (dropped with the process), the next run sweeps a staging folder, and the run's
    processes are ended by its watcher (`govmap.reaper`).  Without this, Python turns SIGINT into
    a KeyboardInterrupt that Prefect's threads report at length.
    """
    import signal

    def stop(signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        err_console.print(
            f"[bold red]stopped:[/] {name}; no partial release is visible, latest unchanged by this run "
            "unless it had already been promoted",
            soft_wrap=True,
        )
        sys.stderr.flush()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not verbose:
        # Prefect configures its own loggers when a flow starts; this is the setting it reads.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        for name in ("prefect", "httpx", "great_expectations", "distributed"):
            logging.getLogger(name).setLevel(logging.ERROR)
        for name in ("prefect.task_runs", "prefect.flow_runs"):
            logging.getLogger(name).addFilter(_reported_in_one_line)


def _reported_in_one_line(record: logging.LogRecord) -> bool:
    """False for Prefect's ERROR lines (one with a traceback) about a failure the command reports
    itself in one line: a pull that failed as sources do (a 404, a timeout after retries; the
    document is quarantined and the summary gives its reason), or a disk that filled (the run
    stops with exit 2).  Prefect keeps a logger's filters when it configures logging."""
    from govmap import errors

    expected = (errors.SourceError, errors.DiskFull)
    exc = record.exc_info[1] if record.exc_info else None
    if isinstance(exc, expected):
        return False
    names = {c.__name__ for c in vars(errors).values() if isinstance(c, type) and issubclass(c, expected)}
    message = record.getMessage()
    return not (
        message.startswith(("Finished in state Failed", "Encountered exception"))
        and any(f"{name}:" in message or f"{name}(" in message for name in names)
    )


@app.command()
def run(
    sources: Annotated[
        Optional[list[str]],
        typer.Argument(
            help="Files, folders, http(s) URLs or object-store URLs (s3://bucket/prefix). Default: the embedded samples."
        ),
    ] = None,
    out: OutOption = str(DEFAULT_OUT),
    s3_endpoint: S3EndpointOption = None,
    workers: Annotated[
        Optional[int], typer.Option(help="Worker processes for parsing and extraction (default: cores).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Publish a new release even when the inputs are unchanged.")] = False,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for another run writing to --out, then fail (exit 2).")
    ] = 0.0,
    registry: Annotated[
        Optional[Path], typer.Option(help="sources.yaml naming the sources (added to SOURCES).")
    ] = None,
    task_runner: Annotated[
        str, typer.Option(help="Where parsing and extraction run: process (a process pool here) or dask.")
    ] = "process",
    dask_address: Annotated[
        Optional[str],
        typer.Option(help="Scheduler of an existing Dask cluster (tcp://host:8786); default: a local cluster."),
    ] = None,
    spacy_model: Annotated[
        Optional[str],
        typer.Option(help="An installed trained spaCy pipeline (package or folder) whose NER adds candidates."),
    ] = None,
    kb: Annotated[
        Optional[Path],
        typer.Option(
            help="Knowledge-base overlay: a folder of institutions.jsonl / instruments.jsonl / countries.jsonl "
            "whose entries add to or replace the packaged ones (same id)."
        ),
    ] = None,
    max_rejected: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of any table that rows failing a row check may make up; "
            "those rows are set aside, more holds the release back (exit 1).",
        ),
    ] = 0.01,
    follow_symlinks: Annotated[
        bool, typer.Option(help="Read files a source folder links to outside itself (skipped by default).")
    ] = False,
    allowed_host: Annotated[
        Optional[list[str]],
        typer.Option(
            help="Fetch URLs (and follow redirects) only on this host; repeat for more; *.example.org for a domain."
        ),
    ] = None,
    curation: Annotated[
        Optional[Path],
        typer.Option(
            help="Curation file of reviewers' decisions to apply (default: the registry's `curation`, if any)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every stage.")] = False,
) -> None:
    """Ingest SOURCES and publish a validated release under --out."""
    from govmap.reaper import start_reaper

    start_reaper()  # first: every process the run starts from here on ends with it
    _stop_on_signals()
    use_s3_endpoint(s3_endpoint)
    from govmap.datasets.release import prepare_output
    from govmap.errors import DiskFull, GovmapError, SourceError

    try:  # before Prefect keeps its database there: a file, a read-only folder or a full disk fail now
        prepare_output(_local_folder(out))
    except GovmapError as exc:
        _fail(str(exc), 2)
    configure_environment(_local_folder(out) / ".prefect")
    _setup_logging(verbose)
    given = [str(s) for s in sources or ()]
    # Only what differs from the defaults, so a run's parameters stay as they were without them.
    settings = {k: v for k, v in (("follow_symlinks", follow_symlinks), ("allowed_hosts", allowed_host)) if v} or None
    specs = list(given)
    if registry is not None:
        from govmap.flows.registry import load_registry, registry_specs

        try:
            loaded_registry = load_registry(registry)
            specs += registry_specs(loaded_registry)
        except SourceError as exc:
            _fail(str(exc), 2)
        if curation is None and loaded_registry.curation is not None and loaded_registry.curation.exists():
            curation = loaded_registry.curation
    elif not given:
        specs = given = [str(_samples())]
    decisions = None
    if curation is not None:  # a mistake in it is one line and exit 2, before any work
        from govmap.datasets.curation import load_curation

        try:
            decisions = load_curation(curation)
        except GovmapError as exc:
            _fail(str(exc), 2)
    # Check the specs before Prefect's server starts: a typo should fail in a second, not thirty.
    from govmap.sources import iter_sources

    try:
        if not list(iter_sources(specs, settings)):
            _fail(f"{', '.join(specs)}: no .pdf, .txt, .md or .html documents found; nothing to ingest", 2)
    except SourceError as exc:
        _fail(str(exc), 2)
    from govmap.datasets.objectstore import ReleaseStore, is_remote

    if is_remote(out):  # an unreachable store or a missing bucket fails now, not after the run
        try:
            ReleaseStore.open(out).check()
        except GovmapError as exc:
            _fail(str(exc), 2)
    if task_runner == "process":
        from govmap.flows.documents import start_worker_server

        start_worker_server()
    from govmap.datasets.lock import ReleaseLocked
    from govmap.flows.ingest import foreground_run, ingest, nlp_config_of, unchanged_local_inputs
    from govmap.flows.runners import RunnerError, check_dask_address, check_runner_options

    try:
        check_runner_options(task_runner, workers=workers, dask_address=dask_address)
        if dask_address:
            check_dask_address(dask_address, os.environ.get("PREFECT_API_URL"))
        if spacy_model:
            from govmap.extractors.model_ner import check_model

            check_model(spacy_model)
    except GovmapError as exc:
        _fail(str(exc), 2)
    if kb is not None:  # a bad overlay fails now, in one line, not in every worker
        from govmap.extractors.kb import load_kb

        try:
            load_kb(kb)
        except (OSError, ValueError, KeyError) as exc:
            _fail(f"--kb {kb}: {exc}", 2)

    # With a registry the flow decides: `on_removed: keep` may carry documents over.
    nlp_config = nlp_config_of(spacy_model, kb)
    if (
        not force
        and registry is None
        and (same := unchanged_local_inputs(specs, out, settings, nlp_config=nlp_config, curation=decisions))
    ):
        out_console.print(f"nothing changed since release {same}; no new release published", markup=False)
        return

    from govmap.flows.console import ConsoleProgress, print_summary
    from govmap.flows.progress import reporting

    try:
        # progress goes to stderr: stdout carries the summary and stays clean for scripts
        with reporting(ConsoleProgress(err_console)), foreground_run():
            result = ingest(
                given,
                str(out),
                workers=workers,
                force=force,
                wait_seconds=wait,
                settings=settings,
                registry=str(registry) if registry is not None else None,
                task_runner=task_runner,
                dask_address=dask_address,
                spacy_model=spacy_model,
                max_rejected=max_rejected,
                kb=str(kb.resolve()) if kb is not None else None,
                curation=str(curation) if curation is not None else None,
            )
    except (SourceError, ReleaseLocked, RunnerError, DiskFull) as exc:
        _fail(str(exc), 2)
    except GovmapError as exc:
        _fail(str(exc), 1)
    print_summary(out_console, result.documents, result.outcome)
    if result.outcome is None:
        out_console.print(
            f"nothing changed since release {result.unchanged_release}; no new release published", markup=False
        )
        return
    o = result.outcome
    # plain lines for scripts: never wrapped, whatever the terminal's width
    out_console.print(f"release: {o.release_id}", soft_wrap=True, markup=False)
    out_console.print(f"quality report: {o.report_html}", soft_wrap=True, markup=False)
    for note in result.notes:  # where an object-store release went
        out_console.print(note, soft_wrap=True, markup=False)
    if not o.promoted:
        err_console.print(
            "[bold red]validation failed:[/] release written but not promoted; latest unchanged. See the quality report."
        )
        err_console.print(o.summary, markup=False)
        raise typer.Exit(1)
    out_console.print(f"latest -> {o.release_id}", markup=False)
    if o.rejected_rows:  # promoted, with the rows that failed a row check set aside
        err_console.print(o.summary, soft_wrap=True, markup=False)


@app.command()
def report(out: OutOption = str(DEFAULT_OUT), s3_endpoint: S3EndpointOption = None) -> None:
    """Print the latest release's data-quality summary and the path of its HTML report."""
    use_s3_endpoint(s3_endpoint)
    configure_environment()
    from govmap.datasets.query import ReleaseNotFound, resolve_release
    from govmap.expectations import ValidationReport, summarize

    try:
        release = resolve_release(out)
    except ReleaseNotFound as exc:
        _fail(str(exc), 2)
    # A local release is a folder; one in object storage is read in place (`quality` is then a URL).
    quality = release / "quality" if isinstance(release, Path) else f"{release.url}/quality"
    try:
        text = (
            (quality / "report.json").read_text(encoding="utf-8")
            if isinstance(release, Path)
            else release.read_text("quality/report.json")
        )
        data = json.loads(text)
        rep = ValidationReport.from_dict(data["validation"])
    except (OSError, KeyError, ValueError) as exc:
        _fail(f"{quality}/report.json: cannot read the quality report ({exc}); the release may predate it", 2)
    out_console.print(f"release: {release.name}", markup=False)
    out_console.print(summarize(rep), markup=False)
    for doc in data.get("quarantined", []):
        out_console.print(f"  quarantined: {doc.get('error')}", soft_wrap=True, markup=False)
    out_console.print(
        f"HTML report: {quality}/report.html", soft_wrap=True, markup=False
    )  # a path or URL to copy whole


@app.command()
def validate(
    release: Annotated[
        Optional[str],
        typer.Argument(help="A release folder (a downloaded copy), or a release id under --out. Default: latest."),
    ] = None,
    out: OutOption = str(DEFAULT_OUT),
    s3_endpoint: S3EndpointOption = None,
) -> None:
    """Re-run a release's own checks on it: files against manifest.json, then the contract's suites.

    Exit 0 when it passes, 1 when a check fails, 2 when there is no such release.
    """
    use_s3_endpoint(s3_endpoint)
    configure_environment()
    from govmap.datasets.query import ReleaseNotFound, resolve_release
    from govmap.expectations.verify import verify_release
    from govmap.expectations import summarize

    try:
        check = verify_release(resolve_release(out, release))
    except ReleaseNotFound as exc:
        _fail(str(exc), 2)
    out_console.print(f"release: {check.release_id}", markup=False)
    for problem in check.file_problems:
        out_console.print(f"  {problem}", soft_wrap=True, markup=False)
    if not check.file_problems:
        out_console.print(
            "files: every table matches manifest.json (size, sha256) and the contract's schema", markup=False
        )
    if check.report is not None:
        out_console.print(summarize(check.report), soft_wrap=True, markup=False)
    out_console.print("PASSED" if check.passed else "FAILED", markup=False)
    if not check.passed:
        raise typer.Exit(1)


# Modules that add their commands with `register(app)`; each keeps its command group apart.
_COMMAND_MODULES: tuple[str, ...] = (
    "govmap.flows.analyst_commands",
    "govmap.flows.ops_commands",
    "govmap.flows.review_commands",
)
for _module in _COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:
    """The `govmap` command: `app`, then out without the interpreter's teardown.

    A run leaves Prefect, pandas, pyarrow and great_expectations loaded, and tearing those down
    object by object costs about a second after the work is done (measured: 1.2 s after the last
    exit handler on a sample run).  Output is flushed and every exit handler runs first (Prefect's
    event and log drains, multiprocessing's child clean-up), so nothing is lost by skipping it.
    """
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):  # what `sys.exit("message")` would have printed
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()  # noqa: SLF001 - the handlers os._exit would otherwise skip
    os._exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
