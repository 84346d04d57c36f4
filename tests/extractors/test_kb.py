import pytest

from govmap.extractors.kb import KnowledgeBase, load_kb, normalize_surface


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.mark.parametrize(
    "surface, hint, expected",
    [
        ("US", "ai_safety_institute", "us-aisi"),  # a country plus a kind hint names its institute
        ("UK", "ai_safety_institute", "uk-aisi"),
        ("EU", "ai_safety_institute", "eu-ai-office"),  # the EU's institute is the AI Office
        ("OpenAl", None, "openai"),  # OCR prints "AI" as "Al"
        ("Open Al", None, "openai"),  # ...and splits the word
        ("OECD", None, "oecd"),
        ("International Science Council", None, "isc"),
        ("AISI Network", None, "network-of-aisis"),
        ("Japan's AISI", None, "japan-aisi"),  # possessive country
        ("the American AISI", None, "us-aisi"),  # adjective country and "the"
        ("U.S. AISI", None, "us-aisi"),  # dotted acronym
        ("UK government", None, "uk-government"),  # governments are bodies, countries are not
        ("UK", None, None),  # a bare country is not an institution
        ("who", None, None),  # acronyms are case-sensitive
    ],
)
def test_link(kb, surface, hint, expected):
    assert kb.link(surface, kind_hint=hint) == expected


def test_distinct_un_bodies(kb):
    # UN, UNESCO and UNGA must never collapse into one id
    assert len({kb.link("UN"), kb.link("UNESCO"), kb.link("UNGA")}) == 3


def test_instrument_link_plural(kb):
    assert kb.link_instrument("memoranda of understanding") == "mou"
    assert kb.link_instrument("third-party audits") == "audits"
    assert kb.link_instrument("audits") is None  # a word in passing is not the mechanism (too general)
    assert kb.link_instrument("EU AI Act") == "eu-ai-act"


def test_round_trip(kb, tmp_path):
    kb.to_disk(tmp_path)
    again = KnowledgeBase.from_disk(tmp_path)
    assert again.institutions == kb.institutions and again.version == kb.version


def test_bad_jsonl_names_file(tmp_path):
    (tmp_path / "institutions.jsonl").write_text("{not json\n")
    with pytest.raises(ValueError, match="line 1"):
        KnowledgeBase.from_disk(tmp_path)


def test_normalize():
    assert normalize_surface("the U.S. Al Safety Institute") == "us ai safety institute"


@pytest.mark.parametrize(
    "name, codes",
    [
        ("University of Toronto", ["CA"]),  # a city in the name
        ("Korean Institute of Policy Studies", ["KR"]),  # a national adjective
        ("U.S.-India Business Council", ["US", "IN"]),  # binational: both, the caller decides
        ("Federal University of Rio Grande do Sul", ["BR"]),  # the first place only
        ("Ministry of Justice", []),  # nothing in the name
        ("Harbour Data Institute", []),  # a capitalised word that is no place
    ],
)
def test_countries_in_name(kb, name, codes):
    assert kb.countries_in_name(name) == codes


def test_government_of_a_country_is_the_national_one(kb):
    # devolved governments ("Scottish Government") do not make the UK's ambiguous
    assert kb.body_of_country("GB", "government_body") == "uk-government"


def test_every_kb_surface_is_unique_to_one_body_or_marked_shared(kb):
    # a surface two bodies share is resolved by context; it must be a deliberate alias, never a name
    names = {}
    for inst in kb.institutions.values():
        names.setdefault(inst.name, []).append(inst.id)
    assert {n: ids for n, ids in names.items() if len(ids) > 1} == {}
