"""Cue lexicons for prose collaborations: what words say a collaboration is stated, of which
type, with which status, and when a statement is negated or only hypothetical.

Everything here is data.  Patterns are case-insensitive regular expressions matched against one
sentence on one line; `govmap.extractors.prose` decides what to do with the matches.

* `TRIGGER_CUES` — a sentence needs one of these to state a collaboration at all.  Each names the
  collaboration types it implies, the status it implies on its own (before modal words are read),
  how strongly it signals a collaboration (`strength`, used as confidence), and its `role`:
  ``"pair"`` (X ... with Y, X and Y ...), ``"directed"`` (X supports Y: a subject and an object
  are both needed, coordinated subjects alone state nothing), ``"absorb"`` (X absorbed Y, X merged into Y: the two
  sides are the integrating and the integrated body), ``"founds"`` (X established Y: the body named
  right after the verb is X's creation), ``"coauthor"`` (a report by X and Y: the coordinated
  authors are the parties, one author alone states nothing) or ``"recommend"`` (a recommendation
  that bodies should collaborate).
* `TYPE_CUES` — words elsewhere in the sentence that add a type once a trigger is present
  ("... to develop tests" adds model_testing to an MoU).
* `STATUS_CUES` — modal and tense words, strongest first; the first that matches between the
  sentence start and the end of the trigger decides the status.
* `NEGATION_CUES`, `HYPOTHETICAL_CUES` — a trigger in their scope states no collaboration.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Cue",
    "TRIGGER_CUES",
    "TYPE_CUES",
    "STATUS_CUES",
    "NEGATION_CUES",
    "HYPOTHETICAL_CUES",
    "ANNOUNCING_CUES",
    "ALIGNMENT_CUES",
    "ENDORSED_NOUNS",
    "DATED_PAST_CUES",
    "AISI_PLURAL_HEADS",
    "PERSONAL_SUBJECT",
    "SPECIFIC_OVER_GENERAL",
]


@dataclass(frozen=True)
class Cue:
    """One cue: a pattern, the types and status it implies, how strongly, and its rule name."""

    rule: str
    pattern: str
    types: tuple[str, ...] = ()
    status: str = "existing"
    strength: float = 0.7
    role: str = "pair"  # pair | directed | absorb | founds | coauthor | recommend


# Agreements that are signed, launched or announced are "announced" until the text says they are
# in force; joint work described in the present perfect or progressive is "existing".
TRIGGER_CUES: tuple[Cue, ...] = (
    # --- agreements signed --------------------------------------------------------------------
    Cue(
        "agreement",
        r"\b(?:signed|sign|signs|signing|concluded|agreed)\b[^.;]{0,40}?\b(?:memorand(?:um|a) of understanding|mou|mous|agreement|partnership|joint statement|letter of intent|accord|arrangement)s?\b",
        ("general_partnership",),
        "announced",
        0.95,
    ),
    Cue(
        "agreement",
        r"\b(?:memorand(?:um|a) of understanding|mous?|joint statement|letter of intent|collaboration agreement|cooperation agreement|partnership agreement)\b",
        ("general_partnership",),
        "existing",
        0.8,
    ),
    Cue(
        "agreement",
        r"\b(?:announced|launched|unveiled|formed|established|entered into|forged)\b[^.;]{0,40}?\b(?:partnerships?|collaborations?|cooperation|alliance|joint (?:program|programme|initiative|project)s?)\b",
        ("general_partnership",),
        "announced",
        0.85,
    ),
    Cue(
        "partnership",
        r"\b(?:partnered|partnering|partners|partner)\s+(?:directly\s+|closely\s+)?with\b",
        ("general_partnership",),
        "existing",
        0.85,
    ),
    Cue(
        "partnership",
        r"\b(?:partnerships?|collaboration|cooperation|co-operation)\s+(?:with|between|among)\b",
        ("general_partnership",),
        "existing",
        0.7,
    ),
    # "It is a long-standing partner of X"
    Cue("partnership", r"\bpartners? (?:of|to)\b", ("general_partnership",), "existing", 0.7),
    # "exploring collaboration on testing", "commitments have been made between X and Y"
    Cue(
        "partnership", r"\b(?:collaboration|cooperation|co-operation)\s+on\b", ("general_partnership",), "existing", 0.6
    ),
    Cue(
        "partnership",
        r"\b(?:commitments?|arrangements?|dialogues?|ties|links)\b[^.;,]{0,30}?\bbetween\b",
        ("general_partnership",),
        "existing",
        0.6,
    ),
    Cue(
        "partnership",
        r"\b(?:collaborat(?:e|es|ed|ing)|cooperat(?:e|es|ed|ing)|co-operat(?:e|es|ed|ing)|team(?:s|ed)? up)\s+(?:closely\s+)?(?:with|on|to)\b",
        ("general_partnership",),
        "existing",
        0.75,
    ),
    Cue(
        "partnership",
        r"\b(?:work(?:s|ed|ing)?)\s+(?:closely\s+)?(?:with|together)\b",
        ("general_partnership",),
        "existing",
        0.6,
    ),
    Cue(
        "partnership",
        r"\b(?:engag(?:e|es|ed|ing)|coordinat(?:e|es|ed|ing)) (?:closely |directly |actively )?with\b",
        ("general_partnership",),
        "existing",
        0.55,
    ),
    Cue(
        "partnership",
        r"\b(?:collaborat(?:e|ed)|cooperat(?:e|ed)|partner)\b(?=\s*[.;,]|\s+(?:on|in|to)\b)",
        ("general_partnership",),
        "existing",
        0.6,
    ),
    Cue(
        "partnership",
        r"\b(?:have|has) (?:established|formed|built) (?:a |formal |strategic )*partnerships?\b",
        ("general_partnership",),
        "existing",
        0.85,
    ),
    # --- joint work ---------------------------------------------------------------------------
    Cue(
        "joint_work",
        r"\b(?:joint(?:ly)?|together)\s+(?:model\s+)?(?:test(?:s|ed|ing)?|evaluat\w*|red[- ]team\w*|assess\w*)\b",
        ("model_testing",),
        "existing",
        0.9,
    ),
    Cue(
        "joint_work",
        r"\b(?:joint(?:ly)?|collaborative(?:ly)?)\s+(?:research|stud(?:y|ies)|projects?|programs?|programmes?|work(?:ed|ing)?|develop\w*|identify|reports?|papers?|publications?|toolkits?)\b",
        ("joint_research",),
        "existing",
        0.85,
    ),
    Cue(
        "joint_work",
        r"\bco-?(?:host(?:s|ed|ing)?|organi[sz](?:e|es|ed|ing)|produc(?:e|es|ed|ing)|author(?:s|ed|ing)?|authored|lead|led|convene[ds]?|sponsor(?:s|ed|ing)?|fund(?:s|ed|ing)?)\b",
        ("joint_research",),
        "existing",
        0.85,
    ),
    # --- funding ------------------------------------------------------------------------------
    Cue(
        "funding",
        r"\b(?:fund(?:s|ed)?|financ(?:es|ed)|grant(?:ed|s)?|committ?(?:ed|s)?|pledged|contribut(?:ed|es))\b[^.;]{0,40}?(?:[£$€]\s?\d|\bfunding\b|\bgrants?\b)",
        ("funding",),
        "announced",
        0.75,
    ),
    # --- personnel exchanges ------------------------------------------------------------------
    Cue(
        "personnel",
        r"\b(?:personnel|staff|expert|researcher|talent)[- ](?:exchanges?|secondments?|mobility|bridge)\b|\bsecond(?:s|ed|ing|ment) (?:staff|experts?|researchers?)\b",
        ("capacity_building",),
        "existing",
        0.8,
    ),
    # --- access arrangements ------------------------------------------------------------------
    Cue(
        "access",
        r"\b(?:(?:pre|post)[- ]?deployment |early |privileged |priority )?access to\b[^.;]{0,60}?\bmodels?\b|\bmodel access\b",
        ("model_testing",),
        "existing",
        0.7,
    ),
    Cue(
        "access",
        r"\bshare[sd]?\b[^.;]{0,30}?\b(?:allocation|compute|computing|infrastructure|resources?|datasets?)\b",
        ("resource_sharing",),
        "existing",
        0.75,
    ),
    # --- integration ----------------------------------------------------------------------------
    Cue(
        "integration",
        r"\b(?:absorb(?:s|ed|ing)?|incorporat(?:es|ed)|subsum(?:es|ed)|took over|takes over)\b",
        ("institutional_integration",),
        "existing",
        0.85,
        role="absorb",
    ),
    Cue(
        "integration",
        r"\b(?:merg(?:e|es|ed|ing)|integrat(?:e|es|ed|ing)|fold(?:s|ed)?)\s+(?:fully\s+)?(?:into|with)\b|\b(?:hosted|housed|embedded) (?:by|within|in|at)\b|\bintegration of\b",
        ("institutional_integration",),
        "existing",
        0.85,
        role="absorb",
    ),
    # "X, set to operate within Y", "X as part of Y", "X sits within Y": X is (or will be) a unit
    # of Y ("X is hosted by Y" is the cue above).
    Cue(
        "integration",
        r"\b(?:operat(?:e|es|ed|ing)|sit(?:s|ting)?|situated|located|placed|nested) (?:with)?in\b|\b(?:as|is|are|was|were|became|becomes) (?:a |an )?(?:formal |integral )?part of\b|\bunder the (?:auspices|umbrella) of\b",
        ("institutional_integration",),
        "existing",
        0.8,
        role="absorb",
    ),
    # "X and Y have collaborated on a yearly report": joint work on a publication.
    Cue(
        "joint_work",
        r"\b(?:collaborat(?:e|es|ed|ing)|cooperat(?:e|es|ed|ing)|partner(?:s|ed)?) (?:together )?on (?:a |an |the |their |joint )?\[?(?:\w+ ){0,2}(?:reports?|publications?|stud(?:y|ies)|papers?|surveys?)\b",
        ("joint_research",),
        "existing",
        0.8,
    ),
    # --- membership, hosting, secretariat, reporting lines (ANNOTATION.md: institutional_integration)
    Cue(
        "membership",
        r"\b(?:(?:a |an |the )?(?:founding |full |permanent |associate )?members? of|membership (?:of|in)|(?:has |have )?join(?:s|ed|ing)?|(?:its |their )?members (?:include|are|comprise)|(?:presidency|chairmanship|chair) of)\b",
        ("institutional_integration",),
        "existing",
        0.7,
    ),
    Cue(
        "membership",
        r"\b(?:reports? (?:directly )?to|accountable to|chaired by|co-chaired by|(?:is |are )?(?:run|led|managed|overseen|coordinated|facilitated|convened|steered) by|secretariat (?:support )?(?:of|for|to|from|at)|(?:provides?|receives?) (?:the )?secretariat|under the (?:authority|responsibility|leadership) of|set up (?:by|within)|established (?:by|within|under)|affiliated with|headquartered (?:in|at))\b",
        ("institutional_integration",),
        "existing",
        0.75,
    ),
    # --- funding and support ------------------------------------------------------------------
    # Funding runs from a funder to a funded body: both sides are needed ("X, funded by Y").
    Cue(
        "funding",
        r"\b(?:(?:funded|financed|sponsored|supported|backed|bankrolled) by|with (?:financial )?(?:support|funding) (?:from|of)|(?:grants?|funding|financing|investment) (?:from|by)|invest(?:s|ed|ing)? in|(?:provides?|provided) funding (?:to|for))\b",
        ("funding",),
        "existing",
        0.75,
        role="directed",
    ),
    Cue("partnership", r"\bjoin(?:s|ed|ing)? forces\b", ("general_partnership",), "existing", 0.85),
    # "X takes part in the work of Y", "X participates in Y discussions": a party to Y's work.
    Cue(
        "participation",
        r"\b(?:participat(?:e|es|ed|ing)|(?:take|takes|took|taking) part)\s+(?:actively\s+|fully\s+|as (?:an? )?(?:observers?|members?)\s+)?in\b",
        ("information_sharing",),
        "existing",
        0.6,
    ),
    # --- dialogue and exchange ------------------------------------------------------------------
    Cue(
        "dialogue",
        r"\b(?:dialogues?|talks|consultations?|exchanges?|meetings?|discussions?|engagement) (?:with|between|among)\b|\b(?:consult(?:s|ed|ing)?|met|meets?|meeting) with\b",
        ("information_sharing",),
        "existing",
        0.65,
    ),
    Cue(
        "dialogue",
        r"\b(?:make|makes|made|provide|provides|provided|submit|submits|submitted|give|gives|gave|offer|offers|offered) (?:\w+ ){0,2}(?:recommendations?|input|advice|inputs|feedback|reports?) (?:to|for)\b",
        ("information_sharing",),
        "existing",
        0.6,
    ),
    # --- joint and accompanied work -----------------------------------------------------------
    Cue(
        "joint_work",
        r"\b(?:jointly|together|co-?operatively)\s+(?:\w+ly\s+)?(?:produce|develop|organi[sz]e|launch|run|host|fund|publish|issue|build|design|deliver|implement|establish|create|lead|manage|promote|advance)\w*\b",
        ("joint_research",),
        "existing",
        0.8,
    ),
    Cue(
        "partnership",
        r"\b(?:together with|alongside|in (?:close )?(?:coordination|cooperation|co-operation|collaboration|partnership|consultation|conjunction|association) with|in concert with|hand in hand with)\b",
        ("general_partnership",),
        "existing",
        0.65,
    ),
    Cue(
        "partnership",
        r"\b(?:bilateral|trilateral|multilateral|joint)\s+(?:\w+\s+){0,2}(?:initiatives?|partnerships?|cooperation|co-operation|collaboration|programmes?|programs?|projects?|roadmaps?|dialogues?|working groups?|task forces?|committees?|mechanisms?|statements?|declarations?|communiqu\w+|research|exercises?|efforts?)\b",
        ("general_partnership",),
        "existing",
        0.7,
    ),
    Cue(
        "support",
        r"\b(?:assist(?:s|ed|ing)?|support(?:s|ed|ing)?|help(?:s|ed|ing)?|advis(?:e|es|ed|ing)|contribut(?:e|es|ed|ing) to|feed(?:s|ing)? (?:directly )?into|complement(?:s|ed|ing)?)\b",
        ("general_partnership",),
        "existing",
        0.55,
        role="directed",
    ),
    # "an agreement with Y", "talks towards an accord with Y": the agreement's other side.
    Cue(
        "agreement",
        r"\b(?:agreements?|accords?|treat(?:y|ies)|pacts?|arrangements?)\s+with\b",
        ("general_partnership",),
        "existing",
        0.75,
    ),
    # --- co-authored work and founded bodies --------------------------------------------------
    # "a report by X and Y", "research from X, Y and Z": the coordinated authors worked together.
    Cue(
        "coauthor",
        r"\b(?:reports?|stud(?:y|ies)|papers?|analys[ie]s|surveys?|publications?|articles?|briefs?|toolkits?|research|reviews?|handbooks?|playbooks?)\s+(?:\w+\s+){0,2}?(?:by|from)\b",
        ("joint_research",),
        "existing",
        0.75,
        role="coauthor",
    ),
    # "X established the Y Group", "X set up a Y Office": Y is X's creation (institutional_integration).
    Cue(
        "founds",
        r"\b(?:(?:has|have|had)\s+)?(?:established|created|set up|founded|launch(?:ed|es)?|convened|establish(?:es|ing)?|creat(?:e|es|ing)|found(?:s|ing))\b",
        ("institutional_integration",),
        "existing",
        0.7,
        role="founds",
    ),
    # --- recommendations ----------------------------------------------------------------------
    Cue(
        "recommendation",
        r"\b(?:should|could|must|ought to)\s+(?:also\s+|actively\s+|closely\s+|further\s+)*(?:collaborate|cooperate|co-operate|partner|work (?:closely )?(?:with|together)|engage with|coordinate with|join forces)\b",
        ("general_partnership",),
        "proposed",
        0.75,
        role="recommend",
    ),
)

# Words that add a type once a trigger has found a collaboration in the sentence.
TYPE_CUES: tuple[tuple[str, str], ...] = (
    (
        # "shall evaluate and report to Y", "an evaluation report": a review of a policy, no model test.
        r"\b(?:test(?:s|ing)?|evaluat\w*(?!\s+(?:and\s+)?report)|red[- ]team\w*|safety assessments?|model access|benchmarking)\b",
        "model_testing",
    ),
    # "research" names joint research, not the research bodies or infrastructures in the sentence.
    (
        r"\b(?:research|R&D|scientific (?:cooperation|collaboration|exchange)|stud(?:y|ies)|joint (?:reports?|papers?|publications?)|co-?author\w*)\b(?! (?:infrastructures?|organi[sz]ations?|institut\w*|centres?|centers?|councils?|resources?))",
        "joint_research",
    ),
    (
        r"\b(?:standards?|guidelines?|benchmarks?|best practices|codes? of (?:conduct|practice)|principles|norms|technical specifications?)\b",
        "standards_guidelines",
    ),
    (
        r"\b(?:harmoni[sz]\w*|interoperab\w*|mutual recognition|crosswalks?|convergen\w+|align(?:ing|ment|ed)? (?:of |their |our )?(?:regulat\w+|polic\w+|rules|approaches|frameworks?)|map(?:ping)? (?:their |of )?(?:respective )?frameworks?|regulatory (?:frameworks?|alignment|cooperation|barriers|approaches|dialogue))\b",
        "regulatory_harmonization",
    ),
    (
        r"\b(?:personnel exchanges?|secondments?|train(?:s|ed|ing)?|trainees?|capacity[- ]building|build(?:ing)? capacity|talent|skills?|workforce|fellowships?|education(?:al)? exchanges?|professional development|STEM)\b",
        "capacity_building",
    ),
    (
        r"\b(?:compute|computing|computational resources|infrastructure|datasets?|data sharing|shar\w+ (?:of )?(?:data|resources|facilities|infrastructure)|cloud|supercomput\w+|testbeds?|pool(?:ed|ing)? (?:their )?resources)\b",
        "resource_sharing",
    ),
    (
        r"\b(?:funding|funds?|funded|co-fund\w*|grants?|financ\w+|invest\w*|[£$€]\s?\d[\d,.]*\s*(?:million|billion|m|bn)?|EUR \d[\d,.]*)\b",
        "funding",
    ),
    (
        r"\b(?:information[- ]sharing|knowledge[- ]sharing|shar\w+ (?:of )?(?:information|expertise|knowledge|results|findings|best practices|insights|experiences?)|exchange (?:of )?(?:information|expertise|views|experiences?|best practices)|dialogues?|consultations?|talks|discussions?|roundtables?|meetings?|exchanges?)\b",
        "information_sharing",
    ),
    (
        # "as part of our Y Fund", "is part of a wider push": an activity's frame, not membership.
        r"\b(?:members?|membership|host(?:s|ed|ing)?|secretariat|chair(?:s|ed|ing)?|merg\w+|absorb\w*|affiliated|(?<!\bas )part of(?! (?:an?|our|their|its|this|these|wider|broader|ongoing)\b)|reports? to|under the auspices)\b",
        "institutional_integration",
    ),
)

# A specific type makes "general_partnership" redundant: an MoU "to develop tests" is model testing.
SPECIFIC_OVER_GENERAL = True

# Checked in this order between the sentence start and the end of the trigger; the first match
# wins.  Proposals beat plans beat announcements beat the trigger's own default.
STATUS_CUES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:should|could|might|ought to|would (?:benefit|be (?:well[- ](?:placed|positioned)|able)|have the (?:capacity|ability|means))|(?:will|would) be (?:essential|crucial|important|vital|key|necessary|critical)|we (?:recommend|propose|suggest)|it is recommended|recommend(?:s|ed)? that|propos(?:e|es|ed) that)\b",
        "proposed",
    ),
    (
        r"\b(?:will|shall|plan(?:s|ned|ning)? (?:to|on)|seek(?:s|ing)?|intend(?:s|ed)? to|intention to|aim(?:s)? to|are set to|is set to|going to|commit(?:s|ted)? to (?:creat|launch|establish|develop)\w*|pledged to|expected to|upcoming|forthcoming)\b",
        "planned",
    ),
    (
        r"\b(?:signed|launch(?:ed|es|ing)|announc(?:ed|es|ing)|unveil(?:ed|s|ing)|agreed|concluded|committed|pledged|welcom(?:ed|es|ing))\b",
        "announced",
    ),
    (
        r"\b(?:in force|have been|has been|has (?:established|formed|partnered)|have (?:established|formed|partnered)|currently|already|ongoing|since \d{4})\b",
        "existing",
    ),
)

# An announcement made by the sentence itself ("Today we are announcing ... a partnership with Y"):
# everything it announces is announced, also "will" plans inside it (ANNOTATION.md: "will launch"
# in an announcement), however far the announcing words stand from the trigger.
ANNOUNCING_CUES = r"\b(?:today,?\s+(?:[\w'\u2019]+\s+){0,3}|(?:we|I)\s+(?:are|am)\s+(?:(?:also|now|pleased|proud|delighted|happy)\s+(?:to\s+)?)*|hereby\s+)announc(?:e|es|ed|ing)\b"

# A signing or forming in the past tense, dated in a year ("entered into a partnership with Y in
# 2019", "was established in 2020", "In 2021, X and Y agreed ..."): done, so the collaboration is
# in place.  "launching in September 2024" is no past act.
_PAST_ACT = r"(?:signed|launched|announced|agreed|concluded|entered into|established|formed|forged|unveiled|founded|created|set up)"
_DATE = r"(?:in|since) (?:(?:early|mid|late)[- ])?(?:(?:January|February|March|April|May|June|July|August|September|October|November|December) )?(?:19|20)\d\d\b"
DATED_PAST_CUES = rf"\b{_PAST_ACT}\b[^;]{{0,100}}?\b{_DATE}|\b{_DATE},?\s[^;]{{0,100}}?\b{_PAST_ACT}\b"

# A body named after one of these, past the trigger, is only a reference the work follows
# ("developed in collaboration with industry and consistent with the Y recommendations"), not a
# party to it.
ALIGNMENT_CUES = r"\b(?:consistent with|in (?:line|keeping|accordance|conformity) with|aligned with|in alignment with|as called for by|called for by|pursuant to|as (?:set out|described|defined|required) (?:in|by)|according to|in response to)\b"

# What a supporter endorses rather than works with: "X supported Y's approach", "backing the
# proposal of Y".  Supporting a body's policy is agreement with it, not work with it.
ENDORSED_NOUNS = r"(?:approach(?:es)?|proposals?|positions?|stances?|views?|plans?|agendas?|visions?|calls?|decisions?|ideas?|recommendations?|conclusions?|principles|statements?|declarations?|strateg(?:y|ies)|direction|leadership|candidacy|bid)"

# A trigger in the scope of one of these states no collaboration (scope: the few words before it).
NEGATION_CUES = r"\b(?:not|never|no|neither|nor|declined to|refused to|failed to|without|ceased|ended|withdr[ae]wn?|cancel(?:led|ed))\b|n't\b"

# A sentence that only imagines a collaboration states none: conditionals and counterfactuals.
HYPOTHETICAL_CUES = r"\b(?:if|unless|whether|were to|in the event that|hypothetical(?:ly)?|imagine|suppose)\b"

# A sentence about a person ("She previously worked with X") is a biography, not a collaboration.
PERSONAL_SUBJECT = r"^(?:He|She)\b"

# "the UK and U.S. AISIs": coordinated country names before a plural institute head.
AISI_PLURAL_HEADS = r"(?:AISIs|AI Safety Institutes|Safety Institutes|AI Security Institutes|AI safety institutes)"
