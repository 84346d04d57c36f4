"""Operations commands: `govmap serve` (scheduled ingestion) and `govmap prune` (old releases).

`--out` is a folder or an object-store URL (``s3://bucket/prefix``), as for `govmap run`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

# Module-level, not imported inside register(): typer evaluates these string annotations
# (from __future__ import annotations) in this module's globals.
from govmap.flows.analyst_commands import OutOption, S3EndpointOption, use_s3_endpoint

__all__ = ["register", "build_deployment", "prune_releases", "serve_until_stopped"]

DEFAULT_DEPLOYMENT = "govmap-scheduled"
DEFAULT_OUT = Path("datasets")


def build_deployment(
    registry: Path,
    cron: str,
    out: Path | str,
    *,
    name: str = DEFAULT_DEPLOYMENT,
    task_runner: str = "process",
    dask_address: str | None = None,
    workers: int | None = None,
) -> Any:
    """The Prefect deployment `govmap serve` runs: the ingest flow over the registry on `cron`,
    extracting with `task_runner` (as `govmap run --task-runner`).

    The registry and runner options are validated now (RegistryError, RunnerError), and the
    registry's specs are re-read at each run so new files in a registered folder are picked up.
    """
    from govmap.flows.runners import check_runner_options

    from govmap.datasets.objectstore import is_remote
    from govmap.flows.ingest import ingest
    from govmap.flows.registry import load_registry

    load_registry(registry)
    check_runner_options(task_runner, workers=workers, dask_address=dask_address)
    target = str(out) if is_remote(out) else str(Path(out).resolve())
    return ingest.to_deployment(
        name=name,
        cron=cron,
        parameters={
            "sources": [],
            "out": target,
            "registry": str(registry.resolve()),
            "task_runner": task_runner,
            "dask_address": dask_address,
            "workers": workers,
        },
    )


def prune_releases(out: Path | str, *, keep: int) -> list[Path] | list[str]:
    """Remove committed releases except the `keep` newest and the one `latest` points at.

    Returns what was removed (release folders, or release URLs in object storage); raises
    ValueError for keep < 1.
    """
    from govmap.datasets.objectstore import is_remote
    from govmap.datasets.release import latest_release, list_releases

    if keep < 1:
        raise ValueError(f"keep must be >= 1, not {keep!r}")
    if is_remote(out):
        return _prune_store(str(out), keep=keep)
    out = Path(out)
    releases = list_releases(out)  # oldest first (ids start with the UTC time)
    latest = latest_release(out)
    protected = set(releases[-keep:]) | ({latest} if latest is not None else set())
    removed = []
    for release in releases:
        if release.resolve() not in {p.resolve() for p in protected}:
            shutil.rmtree(release)
            removed.append(release)
    return removed


def _prune_store(out: str, *, keep: int) -> list[str]:
    """`prune_releases` for an output URL.  Only committed releases (manifest present) are
    candidates: a prefix without one may be another writer's upload in progress."""
    from govmap.datasets.objectstore import ReleaseStore

    store = ReleaseStore.open(out)
    releases = store.list_releases()  # oldest first
    protected = set(releases[-keep:]) | {store.read_pointer()}
    removed = []
    for release_id in releases:
        if release_id not in protected:
            store.delete_release(release_id)
            removed.append(store.release_url(release_id))
    return removed


@contextmanager
def _api_server(home: Path, console: Any) -> Iterator[None]:
    """The Prefect API `serve` and the flow runs it starts share: PREFECT_API_URL when set, else
    one server started here for as long as `serve` runs, with its state in `home`.

    Prefect's temporary server is not used: it is started per process, so every flow run
    `serve` spawned started a second one, and it runs no scheduler, so cron never fired.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from govmap.flows.prefect_server import PrefectServer

    console.print(f"starting a Prefect server for this serve (state in {home}) ...", markup=False)
    server = PrefectServer(home)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # The environment carries it to each flow run's process; this process read its settings
    # when the deployment was built, so they are updated too.
    os.environ["PREFECT_API_URL"] = server.api_url
    console.print(f"Prefect API at {server.api_url} ({server.seconds:.0f} s to start)", markup=False)
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        del os.environ["PREFECT_API_URL"]
        server.stop()


def serve_until_stopped(deployment: Any) -> None:
    """Run `deployment`'s schedule until Ctrl-C or SIGTERM, then shut down cleanly.

    `prefect.serve` answers SIGTERM by calling the runner's stop from its signal handler, which
    leaves the `astop` coroutine never awaited (a RuntimeWarning on every stop).  Here SIGTERM is
    turned into the same KeyboardInterrupt as Ctrl-C, and the runner's own exit does the rest.
    """
    import asyncio

    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    runner.add_deployment(deployment)

    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    runner.handle_sigterm = interrupt  # Runner.start installs this as the SIGTERM handler
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    from govmap.flows.cli import _fail, _local_folder, out_console
    from govmap.runtime import configure_environment

    @app.command()
    def serve(
        registry: Annotated[Path, typer.Option(help="sources.yaml naming the sources to ingest.")],
        cron: Annotated[str, typer.Option(help='Schedule, e.g. "0 6 * * *" (06:00 daily).')],
        out: OutOption = str(DEFAULT_OUT),
        name: Annotated[str, typer.Option(help="Deployment name.")] = DEFAULT_DEPLOYMENT,
        s3_endpoint: S3EndpointOption = None,
        task_runner: Annotated[
            str, typer.Option(help="Where parsing and extraction run: process or dask (see `run`).")
        ] = "process",
        dask_address: Annotated[
            Optional[str], typer.Option(help="Scheduler of an existing Dask cluster (tcp://host:8786).")
        ] = None,
        workers: Annotated[Optional[int], typer.Option(help="Size of the local process pool or Dask cluster.")] = None,
    ) -> None:
        """Serve the ingest flow over REGISTRY on CRON until interrupted."""
        from govmap.reaper import start_reaper

        # First, as `run` does: a killed serve takes its Prefect server and its runs' processes with it.
        start_reaper()
        use_s3_endpoint(s3_endpoint)
        home = _local_folder(out) / ".prefect"
        configure_environment(home)
        from govmap.errors import RunnerError, SourceError

        try:
            deployment = build_deployment(
                registry, cron, out, name=name, task_runner=task_runner, dask_address=dask_address, workers=workers
            )
            with _api_server(home, out_console):
                out_console.print(f"serving {name} on {cron!r}; Ctrl-C to stop", markup=False)
                serve_until_stopped(deployment)
        except (SourceError, RunnerError, ValueError) as exc:
            _fail(str(exc).splitlines()[0], 2)

    @app.command()
    def prune(
        keep: Annotated[int, typer.Option(help="How many of the newest releases to keep (latest is always kept).")],
        out: OutOption = str(DEFAULT_OUT),
        s3_endpoint: S3EndpointOption = None,
    ) -> None:
        """Remove old releases, keeping the KEEP newest and the one latest points at."""
        from govmap.errors import GovmapError

        use_s3_endpoint(s3_endpoint)
        try:
            removed = prune_releases(out, keep=keep)
        except (ValueError, GovmapError) as exc:
            _fail(str(exc), 2)
        for p in removed:
            out_console.print(f"removed {p}", markup=False)
        out_console.print(f"{len(removed)} release(s) removed")
