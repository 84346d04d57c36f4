"""Strings from documents, file names and errors are data in every output: the card (Markdown),
the report (HTML), figures (matplotlib mathtext) and the console (rich markup)."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from govmap.datasets.card import render_card
from govmap.datasets.contract import TABLES
from govmap.datasets.figures import render_figures
from govmap.datasets.query import load_table
from govmap.datasets.release import read_manifest
from govmap.flows.console import ConsoleProgress, print_summary
from govmap.flows.documents import DocumentSummary
from govmap.escape import escape_html, escape_markdown, escape_markup, escape_mathtext
from tests.datasets.builders import RELEASE_1, release_rows, write_release

HOSTILE = [
    "<script>alert(1)</script>",  # raw HTML block
    "<img src=x onerror=alert(1)>",  # ran in Chromium from the old card
    "[click](javascript:alert(1))",  # a link with a script URL
    "![x](javascript:alert(1))",  # an image
    "<javascript:alert(1)>",  # an autolink
    "**bold** _em_ `code` ~~gone~~ &lt; | pipe",  # emphasis, code, entity, table pipe
    "line one\n<b>line two</b>",  # a line break must not start a block
    "trailing backslash \\",
]


def _rendered_card(tmp_path: Path, text: str) -> str:
    release = write_release(tmp_path, release_rows(), RELEASE_1, docs=True)
    documents = pd.DataFrame(
        [
            {
                "doc_id": "0" * 16,
                "source_uri": f"reports/{text}.md",
                "title": text,
                "n_pages": 1,
                "status": "ok",
                "error": None,
            },
            {
                "doc_id": "1" * 16,
                "source_uri": text,
                "title": None,
                "n_pages": 0,
                "status": "quarantined",
                "error": text,
            },
        ]
    )
    card = render_card(read_manifest(release), documents)
    section = card[card.index("## Documents") : card.index("## How to load")]  # the rest is ours
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(section)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_card_shows_document_strings_as_text(tmp_path: Path, text: str) -> None:
    html = _rendered_card(tmp_path, text)
    for construct in ("<script", "<img", "<a ", "<b>", "<strong>", "<em>", "<code>x", "<s>", 'javascript:alert(1)"'):
        assert construct not in html, (text, construct)
    # The words themselves are all there, as text.
    assert escape_html(text.replace("\n", " ")) in html


def test_escape_markdown_keeps_the_characters() -> None:
    assert escape_markdown("a_b|c") == "a\\_b\\|c"
    assert escape_markdown(None) == ""


def test_the_report_escapes_html() -> None:
    assert escape_html('<img src="x" onerror=alert(1)>') == "&lt;img src=&quot;x&quot; onerror=alert(1)&gt;"


def test_mathtext_in_names_does_not_drop_the_figures(tmp_path: Path) -> None:
    rows = copy.deepcopy(release_rows())
    rows["institutions"][0]["name"] = "$\\frac{a$ Institute"  # dropped every figure on an old main
    rows["institutions"][1]["acronym"] = "costs $5 and $10"  # balanced: would render as maths
    release = write_release(tmp_path, rows, RELEASE_1)
    figures = render_figures({name: load_table(release, name) for name in TABLES}, tmp_path / "quality")
    assert [f.name for f in figures] == ["collaboration_network"]
    assert "$\\frac{a$ Institute" in figures[0].svg and "costs $5 and $10" in figures[0].svg
    assert escape_mathtext("$5") == "\\$5"


def _plain_console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=200, color_system=None), buf


@pytest.mark.parametrize("uri", ["reports/[/bold].md", "reports/[x] draft.md", "reports/[bold red]x[/].md", "a\\"])
def test_progress_and_summary_print_markup_as_text(uri: str) -> None:
    console, buf = _plain_console()
    docs = [
        DocumentSummary("a" * 16, uri, "1" * 64, "ok", n_pages=1),
        DocumentSummary("b" * 16, uri, "2" * 64, "quarantined", error=f"{uri}: junk; document quarantined"),
    ]
    progress = ConsoleProgress(console, plain=True)
    progress.start(2)
    for d in docs:
        progress.processed(d)
    print_summary(console, docs, None)
    out = buf.getvalue()
    assert f"ok  {uri} (1 pages)" in out and f"quarantined: {uri}: junk" in out


def test_escape_markup_round_trips_through_rich() -> None:
    console, buf = _plain_console()
    console.print(f"[bold]{escape_markup('[/bold] [x] [red]y')}[/]")
    assert buf.getvalue().strip() == "[/bold] [x] [red]y"
