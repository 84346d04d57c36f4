"""Secrets out of what a release publishes: credentials and query tokens in URIs.

A source may be named with its credentials (``https://alice:s3cr3t@host/doc.md?token=abc``).
The pull keeps the URI as given, in memory; every URI and error line a release publishes
(`documents.source_uri`, `documents.error`, `manifest.json`, the card, the report) goes
through `redact_uris` first.
"""

from __future__ import annotations

import re

__all__ = ["REDACTED", "SECRET_QUERY_KEYS", "redact_uris"]

REDACTED = "REDACTED"

# Query parameters that carry a credential in the URL conventions we know of: OAuth and API keys,
# AWS, GCS and Azure pre-signed URLs, and the generic names services use for them.
SECRET_QUERY_KEYS = (
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "auth",
    "authorization",
    "api_key",
    "apikey",
    "key",
    "secret",
    "client_secret",
    "password",
    "passwd",
    "pwd",
    "session",
    "sessionid",
    "sig",
    "signature",
    "credential",
    "x-amz-credential",
    "x-amz-signature",
    "x-amz-security-token",
    "x-goog-credential",
    "x-goog-signature",
    "code",
)

# `scheme://user:password@` or `scheme://token@`: the user-info part of any URL in the text.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")
_SECRET_PARAM = re.compile(r"(?i)([?&;](?:%s)=)[^&#\s;]*" % "|".join(re.escape(k) for k in SECRET_QUERY_KEYS))


def redact_uris(text: str | None) -> str | None:
    """`text` (a URI, or a line that may contain some) with each URL's user and password removed
    and the value of every credential-like query parameter replaced by REDACTED."""
    if not text or ("@" not in text and "=" not in text):
        return text
    return _SECRET_PARAM.sub(r"\g<1>" + REDACTED, _USERINFO.sub(r"\1", text))
