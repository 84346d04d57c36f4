from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from govmap.errors import FetchError, SourceError, SourceTooLarge, UnsupportedMediaType
from govmap.sources.pull import SourceRef, iter_sources, pull


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("# Z\n")
    (tmp_path / "b" / "a.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "c.HTML").write_text("<p>c</p>")
    (tmp_path / "skip.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    return tmp_path


def test_folder_is_recursive_sorted_and_filtered(tree: Path) -> None:
    refs = list(iter_sources([str(tree)]))
    assert [Path(r.uri).relative_to(tree).as_posix() for r in refs] == ["a.txt", "b/a.pdf", "b/z.md", "c.HTML"]
    assert all(r.kind == "file" for r in refs)


def test_specs_mix_and_duplicates(tree: Path) -> None:
    url = "https://example.org/report.pdf"
    refs = list(iter_sources([str(tree / "a.txt"), url, str(tree / "a.txt")]))
    assert refs == [SourceRef(str(tree / "a.txt"), "file"), SourceRef(url, "url")]


@pytest.mark.parametrize(
    "spec",
    [
        "no/such/place",  # missing path
        "nosuchscheme://bucket/key.pdf",  # a scheme fsspec does not know
        "https://",  # URL without a host
    ],
)
def test_bad_spec(spec: str) -> None:
    with pytest.raises(SourceError) as info:
        list(iter_sources([spec]))
    assert spec in str(info.value) and "\n" not in str(info.value)


def test_pull_file(tree: Path) -> None:
    raw = pull(SourceRef(str(tree / "b" / "z.md"), "file"))
    assert raw.media_type == "text/markdown" and raw.data == b"# Z\n" and len(raw.doc_id) == 16


def test_pull_file_with_odd_name(tmp_path: Path) -> None:
    # Names are opaque: dots, spaces and traversal-looking parts are just characters.
    odd = tmp_path / "..%2F..  etc passwd;$(x).txt"
    odd.write_text("harbour")
    assert pull(SourceRef(str(odd), "file")).data == b"harbour"


def test_pull_file_too_large(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(SourceTooLarge, match="max_bytes"):
        pull(SourceRef(str(big), "file"), {"max_bytes": 1024})


def test_pull_junk_named_pdf(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a pdf")
    with pytest.raises(UnsupportedMediaType, match="junk.pdf"):
        pull(SourceRef(str(junk), "file"))


# --- HTTP through httpx.MockTransport ---------------------------------------------------------


def _client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_mock_fetch_pdf_by_content() -> None:
    client = _client(
        lambda request: httpx.Response(
            200, content=b"%PDF-1.7\n...", headers={"content-type": "application/octet-stream"}
        )
    )
    raw = pull(SourceRef("https://example.org/download?id=3", "url"), client=client)
    assert raw.media_type == "application/pdf" and raw.source_uri == "https://example.org/download?id=3"


def test_mock_redirect_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new.md"})
        return httpx.Response(200, content=b"# moved")

    raw = pull(SourceRef("https://example.org/old", "url"), client=_client(handler))
    assert raw.media_type == "text/markdown"


@pytest.mark.parametrize(
    ("response", "transient"),
    [
        (httpx.Response(404), False),  # gone for good: retrying will not help
        (httpx.Response(403), False),  # forbidden
        (httpx.Response(503), True),  # server down for now
        (httpx.Response(429), True),  # rate limited
    ],
)
def test_mock_status_errors(response: httpx.Response, transient: bool) -> None:
    with pytest.raises(FetchError) as info:
        pull(SourceRef("https://example.org/x", "url"), client=_client(lambda request: response))
    assert info.value.transient is transient
    assert str(response.status_code) in str(info.value)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (httpx.ConnectError("refused"), True),  # nobody listening
        (httpx.ReadTimeout("slow"), True),  # timeouts may pass
        (httpx.RemoteProtocolError("bad"), True),  # a broken connection
    ],
)
def test_mock_transport_errors(exc: Exception, transient: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(FetchError) as info:
        pull(SourceRef("https://example.org/x", "url"), client=_client(handler))
    assert info.value.transient is transient


def test_mock_too_many_redirects() -> None:
    counter = iter(range(100))
    client = _client(lambda request: httpx.Response(302, headers={"location": f"/r{next(counter)}"}))
    with pytest.raises(FetchError, match="more than 2 redirects"):
        pull(SourceRef("https://example.org/start", "url"), {"max_redirects": 2}, client=client)


def test_mock_declared_length_over_limit() -> None:
    client = _client(lambda request: httpx.Response(200, content=b"x" * 100))
    with pytest.raises(SourceTooLarge):
        pull(SourceRef("https://example.org/x.txt", "url"), {"max_bytes": 10}, client=client)


def test_mock_trickling_body_stops_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # A server sending a byte at a time, each within the read timeout, once held a run for over
    # five minutes; the whole pull now has a deadline.  The clock moves 1 s per look at it.
    from govmap.sources import http

    ticks = iter(range(10**6))
    monkeypatch.setattr(http, "_now", lambda: float(next(ticks)))
    sent: list[int] = []

    def trickle():
        for i in range(1000):
            sent.append(i)
            yield b"x"

    client = _client(lambda request: httpx.Response(200, content=trickle()))
    with pytest.raises(FetchError, match=r"not fetched within 20 s \(http_deadline\); download stopped") as caught:
        pull(SourceRef("https://example.org/slow.txt", "url"), {"http_deadline": 20}, client=client)
    assert not caught.value.transient
    assert len(sent) < 30  # stopped reading, not read to the end


# --- HTTP against a real local server ------------------------------------------------------


def test_server_200(http_server: str) -> None:
    raw = pull(SourceRef(f"{http_server}/doc.txt", "url"))
    assert raw.data == b"A short note about harbour rules.\n" and raw.media_type == "text/plain"


def test_server_html_sniffed(http_server: str) -> None:
    assert pull(SourceRef(f"{http_server}/page", "url")).media_type == "text/html"


def test_server_redirect(http_server: str) -> None:
    assert pull(SourceRef(f"{http_server}/hop", "url")).data.startswith(b"A short note")


def test_server_404(http_server: str) -> None:
    with pytest.raises(FetchError, match="404") as info:
        pull(SourceRef(f"{http_server}/missing", "url"))
    assert info.value.transient is False


def test_server_503(http_server: str) -> None:
    with pytest.raises(FetchError) as info:
        pull(SourceRef(f"{http_server}/boom", "url"))
    assert info.value.transient is True


def test_server_timeout(http_server: str) -> None:
    with pytest.raises(FetchError, match="timed out") as info:
        pull(SourceRef(f"{http_server}/slow", "url"), {"http_timeout": 0.3})
    assert info.value.transient is True


def test_server_redirect_loop(http_server: str) -> None:
    with pytest.raises(FetchError, match="redirect loop") as info:
        pull(SourceRef(f"{http_server}/loop-a", "url"))
    assert info.value.transient is False


def test_server_oversized_streamed_body(http_server: str) -> None:
    # No Content-Length: the limit is enforced while streaming.
    with pytest.raises(SourceTooLarge, match="download stopped"):
        pull(SourceRef(f"{http_server}/huge", "url"), {"max_bytes": 8 * 1024})


def test_server_connection_refused() -> None:
    with pytest.raises(FetchError) as info:
        pull(SourceRef("http://127.0.0.1:9/nothing", "url"), {"http_timeout": 2})
    assert info.value.transient is True


def test_injected_client_is_not_closed(http_server: str) -> None:
    with httpx.Client() as client:
        pull(SourceRef(f"{http_server}/doc.txt", "url"), client=client)
        assert not client.is_closed


def test_unlistable_subfolder_gets_a_quarantine_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A chmod-000 subfolder was skipped without a row or a word (as root a chmod cannot show it,
    # so listing it fails here the way it does for any other user).
    import os

    (tmp_path / "ok.md").write_text("# fine")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.md").write_text("# unseen")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    refs = list(iter_sources([str(tmp_path)]))
    assert [Path(r.uri).name for r in refs] == ["locked", "ok.md"]
    with pytest.raises(SourceError, match=r"locked: folder cannot be listed \(Permission denied\); check permissions"):
        pull(refs[0])
