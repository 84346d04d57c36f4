"""Object storage through fsspec: the one place a URL becomes a filesystem, for sources (reading
documents) and datasets (publishing releases) alike.  Imports fsspec only when a URL is opened."""

from __future__ import annotations

import os
from typing import Any

from govmap.errors import SourceError

__all__ = ["ENDPOINT_ENV", "first_line", "url_scheme", "is_object_url", "storage_options", "open_filesystem"]

# The standard variable botocore reads; the CLI's --s3-endpoint sets it for the whole run.
ENDPOINT_ENV = "AWS_ENDPOINT_URL"
# Schemes that are not object stores: http(s) keeps its own client (redirect and size rules).
_NOT_OBJECT_STORES = frozenset({"http", "https", "file", "local"})


def url_scheme(spec: str) -> str:
    return spec.split("://", 1)[0].lower() if "://" in spec else ""


def is_object_url(spec: str) -> bool:
    """True for a URL whose scheme fsspec knows and that is not http(s) or a local path."""
    scheme = url_scheme(spec)
    if not scheme or scheme in _NOT_OBJECT_STORES:
        return False
    from fsspec.registry import known_implementations, registry

    return scheme in registry or scheme in known_implementations


def storage_options(protocol: str) -> dict[str, Any]:
    """Options for fsspec's filesystem of `protocol`, from the environment.

    S3: the endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (passed explicitly, so it holds
    whatever the botocore version), and no listings cache: a run must see objects written since it
    last listed (the `latest` pointer above all).
    """
    if protocol not in ("s3", "s3a"):
        return {}
    options: dict[str, Any] = {"use_listings_cache": False}
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get(ENDPOINT_ENV)
    if endpoint:
        options["endpoint_url"] = endpoint
    return options


def open_filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) for `url`; SourceError when fsspec cannot serve it."""
    import fsspec

    try:
        return fsspec.core.url_to_fs(url, **storage_options(url_scheme(url)))
    except (ImportError, ValueError) as exc:  # a protocol whose package is not installed, or a bad URL
        raise SourceError(
            f"{url}: cannot open ({first_line(exc)}); install the filesystem's package or fix the URL"
        ) from exc


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its class name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
