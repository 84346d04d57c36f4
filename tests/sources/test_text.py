from __future__ import annotations

import pytest

from govmap.errors import ParseError
from govmap.sources.model import RawDocument
from govmap.sources.tables_text import find_text_tables
from govmap.sources.text import FrontMatter, decode_text, parse_text, read_front_matter

PIPE_DOC = """# Port Survey

Intro about invented harbours.

**Table 4. Harbour duties**

| Harbour | Dredging | Pilots |
|---------|:--------:|--------|
| Northmouth | x | |
| Saltby | | x |

After the table.
"""

TAB_DOC = "Ratings of three invented ports\n\nTable 2. Port ratings\n\n\tDepth\tShelter\nNorthmouth\tGood\tPoor\nSaltby\tPoor\tGood\n\nClosing words.\n"

CONTINUED_DOC = (
    "Pairs\tKind of work\nAlpha <> Beta\tShared surveys\n\tJoint patrols\nGamma <> Delta\tFerry links\n"
    "\fPairs\tKind of work\nEpsilon <> Zeta\tPilot training\n\nThe end.\n"
)


FRENCH = (
    "Les r\u00e8gles du port sont \u00e9crites en fran\u00e7ais. Le capitaine conna\u00eet tr\u00e8s bien "
    "les d\u00e9lais, les \u00e9cluses et les march\u00e9s; \u00e0 l'arriv\u00e9e, chaque navire d\u00e9clare "
    "son tirant d'eau \u00e0 la capitainerie, o\u00f9 l'on note aussi la m\u00e9t\u00e9o et les mar\u00e9es.\n"
) * 3


def _raw(text: str | bytes, media_type: str = "text/plain", name: str = "doc.txt") -> RawDocument:
    return RawDocument(name, text.encode() if isinstance(text, str) else text, media_type)


def test_markdown_pipe_table() -> None:
    doc = parse_text(_raw(PIPE_DOC, "text/markdown", "survey.md"))
    assert doc.meta_title == "Port Survey"
    [table] = doc.tables
    assert table.title == "Table 4. Harbour duties"
    assert table.grid == [["Harbour", "Dredging", "Pilots"], ["Northmouth", "x", ""], ["Saltby", "", "x"]]
    assert table.bbox is None and table.page == 1 and table.index == 0
    # The table's lines stay in the text, so mentions inside them have offsets.
    assert "| Northmouth | x | |" in doc.pages[0].text


def test_tab_table_with_empty_corner_cell() -> None:
    [table] = parse_text(_raw(TAB_DOC)).tables
    assert table.title == "Table 2. Port ratings"
    assert table.grid[0] == ["", "Depth", "Shelter"]  # the leading TAB is an empty first cell
    assert len(table.rows) == 3


def test_tab_table_continued_after_form_feed_merges_and_drops_repeated_header() -> None:
    doc = parse_text(_raw(CONTINUED_DOC))
    assert len(doc.pages) == 2
    [table] = doc.tables
    assert table.grid == [
        ["Pairs", "Kind of work"],
        ["Alpha <> Beta", "Shared surveys"],
        ["", "Joint patrols"],  # a continuation line: empty first cell
        ["Gamma <> Delta", "Ferry links"],
        ["Epsilon <> Zeta", "Pilot training"],
    ]
    assert table.pages == (1, 2)
    assert table.row_pages == (1, 1, 1, 1, 2)
    assert table.page_of_row(4) == 2


@pytest.mark.parametrize(
    ("text", "n_tables"),
    [
        ("one\ttwo\n", 0),  # a single TAB line is not a table
        ("a\tb\nc\td\te\n", 0),  # field counts differ
        ("a\tb\nc\td\n", 1),  # smallest TAB table
        ("| a | b |\n| c | d |\n", 0),  # pipes without a separator row are prose
        ("| a | b |\n|---|---|\n", 1),  # a header-only pipe table
    ],
)
def test_find_text_tables_edges(text: str, n_tables: int) -> None:
    assert len(find_text_tables(text)) == n_tables


def test_caption_only_when_it_looks_like_one() -> None:
    # A plain sentence above a table is not its title.
    [table] = parse_text(_raw("Some sentence.\n\na\tb\nc\td\n")).tables
    assert table.title is None


def test_form_feeds_split_pages() -> None:
    doc = parse_text(_raw("first page\fsecond page\fthird"))
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.pages[1].text == "second page"


def test_text_is_normalised() -> None:
    doc = parse_text(_raw("The \ufb01rst rule on Al systems."))
    assert doc.pages[0].text == "The first rule on AI systems."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("caf\u00e9 au lait".encode("utf-8"), "caf\u00e9 au lait"),  # UTF-8
        ("caf\u00e9 au lait".encode("utf-8-sig"), "caf\u00e9 au lait"),  # UTF-8 with BOM
        ("caf\u00e9 au lait".encode("utf-16"), "caf\u00e9 au lait"),  # UTF-16 with BOM
        (FRENCH.encode("cp1252"), FRENCH),  # legacy single-byte encoding, detected
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(data, "x.txt") == expected


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty file"),  # zero bytes
        (b"   \n\n\t  ", "only whitespace"),  # nothing but whitespace
        (bytes(range(0, 32)) * 20, "not readable text|not text"),  # control-character soup
    ],
)
def test_unreadable_text_is_quarantined(data: bytes, match: str) -> None:
    with pytest.raises(ParseError, match=match) as info:
        parse_text(_raw(data))
    assert "\n" not in str(info.value) and "doc.txt" in str(info.value)


# --- front matter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # Jekyll-style keys with a space before the colon, a datetime, "A and B" authors
        (
            "---\nlayout: post\ntitle : Harbour Rules Revisited\nauthor: Ada Quill and Bo Stern\n"
            "date  : 2024-05-24 12:00:00 +0800\n---\nBody.\n",
            FrontMatter("Harbour Rules Revisited", "Ada Quill and Bo Stern", "2024-05-24", None),
        ),
        # a quoted title folded over two lines; a list of authors; a URL source is no publisher
        (
            '---\ntitle: "NOTE: Pilots and\\\n  \\ Ports"\nauthors:\n  - Kim Park\n  - Lee Moss\nsource: https://example.org/x\n---\n',
            FrontMatter("NOTE: Pilots and Ports", "Kim Park, Lee Moss", None, None),
        ),
        # only a last-edited date, and a publisher by name
        (
            "---\ntitle: Wiki Page\nlastEdited: '2025-12-28'\npublisher: Lantern Trust\n---\n",
            FrontMatter("Wiki Page", None, "2025-12-28", "Lantern Trust"),
        ),
        # no front matter at all, or YAML that does not parse
        ("# Just a heading\n", FrontMatter()),
        ("---\ntitle: [unclosed\n---\n", FrontMatter()),
    ],
)
def test_read_front_matter(text: str, expected: FrontMatter) -> None:
    assert read_front_matter(text) == expected


def test_markdown_front_matter_beats_a_section_heading() -> None:
    doc = parse_text(
        _raw(
            "---\ntitle: Five Notes on Ports\nauthor: Rui Costa\ndate: 2024-02-01\n---\n\n"
            "### Introduction\n\nShips arrive.\n",
            "text/markdown",
            "n.md",
        )
    )
    assert doc.meta_title == "Five Notes on Ports"
    assert doc.meta_author == "Rui Costa" and doc.meta_published == "2024-02-01"


def test_pipe_table_without_outer_pipes() -> None:
    # GFM allows rows without the outer pipes; the table ends at the first line without a pipe.
    [t] = find_text_tables("Intro\n\nPort | Depth\n--- | ---\nNorth | Deep\nSouth | Shallow\n\nAfter.\n")
    assert t.rows == (("Port", "Depth"), ("North", "Deep"), ("South", "Shallow"))


def test_markdown_table_becomes_a_table_of_the_page() -> None:
    doc = parse_text(
        _raw("# Ports\n\n| Port | Open? |\n|---|---|\n| North | **Yes** |\n| South | No |\n", "text/markdown", "p.mdx")
    )
    [t] = doc.pages[0].tables
    assert t.grid == [["Port", "Open?"], ["North", "**Yes**"], ["South", "No"]]
