"""Prose collaborations on sentences written for these tests, with a stand-in institution ruler."""

from __future__ import annotations


import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import govmap.extractors.prose  # noqa: F401  (registers govmap_prose_collaborations)
import govmap.extractors.sentences  # noqa: F401  (registers govmap_sentences)
from govmap.datasets.contract import COLLABORATION_STATUSES, COLLABORATION_TYPES
from govmap.extractors.prose import ProseCollaborations, find_collaborations
from govmap.extractors.records import Collaboration
from govmap.extractors.states import StateFinder
from tests.extractors.stand_ins import register_name_ruler

# Names the stand-in ruler tags, longest first so "Northland AISI" wins over "Northland".
NAMES = {
    "Northland AI Safety Institute": "northland-aisi",
    "Northland AISI": "northland-aisi",
    "Southland AISI": "southland-aisi",
    "Eastmark Institute": "eastmark-institute",
    "Westwind Labs": "westwind-labs",
    "Bluefield AI": "bluefield-ai",
    "Redrock Systems": "redrock-systems",
    "Global Data Forum": "global-data-forum",
    "Compute Alliance": "compute-alliance",
    "Treaty Office": "treaty-office",
    "Audit Unit": "audit-unit",
    # Names holding cue words ("Standards", "Partnership"): the words are part of a name, no cue.
    "Southland Standards and Research Centre": "southland-src",
    "Eastmark Partnership on AI": "eastmark-pai",
    # Units and their hosts.
    "Ethics Lab": "ethics-lab",
    "Policy Centre": "policy-centre",
    "University of Northvale": "northvale-university",
    "review panel": "review-panel",
    "computing laboratory": "computing-lab",
    "CLX": "computing-lab",
    "Polytechnic of Southmere": "southmere-polytechnic",
}
COUNTRY_AISI = {"Northland": "northland-aisi", "Southland": "southland-aisi", "Eastmark": "eastmark-aisi"}


class FakeLinker:
    """Links a country name to its AISI when the context is about AI safety institutes."""

    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        if kind_hint == "ai_safety_institute":
            return COUNTRY_AISI.get(surface)
        return NAMES.get(surface)


register_name_ruler("test_fake_institutions", NAMES, FakeLinker)


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_sentences")
    nlp.add_pipe("test_fake_institutions")
    nlp.add_pipe("govmap_prose_collaborations")
    return nlp


def collaborations(nlp: Language, text: str) -> list[Collaboration]:
    return list(nlp(text)._.govmap_collaborations)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A signed MoU is news of an agreement: announced, not yet known to be in force.
        (
            "Northland AISI signed a memorandum of understanding with Westwind Labs in March.",
            [(("northland-aisi", "westwind-labs"), "announced", "general_partnership")],
        ),
        # Present perfect progressive joint testing is going on now: existing model testing.
        (
            "Eastmark Institute and Bluefield AI have been jointly testing frontier systems since 2023.",
            [(("bluefield-ai", "eastmark-institute"), "existing", "model_testing")],
        ),
        # "plan to" is a plan.
        (
            "Southland AISI plans to partner with Redrock Systems on evaluation tooling.",
            [(("redrock-systems", "southland-aisi"), "planned", "model_testing")],
        ),
        # "should collaborate" is the authors' recommendation.
        (
            "In our view, Global Data Forum should collaborate with Treaty Office on shared reporting.",
            [(("global-data-forum", "treaty-office"), "proposed", "general_partnership")],
        ),
        # A recommendation spelled out by the authors.
        (
            "We recommend that Compute Alliance work with Eastmark Institute to pool infrastructure.",
            [(("compute-alliance", "eastmark-institute"), "proposed", "resource_sharing")],
        ),
        # Absorption is institutional integration, whatever the order of the parties.
        (
            "Last year Treaty Office absorbed Global Data Forum and took over its staff.",
            [(("global-data-forum", "treaty-office"), "existing", "institutional_integration")],
        ),
        # Passive integration: "merged into".
        (
            "Global Data Forum fully merged into Compute Alliance in 2022.",
            [(("compute-alliance", "global-data-forum"), "existing", "institutional_integration")],
        ),
        # "between X and Y" names both sides after the cue.
        (
            "A research partnership between Westwind Labs and Bluefield AI was announced on Monday.",
            [(("bluefield-ai", "westwind-labs"), "announced", "joint_research")],
        ),
        # Funding with an amount is a funding commitment.
        (
            "Compute Alliance committed $5 million in funding to Southland AISI for safety research.",
            [(("compute-alliance", "southland-aisi"), "announced", "funding")],
        ),
        # Personnel exchanges are capacity building.
        (
            "Northland AISI and Southland AISI will run personnel exchanges from next spring.",
            [(("northland-aisi", "southland-aisi"), "planned", "capacity_building")],
        ),
    ],
)
def test_one_collaboration(nlp: Language, text: str, expected: list[tuple[tuple[str, ...], str, str]]) -> None:
    found = collaborations(nlp, text)
    assert [(c.parties, c.status) for c in found] == [(p, s) for p, s, _ in expected]
    for c, (_, _, a_type) in zip(found, expected):
        assert a_type in c.types


@pytest.mark.parametrize(
    "text",
    [
        # Negated agreement: nothing at all, certainly nothing existing.
        "Northland AISI did not sign an agreement with Westwind Labs.",
        # Hypothetical partnership: nothing stated.
        "If Eastmark Institute were to partner with Bluefield AI, costs would fall.",
        # A list of bodies without any collaboration cue.
        "The survey covered Northland AISI, Westwind Labs, Bluefield AI and Treaty Office.",
        # A collaboration cue but only one institution.
        "Westwind Labs has partnered with several universities.",
        # A question is no statement.
        "Should Treaty Office partner with Compute Alliance?",
        # "never" negates.
        "Redrock Systems has never worked with Southland AISI.",
    ],
)
def test_no_existing_collaboration(nlp: Language, text: str) -> None:
    found = collaborations(nlp, text)
    assert all(c.status != "existing" for c in found)
    assert found == []


def test_enumeration_is_one_collaboration_of_all_parties(nlp: Language) -> None:
    # ANNOTATION.md: "A partnered with B and C" is one record of three unless the text separates them.
    found = collaborations(nlp, "Northland AISI signed memoranda of understanding with Westwind Labs and Bluefield AI.")
    assert sorted(c.parties for c in found) == [("bluefield-ai", "northland-aisi", "westwind-labs")]


def test_coordinated_countries_before_plural_aisis(nlp: Language) -> None:
    # No span covers "Northland" or "Eastmark" alone: the plural head makes them institutes.
    found = collaborations(
        nlp, "In May, the Northland and Eastmark AISIs signed an MoU for working together to develop tests."
    )
    assert [c.parties for c in found] == [("eastmark-aisi", "northland-aisi")]
    assert found[0].status == "announced"
    assert "model_testing" in found[0].types


def test_record_fields(nlp: Language) -> None:
    doc = nlp.make_doc("Intro line.\n\nNorthland AISI has partnered with Redrock Systems\non safety testing.")
    doc._.govmap_page_starts = (0, 13)
    doc = nlp(doc)
    (c,) = doc._.govmap_collaborations
    assert c.page == 2
    assert c.evidence == "Northland AISI has partnered with Redrock Systems on safety testing."
    assert c.extractor == "prose:partnership"
    assert 0.0 <= c.confidence <= 1.0
    assert c.party_surfaces == ("Northland AISI", "Redrock Systems")
    assert set(c.types) <= set(COLLABORATION_TYPES) and c.status in COLLABORATION_STATUSES
    assert c.raw_types[0] == "partnered with"
    assert list(c.types) == sorted(set(c.types))


def test_keeps_collaborations_set_by_others(nlp: Language) -> None:
    doc = nlp.make_doc("Westwind Labs partnered with Bluefield AI.")
    doc._.govmap_collaborations = ["from tables"]
    doc = nlp(doc)
    assert doc._.govmap_collaborations[0] == "from tables"
    assert len(doc._.govmap_collaborations) == 2


def test_find_collaborations_writes_nothing(nlp: Language) -> None:
    doc = nlp.make_doc("Westwind Labs partnered with Bluefield AI.")
    for name, proc in nlp.pipeline:
        if name != "govmap_prose_collaborations":
            doc = proc(doc)
    found = find_collaborations(doc)
    assert [c.parties for c in found] == [("bluefield-ai", "westwind-labs")]
    assert doc._.govmap_collaborations is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"min_confidence": 1.5}, "min_confidence"),  # a probability above 1
        ({"max_sentence_chars": 0}, "max_sentence_chars"),  # would drop every sentence
    ],
)
def test_invalid_settings(settings: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProseCollaborations(**settings)


# -- rules for report layout and wording (issue #5) -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A sentence-initial "It" stands for the institution the previous sentence opened with.
        (
            "Eastmark Institute trains auditors. It is a long-standing partner of Westwind Labs.",
            [(("eastmark-institute", "westwind-labs"), "existing", "general_partnership")],
        ),
        # "Its" continues the topic through a sentence that names nobody.
        (
            "Treaty Office keeps registries. Its staff are few. It works closely with Compute Alliance.",
            [(("compute-alliance", "treaty-office"), "existing", "general_partnership")],
        ),
        # "a key X partner": X is the partner of the sentence's subject; "its ..." examples are not.
        (
            "Eastmark Institute is a key Treaty Office partner on audits, like its Southland AISI pilot.",
            [(("eastmark-institute", "treaty-office"), "existing", "general_partnership")],
        ),
        # Integration cues: "set to operate within", "sits within", "housed in", "as part of".
        (
            "Southland AISI opened in May, set to operate within Treaty Office.",
            [(("southland-aisi", "treaty-office"), "existing", "institutional_integration")],
        ),
        (
            "Northland AISI sits within Compute Alliance.",
            [(("compute-alliance", "northland-aisi"), "existing", "institutional_integration")],
        ),
        (
            "Bluefield AI is housed in Eastmark Institute.",
            [(("bluefield-ai", "eastmark-institute"), "existing", "institutional_integration")],
        ),
        (
            "Westwind Labs was founded as part of Global Data Forum.",
            [(("global-data-forum", "westwind-labs"), "existing", "institutional_integration")],
        ),
        # "the integration of X with Y" names both sides after the cue.
        (
            "Its record includes the integration of Westwind Labs with Compute Alliance.",
            [(("compute-alliance", "westwind-labs"), "existing", "institutional_integration")],
        ),
        # A compound "X-Y MoU" is one bilateral agreement.
        (
            "The Westwind Labs-Bluefield AI MoU was renewed in 2023.",
            [(("bluefield-ai", "westwind-labs"), "existing", "general_partnership")],
        ),
        # Collaborating on a publication is joint research.
        (
            "Treaty Office and Global Data Forum have collaborated on an annual report since 2019.",
            [(("global-data-forum", "treaty-office"), "existing", "joint_research")],
        ),
        # A parenthesised example after the cue is no counterpart.
        (
            "Northland AISI should partner with Westwind Labs on audits (e.g. the Treaty Office model).",
            [(("northland-aisi", "westwind-labs"), "proposed", "general_partnership")],
        ),
        # A participle clause after the counterparts belongs to the sentence's subject.
        (
            "Northland AISI signed an MoU with Westwind Labs and Bluefield AI, enabling collaboration on audits.",
            [(("bluefield-ai", "northland-aisi", "westwind-labs"), "announced", "general_partnership")],
        ),
        # A report by two bodies is their joint work; a report by one is its own.
        (
            "A recent report by Westwind Labs and Bluefield AI maps audit tools.",
            [(("bluefield-ai", "westwind-labs"), "existing", "joint_research")],
        ),
        ("A recent report by Westwind Labs cites Bluefield AI.", []),
        # A body created by another, named right after the verb.
        (
            "In 2022 Treaty Office established the Global Data Forum to pool audit data.",
            [(("global-data-forum", "treaty-office"), "existing", "institutional_integration")],
        ),
        ("Treaty Office established that Global Data Forum keeps no records.", []),
        # An agreement with a body.
        (
            "Treaty Office will work towards an agreement with Compute Alliance.",
            [(("compute-alliance", "treaty-office"), "planned", "general_partnership")],
        ),
        # A unit placed in its host organisation.
        (
            "The Audit Unit in the Treaty Office reviews models.",
            [(("audit-unit", "treaty-office"), "existing", "institutional_integration")],
        ),
        # A partner phrase without a subject of its own: the body the sentences before opened with.
        (
            "Treaty Office keeps registries. Talks with Compute Alliance are ongoing.",
            [(("compute-alliance", "treaty-office"), "existing", "information_sharing")],
        ),
        # Funding needs a funder and a funded body; an opening "Supported by X," names the funder.
        (
            "Supported by Westwind Labs, Treaty Office trains auditors.",
            [(("treaty-office", "westwind-labs"), "existing", "funding")],
        ),
        ("Firms such as Westwind Labs and Bluefield AI have invested in audits.", []),
        # Two bodies joining forces work together; a person's posts are a career, not a collaboration.
        (
            "Westwind Labs and Bluefield AI joined forces in 2021.",
            [(("bluefield-ai", "westwind-labs"), "existing", "general_partnership")],
        ),
        ("Board Member of Treaty Office and Associate Member of Global Data Forum.", []),
        # A footnote run into the text states nothing.
        ("12 Westwind Labs, Annual review of a partnership with Bluefield AI, 2021.", []),
    ],
)
def test_layout_and_wording_rules(nlp: Language, text: str, expected: list[tuple[tuple[str, ...], str, str]]) -> None:
    found = collaborations(nlp, text)
    assert sorted((c.parties, c.status) for c in found) == sorted((p, s) for p, s, _ in expected)
    by_parties = {c.parties: c for c in found}
    for parties, _, a_type in expected:
        assert a_type in by_parties[parties].types


@pytest.mark.parametrize(
    "text",
    [
        # Examples of a category after "with" are not each other's partners.
        "Collaborating with bodies such as Treaty Office and Compute Alliance could help.",
        "Partnerships with Westwind Labs and Bluefield AI could enable regional approaches.",
        # Examples inside a "between" phrase either.
        "Below we list opportunities for collaboration between institutes and actors such as Treaty Office and Compute Alliance.",
        # A heading repeating a collaboration is no statement of its own.
        "Partnership Between Westwind Labs and Bluefield AI",
        "## The Westwind Labs and Bluefield AI Partnership",
        # "It" in "It is unclear whether ..." refers to nothing.
        "Eastmark Institute trains auditors. It is unclear whether anyone works with Westwind Labs.",
        # A bracketed tag of the bodies responsible for a line, or a parenthesised list of examples.
        "Joint research on tidal forecasting models (2025) [Treaty Office, Audit Unit]",
        "Adopting principles set by international bodies (Global Data Forum, Compute Alliance, Treaty Office), the charter aims to cooperate widely.",
        # Diagram source and front matter carried as text.
        'subgraph HUBS["Hubs"] A[Westwind Labs<br/>partner] B[Bluefield AI<br/>partner] end collaboration',
        "lastEdited: '2031-01-01' pageSummary: >- Westwind Labs works with Bluefield AI.",
        # Coordinated subjects that joined or sit within something unnamed are not each other's members.
        "Westwind Labs and Bluefield AI are either excluded or invited to join.",
        "Westwind Labs and Bluefield AI operate within a tense context.",
    ],
)
def test_no_collaboration_from_layout_or_examples(nlp: Language, text: str) -> None:
    assert collaborations(nlp, text) == []


def test_a_sentence_printed_twice_is_one_statement(nlp: Language) -> None:
    sentence = "Westwind Labs signed a memorandum of understanding with Bluefield AI."
    found = collaborations(nlp, f"{sentence}\n\nThe text layer repeats.\n\n{sentence}")
    assert [c.parties for c in found] == [("bluefield-ai", "westwind-labs")]


def test_taking_part_in_a_body_s_work_is_a_collaboration(nlp: Language) -> None:
    for text in (
        "Eastmark Institute takes part in the work of the Global Data Forum.",
        "Treaty Office is actively participating in Compute Alliance discussions.",
        "Northland AISI participates as an observer in the Global Data Forum.",
    ):
        found = collaborations(nlp, text)
        assert len(found) == 1 and found[0].types == ("information_sharing",), text


def test_a_fronted_hosting_participle_takes_the_subject_after_its_comma(nlp: Language) -> None:
    found = collaborations(nlp, "Housed in the Global Data Forum, Audit Unit is one of few such teams.")
    assert [(c.parties, c.types) for c in found] == [
        (("audit-unit", "global-data-forum"), ("institutional_integration",))
    ]


def test_a_presidency_of_a_body_is_membership(nlp: Language) -> None:
    found = collaborations(nlp, "The code followed Northland AISI's chairmanship of the Compute Alliance.")
    assert [c.parties for c in found] == [("compute-alliance", "northland-aisi")]
    assert "institutional_integration" in found[0].types


def test_recommendation_joins_the_subject_and_every_counterpart(nlp: Language) -> None:
    found = collaborations(nlp, "Global Data Forum could collaborate with Westwind Labs and Bluefield AI on training.")
    assert sorted(c.parties for c in found) == [("bluefield-ai", "global-data-forum", "westwind-labs")]
    assert {c.status for c in found} == {"proposed"}
    assert all("capacity_building" in c.types for c in found)


def test_compound_agreements_give_one_collaboration_per_pair(nlp: Language) -> None:
    found = collaborations(
        nlp,
        "Treaty Office lists MoUs for Treaty Office-Westwind Labs, Treaty Office-Bluefield AI, and Compute Alliance-Redrock Systems.",
    )
    assert sorted(c.parties for c in found) == [
        ("bluefield-ai", "treaty-office"),
        ("compute-alliance", "redrock-systems"),
        ("treaty-office", "westwind-labs"),
    ]


def test_cue_words_inside_names_give_no_type_or_trigger(nlp: Language) -> None:
    (c,) = collaborations(nlp, "Southland Standards and Research Centre has partnered with Westwind Labs.")
    assert c.types == ("general_partnership",)
    # "Partnership" inside a name is no trigger.
    assert collaborations(nlp, "Eastmark Partnership on AI and Westwind Labs met in May.") == []


def test_bullets_in_one_line_are_separate_statements(nlp: Language) -> None:
    text = "Two deals were struck. \u2022 Westwind Labs partnered with Bluefield AI. \u2022 Treaty Office partnered with Compute Alliance."
    found = collaborations(nlp, text)
    assert sorted(c.parties for c in found) == [
        ("bluefield-ai", "westwind-labs"),
        ("compute-alliance", "treaty-office"),
    ]
    assert all(c.evidence.startswith("\u2022") for c in found)


def test_coordinated_countries_after_a_list_marker_or_between(nlp: Language) -> None:
    found = collaborations(
        nlp, "- Northland and Southland commit to jointly develop shared evaluations of frontier models."
    )
    assert [c.parties for c in found] == [("northland-aisi", "southland-aisi")]
    found = collaborations(
        nlp, "Similar commitments have been made between Northland and Eastmark to promote training."
    )
    assert [c.parties for c in found] == [("eastmark-aisi", "northland-aisi")]


# --- recall-first readings (issue: collaborations stated in prose, found in any report) -----------


def test_list_items_inherit_the_parties_of_their_lead_statement(nlp: Language) -> None:
    text = (
        "Northland AISI and Westwind Labs are launching joint work in these areas:\n"
        "- Expanding training exchanges for engineers.\n"
        "- Building shared compute for evaluations.\n"
        "The budget is not yet known."
    )
    found = collaborations(nlp, text)
    items = [c for c in found if c.extractor == "prose:list_item"]
    assert [c.parties for c in items] == [("northland-aisi", "westwind-labs")] * 2
    assert "capacity_building" in items[0].types and "resource_sharing" in items[1].types


def test_list_items_after_a_plain_sentence_state_nothing(nlp: Language) -> None:
    text = "Northland AISI and Westwind Labs are launching joint work.\n- Expanding training exchanges.\n"
    assert [c.extractor for c in collaborations(nlp, text)] == ["prose:joint_work"]


def test_the_two_institutes_refers_to_the_sentence_before(nlp: Language) -> None:
    text = (
        "Northland AISI opened in May and Southland AISI in June. The two institutes will collaborate on evaluations."
    )
    found = collaborations(nlp, text)
    assert [(c.parties, c.status) for c in found] == [(("northland-aisi", "southland-aisi"), "planned")]


def test_a_named_organ_of_a_body_is_integrated_with_it(nlp: Language) -> None:
    found = collaborations(nlp, "Reports go to Global Data Forum's Treaty Office every year.")
    assert [(c.parties, c.types, c.extractor) for c in found] == [
        (("global-data-forum", "treaty-office"), ("institutional_integration",), "prose:organ")
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A citation names bodies without stating anything of them.
        "See Northland AISI, Joint report with Westwind Labs (information webpage, 2020).",
        # A career: a person's memberships, not the bodies'.
        "She was previously a member of Westwind Labs and joined Northland AISI in 2021.",
    ],
)
def test_citations_and_biographies_state_no_collaboration(nlp: Language, text: str) -> None:
    assert collaborations(nlp, text) == []


def test_inline_markup_does_not_hide_a_cue(nlp: Language) -> None:
    found = collaborations(nlp, "Northland AISI <u>signed</u> a memorandum of understanding with Westwind Labs.")
    assert [(c.parties, c.status) for c in found] == [(("northland-aisi", "westwind-labs"), "announced")]


class _CountryKB:
    country_surfaces = {"Northland": "NL", "Southland": "SL", "Northlandic": "NL"}
    states = StateFinder(country_surfaces)

    @staticmethod
    def body_of_country(code: str, kind: str) -> str | None:
        return {"NL": "northland-government", "SL": "southland-government"}.get(code)


@Language.component("test_fake_kb_linker")
def fake_kb_linker(doc: Doc) -> Doc:
    doc._.govmap_linker.kb = _CountryKB()
    return doc


def test_countries_acting_as_states_are_parties(nlp: Language) -> None:
    nlp_states = spacy.blank("en")
    for name in nlp.pipe_names:
        nlp_states.add_pipe(name, source=nlp)
    nlp_states.add_pipe("test_fake_kb_linker", after="test_fake_institutions")
    found = list(
        nlp_states("Westwind Labs signed a memorandum of understanding with Southland.")._.govmap_collaborations
    )
    assert [c.parties for c in found] == [("southland-government", "westwind-labs")]
    # "Northland firms" is a modifier, not the state; the adjective never is.
    assert (
        list(
            nlp_states(
                "Northland firms and Northlandic labs signed an agreement with Westwind Labs."
            )._.govmap_collaborations
        )
        == []
    )


register_name_ruler("test_fake_institutions_and_a_country", {**NAMES, "Southland": "southland-government"}, FakeLinker)


def _with_countries(ruler: str) -> Language:
    """A pipeline whose names come from `ruler` and whose linker knows the fake countries."""
    nlp = spacy.blank("en")
    for name in ("govmap_sentences", ruler, "test_fake_kb_linker", "govmap_prose_collaborations"):
        nlp.add_pipe(name)
    return nlp


def test_a_countrys_possessive_is_its_bodys_country_not_an_organ_link() -> None:
    nlp = _with_countries("test_fake_institutions_and_a_country")
    # "... and Southland's Treaty Office": after a partner phrase too, the possessive is no state
    found = collaborations(nlp, "Global Data Forum signed an agreement with Southland's Treaty Office.")
    assert [c.parties for c in found] == [("global-data-forum", "treaty-office")]
    # a body's possessive still names its organ
    found = collaborations(nlp, "Global Data Forum's Treaty Office met twice.")
    assert [(c.parties, c.extractor) for c in found] == [(("global-data-forum", "treaty-office"), "prose:organ")]


# --- organs, list leads (issue 16: recall of collaborations stated in prose) ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A unit, a comma, its academic host: an affiliation line names the unit's parent.
        ("Dana Reyes, Ethics Lab, University of Northvale, 1200 Northvale", [("ethics-lab", "northvale-university")]),
        # Lower-case unit heads, and a name with its bracketed acronym before "of the".
        (
            "The review panel of Global Data Forum met twice.",
            [("global-data-forum", "review-panel")],
        ),
        (
            "She works at the computing laboratory (CLX) of the Polytechnic of Southmere.",
            [("computing-lab", "southmere-polytechnic")],
        ),
        # Joins that follow each other are one statement of three bodies.
        (
            "He directs the Policy Centre at Eastmark Institute, University of Northvale.",
            [("eastmark-institute", "northvale-university", "policy-centre")],
        ),
    ],
)
def test_organ_links(nlp: Language, text: str, expected: list[tuple[str, ...]]) -> None:
    found = [c for c in collaborations(nlp, text) if c.extractor == "prose:organ"]
    assert [c.parties for c in found] == expected
    assert all(c.types == ("institutional_integration",) for c in found)


@pytest.mark.parametrize(
    "text",
    [
        # A list of names is no affiliation.
        "Researchers at Ethics Lab, University of Northvale, and Eastmark Institute helped.",
        "We thank Policy Centre, University of Northvale, Ethics Lab and others.",
        # A comma before a body that is not academic is a list, not a host.
        "Ethics Lab, Global Data Forum and Treaty Office met in May.",
    ],
)
def test_no_organ_link_in_lists(nlp: Language, text: str) -> None:
    assert [c for c in collaborations(nlp, text) if c.extractor == "prose:organ"] == []


def test_list_items_keep_their_lead_across_headings_and_continued_items(nlp: Language) -> None:
    text = (
        "Northland AISI and Westwind Labs are launching joint work in these areas:\n"
        "**Talent**\n"
        "- Expanding training exchanges for engineers. Both sides will fund fellowships.\n"
        "**Compute**\n"
        "- Building shared compute for evaluations.\n"
        "The budget is not yet known.\n"
        "- Writing a charter.\n"
    )
    items = [c for c in collaborations(nlp, text) if c.extractor == "prose:list_item"]
    assert [c.evidence for c in items] == [
        "- Expanding training exchanges for engineers.",
        "- Building shared compute for evaluations.",
    ]
    assert {c.parties for c in items} == {("northland-aisi", "westwind-labs")}


def test_a_lead_subject_acts_in_each_list_item(nlp: Language) -> None:
    text = (
        "Over the next year, Treaty Office will:\n"
        "- launch a joint programme with Bluefield AI on audits;\n"
        "- publish its annual report.\n"
    )
    found = collaborations(nlp, text)
    assert [(c.parties, c.status) for c in found] == [(("bluefield-ai", "treaty-office"), "planned")]


# --- precision on published reports (issue #16) -------------------------------------------------


def test_list_items_naming_topics_of_the_lead_restate_nothing(nlp: Language) -> None:
    lead = "Treaty Office shall report to Westwind Labs on the following:\n"
    found = collaborations(
        nlp, lead + "(a) the need for amendments to the annex;\n(b) Launching a review of the register.\n"
    )
    assert [(c.extractor, c.evidence[:3]) for c in found] == [("prose:membership", "Tre"), ("prose:list_item", "(b)")]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # The sentence announces: "will" plans and far-off triggers inside it are announced.
        (
            "Today we are announcing several new initiatives, including funds for skills and a partnership "
            "between Westwind Labs and Bluefield AI.",
            "announced",
        ),
        # A signing or forming dated in a past year is done: in place.
        ("Westwind Labs entered into a partnership with Bluefield AI in 2019.", "existing"),
        ("In June 2023, Westwind Labs signed a memorandum of understanding with Bluefield AI.", "existing"),
        # A launch still to come is no past act.
        ("Westwind Labs is launching a partnership with Bluefield AI in September 2031.", "announced"),
    ],
)
def test_status_of_announcements_and_dated_acts(nlp: Language, text: str, status: str) -> None:
    assert [c.status for c in collaborations(nlp, text)] == [status]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Westwind Labs and Bluefield AI both supported Treaty Office's approach.", []),
        ("Westwind Labs supported the proposal of Treaty Office, as did Audit Unit's staff.", []),
        ("Westwind Labs supported Treaty Office with staff.", [("treaty-office", "westwind-labs")]),
        # Work on a body's text is work with it, not agreement with its policy.
        (
            "Westwind Labs will support the revision of Treaty Office's principles.",
            [("treaty-office", "westwind-labs")],
        ),
        # A reference the work follows is no party to it.
        (
            "The toolkit was built by Westwind Labs in collaboration with industry and consistent with the "
            "Treaty Office recommendations.",
            [],
        ),
    ],
)
def test_endorsement_and_alignment_are_no_collaboration(nlp: Language, text: str, expected: list) -> None:
    assert [c.parties for c in collaborations(nlp, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Treaty Office shall submit the report to Westwind Labs and to Bluefield AI.",
        "Treaty Office works closely with Westwind Labs and with Bluefield AI.",
    ],
)
def test_a_preposition_repeated_after_and_keeps_the_party_list(nlp: Language, text: str) -> None:
    assert [c.parties for c in collaborations(nlp, text)] == [("bluefield-ai", "treaty-office", "westwind-labs")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A name between "an" and a common noun qualifies a product: the body takes no part.
        ("Westwind Labs runs its models alongside a Bluefield AI system.", []),
        ("Westwind Labs works with a Bluefield AI team.", [("bluefield-ai", "westwind-labs")]),
        ("Westwind Labs partners with a Bluefield AI for every region.", [("bluefield-ai", "westwind-labs")]),
    ],
)
def test_a_name_qualifying_a_product_is_no_party(nlp: Language, text: str, expected: list) -> None:
    assert [c.parties for c in collaborations(nlp, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Work done within a programme does not make the partner a unit of the programme's owner.
        (
            "Westwind Labs launched a partnership with Bluefield AI on audits as part of the Treaty Office programme.",
            [(("bluefield-ai", "westwind-labs"), ("general_partnership",))],
        ),
        (
            "Westwind Labs, as part of Treaty Office, runs audits.",
            [(("treaty-office", "westwind-labs"), ("institutional_integration",))],
        ),
        # "part of a wider push" frames the activity: no integration type.
        (
            "Westwind Labs works with Bluefield AI on audits, which is part of a wider push on trust.",
            [(("bluefield-ai", "westwind-labs"), ("general_partnership",))],
        ),
    ],
)
def test_as_part_of_a_programme_is_no_integration(nlp: Language, text: str, expected: list) -> None:
    assert [(c.parties, c.types) for c in collaborations(nlp, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Harbour Press (2031) Westwind Labs Expands Partnership with Bluefield AI, Signs New Deal.",
        "Northvale Blog (2030), Westwind Labs and Bluefield AI partner to share compute.",
        "Regulation (EU) 2031/77 of Westwind Labs and of Bluefield AI establishing a Treaty Office.",
        "C.f. growing use of shared compute - Westwind Labs Works with Bluefield AI on Audits.",
    ],
)
def test_reference_entries_state_nothing(nlp: Language, text: str) -> None:
    assert collaborations(nlp, text) == []


def test_partners_of_an_unnamed_subject_after_a_recommendation_are_not_each_others(nlp: Language) -> None:
    text = "National authorities should cooperate with Treaty Office on audits and inform Westwind Labs of results."
    assert collaborations(nlp, text) == []


def test_evaluate_and_report_is_no_model_testing(nlp: Language) -> None:
    found = collaborations(nlp, "Treaty Office shall evaluate and report to Westwind Labs on the annex.")
    assert [(c.parties, c.types) for c in found] == [
        (("treaty-office", "westwind-labs"), ("institutional_integration",))
    ]


class _UnionLinker(FakeLinker):
    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        return "union-of-states" if surface == "EU" else super().link(surface, kind_hint=kind_hint)


register_name_ruler("test_fake_institutions_and_a_union", {**NAMES, "Union": "union-of-states"}, _UnionLinker)


def test_other_names_of_the_eu_stand_as_the_state_only() -> None:
    nlp = _with_countries("test_fake_institutions_and_a_union")
    # a place ("across the Union") or a modifier ("Union audit structures") is no party
    text = "Sandboxes are recognised across the Union and set up by Treaty Office."
    assert collaborations(nlp, text) == []
    found = collaborations(nlp, "The Union signed an agreement with Treaty Office.")
    assert [c.parties for c in found] == [("treaty-office", "union-of-states")]
