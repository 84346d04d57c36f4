"""Rating, presence and collaboration tables: hand-made grids, the spaCy components, and (slow)
exactness on the shared corpus against tests/eval/tables annotations."""

from __future__ import annotations

import pytest
import spacy

from govmap.extractors import tables  # noqa: F401  (registers the factories)
from govmap.extractors.records import Collaboration, Rating
from govmap.extractors.table_grid import find_header_row, logical_rows, table_id_of
from govmap.extractors.table_rationales import find_rationales
from govmap.extractors.tables import (
    CollaborationTables,
    RatingTables,
    find_ratings,
    find_table_collaborations,
    is_collaboration_table,
    read_matrix,
    split_actors,
)
from govmap.sources.model import Cell, Document, Page, Table


class FakeLinker:
    """Knows a handful of made-up bodies; bare country names mean institutes only with the hint."""

    NAMES = {
        "Northwind Institute": "northwind",
        "NWI": "northwind",
        "Harbour Council": "harbour-council",
        "Widget Network": "widget-network",
        "Network of Widgets": "widget-network",
        "Acme Labs": "acme",
        "OpenAI": "openai",
        "Organisation for Trade and Development": "otd",
    }
    INSTITUTES = {"Freedonia": "freedonia-aisi", "Sylvania": "sylvania-aisi", "Ruritania": "ruritania-aisi"}

    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        if kind_hint == "ai_safety_institute" and surface in self.INSTITUTES:
            return self.INSTITUTES[surface]
        return self.NAMES.get(surface)


def table(rows, *, title=None, page=1, index=0, row_pages=()) -> Table:
    return Table(
        page=page,
        index=index,
        rows=tuple(tuple(Cell(c) for c in row) for row in rows),
        title=title,
        row_pages=tuple(row_pages),
    )


def document(*tables_, text: str = "", pages: tuple[str, ...] | None = None) -> Document:
    page_texts = pages or (text,)
    built = [Page(number=i + 1, text=t, tables=tuple(tables_) if i == 0 else ()) for i, t in enumerate(page_texts)]
    return Document("d0c", "mem://doc", "text/plain", "0" * 64, tuple(built))


def cells(ratings: list[Rating]) -> set[tuple]:
    return {(r.subject, r.criterion, r.rating, r.score) for r in ratings}


HOSTS = [
    ["", "Capable", "Neutral", "Durable"],
    ["Northwind Institute", "Strong", "Mixed", "Uncertain"],
    ["Harbour Council", "Weak", "Strong", "Mixed"],
]


# ---------------------------------------------------------------------------------------------
# Rating and presence matrices


def test_rating_matrix_rows_are_subjects_when_corner_is_empty():
    found = find_ratings(document(table(HOSTS, title="Table 4. Candidate hosts")), linker=FakeLinker())
    assert cells(found) == {
        ("Northwind Institute", "Capable", "Strong", 1.0),
        ("Northwind Institute", "Neutral", "Mixed", 0.5),
        # out of scale: printed text kept, no score
        ("Northwind Institute", "Durable", "Uncertain", None),
        ("Harbour Council", "Capable", "Weak", 0.0),
        ("Harbour Council", "Neutral", "Strong", 1.0),
        ("Harbour Council", "Durable", "Mixed", 0.5),
    }
    assert {r.scale for r in found} == {"strong-mixed-weak"}
    assert {r.extractor for r in found} == {"table:rating"}
    assert {r.table_id for r in found} == {"table-4-candidate-hosts"}
    assert {r.subject: r.subject_key for r in found} == {
        "Northwind Institute": "northwind",
        "Harbour Council": "harbour-council",
    }


PRESENCE_GRID = [
    ["Feature", "Plan A", "Plan B", "Northwind Institute"],
    ["Shared compute", "x", "", "✓"],
    ["Treaty basis", "", "x", ""],
]


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        # corner names what the rows are ("Feature"): the columns are the subjects
        (
            PRESENCE_GRID,
            {
                ("Plan A", "Shared compute", "x", 1.0),
                ("Plan B", "Shared compute", "", 0.0),
                ("Northwind Institute", "Shared compute", "x", 1.0),
                ("Plan A", "Treaty basis", "", 0.0),
                ("Plan B", "Treaty basis", "x", 1.0),
                ("Northwind Institute", "Treaty basis", "", 0.0),
            },
        ),
        # corner names a kind of subject ("Proposal"): the rows are the subjects after all
        (
            [["Proposal", "Shared compute", "Treaty basis"], ["Plan A", "x", ""], ["Plan B", "", "x"]],
            {
                ("Plan A", "Shared compute", "x", 1.0),
                ("Plan A", "Treaty basis", "", 0.0),
                ("Plan B", "Shared compute", "", 0.0),
                ("Plan B", "Treaty basis", "x", 1.0),
            },
        ),
        # a cell merged away (None) is no statement either way: skipped, not read as absent
        (
            [["Feature", "Plan A", "Plan B"], ["Shared compute", "x", None], ["Treaty basis", "", "x"]],
            {
                ("Plan A", "Shared compute", "x", 1.0),
                ("Plan A", "Treaty basis", "", 0.0),
                ("Plan B", "Treaty basis", "x", 1.0),
            },
        ),
        # the header row repeated where the table broke over a page is not a criterion
        (
            [
                ["Feature", "Plan A", "Plan B"],
                ["Shared compute", "x", ""],
                ["Feature", "Plan A", "Plan B"],
                ["Treaty basis", "", "x"],
            ],
            {
                ("Plan A", "Shared compute", "x", 1.0),
                ("Plan B", "Shared compute", "", 0.0),
                ("Plan A", "Treaty basis", "", 0.0),
                ("Plan B", "Treaty basis", "x", 1.0),
            },
        ),
    ],
)
def test_presence_matrix(grid, expected):
    found = find_ratings(document(table(grid)), linker=FakeLinker())
    assert cells(found) == expected
    assert {(r.scale, r.extractor) for r in found} == {("presence", "table:presence")}


def test_presence_subject_keys_and_pages():
    t = table(PRESENCE_GRID, row_pages=(4, 4, 5), page=4)
    found = find_ratings(document(t), linker=FakeLinker())
    assert {r.subject: r.subject_key for r in found} == {
        "Plan A": None,
        "Plan B": None,
        "Northwind Institute": "northwind",
    }
    # each rating is on the page of its row
    assert {r.criterion: r.page for r in found} == {"Shared compute": 4, "Treaty basis": 5}


def test_merged_header_cell_labels_the_columns_it_spans():
    # "Capable" printed once over two sub-columns (e.g. now / in five years)
    grid = [["", "Capable", None, "Neutral"], ["Plan A", "High", "Low", "Medium"]]
    matrix = read_matrix(table(grid))
    assert matrix is not None and matrix.criteria == ("Capable", "Neutral")
    assert sorted((c[1], c[2]) for c in matrix.cells) == [
        ("Capable", "High"),
        ("Capable", "Low"),
        ("Neutral", "Medium"),
    ]


@pytest.mark.parametrize(
    "grid",
    [
        # a definition table: the second column is prose
        [
            ["Instrument", "Description"],
            ["Compute pool", "Members share clusters under one scheduler"],
            ["Treaty", "A binding agreement between states"],
        ],
        # a collaboration table: types are not ratings
        [["Actors", "Type of collaboration"], ["Freedonia <> Sylvania", "Joint Research Projects"], ["", "Funding"]],
        # a contents list: page numbers are not a 1-10 scale
        [["Summary", "1"], ["Methods", "3"], ["Findings", "5"], ["Annex", "8"]],
        # a single row of labels and nothing under them
        [["", "Capable", "Neutral"]],
    ],
)
def test_tables_that_are_not_matrices_give_no_ratings(grid):
    assert find_ratings(document(table(grid)), linker=FakeLinker()) == []


@pytest.mark.parametrize(
    ("title", "page", "index", "expected"),
    [
        ("Table 1. Potential Hosts for a Report", 1, 0, "table-1-potential-hosts-for-a-report"),
        # Markdown emphasis around the caption is markup, not words
        ("**Table 3.** Options **compared**", 2, 1, "table-3-options-compared"),
        # untitled: page and index make the id
        (None, 3, 2, "table-p3-2"),
        # a caption of markup only is no caption
        ("** **", 5, 0, "table-p5-0"),
    ],
)
def test_table_id(title, page, index, expected):
    assert table_id_of(table(HOSTS, title=title, page=page, index=index)) == expected


def test_ratings_without_linker_have_no_subject_keys():
    found = find_ratings(document(table(HOSTS)), linker=None)
    assert found and all(r.subject_key is None for r in found)


# ---------------------------------------------------------------------------------------------
# Rationales printed elsewhere


APPENDIX = """Appendix

The Network of Widgets (or a Successor)

Some introductory prose about the network.

Criterion 1: Capable\tStrong. It has staff
and money.
Criterion 2: Neutral\tMixed. Funded by members.
Criterion 3: Durable\tUncertain. Too young to tell.

Harbour Council
Criterion 1: Capable Weak. Small secretariat
with few analysts.
Criterion 2: Neutral Strong. Answers to no government.
Example: A Similar Body
Some later prose that is not a rationale.
"""

WIDGETS = [
    ["", "Capable", "Neutral", "Durable"],
    ["Widget Network", "Strong", "Mixed", "Uncertain"],
    ["Harbour Council", "Weak", "Strong", "Mixed"],
]


def test_rationales_attach_to_their_ratings():
    found = find_ratings(document(table(WIDGETS), text=APPENDIX), linker=FakeLinker())
    by_pair = {(r.subject, r.criterion): r.rationale for r in found}
    assert by_pair == {
        # heading "The Network of Widgets (or a Successor)" is an alias of "Widget Network"
        ("Widget Network", "Capable"): "It has staff and money.",
        ("Widget Network", "Neutral"): "Funded by members.",
        # the out-of-scale rating word is stripped too
        ("Widget Network", "Durable"): "Too young to tell.",
        # PDF-style: space instead of tab, wrapped lines joined
        ("Harbour Council", "Capable"): "Small secretariat with few analysts.",
        # the rationale stops at the next heading, not at the next prose
        ("Harbour Council", "Neutral"): "Answers to no government.",
        ("Harbour Council", "Durable"): None,
    }


def test_rationale_contradicting_the_table_is_dropped():
    text = "Harbour Council\n\nCriterion 1: Capable\tStrong. Says the opposite of the table.\n"
    found = find_rationales(
        document(text=text),
        subjects=["Harbour Council"],
        criteria=["Capable"],
        ratings={("Harbour Council", "Capable"): "Weak"},
        scale=read_matrix(table(WIDGETS)).scale,
    )
    assert found == {}


def test_rationale_across_pages_without_linker():
    pages = ("Widget Network\nCriterion 1: Capable Strong. Begins on one page", "and ends on the next.\n\nOther")
    found = find_rationales(
        document(pages=pages),
        subjects=["Widget Network"],
        criteria=["Capable"],
        ratings={("Widget Network", "Capable"): "Strong"},
    )
    assert found[("Widget Network", "Capable")].text == "Begins on one page and ends on the next."
    assert found[("Widget Network", "Capable")].page == 1


def test_presence_matrix_gets_no_rationale():
    text = "Plan A\n\nShared compute: x. Because.\n"
    assert all(
        r.rationale is None for r in find_ratings(document(table(PRESENCE_GRID), text=text), linker=FakeLinker())
    )


# ---------------------------------------------------------------------------------------------
# Collaboration tables

AISI_TEXT = "Our subject is AI Safety Institutes. Each AISI differs. AISIs cooperate."

COLLAB = [
    ["Actors", "Type of collaboration"],
    ["Freedonia <> Sylvania", "Joint Research Projects"],
    ["", "Personnel Exchanges and Capacity Building"],
    [None, "Harmonizing Regulatory Frameworks"],
    ["Freedonia <> Open AI", "Model Access and Testing"],
]


def collabs(found: list[Collaboration]) -> set[tuple]:
    return {(c.parties, c.types) for c in found}


def test_collaboration_table_with_continuation_rows():
    found = find_table_collaborations(document(table(COLLAB, page=7), text=AISI_TEXT), linker=FakeLinker())
    assert collabs(found) == {
        (("freedonia-aisi", "sylvania-aisi"), ("capacity_building", "joint_research", "regulatory_harmonization")),
        # "Open AI" with a stray space is still OpenAI
        (("freedonia-aisi", "openai"), ("model_testing",)),
    }
    first = next(c for c in found if "sylvania-aisi" in c.parties)
    assert first.raw_types == (
        "Joint Research Projects",
        "Personnel Exchanges and Capacity Building",
        "Harmonizing Regulatory Frameworks",
    )
    assert (
        first.evidence
        == "Freedonia <> Sylvania | Joint Research Projects | Personnel Exchanges and Capacity Building | Harmonizing Regulatory Frameworks"
    )
    assert (first.status, first.page, first.extractor, first.confidence) == ("existing", 7, "table:collaboration", 0.95)
    assert first.party_surfaces == ("Freedonia", "Sylvania")


def test_bare_country_names_need_an_aisi_context():
    # the document never speaks of AI safety institutes: "Freedonia" is not linked, pairs skipped
    assert find_table_collaborations(document(table(COLLAB), text="A report on trade."), linker=FakeLinker()) == []
    # ... unless the caption says the table is about them
    titled = table(COLLAB, title="Table 2. Collaborations between AISIs")
    assert len(find_table_collaborations(document(titled, text="A report on trade."), linker=FakeLinker())) == 2


@pytest.mark.parametrize(
    ("grid", "expected"),
    [
        # en dash, "and", comma lists: all separators of actors
        (
            [
                ["Partners", "Areas"],
                ["Acme Labs – Harbour Council", "Funding"],
                ["Northwind Institute and Acme Labs", "Information sharing"],
                ["Acme Labs, Harbour Council and NWI", "Compute sharing"],
            ],
            {
                (("acme", "harbour-council"), ("funding",)),
                (("acme", "northwind"), ("information_sharing",)),
                (("acme", "harbour-council", "northwind"), ("resource_sharing",)),
            },
        ),
        # "and" inside a name that links whole is not a separator; the pair then has one party: skipped
        ([["Parties", "Type"], ["Organisation for Trade and Development", "Funding"]], set()),
        # an actor no linker knows: the pair is skipped, not invented
        (
            [["Actors", "Type"], ["Acme Labs <> Unknown Foundation", "Funding"], ["Acme Labs <> NWI", "Funding"]],
            {(("acme", "northwind"), ("funding",))},
        ),
        # the same pair listed twice is one collaboration with both types
        (
            [["Actors", "Type"], ["Acme Labs <> NWI", "Funding"], ["NWI <> Acme Labs", "Joint research"]],
            {(("acme", "northwind"), ("funding", "joint_research"))},
        ),
        # repeated header mid-table is not a pair
        (
            [
                ["Actors", "Type"],
                ["Acme Labs <> NWI", "Funding"],
                ["Actors", "Type"],
                ["Acme Labs <> Harbour Council", "Funding"],
            ],
            {(("acme", "northwind"), ("funding",)), (("acme", "harbour-council"), ("funding",))},
        ),
        # no telling header, but a first column of "A <> B" cells
        (
            [["Acme Labs <> NWI", "Funding"], ["Acme Labs <> Harbour Council", "Standards"]],
            {(("acme", "northwind"), ("funding",)), (("acme", "harbour-council"), ("standards_guidelines",))},
        ),
        # no type column: still a collaboration, of unknown kind
        (
            [["Partners"], ["Acme Labs <> NWI"], ["Harbour Council <> NWI"]],
            {
                (("acme", "northwind"), ("general_partnership",)),
                (("harbour-council", "northwind"), ("general_partnership",)),
            },
        ),
    ],
)
def test_collaboration_tables(grid, expected):
    assert collabs(find_table_collaborations(document(table(grid)), linker=FakeLinker())) == expected


@pytest.mark.parametrize(
    "grid",
    [
        # a rating matrix is not a collaboration table
        HOSTS,
        # a definition table whose header happens to say "Type"
        [["Instrument", "Type"], ["Compute pool", "Mechanism"], ["Treaty", "Legal"]],
    ],
)
def test_non_collaboration_tables(grid):
    assert not is_collaboration_table(table(grid))
    assert find_table_collaborations(document(table(grid)), linker=FakeLinker()) == []


def test_no_linker_no_collaborations():
    assert find_table_collaborations(document(table(COLLAB), text=AISI_TEXT), linker=None) == []


def test_split_actors_strong_separator_wins():
    link = FakeLinker().link
    assert split_actors("Acme Labs <> NWI", link) == [("Acme Labs", "acme"), ("NWI", "northwind")]
    assert split_actors("Acme Labs <> Nobody", link) is None


def test_logical_rows_merge_continuations():
    t = table(COLLAB, row_pages=(1, 1, 1, 2, 2))
    rows = logical_rows(t, find_header_row(t.grid))
    assert [(r.first, r.lines(1), r.indices, r.page) for r in rows] == [
        (
            "Freedonia <> Sylvania",
            (
                "Joint Research Projects",
                "Personnel Exchanges and Capacity Building",
                "Harmonizing Regulatory Frameworks",
            ),
            (1, 2, 3),
            1,
        ),
        ("Freedonia <> Open AI", ("Model Access and Testing",), (4,), 2),
    ]


# ---------------------------------------------------------------------------------------------
# Components


@pytest.fixture
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_rating_tables")
    nlp.add_pipe("govmap_collaboration_tables")
    return nlp


def test_components_append_to_the_doc(nlp):
    source = document(table(HOSTS, index=0), table(COLLAB, index=1), text=AISI_TEXT)
    doc = nlp.make_doc(AISI_TEXT)
    doc._.govmap_document = source
    doc._.govmap_linker = FakeLinker()
    earlier = Collaboration("d0c", ("a", "b"), ("funding",), ("Funding",), "existing", 1, "prose", "prose", 0.7)
    doc._.govmap_collaborations = [earlier]
    doc = nlp(doc)
    assert len(doc._.govmap_ratings) == 6
    assert doc._.govmap_collaborations[0] is earlier
    assert len(doc._.govmap_collaborations) == 3


def test_components_without_document_do_nothing(nlp):
    doc = nlp("No document attached.")
    assert doc._.govmap_ratings == [] and doc._.govmap_collaborations == []


@pytest.mark.parametrize(
    ("factory", "config"),
    [
        ("govmap_rating_tables", {"min_scale_share": 0.0}),
        ("govmap_rating_tables", {"min_scale_share": 1.5}),
        ("govmap_collaboration_tables", {"confidence": 2.0}),
        ("govmap_collaboration_tables", {"aisi_min_mentions": -1}),
    ],
)
def test_invalid_settings(factory, config):
    with pytest.raises(ValueError):
        spacy.blank("en").add_pipe(factory, config=config)


def test_classes_are_usable_without_spacy_config():
    assert RatingTables().min_scale_share == 0.6
    assert CollaborationTables(kind_hint="ai_safety_institute").kind_hint == "ai_safety_institute"


# ---------------------------------------------------------------------------------------------
# Shared corpus (slow): exactness against tests/eval/tables, text and PDF, full pipeline


@pytest.fixture(scope="module")
def corpus_scores(shared_corpus):
    from tests.eval.table_scores import evaluate_corpus

    return evaluate_corpus(corpus=shared_corpus)


@pytest.mark.slow
def test_corpus_tables_are_exact(corpus_scores):
    from tests.eval.table_scores import load_table_annotations

    assert len(corpus_scores) == 2 * len(load_table_annotations())
    for fmt, s in corpus_scores:
        assert s.exact, (s.document, fmt, s.false_positives, s.false_negatives)


@pytest.mark.slow
def test_corpus_rationales_are_the_same_from_text_and_pdf(shared_corpus):
    from govmap.extractors.kb import load_kb
    from govmap.sources import RawDocument, parse

    def rationales(path, media_type):
        parsed = parse(RawDocument(str(path), path.read_bytes(), media_type))
        return {
            (r.subject, r.criterion): r.rationale
            for r in find_ratings(parsed, linker=load_kb())
            if r.scale != "presence"
        }

    text = rationales(next((shared_corpus / "text").glob("003_*.txt")), "text/plain")
    pdf = rationales(next((shared_corpus / "pdf").glob("003_*.pdf")), "application/pdf")
    assert len(text) == 12 and all(text.values())
    assert text == pdf


# --- comparison tables read one criterion at a time ----------------------------------------------


def test_judged_columns_make_rows_the_subjects():
    # Only the Binding? column holds judgements; the Type column is descriptive.
    grid = table(
        [
            ["Mechanism", "Type", "Binding?"],
            ["Zeta Accord", "Treaty", "Yes (ratified)"],
            ["Quill Pledge", "Voluntary pledge", "No"],
            ["Ember Code", "Industry code", "No"],
        ]
    )
    m = read_matrix(grid)
    assert m is not None
    assert m.cells == (
        ("Zeta Accord", "Binding?", "Yes (ratified)", 1),
        ("Quill Pledge", "Binding?", "No", 1),
        ("Ember Code", "Binding?", "No", 1),
    )
    assert [m.score_of(i) for i in range(3)] == [1.0, 0.0, 0.0]


def test_judged_rows_make_columns_the_subjects():
    # Each criterion row has its own scale; the descriptive row is left out.
    grid = table(
        [
            ["Dimension", "Freedonia", "Sylvania", "Ruritania"],
            ["**Model**", "Central agency", "Sector regulators", "Courts"],
            ["**Openness**", "High; audited", "Medium", "Low (by decree)"],
            ["**Reach**", "Strong", "Weak", "Moderate"],
        ]
    )
    m = read_matrix(grid)
    assert m is not None
    assert m.subjects == ("Freedonia", "Sylvania", "Ruritania")
    assert m.criteria == ("Openness", "Reach")
    assert ("Ruritania", "Openness", "Low (by decree)", 1) in m.cells
    assert {m.scale_of(i).name for i in range(len(m.cells))} == {"very-high-to-very-low", "strong-moderate-weak"}


def test_descriptive_table_is_not_a_matrix():
    grid = table(
        [
            ["Approach", "Strengths", "Weaknesses"],
            ["Central", "Clear rules; one door", "Slow to adapt"],
            ["Sectoral", "Expertise near the problem", "Gaps between sectors"],
        ]
    )
    assert read_matrix(grid) is None


def test_numbers_are_ratings_only_in_a_table_of_scores():
    body = [
        ["1", "Freedonia", "81.20", "77.00"],
        ["2", "Sylvania", "64.10", "70.50"],
        ["3", "Ruritania", "40.00", "38.25"],
    ]
    scores = table([["Rank", "Country", "Total score", "Policy pillar"], *body])
    counts = table([["Rank", "Country", "Staff", "Budget"], *body])
    m = read_matrix(scores)
    assert m is not None and m.subjects == ("Freedonia", "Sylvania", "Ruritania")  # the rank column is no subject
    assert m.criteria == ("Rank", "Total score", "Policy pillar")
    assert read_matrix(counts) is None


def test_matrix_continued_on_the_next_page_keeps_its_header_and_id():
    first = table(
        [["Rank", "Country", "Score"], ["1", "Freedonia", "80.5"], ["2", "Sylvania", "75.0"]],
        title="Annex: Scores",
        page=3,
        index=0,
    )
    rest = table([["3", "Ruritania", "60.0"], ["4", "Arcadia", "55.5"]], page=4, index=1)
    ratings = find_ratings(document(first, rest), linker=None)
    by_subject = {(r.subject, r.criterion): (r.rating, r.table_id, r.page) for r in ratings}
    assert by_subject[("Arcadia", "Score")] == ("55.5", "annex-scores", 4)
    assert len({r.table_id for r in ratings}) == 1


# --- tables of parties ----------------------------------------------------------------------------


def test_membership_matrix_gives_one_record_per_member():
    # Columns are bodies, rows are bodies, "Yes" means membership; the free-text column is ignored.
    grid = table(
        [
            ["Body", "Harbour Council", "Widget Network", "Notes"],
            ["Acme Labs", "Yes", "Yes", "Joined early; active in two working groups"],
            ["Northwind Institute", "Yes", "No", "Observer status in the network since last year"],
        ]
    )
    found = find_table_collaborations(document(grid), linker=FakeLinker())
    assert {(c.parties, c.types) for c in found} == {
        (("acme", "harbour-council", "widget-network"), ("institutional_integration",)),
        (("harbour-council", "northwind"), ("institutional_integration",)),
    }
    assert all(c.extractor == "table:collaboration" for c in found)


class StateLinker(FakeLinker):
    """Also knows the governments of the made-up countries, when asked for a state."""

    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        if kind_hint == "government_body" and surface in self.INSTITUTES:
            return surface.lower() + "-government"
        return super().link(surface, kind_hint=kind_hint)


def test_membership_matrix_reads_bare_country_rows_as_states():
    grid = table(
        [
            ["Country", "Harbour Council", "Widget Network", "Approach"],
            ["**Freedonia**", "Yes", "Yes", "Drafting a law of its own; a regulator named last spring"],
            ["Sylvania", "Yes", "**No**", "Rejected the common rules; sector by sector instead"],
            ["Atlantis", "Yes", "Yes", "Not a country the linker knows"],
        ]
    )
    found = find_table_collaborations(document(grid), linker=StateLinker())
    assert {c.parties for c in found} == {
        ("freedonia-government", "harbour-council", "widget-network"),
        ("harbour-council", "sylvania-government"),
    }
    # Without a state reading the rows name no body, and nothing is found.
    assert find_table_collaborations(document(grid), linker=FakeLinker()) == []


def test_party_column_lists_partners_per_row():
    grid = table(
        [
            ["Project", "Partners", "Budget"],
            ["Port sensors", "Acme Labs, Northwind Institute", "2m"],
            ["Tide models", "Harbour Council and some local firms", "1m"],  # one body and a note: skipped
            ["Ship registry", "Widget Network", "3m"],  # a single party is no collaboration
        ]
    )
    found = find_table_collaborations(document(grid), linker=FakeLinker())
    assert [(c.parties, c.types) for c in found] == [(("acme", "northwind"), ("general_partnership",))]


def test_members_column_joins_the_row_body():
    grid = table([["Network", "Members"], ["Widget Network", "Acme Labs; NWI"]])
    [c] = find_table_collaborations(document(grid), linker=FakeLinker())
    assert c.parties == ("acme", "northwind", "widget-network")
    assert c.types == ("institutional_integration",)


@pytest.mark.parametrize(
    "printed, clean",
    [
        ("[Zeta Accord](https://example.org/z)", "Zeta Accord"),  # a Markdown link keeps its text
        ('<R id="a1">Zeta Accord</R>', "Zeta Accord"),  # an MDX component around the name
        ("**Yes**", "Yes"),  # emphasis
        ("Yes<br/>(ratified)", "Yes (ratified)"),  # an inline break
    ],
)
def test_clean_cell_drops_markup(printed, clean):
    from govmap.extractors.table_grid import clean_cell

    assert clean_cell(printed) == clean


def test_reasons_column_beside_the_judgement_is_its_rationale():
    grid = table(
        [
            ["Option", "Feasibility", "Evidence"],
            ["Shared registry", "High", "Two ports already run one together"],
            ["Joint patrols", "Low", "No budget line for it"],
        ]
    )
    ratings = find_ratings(document(grid), linker=None)
    assert {(r.subject, r.rating, r.rationale) for r in ratings} == {
        ("Shared registry", "High", "Two ports already run one together"),
        ("Joint patrols", "Low", "No budget line for it"),
    }


def test_collaboration_table_keeps_its_judged_column_only():
    # The actors and their types are the collaboration reader's; a Binding? column is a rating.
    grid = table(
        [
            ["Initiative", "Participants", "Type", "Binding?"],
            ["Port pact", "Acme Labs, OpenAI", "Joint research", "Yes (signed)"],
            ["Tide forum", "Harbour Council, Acme Labs", "Information sharing", "No"],
        ]
    )
    assert is_collaboration_table(grid)
    m = read_matrix(grid)
    assert m is not None and m.criteria == ("Binding?",)
    assert [c[:3] for c in m.cells] == [("Port pact", "Binding?", "Yes (signed)"), ("Tide forum", "Binding?", "No")]


def test_institute_tables_do_not_read_bare_countries_as_states():
    # In a table of institutes, a country without one is no party: the row is skipped, not
    # paired as a state with another country's institute.
    grid = table([["Partners", "Type"], ["Freedonia <> Atlantis", "Joint testing"]], title="AI Safety Institutes")

    class AtlantisState(StateLinker):
        def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
            if surface == "Atlantis" and kind_hint == "government_body":
                return "atlantis-government"
            return super().link(surface, kind_hint=kind_hint)

    assert find_table_collaborations(document(grid), linker=AtlantisState()) == []
