"""Reading stays inside the sources named: no symlink out of a source folder (unless asked), no
redirect off http(s) or, with an allow-list, off the hosts it names."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from govmap.errors import FetchError
from govmap.sources.pull import SourceRef, iter_sources, pull


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A source folder with a link inside it, a link out of it, and the outside file."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n")
    (folder / "alias.md").symlink_to(folder / "a.md")  # a link within the folder: read
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")  # a link out of it: skipped
    return folder


def test_links_out_of_a_folder_are_skipped_with_a_warning(linked: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="govmap.sources.folder"):
        names = [Path(r.uri).name for r in iter_sources([str(linked)])]
    assert names == ["a.md", "alias.md"]
    assert f"{linked / 'passwd.txt'}: a link to" in caplog.text and "follow_symlinks" in caplog.text


def test_follow_symlinks_reads_them(linked: Path) -> None:
    names = [Path(r.uri).name for r in iter_sources([str(linked)], {"follow_symlinks": True})]
    assert names == ["a.md", "alias.md", "passwd.txt"]


def test_a_link_named_on_its_own_is_read(linked: Path) -> None:
    """Naming a file is asking for it: only a folder walk decides what a folder holds."""
    assert [r.uri for r in iter_sources([str(linked / "passwd.txt")])] == [str(linked / "passwd.txt")]


def _client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _redirecting_to(location: str) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"location": location})
        return httpx.Response(200, content=b"# fetched")

    return _client(handler)


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",  # off http(s)
        "ftp://example.org/x.md",  # another scheme
    ],
)
def test_redirects_stay_on_http(location: str) -> None:
    with pytest.raises(FetchError, match="redirected to non-HTTP"):
        pull(SourceRef("https://example.org/start", "url"), client=_redirecting_to(location))


@pytest.mark.parametrize(
    ("start", "location", "allowed"),
    [
        ("https://example.org/start", "/ok.md", True),  # same host
        ("https://example.org/start", "https://cdn.example.org/ok.md", True),  # a host under *.example.org
        ("https://example.org/start", "http://127.0.0.1:8500/v1/kv", False),  # the machine's own services
        ("https://example.org/start", "https://example.org.evil.test/x.md", False),
        ("https://elsewhere.test/start", "https://example.org/ok.md", False),  # the URL itself is not allowed
    ],
)
def test_allowed_hosts_hold_for_every_redirect(start: str, location: str, allowed: bool) -> None:
    settings = {"allowed_hosts": ["example.org", "*.example.org"]}
    ref = SourceRef(start, "url")
    if allowed:
        assert pull(ref, settings, client=_redirecting_to(location)).data == b"# fetched"
    else:
        with pytest.raises(FetchError, match="not in allowed_hosts") as info:
            pull(ref, settings, client=_redirecting_to(location))
        assert not info.value.transient
