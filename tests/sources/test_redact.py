"""Credentials and query tokens never reach a published URI or error line."""

from __future__ import annotations

import pytest

from govmap.sources.redact import redact_uris


@pytest.mark.parametrize(
    ("given", "published"),
    [
        # user and password in the authority (issue 19's example)
        ("http://alice:s3cr3t@host/doc.md?token=abc123", "http://host/doc.md?token=REDACTED"),
        # a bare token as the user
        ("https://ghp_abc@example.org/a.pdf", "https://example.org/a.pdf"),
        # ordinary parameters stay, the key goes
        ("https://h/x?id=5&api_key=zz&b=1", "https://h/x?id=5&api_key=REDACTED&b=1"),
        # an S3 pre-signed URL inside an error line
        (
            "https://h/a.pdf: HTTP 403 for https://h/a.pdf?X-Amz-Signature=abc&X-Amz-Date=1; document quarantined",
            "https://h/a.pdf: HTTP 403 for https://h/a.pdf?X-Amz-Signature=REDACTED&X-Amz-Date=1; document quarantined",
        ),
        # object-store credentials in the URL
        ("s3://AKIA:sec@bucket/key.md", "s3://bucket/key.md"),
        # an @ in a file name is not a credential
        ("reports/brief@2025.md", "reports/brief@2025.md"),
        (None, None),
    ],
)
def test_redact_uris(given: str | None, published: str | None) -> None:
    assert redact_uris(given) == published
