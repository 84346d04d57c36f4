"""Per-document work as plain functions: pull -> parse -> extract, or quarantine with a reason.

Everything here runs without Prefect.  `process_raw` is what a worker process runs; its result is
written to the result cache (`govmap.flows.result_cache`) and only a small `DocumentSummary` travels
back to the flow, so no process ever holds the whole corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Iterator

from govmap.extractors.config import DEFAULT_COMPONENTS, NlpConfig
from govmap.extractors.records import Extraction
from govmap.errors import BudgetExceeded, GovmapError
from govmap.runtime import die_with_parent, kill_at_test_point
from govmap.version import pipeline_version
from govmap.sources import ParseSettings, RawDocument, parse
from govmap.media import media_type_of_name
from govmap.sources.model import doc_id_of
from govmap.sources.parse import PARSERS

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from spacy.language import Language

    from govmap.flows.result_cache import ResultCache

__all__ = [
    "DocumentRow",
    "DocumentResult",
    "DocumentSummary",
    "process_raw",
    "quarantine",
    "init_worker",
    "run_bounded",
    "run_in_worker",
    "run_alone",
    "worker_nlp",
    "nlp_builds",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentRow:
    """A `documents` row: fields are the contract's columns."""

    doc_id: str
    source_uri: str
    media_type: str
    title: str | None
    authors: tuple[str, ...]
    publisher: str | None
    published: str | None
    n_pages: int
    n_chars: int
    sha256: str
    status: str
    error: str | None
    ingested_at: dt.datetime
    pipeline_version: str


@dataclass(frozen=True)
class DocumentResult:
    """Everything one document contributes to a release."""

    row: DocumentRow
    pages: tuple[str, ...] = ()  # normalised text of page 1, 2, ...
    extraction: Extraction | None = None
    # Quarantined for what may not happen again (over a time or memory budget, its worker died):
    # the cache keeps it for this run's release, and the next run tries the document again.
    transient: bool = False


@dataclass(frozen=True)
class DocumentSummary:
    """What the flow needs to know about a processed document (small, cheap to pass around)."""

    doc_id: str
    source_uri: str
    sha256: str
    status: str
    error: str | None = None
    n_pages: int = 0
    cached: bool = False  # True when the result came from the cache, not fresh work


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def quarantine(
    source_uri: str, error: GovmapError | str, *, raw: RawDocument | None = None, transient: bool = False
) -> DocumentResult:
    """A quarantined document: its one-line reason, and no records.

    Without bytes (a pull that failed, an empty file) the identity is the sha256 of the source
    URI, so each such source still has its own row.  `transient` marks a reason the next run should try
    again (a budget, a dead worker) instead of taking from the cache.
    """
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if raw is not None and raw.data:
        sha, media = raw.sha256, raw.media_type
    else:
        # No bytes, or none at all (every empty file has the same sha256, and two of them once
        # shared one row that mixed their names): the source URI is the identity.
        sha = hashlib.sha256(source_uri.encode()).hexdigest()
        media = raw.media_type if raw is not None else media_type_of_name(source_uri)
    row = DocumentRow(
        doc_id=doc_id_of(sha),
        source_uri=source_uri,
        media_type=media,
        title=None,
        authors=(),
        publisher=None,
        published=None,
        n_pages=0,
        n_chars=0,
        sha256=sha,
        status="quarantined",
        error=message,
        ingested_at=_now(),
        pipeline_version=pipeline_version(),
    )
    return DocumentResult(row=row, transient=transient)


class _Stage:
    """What the document is going through, for a budget's one-line reason."""

    name = "parsing"


@contextmanager
def _time_budget(uri: str, seconds: float, stage: _Stage) -> Iterator[None]:
    """Raise BudgetExceeded in this thread once `seconds` have passed (main thread only: signals
    reach no other).  Python code stops at once; a stuck C call is ended by the worker's watchdog
    (`init_worker`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise BudgetExceeded(f"{uri}: {stage.name} exceeded {seconds:g} s (document_seconds); document quarantined")

    previous = signal.signal(signal.SIGALRM, expire)
    # Again every second after the first: a library's broad `except` may swallow one.
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_output(uri: str, settings: ParseSettings, *, pages: int = 0, chars: int = 0, mentions: int = 0) -> None:
    """Raise BudgetExceeded when a document's output is over its budget."""
    for count, limit, what, name in (
        (pages, settings.max_pages, "pages", "max_pages"),
        (chars, settings.max_chars, "characters of text", "max_chars"),
        (mentions, settings.max_mentions, "mentions", "max_mentions"),
    ):
        if count > limit:
            raise BudgetExceeded(
                f"{uri}: {count:,} {what}, over the budget of {limit:,} ({name}); document quarantined"
            )


def _over_budget(exc: BaseException) -> BaseException | None:
    """The BudgetExceeded or MemoryError `exc` is or was raised from, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, (BudgetExceeded, MemoryError)):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def process_raw(raw: RawDocument, settings: ParseSettings, nlp: Language) -> DocumentResult:
    """Parse and extract one document within its budgets (time, memory, output; see
    ParseSettings); a SourceError, ExtractionError or BudgetExceeded quarantines it."""
    from govmap.extractors.extract import extract_document  # spaCy: workers import it, the flow never does

    stage = _Stage()
    try:
        with _time_budget(raw.source_uri, settings.document_seconds, stage):
            document = parse(raw, settings)
            _check_output(raw.source_uri, settings, pages=len(document.pages), chars=document.n_chars)
            stage.name = "extracting"
            extraction = extract_document(nlp, document)
            _check_output(raw.source_uri, settings, mentions=len(extraction.mentions))
    except (GovmapError, MemoryError) as exc:
        # A parser that turns any failure into "cannot be read" must not hide a budget: a
        # decompression bomb is over the memory budget, not an image-only PDF.
        over = _over_budget(exc)
        if isinstance(over, MemoryError):
            # The worker's address space is capped at its size plus the budget (`init_worker`).
            over = BudgetExceeded(
                f"{raw.source_uri}: over {settings.document_memory_mb:,} MB while {stage.name} "
                "(document_memory_mb); document quarantined"
            )
        log.warning("%s", over or exc)
        return quarantine(raw.source_uri, over or exc, raw=raw, transient=over is not None)
    except Exception as exc:  # the one catch-all: a bug on one document must not stop the corpus
        log.exception("%s: unexpected error", raw.source_uri)
        return quarantine(
            raw.source_uri,
            f"{raw.source_uri}: internal error {type(exc).__name__}: {exc}; document quarantined",
            raw=raw,
        )
    meta = extraction.metadata
    row = DocumentRow(
        doc_id=document.doc_id,
        source_uri=raw.source_uri,
        media_type=raw.media_type,
        title=meta.title,
        authors=tuple(meta.authors),
        publisher=meta.publisher,
        published=meta.published,
        n_pages=len(document.pages),
        n_chars=document.n_chars,
        sha256=raw.sha256,
        status="ok",
        error=None,
        ingested_at=_now(),
        pipeline_version=pipeline_version(),
    )
    return DocumentResult(row=row, pages=tuple(p.text for p in document.pages), extraction=extraction)


def summarize(result: DocumentResult, *, cached: bool = False) -> DocumentSummary:
    r = result.row
    return DocumentSummary(r.doc_id, r.source_uri, r.sha256, r.status, r.error, r.n_pages, cached)


# --- worker processes -------------------------------------------------------------------------
# The spaCy pipeline is built once per worker process and kept there, never pickled with a task:
# a process-pool worker builds it in the pool's initializer, a Dask worker on its first document
# (`worker_nlp` is the same lazy per-process cache in both).  Keyed by the configuration, so a
# long-lived Dask worker serving runs with different settings keeps one pipeline per setting.
_WORKER_NLP: dict[str, Language] = {}
_BUILD_LOCK = threading.Lock()  # a Dask worker may run several tasks at once, in threads
_BUILDS = 0


# What a worker imports to parse and extract (spaCy and the pipeline's components), and the
# flow's own process never does.
# The parsers' modules are here because `sources` loads them on first use.  `govmap.flows.worker_preload`,
# last, builds the default pipeline from them.
WORKER_MODULES = (
    "govmap.flows.documents",
    "govmap.flows.result_cache",
    *dict.fromkeys(m for m, _ in PARSERS.values()),
    "govmap.extractors.nlp",
    "govmap.extractors.extract",
    *dict.fromkeys(m for _, m in DEFAULT_COMPONENTS),
    "govmap.flows.worker_preload",
)


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a forkserver that has imported the pipeline's
    modules once (spaCy's import alone costs seconds, which every spawned worker would pay
    again).  Never forked from this process: the flow runs beside Prefect's and httpx's threads,
    and a fork taken while one of them holds a lock (logging, imports) leaves the child hung
    forever; the forkserver is a fresh interpreter without them."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_MODULES))
    return context


_SERVER_PARENT: list[threading.Thread] = []
_SERVER_PARENT_LOCK = threading.Lock()


def start_worker_server() -> None:
    """Start the forkserver now, from a thread that lives as long as this process.

    The forkserver dies with the thread that started it (`govmap.flows.worker_preload` asks
    for that: a killed run must not leave it, nor the workers that die with it, re-parented to
    init), and the kernel's parent-death signal follows the *thread* that forked: started from
    a Dask task's thread or a flow's, it would die when that thread ends.  Started now, it
    spends seconds importing the pipeline's modules while the caller loads what it needs next
    (the CLI: Prefect) instead of delaying the first worker."""
    from multiprocessing import forkserver

    worker_context()  # sets the preload list the server is started with
    with _SERVER_PARENT_LOCK:
        if not _SERVER_PARENT:
            started = threading.Event()
            parent = threading.Thread(
                target=_forkserver_parent, args=(started,), name="govmap-forkserver-parent", daemon=True
            )
            parent.start()
            started.wait()
            _SERVER_PARENT.append(parent)
    forkserver.ensure_running()  # again if the server has died since (the OOM killer)


def _forkserver_parent(started: threading.Event) -> None:
    from multiprocessing import forkserver

    try:
        forkserver.ensure_running()
    finally:
        started.set()
    threading.Event().wait()  # never returns: the thread's end would end the forkserver


# A worker still on one document this long after its time budget is stuck in a C call that no
# signal interrupts; it ends itself with this code (its pool is replaced, see govmap.flows.runners).
WATCHDOG_GRACE_S = 10.0
WORKER_OVERTIME_EXIT = 75
_DEADLINE: list[float | None] = [None]  # monotonic time the current document must end by


def init_worker(nlp_config: NlpConfig | None = None, memory_mb: int | None = None) -> None:
    """Process-pool initializer: build the pipeline once for this process, cap its memory at
    its size now plus `memory_mb`, start its watchdog, and die with the run (see `die_with_parent`)."""
    die_with_parent()
    worker_nlp(nlp_config)
    if memory_mb is not None:
        _cap_memory(memory_mb)
    threading.Thread(target=_watchdog, name="govmap-watchdog", daemon=True).start()


def _cap_memory(memory_mb: int) -> None:
    """Limit this process's address space to its current size plus `memory_mb`: an allocation
    beyond raises MemoryError (quarantining the document) instead of waking the OOM killer."""
    import resource

    try:
        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # not Linux: no cheap way to know the base, so no cap
    limit = size + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _watchdog() -> None:
    while True:
        time.sleep(1.0)
        deadline = _DEADLINE[0]
        if deadline is not None and time.monotonic() > deadline:
            os._exit(WORKER_OVERTIME_EXIT)


def worker_nlp(nlp_config: NlpConfig | None = None) -> Language:
    """This process's pipeline for `nlp_config`, built on first use."""
    global _BUILDS
    key = repr(nlp_config or NlpConfig())  # not cache_key(): that hashes a model's files, per call
    with _BUILD_LOCK:
        if key not in _WORKER_NLP:
            from govmap.extractors.nlp import build_nlp

            _WORKER_NLP[key] = build_nlp(nlp_config)
            _BUILDS += 1
        return _WORKER_NLP[key]


def has_pipeline(nlp_config: NlpConfig | None = None) -> bool:
    """Whether this process holds the pipeline for `nlp_config` already (a worker forked from
    the forkserver starts with the default one)."""
    return repr(nlp_config or NlpConfig()) in _WORKER_NLP


def nlp_builds() -> int:
    """How many times this process has built a pipeline (once per configuration it served)."""
    return _BUILDS


def run_bounded(raw: RawDocument, settings: ParseSettings, nlp_config: NlpConfig | None = None) -> DocumentResult:
    """Process one document in a worker process (`init_worker`), its watchdog armed for the
    document's time budget."""
    kill_at_test_point(f"worker:{PurePosixPath(raw.source_uri).name}")
    _DEADLINE[0] = time.monotonic() + settings.document_seconds + WATCHDOG_GRACE_S
    try:
        return process_raw(raw, settings, worker_nlp(nlp_config))
    finally:
        _DEADLINE[0] = None


def run_in_worker(
    raw: RawDocument, settings: ParseSettings, cache: ResultCache, nlp_config: NlpConfig | None = None
) -> DocumentSummary:
    """Process one document in a worker: parse, extract, cache the result, return its summary."""
    result = run_bounded(raw, settings, nlp_config)
    cache.put(result)
    return summarize(result)


def run_alone(raw: RawDocument, settings: ParseSettings, nlp_config: NlpConfig | None, send: Connection) -> None:
    """A retry's process (see govmap.flows.runners): a pool worker's set-up and work, for one document,
    whose result goes back through `send`.  Defined here, where the forkserver has it loaded."""
    init_worker(nlp_config, settings.document_memory_mb)
    send.send(run_bounded(raw, settings, nlp_config))
    send.close()
