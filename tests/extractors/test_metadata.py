"""Document metadata from documents written for these tests."""

from __future__ import annotations

import pytest
import spacy

import govmap.extractors.metadata  # noqa: F401  (registers govmap_metadata)
from govmap.extractors.metadata import MetadataReader, find_metadata, parse_date
from govmap.extractors.records import DocMetadata
from govmap.sources.model import Document, Page


def document(
    *pages: str,
    meta_title: str | None = None,
    meta_author: str | None = None,
    media_type: str = "text/markdown",
    **meta: str,
) -> Document:
    return Document(
        doc_id="0" * 16,
        source_uri="memory://test",
        media_type=media_type,
        sha256="0" * 64,
        pages=tuple(Page(number=i + 1, text=t) for i, t in enumerate(pages)),
        meta_title=meta_title,
        meta_author=meta_author,
        **meta,
    )


BODY = "The body of the brief discusses cooperation between testing bodies at length.\n"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # Markdown heading and bold byline, no date anywhere: published stays None.
        (
            document("# Bridges Between Safety Labs\n**Jane Doe**\n\n## Summary\n" + BODY),
            DocMetadata(title="Bridges Between Safety Labs", authors=("Jane Doe",)),
        ),
        # "By A and B" byline and a month-year line: "March 2024" -> 2024-03.
        (
            document("Compute Sharing Options\nBy Ada Quill and Bo Stern\nMarch 2024\n\n" + BODY),
            DocMetadata(title="Compute Sharing Options", authors=("Ada Quill", "Bo Stern"), published="2024-03"),
        ),
        # Day-month-year is a full date; "Authors:" list with commas.
        (
            document("# Shared Testing Regimes\nAuthors: Ana Ruiz, Tom Li, Kim Park\n12 May 2024\n" + BODY),
            DocMetadata(
                title="Shared Testing Regimes", authors=("Ana Ruiz", "Tom Li", "Kim Park"), published="2024-05-12"
            ),
        ),
        # A bare year near the top is a year, no more.
        (document("# Annual Outlook\n2023\n" + BODY), DocMetadata(title="Annual Outlook", published="2023")),
        # No heading: the file's own title; the author from the file's metadata.
        (
            document(BODY, meta_title="Notes on Summits", meta_author="Rui Costa"),
            DocMetadata(title="Notes on Summits", authors=("Rui Costa",)),
        ),
        # No heading nor file title: the first short prominent line, skipping a date-only line.
        (
            document("NOVEMBER 2024\n\nPooling Evaluation Capacity\n\nLee Moss, Pat Grey\n\n" + BODY),
            DocMetadata(title="Pooling Evaluation Capacity", authors=("Lee Moss", "Pat Grey"), published="2024-11"),
        ),
        # An institution in bold is no author; the copyright line names publisher and year.
        (
            document(
                "# Safety Cases\n**Harbour Policy Institute**\n" + BODY,
                "© 2022 Harbour Policy Institute. All rights reserved.",
            ),
            DocMetadata(title="Safety Cases", publisher="Harbour Policy Institute", published="2022"),
        ),
        # "Published by" names the publisher; the date near the top beats the copyright year.
        (
            document(
                "# Field Notes\nPublished by the Lantern Trust\nJune 3, 2021\n" + BODY, "Copyright 2020 Lantern Trust"
            ),
            DocMetadata(title="Field Notes", publisher="Lantern Trust", published="2021-06-03"),
        ),
        # A file author that is an organisation is not a person.
        (document("# Brief\n" + BODY, meta_author="Example University"), DocMetadata(title="Brief")),
        # A declared title beats a section heading; declared date, publisher and authors are kept.
        (
            document(
                "### Introduction\n" + BODY,
                meta_title="Notes on Pilots",
                meta_author="Dr Ada Quill and Bo Stern",
                meta_published="2024-02",
                meta_publisher="Lantern Trust",
            ),
            DocMetadata(
                title="Notes on Pilots",
                authors=("Ada Quill", "Bo Stern"),
                publisher="Lantern Trust",
                published="2024-02",
            ),
        ),
        # A provenance line is never the title.
        (
            document("URL: https://example.org/notes\nHarbour Pilot Rules\n\n" + BODY),
            DocMetadata(title="Harbour Pilot Rules"),
        ),
        # A title set over two lines in capitals, the second opening with a joining word.
        (
            document("DECREE\nON THE RULES FOR PILOTS IN NORTHERN PORTS\n\n" + BODY),
            DocMetadata(title="DECREE ON THE RULES FOR PILOTS IN NORTHERN PORTS"),
        ),
        # A PDF's /Title that page 1 does not print (a file name) gives way to the printed title;
        # a cover marker repeated ("EN EN") and a "Month, Year" line are no titles.
        (
            document(
                "EN EN\nJune, 2021\nPilots and Ports Review\n\n" + BODY,
                meta_title="Draft v3 - final",
                media_type="application/pdf",
            ),
            DocMetadata(title="Pilots and Ports Review", published="2021-06"),
        ),
        # Chinese: a title without spaces.
        (
            document("港口引航规则\n\n" + BODY, media_type="text/html", meta_title="港口引航规则"),
            DocMetadata(title="港口引航规则"),
        ),
        # An empty document states nothing.
        (document(""), DocMetadata()),
    ],
)
def test_find_metadata(doc: Document, expected: DocMetadata) -> None:
    assert find_metadata(doc) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2024", "2024-03"),  # month and year
        ("12 May 2024", "2024-05-12"),  # day month year
        ("May 12, 2024", "2024-05-12"),  # US order
        ("2024-01-09", "2024-01-09"),  # ISO
        ("2023", "2023"),  # year alone
        ("Sept. 2019", "2019-09"),  # abbreviated month with a stop
        ("page 12 of 40", None),  # numbers that are no date
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_component_sets_metadata() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_metadata")
    doc = nlp.make_doc("x")
    doc._.govmap_document = document("# A Title Here\n" + BODY)
    assert nlp(doc)._.govmap_metadata == DocMetadata(title="A Title Here")


def test_invalid_top_lines() -> None:
    with pytest.raises(ValueError, match="top_lines"):
        MetadataReader(top_lines=0)


def test_a_date_line_is_not_joined_to_the_title() -> None:
    # "The" opens many titles: a date line above one is not its first half.
    assert (
        find_metadata(document("MAY 2024\nThe Tides of Northern Ports\n\n" + BODY)).title
        == "The Tides of Northern Ports"
    )
