"""The dataset card is derived from the contract: every table, every column, nothing invented."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from govmap.datasets.card import CARD, render_card, size_category
from govmap.datasets.contract import TABLES, to_arrow_schema
from govmap.datasets.release import read_manifest
from tests.datasets.builders import DOC_BAD, QUARANTINE_ERROR, RELEASE_1, release_rows, write_release


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return write_release(tmp_path, release_rows(), RELEASE_1, docs=True)


def _front_matter(card: str) -> dict:
    match = re.match(r"^---\n(.*?)\n---\n", card, re.S)
    assert match, "card has no YAML front matter"
    return yaml.safe_load(match.group(1))


def _documented_columns(card: str) -> dict[str, list[str]]:
    """table -> the column names listed in its section of the card, in order."""
    out: dict[str, list[str]] = {}
    columns_part = card.split("## Columns", 1)[1]
    for section in columns_part.split("### ")[1:]:
        name = section.split("`")[1]
        out[name] = re.findall(r"^\| `([a-z0-9_]+)` \| `", section, re.M)
    return out


def test_card_is_written_into_the_release(release: Path) -> None:
    assert (release / CARD).is_file()
    assert (release / CARD).read_text(encoding="utf-8").startswith("---\n")


def test_card_lists_exactly_the_contract_columns(release: Path) -> None:
    card = (release / CARD).read_text(encoding="utf-8")
    assert _documented_columns(card) == {name: list(t.column_names) for name, t in TABLES.items()}


def test_front_matter_is_hugging_face_style(release: Path) -> None:
    meta = _front_matter((release / CARD).read_text(encoding="utf-8"))
    assert meta["annotations_creators"] == ["machine-generated"]
    assert meta["license"] == "other"
    assert meta["size_categories"] == ["n<1K"]
    assert [c["config_name"] for c in meta["configs"]] == list(TABLES)
    for config in meta["configs"]:
        assert config["data_files"][0]["path"] == f"{config['config_name']}.parquet"
        assert (release / config["data_files"][0]["path"]).is_file()


def test_card_states_counts_versions_and_quarantined_errors(release: Path) -> None:
    manifest = read_manifest(release)
    card = (release / CARD).read_text(encoding="utf-8")
    for name, entry in manifest["tables"].items():
        assert f"| [`{name}`](#{name}) | {entry['rows']} |" in card
    assert "1 ingested, 1 quarantined" in card
    assert DOC_BAD in card and QUARANTINE_ERROR in card
    assert f"pipeline version: `{manifest['pipeline_version']}`" in card
    assert f"data contract version: `{manifest['contract_version']}`" in card
    for snippet in ("pd.read_parquet", "duckdb.sql", "pl.read_parquet", "library(arrow)"):
        assert snippet in card
    for family in ("table:*", "prose:*", "kb", "discovery"):
        assert family in card


def test_card_escapes_pipes_in_documents(release: Path) -> None:
    manifest = read_manifest(release)
    documents = pd.DataFrame(
        [
            {
                "doc_id": "0" * 16,
                "source_uri": "a|b.txt",
                "title": "x",
                "n_pages": 1,
                "status": "quarantined",
                "error": "bad | worse",
            }
        ]
    )
    card = render_card(manifest, documents)
    assert "bad \\| worse" in card and "a\\|b.txt" in card


@pytest.mark.parametrize(
    ("rows", "label"),
    [
        (0, "n<1K"),  # empty release
        (999, "n<1K"),  # upper edge of the first bin
        (1_000, "1K<n<10K"),  # lower edge of the next
        (2_000_000, "1M<n<10M"),
    ],
)
def test_size_category(rows: int, label: str) -> None:
    assert size_category(rows) == label


def test_schema_suite_and_docs_name_the_same_columns(release: Path) -> None:
    """One definition: Arrow schema, GX suite and the card all list the contract's columns."""
    from govmap.expectations import suite_for

    documented = _documented_columns((release / CARD).read_text(encoding="utf-8"))
    for name, tbl in TABLES.items():
        arrow = to_arrow_schema(tbl).names
        suite = suite_for(tbl)
        exact = [e for e in suite.expectations if e.meta.get("slug") == "columns-match"]
        assert exact, f"{name}: suite has no columns-match expectation"
        suite_columns = list(exact[0].column_list)
        # a composite key check names its columns joined by commas ("doc_id,page")
        checked = {part for e in suite.expectations if e.meta.get("column") for part in e.meta["column"].split(",")}
        assert arrow == suite_columns == documented[name] == list(tbl.column_names)
        assert checked <= set(tbl.column_names)


def test_card_explains_frictionless_errors_and_govmap_validate(release: Path) -> None:
    """`frictionless validate` calls every table invalid (list cells, NaN, no byte count): the card
    says why and names the check that does hold."""
    card = (release / CARD).read_text()
    section = card[card.index("## Checking a copy") :]
    for words in ("frictionless validate datapackage.json", "list cells", "NaN", "govmap validate"):
        assert words in section


def test_card_names_local_files_without_the_operators_folders(release: Path) -> None:
    documents = pd.DataFrame(
        [
            {
                "doc_id": "0" * 16,
                "source_uri": "/home/alice/private/reports/brief.md",
                "title": "x",
                "n_pages": 1,
                "status": "ok",
                "error": None,
            },
            {
                "doc_id": "1" * 16,
                "source_uri": "https://example.org/a.pdf",
                "title": "y",
                "n_pages": 1,
                "status": "ok",
                "error": None,
            },
            {
                "doc_id": "2" * 16,
                "source_uri": "/home/alice/private/bad.pdf",
                "title": None,
                "n_pages": 0,
                "status": "quarantined",
                "error": "/home/alice/private/bad.pdf: encrypted PDF; document quarantined",
            },
        ]
    )
    card = render_card(read_manifest(release), documents)
    assert "/home/alice" not in card and "brief.md" in card and "https://example.org/a.pdf" in card
    assert "bad.pdf: encrypted PDF" in card
