"""Printed collaboration types -> the contract's collaboration vocabulary."""

from __future__ import annotations

import pytest

from govmap.datasets.contract import COLLABORATION_TYPES
from govmap.extractors.collab_types import FALLBACK_TYPE, TYPE_RULES, map_collaboration_type, split_raw_types


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Joint Research Projects", ("joint_research",)),
        # singular, lower case
        ("joint research project", ("joint_research",)),
        ("Model Testing and Evaluation", ("model_testing",)),
        # access to models is granted for testing
        ("Model Access and Testing", ("model_testing",)),
        ("Developing Guidelines and Standards", ("standards_guidelines",)),
        ("Harmonizing Regulatory Frameworks", ("regulatory_harmonization",)),
        # British spelling and another inflection
        ("harmonised regulation", ("regulatory_harmonization",)),
        # "exchanges" here are of people, not of information
        ("Personnel Exchanges and Capacity Building", ("capacity_building",)),
        ("Sharing compute resources", ("resource_sharing",)),
        ("Funding", ("funding",)),
        # research money is funding, not joint research
        ("Research funding", ("funding",)),
        ("Information sharing", ("information_sharing",)),
        ("Sharing of findings", ("information_sharing",)),
        ("Merged into the new office", ("institutional_integration",)),
        ("Absorbed", ("institutional_integration",)),
        # one cell naming two kinds maps to both, sorted
        ("Joint research and standards development", ("joint_research", "standards_guidelines")),
        # unknown kinds are still collaborations
        ("Memorandum of understanding", (FALLBACK_TYPE,)),
        # nothing printed, nothing mapped
        ("", ()),
    ],
)
def test_map_collaboration_type(raw, expected):
    assert map_collaboration_type(raw) == expected


def test_rules_use_the_contract_vocabulary():
    assert {kind for kind, _ in TYPE_RULES} | {FALLBACK_TYPE} <= set(COLLABORATION_TYPES)


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        # "and" joins words inside one type: never a separator
        ("Personnel Exchanges and Capacity Building", ["Personnel Exchanges and Capacity Building"]),
        ("Joint research; funding", ["Joint research", "funding"]),
        ("• Joint research\n• Funding", ["Joint research", "Funding"]),
        # a type wrapped over two lines in the cell stays one type
        ("Model Access and\nTesting", ["Model Access and Testing"]),
    ],
)
def test_split_raw_types(cell, parts):
    assert split_raw_types(cell) == parts
