"""The per-document result cache: data on disk, never code.

An output folder is often shared (a network drive, a synced bucket, a restored backup), so an
entry is read as JSON of the result's fields, checked against the sha256 written at its head and
against the document it is filed under, and decoded field by field into the frozen records.  An
entry that fails any check (truncated, edited, copied from another document, an older format,
not ours at all) is a cache miss with a warning: the document is extracted again and the entry
rewritten.  Nothing in an entry can run code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from flows.documents import DocumentResult
from govmap.version import pipeline_version

__all__ = ["ResultCache", "encode_result", "decode_result", "CacheEntryInvalid", "CACHE_FORMAT"]

log = logging.getLogger(__name__)

# Part of every entry and of the cache's folder name: a new format never reads an old one.
CACHE_FORMAT = "govmap-result/2"


class CacheEntryInvalid(ValueError):
    """A cache entry is not a valid result for the document it is filed under."""


def encode_result(result: DocumentResult) -> bytes:
    """The entry for `result`: the hex sha256 of the body, a newline, the body (JSON)."""
    body = json.dumps([CACHE_FORMAT, dataclasses.astuple(result)], ensure_ascii=False, separators=(",", ":"),
                      default=dt.datetime.isoformat).encode("utf-8", "surrogatepass")
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def decode_result(entry: bytes, sha256: str) -> DocumentResult:
    """The result an entry holds for the document whose bytes hash to `sha256`.

    Raises CacheEntryInvalid naming what is wrong.
    """
    digest, _, body = entry.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise CacheEntryInvalid("checksum does not match its content")
    try:
        fmt, fields = json.loads(body.decode("utf-8", "surrogatepass"))
    except (ValueError, TypeError) as exc:
        raise CacheEntryInvalid(f"not a result entry ({exc})") from None
    if fmt != CACHE_FORMAT:
        raise CacheEntryInvalid(f"format {str(fmt)[:40]!r}, expected {CACHE_FORMAT!r}")
    result = _DECODERS[DocumentResult](fields)
    if result.row.sha256 != sha256:
        raise CacheEntryInvalid("holds another document's result")
    return result


# --- decoding: one checker per annotated type, built once from the records' own annotations ----

Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}


def _scalar(kind: type) -> Decoder:
    def decode(value: Any) -> Any:
        if kind is float and type(value) is int:
            return float(value)
        if type(value) is not kind:
            raise CacheEntryInvalid(f"expected {kind.__name__}, found {type(value).__name__}")
        return value
    return decode


def _datetime(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise CacheEntryInvalid(f"expected a time, found {str(value)[:40]!r}") from None


def _decoder_for(annotation: Any) -> Decoder:
    if annotation in _DECODERS:
        return _DECODERS[annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation in (str, int, float, bool):
        decoder = _scalar(annotation)
    elif annotation is dt.datetime:
        decoder = _datetime
    elif origin in (typing.Union, types.UnionType) and type(None) in args:
        inner = _decoder_for(next(a for a in args if a is not type(None)))
        decoder = lambda value: None if value is None else inner(value)  # noqa: E731
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder_for(args[0])

        def decoder(value: Any) -> tuple:
            if type(value) is not list:
                raise CacheEntryInvalid(f"expected a list, found {type(value).__name__}")
            return tuple(item(v) for v in value)
    elif dataclasses.is_dataclass(annotation):
        decoder = _record_decoder(annotation)
    else:  # a record gained a field of a type this module does not know: fail loudly, in tests
        raise TypeError(f"cannot decode cached values of type {annotation!r}")
    _DECODERS[annotation] = decoder
    return decoder


def _record_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    decoders = [_decoder_for(hints[n]) for n in names]

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(decoders):
            raise CacheEntryInvalid(f"{cls.__name__}: expected {len(decoders)} fields")
        return cls(*(d(v) for d, v in zip(decoders, value)))
    return decode


_decoder_for(DocumentResult)


@dataclass(frozen=True)
class ResultCache:
    """Per-document results on disk, keyed by (sha256, pipeline version, settings).

    An unchanged document is never parsed or extracted again; a change to the code, the
    knowledge base, the settings or the entry format changes `namespace` and so misses.
    """

    root: Path
    settings_key: str = ""
    namespace: str = field(init=False)

    def __post_init__(self) -> None:
        key = hashlib.sha256(f"{CACHE_FORMAT}|{pipeline_version()}|{self.settings_key}".encode()).hexdigest()[:16]
        object.__setattr__(self, "namespace", key)

    @property
    def folder(self) -> Path:
        return self.root / self.namespace

    def path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.json"

    def get(self, sha256: str) -> DocumentResult | None:
        """The cached result for the document with this sha256, or None: not cached, or an entry
        that is not a valid result for it (logged; the document is extracted again)."""
        path = self.path(sha256)
        try:
            entry = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("%s: cache entry unreadable (%s); extracting the document again", path, exc.strerror or exc)
            return None
        try:
            return decode_result(entry, sha256)
        except CacheEntryInvalid as exc:
            log.warning("%s: cache entry ignored, %s; extracting the document again", path, exc)
            return None

    def put(self, result: DocumentResult) -> None:
        """Write atomically: a killed writer leaves no half-written entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(encode_result(result))
            os.replace(tmp, self.path(result.row.sha256))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
