from __future__ import annotations

import pytest

from govmap.errors import UnsupportedMediaType
from govmap.sources.detect import detect_media_type


@pytest.mark.parametrize(
    ("data", "name", "declared", "expected"),
    [
        (b"%PDF-1.7\n...", "report.pdf", None, "application/pdf"),  # magic and extension agree
        (b"%PDF-1.4\n...", "report.bin", None, "application/pdf"),  # content wins over a wrong extension
        (b"\n\n%PDF-1.4\n", "x", None, "application/pdf"),  # header may start after a little junk
        (b"<!DOCTYPE html><html><body>hi</body></html>", "page", None, "text/html"),  # sniffed tags
        (b"<p>hi</p>", "page.htm", None, "text/html"),  # extension
        (b"# Title\n\ntext", "notes.md", None, "text/markdown"),  # .md
        (b"# Title", "notes.markdown", None, "text/markdown"),  # .markdown
        (b"plain words", "notes.txt", None, "text/plain"),  # .txt
        (b"plain words", "README", None, "text/plain"),  # no extension: text
        (b"words", "/api/doc", "text/markdown; charset=utf-8", "text/markdown"),  # declared type used
        (b"", "empty.pdf", None, "application/pdf"),  # empty: the named parser reports it
        ("caf\u00e9".encode("utf-16"), "x.txt", None, "text/plain"),  # UTF-16 has NULs but a BOM
    ],
)
def test_detect(data: bytes, name: str, declared: str | None, expected: str) -> None:
    assert detect_media_type(data, name, declared) == expected


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"this is not a pdf at all", "fake.pdf"),  # junk named .pdf
        (b"\x89PNG\r\n\x1a\n....", "figure.pdf"),  # an image renamed
        (b"PK\x03\x04....", "report.txt"),  # a docx named .txt
        (b"\x00\x01\x02binary", "data.txt"),  # binary junk
    ],
)
def test_not_a_document(data: bytes, name: str) -> None:
    with pytest.raises(UnsupportedMediaType, match=name.replace(".", r"\.")):
        detect_media_type(data, name)


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"Notes: the tag <body> opens a page.", "notes.txt", "text/plain"),  # prose mentioning a tag
        (b"  <!doctype html><html><body>x</body></html>", "saved.txt", "text/html"),  # a saved page named .txt
        (b"# Notes\n\n<body> inline html", "notes.md", "text/markdown"),  # Markdown may embed HTML
        (b"<html><body>x</body></html>", "download", "text/html"),  # no extension: sniffed
    ],
)
def test_html_sniffing_respects_text_extensions(data: bytes, name: str, expected: str) -> None:
    assert detect_media_type(data, name) == expected
