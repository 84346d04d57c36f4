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
import functools
import hashlib
import json
import logging
import os
import tempfile
import types
import typing
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable

from govmap.datasets.release import disk_full
from govmap.flows.documents import DocumentResult
from govmap.version import pipeline_version

__all__ = ["ResultCache", "encode_result", "decode_result", "CacheEntryInvalid", "CACHE_FORMAT"]

log = logging.getLogger(__name__)

# Part of every entry and of the cache's folder name: a new format never reads an old one.
CACHE_FORMAT = "govmap-result/2"


class CacheEntryInvalid(ValueError):
    """A cache entry is not a valid result for the document it is filed under."""


def encode_result(result: DocumentResult) -> bytes:
    """The entry for `result`: the hex sha256 of the body, a newline, the body (JSON)."""
    body = json.dumps([CACHE_FORMAT, _plain(result)], ensure_ascii=False, separators=(",", ":"))
    data = body.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def _plain(value: Any) -> Any:
    """`value` as JSON values: a record as the list of its fields in order, a tuple of records as
    the list of its columns (a large document has thousands of mentions: columns are checked and
    built a column at a time), any other tuple as a list."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is tuple:
        if value and dataclasses.is_dataclass(value[0]):
            return [
                list(map(attrgetter(name), value)) if scalar else [_plain(v) for v in map(attrgetter(name), value)]
                for name, scalar in _layout(type(value[0]))
            ]
        return [v if type(v) is str else _plain(v) for v in value]
    if kind is dt.datetime:
        return value.isoformat()
    return [_plain(getattr(value, name)) for name, _ in _layout(kind)]


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
# Scalar fields are checked by their exact type, a column at a time for tuples of records; other
# fields have a decoder of their own.

Decoder = Callable[[Any], Any]
_DECODERS: dict[Any, Decoder] = {}
_SCALARS = (str, int, float, bool)
NoneType = type(None)


def _invalid(expected: str, value: Any) -> CacheEntryInvalid:
    return CacheEntryInvalid(f"expected {expected}, found {type(value).__name__}")


def _scalar_types(annotation: Any) -> frozenset[type] | None:
    """The exact types a scalar field (str, int, float, bool, or one of them | None) may hold."""
    args = (
        typing.get_args(annotation)
        if typing.get_origin(annotation) in (typing.Union, types.UnionType)
        else (annotation,)
    )
    if all(a in _SCALARS or a is NoneType for a in args):
        return frozenset(args)
    return None


def _datetime(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _invalid("a time", value) from None


def _decoder_for(annotation: Any) -> Decoder:
    if annotation in _DECODERS:
        return _DECODERS[annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is dt.datetime:
        decoder: Decoder = _datetime
    elif origin in (typing.Union, types.UnionType) and NoneType in args:
        inner = _decoder_for(next(a for a in args if a is not NoneType))

        def decoder(value: Any) -> Any:
            return None if value is None else inner(value)
    elif origin is tuple and args == (str, Ellipsis):

        def decoder(value: Any) -> tuple:
            if type(value) is not list or not all(type(v) is str for v in value):
                raise _invalid("a list of strings", value)
            return tuple(value)
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis and dataclasses.is_dataclass(args[0]):
        decoder = _records_decoder(args[0])
    elif dataclasses.is_dataclass(annotation):
        decoder = _record_decoder(annotation)
    else:  # a record gained a field of a type this module does not know: fail loudly, in tests
        raise TypeError(f"cannot decode cached values of type {annotation!r}")
    _DECODERS[annotation] = decoder
    return decoder


def _field_specs(cls: type) -> list[tuple[str, frozenset[type] | None, Decoder | None]]:
    """(name, exact types, None) for each scalar field of `cls`, (name, None, decoder) for the rest."""
    hints = typing.get_type_hints(cls)
    return [
        (f.name, scalars, None)
        if (scalars := _scalar_types(hints[f.name])) is not None
        else (f.name, None, _decoder_for(hints[f.name]))
        for f in dataclasses.fields(cls)
    ]


@functools.cache
def _layout(cls: type) -> tuple[tuple[str, bool], ...]:
    """(field name, holds a plain scalar) for each field of record class `cls`, in order."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _scalar_types(hints[f.name]) is not None) for f in dataclasses.fields(cls))


def _checked_column(column: list, scalars: frozenset[type], where: str) -> list:
    found = set(map(type, column))
    if found <= scalars:
        return column
    if float in scalars and found - {int} <= scalars:  # JSON writes 3.0 as 3
        return [float(v) if type(v) is int else v for v in column]
    raise CacheEntryInvalid(f"{where}: a field holds a {(found - scalars).pop().__name__}")


def _record_decoder(cls: type) -> Decoder:
    specs = _field_specs(cls)
    count = len(specs)

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != count:
            raise CacheEntryInvalid(f"{cls.__name__}: expected {count} fields")
        return cls(
            *(
                decoder(v) if decoder is not None else _checked_column([v], scalars, cls.__name__)[0]
                for v, (_, scalars, decoder) in zip(value, specs)
            )
        )

    return decode


def _records_decoder(cls: type) -> Decoder:
    """A tuple of `cls` records, stored as columns."""
    specs = _field_specs(cls)
    count = len(specs)

    def decode(value: Any) -> tuple:
        if type(value) is not list:
            raise _invalid("a list", value)
        if not value:
            return ()
        if len(value) != count or any(type(c) is not list or len(c) != len(value[0]) for c in value):
            raise CacheEntryInvalid(f"{cls.__name__}: expected {count} columns of one length")
        columns = [
            list(map(decoder, c)) if decoder is not None else _checked_column(c, scalars, cls.__name__)
            for c, (_, scalars, decoder) in zip(value, specs)
        ]
        return tuple(map(cls, *columns))

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
        """Write atomically: a killed writer leaves no half-written entry.  Raises DiskFull (one
        line) when the disk has no space for it."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        except OSError as exc:
            full = disk_full(exc, self.root, f"caching the result of {result.row.source_uri}")
            if full is None:
                raise
            raise full from exc
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(encode_result(result))
            os.replace(tmp, self.path(result.row.sha256))
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if (full := disk_full(exc, self.root, f"caching the result of {result.row.source_uri}")) is not None:
                raise full from None
            raise
