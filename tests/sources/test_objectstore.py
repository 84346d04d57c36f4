"""Object-storage sources against a real S3 API server on 127.0.0.1 (moto's server mode, see
tests/conftest.py): a prefix is walked like a folder, a key is one document, and every failure is
a one-line SourceError whose `transient` drives the flow's retries."""

from __future__ import annotations

import errno
import socket

import fsspec
import pytest

from govmap.flows.documents import quarantine
from govmap.errors import FetchError, SourceError, SourceTooLarge
from govmap.sources import ParseSettings, SourceRef, iter_sources, pull
from govmap.sources.objectstore import is_transient
from govmap.storage import is_object_url

MD = b"# Harbour note\n\nThe Standards Office met the Safety Institute.\n"


@pytest.fixture
def bucket(s3_bucket: str, s3_env: dict[str, str]) -> str:
    """A bucket holding documents, a hidden one, a non-document and a nested folder."""
    fs = fsspec.filesystem("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"])
    objects = {
        "in/b.md": MD,
        "in/a.txt": b"plain text\n",
        "in/sub/c.html": b"<html><body><p>hello</p></body></html>",
        "in/image.png": b"\x89PNG\r\n",  # not a document suffix: skipped in a prefix
        "in/.hidden/d.md": b"# hidden\n",  # hidden folder: skipped
        "in/sub/.e.md": b"# hidden\n",  # hidden file: skipped
        "other/x.md": b"# elsewhere\n",
    }
    for key, data in objects.items():
        fs.pipe_file(f"{s3_bucket}/{key}", data)
    return s3_bucket


def test_prefix_lists_documents_like_a_folder(bucket: str) -> None:
    refs = list(iter_sources([f"s3://{bucket}/in"]))
    assert refs == [SourceRef(f"s3://{bucket}/in/{k}", "object") for k in ("a.txt", "b.md", "sub/c.html")]
    # A trailing slash names the same prefix; a prefix given twice yields each document once.
    assert list(iter_sources([f"s3://{bucket}/in/", f"s3://{bucket}/in"])) == refs


def test_a_key_is_one_document_and_pulls_its_bytes(bucket: str) -> None:
    (ref,) = iter_sources([f"s3://{bucket}/in/b.md"])
    assert ref == SourceRef(f"s3://{bucket}/in/b.md", "object")
    raw = pull(ref)
    assert raw.data == MD and raw.media_type == "text/markdown" and raw.source_uri == ref.uri


def test_missing_prefix_fails_the_spec_in_one_line(bucket: str) -> None:
    with pytest.raises(SourceError) as info:
        list(iter_sources([f"s3://{bucket}/nothing-here"]))
    assert f"s3://{bucket}/nothing-here" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "key",
    [
        "in/gone.md",  # listed once, deleted before the pull
        None,  # a bucket that does not exist
    ],
)
def test_missing_object_is_a_permanent_fetch_error_and_a_quarantined_row(bucket: str, key: str | None) -> None:
    uri = f"s3://{bucket}/{key}" if key else "s3://govmap-no-such-bucket/a.md"
    with pytest.raises(FetchError) as info:
        pull(SourceRef(uri, "object"))
    assert info.value.transient is False  # a retry cannot make it appear
    row = quarantine(uri, info.value).row
    assert row.status == "quarantined" and uri in row.error and "\n" not in row.error


def test_max_bytes_applies(bucket: str) -> None:
    with pytest.raises(SourceTooLarge, match="max_bytes"):
        pull(SourceRef(f"s3://{bucket}/in/b.md", "object"), ParseSettings(max_bytes=10))


def test_unreachable_endpoint_is_transient(s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nothing listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # botocore's own retries would only slow the test
    with pytest.raises(FetchError) as info:
        pull(SourceRef("s3://any-bucket/a.md", "object"))
    assert info.value.transient is True and "may succeed on retry" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (OSError(errno.EBUSY, "SlowDown"), True),  # s3fs's mapping of S3 throttling (503 SlowDown)
        (OSError(getattr(errno, "EREMOTEIO", errno.EIO), "InternalError"), True),  # a 500 from the store
        (TimeoutError("read timed out"), True),
        (ConnectionResetError("reset by peer"), True),
        (FileNotFoundError("no such key"), False),  # missing key or bucket
        (PermissionError("AccessDenied"), False),  # wrong credentials stay wrong
        (ValueError("bad range"), False),
    ],
)
def test_transient_classification(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_other_fsspec_urls_are_sources() -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe_file("/govmap-test-src/n.md", MD)
    try:
        (ref,) = iter_sources(["memory://govmap-test-src"])
        assert ref.kind == "object" and pull(ref).data == MD
    finally:
        fs.rm("/govmap-test-src", recursive=True)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("s3://bucket/key.pdf", True),
        ("memory://x", True),
        ("https://example.org/a.pdf", False),  # http(s) keeps its own client
        ("file:///tmp/a.pdf", False),
        ("nosuchscheme://x", False),  # unknown to fsspec: an unsupported-scheme error, not an import error
        ("reports/a.pdf", False),
    ],
)
def test_is_object_url(spec: str, expected: bool) -> None:
    assert is_object_url(spec) is expected
