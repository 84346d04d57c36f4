"""Countries read as states only where they stand as states (`govmap.extractors.states`)."""

from __future__ import annotations

import pytest

from govmap.extractors.states import StateFinder, is_state_use

SURFACES = {
    "United States": "US",
    "US": "US",
    "India": "IN",
    "Canada": "CA",
    "China": "CN",
    "EU": "EU",
    "Norway": "NO",
    "Iceland": "IS",
    "Japanese": "JP",
    "Japan": "JP",
}


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("The United States and India are launching new initiatives.", ["United States", "India"]),
        ("talks with Canada on safety", ["Canada"]),
        ("the US-China dialogue", ["US", "China"]),
        ("Japan will host the meeting.", ["Japan"]),
        ("between the EU and Japan.", ["EU", "Japan"]),
        # modifiers, places, adjectives and compounds are not states
        ("US companies and EU regulators met.", []),
        ("firms operating in Norway, Iceland, or Canada", []),
        ("Japanese firms", []),
        ("U.S.-based firms", []),
        ("India's Ministry of Harbours", []),
        # a possessive before a name says where the body is rooted, after a partner phrase too
        ("talks with Canada's Harbour Office", []),
        ("the Harbour Office and the US's Tide Agency agreed", []),
        # a bracketed country before a number labels a legal act
        ("under Regulation (EU) 2031/17 and Directive (EU) No 12/2030", []),
        ("talks with Japan (and Canada) continue", ["Japan", "Canada"]),
        # a possessive before a common noun is the state's own
        ("Canada's partnership with India", ["Canada", "India"]),
        # ... but a thing the country has places it: no state acts
        ("to reduce Canada's carbon impacts and India's wisdom", []),
    ],
)
def test_find_states(text: str, states: list[str]) -> None:
    assert [s.surface for s in StateFinder(SURFACES).find(text)] == states


def test_is_state_use_of_a_named_body() -> None:
    text = "the EU and Canada agreed, while EU support grew"
    assert is_state_use(text, 4, 6)
    assert not is_state_use(text, 32, 34)
