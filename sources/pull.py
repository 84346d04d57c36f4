"""Resolve source specs (files, folders, http(s) URLs, object-store URLs) and pull their bytes into RawDocuments."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping, Sequence
from urllib.parse import urlsplit

import httpx

from govmap.errors import SourceError
from govmap.sources.detect import detect_media_type
from govmap.sources.folder import iter_folder, read_file
from govmap.sources.http import fetch_url, is_url
from govmap.sources.model import RawDocument
from govmap.sources.objectstore import iter_objects, read_object
from govmap.sources.settings import ParseSettings
from govmap.storage import is_object_url

__all__ = ["SourceRef", "iter_sources", "pull"]

SourceKind = Literal["file", "url", "object"]


@dataclass(frozen=True)
class SourceRef:
    """One source document to pull: a local file path, an http(s) URL or an object-store URL."""

    uri: str
    kind: SourceKind


def iter_sources(
    specs: Sequence[str], settings: ParseSettings | Mapping[str, Any] | None = None
) -> Iterator[SourceRef]:
    """Expand specs into SourceRefs, in order, each document once.

    A spec is a file, a folder (searched recursively for .pdf .txt .md .markdown .html .htm,
    sorted by path; links out of it skipped unless ``settings.follow_symlinks``), an http(s)
    URL, or an object-store URL (``s3://bucket/key`` for one document, ``s3://bucket/prefix``
    walked like a folder; any fsspec protocol).  Raises
    SourceError for a spec that names nothing.
    """
    if isinstance(specs, (str, Path)):
        specs = [str(specs)]
    seen: set[str] = set()
    follow_symlinks = ParseSettings.resolve(settings).follow_symlinks
    for spec in specs:
        for ref in _expand(str(spec), follow_symlinks=follow_symlinks):
            if ref.uri not in seen:
                seen.add(ref.uri)
                yield ref


def _expand(spec: str, *, follow_symlinks: bool = False) -> Iterator[SourceRef]:
    if is_url(spec):
        if not urlsplit(spec).hostname:
            raise SourceError(f"{spec}: URL has no host; fix the spec; nothing pulled")
        yield SourceRef(spec, "url")
        return
    if is_object_url(spec):
        for uri in iter_objects(spec):
            yield SourceRef(uri, "object")
        return
    scheme = spec.split("://", 1)[0] if "://" in spec else ""
    if scheme:
        raise SourceError(
            f"{spec}: {scheme}:// sources are not supported (files, folders, http(s), fsspec URLs such as s3://); nothing pulled"
        )
    path = Path(spec)
    if path.is_file():
        yield SourceRef(str(path), "file")
    elif path.is_dir():
        for file in iter_folder(path, follow_symlinks=follow_symlinks):
            yield SourceRef(str(file), "file")
    else:
        raise SourceError(f"{spec}: no such file, folder or URL; check the spec; nothing pulled")


def pull(
    ref: SourceRef,
    settings: ParseSettings | Mapping[str, Any] | None = None,
    *,
    client: httpx.Client | None = None,
) -> RawDocument:
    """Read a file's bytes or fetch a URL (through `client` when given) into a RawDocument.

    Raises SourceError (unreadable file), FetchError (network or object store; see ``transient``), SourceTooLarge
    (over ``max_bytes``), UnsupportedMediaType (not a PDF, text or HTML document).
    """
    settings = ParseSettings.resolve(settings)
    if ref.kind == "url":
        fetched = fetch_url(ref.uri, settings, client=client)
        name = urlsplit(fetched.final_url).path or fetched.final_url
        media_type = detect_media_type(fetched.data, name, fetched.content_type)
        return RawDocument(source_uri=ref.uri, data=fetched.data, media_type=media_type)
    if ref.kind == "file":
        # The name is opaque: it is opened as given, never interpreted or joined to another path.
        path = Path(ref.uri)
        data = read_file(path, max_bytes=settings.max_bytes)
        return RawDocument(source_uri=ref.uri, data=data, media_type=detect_media_type(data, path.name))
    if ref.kind == "object":
        data = read_object(ref.uri, max_bytes=settings.max_bytes)
        return RawDocument(
            source_uri=ref.uri, data=data, media_type=detect_media_type(data, ref.uri.rsplit("/", 1)[-1])
        )
    raise SourceError(f"{ref.uri}: unknown source kind {ref.kind!r}; nothing pulled")
