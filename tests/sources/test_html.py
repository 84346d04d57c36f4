from __future__ import annotations

import pytest

from govmap.errors import ParseError
from govmap.sources.html import parse_html
from govmap.sources.model import RawDocument

PAGE = b"""<!DOCTYPE html>
<html><head><title>Harbour Notice</title><meta name="author" content="Port Office">
<style>p { color: red }</style><script>var tracking = "do not keep";</script></head>
<body>
<header>Site banner</header><nav><a href="/">Home</a> | <a href="/x">About</a></nav>
<main>
<h1>Winter rules</h1>
<p>Ships must report to the <b>harbour master</b> on arrival.</p>
<p>New Al systems log each berth.</p>
<h2>Fees by vessel</h2>
<table>
  <tr><th>Vessel</th><th colspan="2">Fee</th></tr>
  <tr><td rowspan="2">Ferry</td><td>Day</td><td>5</td></tr>
  <tr><td>Night</td><td></td></tr>
</table>
<table><caption>Table 9. Pilots</caption><tr><td>Name</td><td>Years</td></tr><tr><td>Ada</td><td>4</td></tr></table>
</main>
<aside>Related links</aside><footer>Copyright notice</footer>
</body></html>"""


def _raw(data: bytes) -> RawDocument:
    return RawDocument("notice.html", data, "text/html")


def test_main_text_without_chrome() -> None:
    doc = parse_html(_raw(PAGE))
    text = doc.pages[0].text
    assert "Ships must report to the harbour master on arrival." in text.split("\n")
    assert "AI systems" in text  # normalised like every other text
    for gone in ("do not keep", "color", "Site banner", "Home", "Related links", "Copyright"):
        assert gone not in text
    assert doc.meta_title == "Harbour Notice"
    assert doc.meta_author == "Port Office"
    assert len(doc.pages) == 1


def test_tables_with_spans_and_titles() -> None:
    first, second = parse_html(_raw(PAGE)).tables
    assert first.title == "Fees by vessel"  # preceding heading
    assert first.grid == [["Vessel", "Fee", None], ["Ferry", "Day", "5"], [None, "Night", ""]]
    assert second.title == "Table 9. Pilots"  # <caption>
    assert second.grid == [["Name", "Years"], ["Ada", "4"]]
    assert [first.index, second.index] == [0, 1]


def test_first_h1_when_no_title() -> None:
    doc = parse_html(_raw(b"<html><body><h1>Only heading</h1><p>Body.</p></body></html>"))
    assert doc.meta_title == "Only heading"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><script>a()</script></head><body><script>b()</script><nav>menu</nav></body></html>",  # only scripts/nav
        b"<html><body><style>x{}</style></body></html>",  # only style
        b"   ",  # blank
    ],
)
def test_no_text_left_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError, match="notice.html") as info:
        parse_html(_raw(data))
    assert "\n" not in str(info.value)


def _nested(depth: int) -> RawDocument:
    body = "<div>" * depth + "<p>The Harbor Board met.</p>" + "</div>" * depth
    return RawDocument("deep.html", f"<html><body>{body}<p>After.</p></body></html>".encode(), "text/html")


def _lines_run(raw: RawDocument) -> int:
    """Python lines executed while parsing `raw`: a measure of work that no machine's load changes."""
    import sys

    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        parse_html(raw)
    finally:
        sys.settrace(None)
    return count


def test_nested_blocks_cost_linear_work() -> None:
    # 20,000 nested <div>s took 16 s and 100,000 took 438 s: marking each block by inserting a
    # string into the tree walked down to its last descendant.  Twice the depth must now cost
    # about twice the work (it cost about three times at these depths, four in the limit).
    small, large = _lines_run(_nested(1000)), _lines_run(_nested(2000))
    assert large < 2.4 * small


def test_deep_nesting_keeps_the_text_and_its_order() -> None:
    page = parse_html(_nested(50_000)).pages[0].text
    assert page == "The Harbor Board met.\nAfter."


@pytest.mark.parametrize(
    "head, h1, title",
    [
        # a site's name after a dash, named by og:site_name
        (
            '<title>Harbour Rules - Port Portal</title><meta property="og:site_name" content="Port Portal">',
            "",
            "Harbour Rules",
        ),
        # a domain after the separator
        ("<title>Harbour Rules - PORTS.EXAMPLE.ORG</title>", "", "Harbour Rules"),
        # what stands before the separator is the page's own <h1>
        ("<title>Harbour Rules – The Port Office</title>", "HARBOUR RULES", "Harbour Rules"),
        # og:title wins over <title>
        ('<title>x | y</title><meta property="og:title" content="Pilots at Night">', "", "Pilots at Night"),
        # a dash inside the title itself stays
        ("<title>Ports - Rules and Fees</title>", "", "Ports - Rules and Fees"),
    ],
)
def test_title_without_site_suffix(head: str, h1: str, title: str) -> None:
    page = f"<html><head>{head}</head><body><h1>{h1}</h1><p>Ships report on arrival.</p></body></html>"
    assert parse_html(_raw(page.encode())).meta_title == title


def test_meta_tags_give_date_publisher_and_authors() -> None:
    page = b"""<html><head><title>T</title>
    <meta name="citation_author" content="Ada Quill"><meta name="citation_author" content="Bo Stern">
    <meta property="article:published_time" content="2024-03-05T10:00:00Z">
    <meta property="og:site_name" content="Harbour Institute"></head><body><p>Ships report.</p></body></html>"""
    doc = parse_html(_raw(page))
    assert doc.meta_author == "Ada Quill, Bo Stern"
    assert doc.meta_published == "2024-03-05"
    assert doc.meta_publisher == "Harbour Institute"
