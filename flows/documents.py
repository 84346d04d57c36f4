"""Per-document work as plain functions: pull -> parse -> extract, or quarantine with a reason.

Everything here runs without Prefect.  `process_raw` is what a worker process runs; its result is
written to the result cache (`flows.result_cache`) and only a small `DocumentSummary` travels back to the flow, so no
process ever holds the whole corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import multiprocessing
import threading
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from extractors.config import DEFAULT_COMPONENTS, NlpConfig
from extractors.records import Extraction
from govmap.errors import GovmapError
from govmap.version import pipeline_version
from sources import ParseSettings, RawDocument, parse
from sources.model import doc_id_of
from sources.parse import PARSERS

if TYPE_CHECKING:
    from spacy.language import Language

    from flows.result_cache import ResultCache

__all__ = [
    "DocumentRow",
    "DocumentResult",
    "DocumentSummary",
    "process_raw",
    "quarantine",
    "init_worker",
    "run_in_worker",
    "worker_nlp",
    "nlp_builds",
]

log = logging.getLogger(__name__)

_MEDIA_BY_SUFFIX = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html", ".md": "text/markdown", ".markdown": "text/markdown"}


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


def quarantine(source_uri: str, error: GovmapError | str, *, raw: RawDocument | None = None) -> DocumentResult:
    """A quarantined document: its one-line reason, and no records.

    Without bytes (a pull that failed) the identity is the sha256 of the source URI, so each
    failed source still has its own row.
    """
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if raw is not None:
        sha, media = raw.sha256, raw.media_type
    else:
        sha = hashlib.sha256(source_uri.encode()).hexdigest()
        media = _MEDIA_BY_SUFFIX.get(PurePosixPath(source_uri.split("?", 1)[0]).suffix.lower(), "text/plain")
    row = DocumentRow(
        doc_id=doc_id_of(sha), source_uri=source_uri, media_type=media, title=None, authors=(), publisher=None,
        published=None, n_pages=0, n_chars=0, sha256=sha, status="quarantined", error=message,
        ingested_at=_now(), pipeline_version=pipeline_version(),
    )
    return DocumentResult(row=row)


def process_raw(raw: RawDocument, settings: ParseSettings, nlp: Language) -> DocumentResult:
    """Parse and extract one document; a SourceError or ExtractionError quarantines it."""
    from extractors.extract import extract_document  # spaCy: workers import it, the flow never does

    try:
        document = parse(raw, settings)
        extraction = extract_document(nlp, document)
    except GovmapError as exc:
        log.warning("%s", exc)
        return quarantine(raw.source_uri, exc, raw=raw)
    except Exception as exc:  # the one catch-all: a bug on one document must not stop the corpus
        log.exception("%s: unexpected error", raw.source_uri)
        return quarantine(raw.source_uri, f"{raw.source_uri}: internal error {type(exc).__name__}: {exc}; document quarantined", raw=raw)
    meta = extraction.metadata
    row = DocumentRow(
        doc_id=document.doc_id, source_uri=raw.source_uri, media_type=raw.media_type, title=meta.title,
        authors=tuple(meta.authors), publisher=meta.publisher, published=meta.published,
        n_pages=len(document.pages), n_chars=document.n_chars, sha256=raw.sha256, status="ok", error=None,
        ingested_at=_now(), pipeline_version=pipeline_version(),
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
# The parsers' modules are here because `sources` loads them on first use.  `flows.worker_preload`,
# last, builds the default pipeline from them.
WORKER_MODULES = ("flows.documents", "flows.result_cache", *dict.fromkeys(m for m, _ in PARSERS.values()), "extractors.nlp", "extractors.extract",
                  *dict.fromkeys(m for _, m in DEFAULT_COMPONENTS), "flows.worker_preload")


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked from a forkserver that has imported the pipeline's
    modules once (spaCy's import alone costs seconds, which every spawned worker would pay
    again).  Never forked from this process: the flow runs beside Prefect's and httpx's threads,
    and a fork taken while one of them holds a lock (logging, imports) leaves the child hung
    forever; the forkserver is a fresh interpreter without them."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_MODULES))
    return context


def start_worker_server() -> None:
    """Start the forkserver now: it spends seconds importing the pipeline's modules, which then
    overlap whatever the caller loads next (the CLI: Prefect) instead of delaying the first
    worker."""
    from multiprocessing import forkserver

    worker_context()  # sets the preload list the server is started with
    forkserver.ensure_running()


def init_worker(nlp_config: NlpConfig | None = None) -> None:
    """Process-pool initializer: build the pipeline once for this process."""
    worker_nlp(nlp_config)


def worker_nlp(nlp_config: NlpConfig | None = None) -> Language:
    """This process's pipeline for `nlp_config`, built on first use."""
    global _BUILDS
    key = repr(nlp_config or NlpConfig())  # not cache_key(): that hashes a model's files, per call
    with _BUILD_LOCK:
        if key not in _WORKER_NLP:
            from extractors.nlp import build_nlp

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


def run_in_worker(raw: RawDocument, settings: ParseSettings, cache: ResultCache,
                  nlp_config: NlpConfig | None = None) -> DocumentSummary:
    """Process one document in a worker: parse, extract, cache the result, return its summary."""
    result = process_raw(raw, settings, worker_nlp(nlp_config))
    cache.put(result)
    return summarize(result)
