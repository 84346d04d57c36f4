from govmap.extractors.kb import load_kb
from govmap.extractors.records import Collaboration, Discovery, Extraction, Mention
from govmap.extractors.resolve import resolve


def mention(doc, key, surface, etype="institution"):
    return Mention(doc, etype, key, surface, 1, 0, len(surface), surface, "t", 1.0)


def corpus():
    a = Extraction(
        "a",
        mentions=(mention("a", "new:frontier-safety-council", "Frontier Safety Council"), mention("a", "oecd", "OECD")),
        discoveries=(
            Discovery("institution", "new:frontier-safety-council", "Frontier Safety Council", "FSC", "other"),
        ),
    )
    b = Extraction(
        "b",
        mentions=(mention("b", "new:fsc", "FSC"), mention("b", "un", "UN"), mention("b", "unesco", "UNESCO")),
        collaborations=(
            Collaboration("b", ("new:only-party", "un"), ("funding",), ("f",), "existing", 1, "e", "t", 1.0),
        ),
    )
    return [a, b]


def test_acronym_and_name_merge_across_documents():
    r = resolve(corpus(), load_kb())
    assert r.key_map["new:fsc"] == r.key_map["new:frontier-safety-council"] == "frontier-safety-council"
    row = next(x for x in r.institutions if x.institution_id == "frontier-safety-council")
    assert (row.acronym, row.n_documents, row.n_mentions, row.known) == ("FSC", 2, 2, False)
    assert row.aliases == ("FSC", "Frontier Safety Council")


def test_distinct_bodies_and_party_only_rows():
    r = resolve(corpus(), load_kb())
    ids = [x.institution_id for x in r.institutions]
    assert {"un", "unesco", "oecd", "only-party"} <= set(ids)
    assert next(x for x in r.institutions if x.institution_id == "only-party").n_mentions == 0


def test_deterministic():
    assert resolve(corpus(), load_kb()) == resolve(list(reversed(corpus())), load_kb())


def test_aliases_leave_out_inline_markup_the_text_carried():
    # a report with underline tags inside a name; the mention keeps them (its offsets point into
    # the page text), the published alias does not
    a = Extraction(
        "a",
        mentions=(
            mention("a", "oecd", "Organisation for Economic</u> Co-operation and <u>Development</u"),
            mention("a", "oecd", "OECD"),
        ),
    )
    row = next(x for x in resolve([a], load_kb()).institutions if x.institution_id == "oecd")
    assert row.aliases == ("OECD", "Organisation for Economic Co-operation and Development")


def test_a_body_only_a_discovery_names_gets_no_row():
    # A definition whose aliases link to two known bodies joins the first; the second was named
    # by no mention, party or subject, and once got a row with n_documents = 0, which failed
    # validation and blocked the whole batch.
    a = Extraction(
        "a",
        mentions=(mention("a", "new:x-council", "X Council"),),
        discoveries=(
            Discovery("institution", "new:x-council", "X Council", "XC", "other", aliases=("OECD", "UNESCO")),
        ),
    )
    r = resolve([a], load_kb())
    assert {x.institution_id for x in r.institutions} == {"oecd"}
    assert all(x.n_documents >= 1 for x in r.institutions)


def test_generic_names_keyed_by_document_country_stay_apart():
    # "Ministry of Harbours" in a Japanese and in a Korean report: two bodies, each with its country
    docs = [
        Extraction(
            d,
            mentions=(mention(d, f"new:ministry-of-harbours@{cc}", "Ministry of Harbours"),),
            discoveries=(
                Discovery(
                    "institution",
                    f"new:ministry-of-harbours@{cc}",
                    "Ministry of Harbours",
                    None,
                    "government_body",
                    country=cc.upper(),
                ),
            ),
        )
        for d, cc in (("a", "jp"), ("b", "kr"))
    ]
    r = resolve(docs, load_kb())
    rows = sorted((x.country, x.n_documents) for x in r.institutions if x.name == "Ministry of Harbours")
    assert rows == [("JP", 1), ("KR", 1)]


def test_discovered_country_is_the_most_common():
    docs = [
        Extraction(
            d,
            mentions=(mention(d, "new:lakeside-institute", "Lakeside Institute"),),
            discoveries=(
                Discovery(
                    "institution",
                    "new:lakeside-institute",
                    "Lakeside Institute",
                    None,
                    "research_organization",
                    country=cc,
                ),
            ),
        )
        for d, cc in (("a", "US"), ("b", "CA"), ("c", "CA"))
    ]
    row = next(x for x in resolve(docs, load_kb()).institutions if x.name == "Lakeside Institute")
    assert row.country == "CA"
