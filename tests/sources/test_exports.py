from __future__ import annotations

from govmap import sources


def test_public_names_are_exported() -> None:
    for name in sources.__all__:
        assert hasattr(sources, name), name
    for name in (
        "ParseSettings",
        "SourceRef",
        "iter_sources",
        "pull",
        "parse",
        "parse_pdf",
        "parse_text",
        "parse_html",
    ):
        assert name in sources.__all__
