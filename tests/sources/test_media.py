"""The one media-type table: every reader of suffixes, Content-Types and parsers agrees with it."""

from __future__ import annotations

import pytest

from govmap.datasets.contract import TABLES
from govmap.media import DOCUMENT_SUFFIXES, MEDIA, MEDIA_TYPES, media_type_of_name
from govmap.sources import detect_media_type, parser_for


def test_the_contract_vocabulary_is_the_table():
    (column,) = [c for c in TABLES["documents"].columns if c.name == "media_type"]
    assert tuple(column.vocabulary) == MEDIA_TYPES


@pytest.mark.parametrize("media", MEDIA, ids=lambda m: m.name)
def test_each_type_has_a_parser_suffixes_and_declared_types(media):
    assert callable(parser_for(media.name))
    for suffix in media.suffixes:
        assert suffix in DOCUMENT_SUFFIXES
        assert media_type_of_name(f"reports/brief{suffix.upper()}?v=2") == media.name
    data = b"%PDF-1.7\n" if media.name == "application/pdf" else b"A plain line of words.\n"
    for declared in media.declared:
        assert detect_media_type(data, "download", f"{declared}; charset=utf-8") == media.name


def test_a_name_with_no_known_suffix_is_plain_text_or_the_default():
    assert media_type_of_name("notes.rtf") == "text/plain"
    assert media_type_of_name("notes.rtf", None) is None
