"""Object-storage sources (``s3://bucket/prefix`` and any other fsspec URL): list and read objects.

A URL naming one object is one document (whatever its suffix, like a named local file); a URL
naming a prefix is walked like a folder: every object below it with a document suffix, hidden
names skipped, sorted by key relative to the prefix.  Every error the storage library raises is
translated into a one-line SourceError at this boundary; FetchError's ``transient`` says whether a
retry may help (throttling, 5xx, dropped connections, timeouts), so the flow's retry condition
works for objects as it does for http(s) URLs.

The S3 endpoint and credentials come from the standard AWS environment variables
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 or
AWS_ENDPOINT_URL): the environment is what reaches every worker process, spawned or Dask's, so
it is the one carrier of the endpoint (`govmap run --s3-endpoint` sets AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import PurePosixPath

from govmap.errors import FetchError, SourceError, SourceTooLarge
from govmap.media import DOCUMENT_SUFFIXES
from govmap.storage import first_line, open_filesystem

# Which URLs are object stores, and the fsspec filesystem for one, are govmap.storage's (shared with
# govmap.datasets.objectstore).
__all__ = ["iter_objects", "read_object", "is_transient"]

# Errno values s3fs gives throttling (SlowDown, ServiceUnavailable: EBUSY) and 5xx (EREMOTEIO).
_TRANSIENT_ERRNO = frozenset(
    e
    for e in (
        errno.EBUSY,
        getattr(errno, "EREMOTEIO", errno.EIO),
        errno.EAGAIN,
        errno.ETIMEDOUT,
        errno.ECONNRESET,
        errno.ECONNREFUSED,
        errno.ECONNABORTED,
    )
    if e is not None
)
# Connection and timeout errors of botocore, aiohttp and the standard library, by class name so
# that no storage library has to be imported to recognise them.
_TRANSIENT_NAMES = frozenset(
    {
        "ConnectionError",
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "TimeoutError",
        "ClientConnectorError",
        "ServerDisconnectedError",
        "ClientPayloadError",
        "IncompleteRead",
        "FSTimeoutError",
        "HTTPClientError",
        "ResponseParserError",
    }
)


def iter_objects(spec: str) -> Iterator[str]:
    """The document URLs `spec` names: itself for an object, or the documents under a prefix.

    Raises SourceError when it names nothing or the store cannot be listed.
    """
    fs, path = open_filesystem(spec)
    try:
        if fs.isfile(path):
            yield spec
            return
        if not fs.isdir(path):
            raise SourceError(f"{spec}: no such object or prefix; check the URL; nothing pulled")
        root = path.rstrip("/")
        found = []
        for key in fs.find(root):
            rel = key[len(root) :].lstrip("/") if key.startswith(root) else key
            parts = PurePosixPath(rel).parts
            if (
                not parts
                or any(p.startswith(".") for p in parts)
                or PurePosixPath(rel).suffix.lower() not in DOCUMENT_SUFFIXES
            ):
                continue
            found.append((rel, key))
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(f"{spec}: cannot list ({_describe(exc)}); nothing pulled") from exc
    for _, key in sorted(found):
        yield fs.unstrip_protocol(key)


def read_object(url: str, *, max_bytes: int) -> bytes:
    """The bytes of the object at `url`, at most `max_bytes`.

    Raises FetchError (transient for throttling, 5xx, connection errors and timeouts; not for a
    missing object or bucket, or a refused access), SourceTooLarge over the limit.
    """
    fs, path = open_filesystem(url)
    try:
        size = fs.size(path)
        if size is not None and size > max_bytes:
            raise SourceTooLarge(
                f"{url}: {size} bytes is over the {max_bytes}-byte limit (max_bytes); document skipped"
            )
        # One ranged read: an object that grew since it was sized still cannot exceed the limit.
        data = fs.cat_file(path, start=0, end=max_bytes + 1)
    except SourceTooLarge:
        raise
    except FileNotFoundError as exc:
        raise FetchError(f"{url}: no such object or bucket; check the URL; document skipped", transient=False) from exc
    except PermissionError as exc:
        raise FetchError(
            f"{url}: access denied ({first_line(exc)}); check the credentials; document skipped", transient=False
        ) from exc
    except Exception as exc:
        if is_transient(exc):
            raise FetchError(f"{url}: {_describe(exc)}; may succeed on retry", transient=True) from exc
        raise FetchError(
            f"{url}: {_describe(exc)}; will not succeed on retry; document skipped", transient=False
        ) from exc
    if len(data) > max_bytes:
        raise SourceTooLarge(f"{url}: over the {max_bytes}-byte limit (max_bytes); document skipped")
    return data


def is_transient(exc: BaseException) -> bool:
    """Whether a storage error may go away on retry: throttling, 5xx, connection errors, timeouts."""
    for e in (exc, exc.__cause__, exc.__context__):
        if e is None:
            continue
        if isinstance(e, (TimeoutError, ConnectionError)):
            return True
        if (
            isinstance(e, OSError)
            and not isinstance(e, (FileNotFoundError, PermissionError))
            and e.errno in _TRANSIENT_ERRNO
        ):
            return True
        if any(cls.__name__ in _TRANSIENT_NAMES for cls in type(e).__mro__):
            return True
    return False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {first_line(exc)}"
