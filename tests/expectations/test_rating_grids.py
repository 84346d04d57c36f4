"""The report's rating tables as HTML heat tables (`govmap.expectations.rating_grids`)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from govmap.expectations.rating_grids import NO_SCORE, VIRIDIS, rating_grids_html, score_colour


def _ratings(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "table_id", "subject", "criterion", "rating", "score"])


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_the_colours_are_matplotlibs_viridis() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib.colors import to_hex

    viridis = matplotlib.colormaps["viridis"]
    assert VIRIDIS == tuple(to_hex(viridis(i / 16)) for i in range(17))
    for i in range(1001):  # between the stops, within a few levels of the full map
        ours, theirs = _channels(score_colour(i / 1000)), _channels(to_hex(viridis(i / 1000)))
        assert max(abs(a - b) for a, b in zip(ours, theirs)) <= 5, (i, ours, theirs)
    assert score_colour(-1) == VIRIDIS[0] and score_colour(2) == VIRIDIS[-1]


def test_one_table_per_document_table_with_the_ratings_as_printed() -> None:
    ratings = _ratings(
        [
            ("d1", "table-1", "Harbor Board", "Legitimacy", "strong", 1.0),
            ("d1", "table-1", "Harbor Board", "Speed", "weak", 0.0),
            ("d1", "table-1", "Tidewater Office", "Legitimacy", "unclear", math.nan),
            ("d2", "table-1", "Harbor Board", "Cost", "", 0.5),
        ]
    )
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "source_uri": ["/in/memo-one.txt", "/in/memo-two.txt"]})
    html = rating_grids_html(ratings, documents)
    assert html.startswith("<h2>Rating tables (2)</h2>")
    assert html.count("<table") == 2
    assert "Ratings: table-1 in memo-one.txt" in html and "Ratings: table-1 in memo-two.txt" in html
    assert f'background:{VIRIDIS[-1]};color:#222222">strong<' in html
    assert f'background:{VIRIDIS[0]};color:#ffffff">weak<' in html
    assert f'background:{NO_SCORE}">unclear<' in html  # rated, but its scale gives no score
    assert ">(blank)<" in html  # an empty printed rating stays visible
    # Tidewater Office is not rated on Speed: an empty cell, not a coloured one.
    first = html[: html.index("</table>")]
    assert first.count("<td></td>") == 1


def test_every_value_is_escaped() -> None:
    hostile = '<img src=x onerror=alert(1)> "Body"'
    html = rating_grids_html(_ratings([("d1", "<t>", hostile, "a&b", "<b>x</b>", 0.3)]))
    assert "<img" not in html and "<b>" not in html and "<t>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &quot;Body&quot;" in html and "a&amp;b" in html


def test_no_ratings_no_section() -> None:
    assert rating_grids_html(None) == "" and rating_grids_html(_ratings([])) == ""
