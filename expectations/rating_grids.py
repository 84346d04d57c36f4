"""The release's rating tables as heat tables on the report page: one HTML table per rating table
of a document (subjects by criteria), each cell the rating as printed, on a background coloured
by its score.

They are HTML, not images.  Drawn with matplotlib, each table cost a quarter of a second or more
(SVG and PNG) on the release's critical path, so a corpus with many rating tables spent most of
its publishing time drawing them; as HTML a hundred tables take milliseconds, and a reviewer can
search, select and copy every value (screen readers read them as tables).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from govmap.escape import escape_html as _e

__all__ = ["NO_SCORE", "VIRIDIS", "rating_grids_html", "score_colour"]

# matplotlib's "viridis" at 0, 1/16, ..., 1: the colour map the report's figures use, without
# importing matplotlib into the process that publishes.  Interpolated between these stops it is
# within 5 of 255 of matplotlib's own on every channel (tests/expectations/test_rating_grids.py).
VIRIDIS = (
    "#440154", "#48186a", "#472d7b", "#424086", "#3b528b", "#33638d", "#2c728e", "#26828e", "#21918c",
    "#1fa088", "#28ae80", "#3fbc73", "#5ec962", "#84d44b", "#addc30", "#d8e219", "#fde725",
)  # fmt: skip
NO_SCORE = "#e6e6e6"  # a rating the scale could not score: light grey
DARK_BELOW = 0.6  # scores under this sit on dark colours and take white text

CSS = (
    "table.grid{width:auto}table.grid td{text-align:center;white-space:nowrap}"
    "table.grid th.subject{text-align:left;white-space:normal;min-width:10rem}"
    ".legend{display:inline-block;width:10rem;height:.8rem;vertical-align:middle;"
    f"background:linear-gradient(to right,{','.join(VIRIDIS)})}}"
)


def score_colour(score: float) -> str:
    """The colour of `score` (0 to 1, clipped) on the viridis map, as #rrggbb."""
    x = min(max(float(score), 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(x), len(VIRIDIS) - 2)
    low, high = _rgb(VIRIDIS[i]), _rgb(VIRIDIS[i + 1])
    t = x - i
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(low, high))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _document_names(documents: pd.DataFrame | None) -> dict[str, str]:
    """doc_id -> the document's file name, which a reader recognises (doc_id is a hash)."""
    if documents is None or documents.empty:
        return {}
    return {d: Path(str(uri)).name or d for d, uri in zip(documents["doc_id"], documents["source_uri"], strict=True)}


def _cell(rating: object, score: float) -> str:
    if pd.isna(rating):  # the table does not rate this subject on this criterion
        return "<td></td>"
    if pd.isna(score):
        return f'<td style="background:{NO_SCORE}">{_e(str(rating)) or "(blank)"}</td>'
    text = "#ffffff" if score < DARK_BELOW else "#222222"
    return f'<td style="background:{score_colour(score)};color:{text}">{_e(str(rating)) or "(blank)"}</td>'


def _grid(group: pd.DataFrame) -> str:
    scores = group.pivot_table(
        index="subject", columns="criterion", values="score", aggfunc="mean", sort=False, dropna=False
    )
    printed = group.pivot_table(
        index="subject", columns="criterion", values="rating", aggfunc="first", sort=False, dropna=False
    ).reindex(index=scores.index, columns=scores.columns)
    head = "<tr><th></th>" + "".join(f"<th>{_e(str(c))}</th>" for c in scores.columns) + "</tr>"
    rows = "".join(
        f'<tr><th class="subject">{_e(str(subject))}</th>'
        + "".join(_cell(printed.iat[r, c], scores.iat[r, c]) for c in range(scores.shape[1]))
        + "</tr>"
        for r, subject in enumerate(scores.index)
    )
    return f'<div class="scroll"><table class="grid">{head}{rows}</table></div>'


def rating_grids_html(ratings: pd.DataFrame | None, documents: pd.DataFrame | None = None) -> str:
    """The report's "Rating tables" section: one heat table per (document, table), in the order
    of doc_id then table_id; empty when the release holds no ratings."""
    if ratings is None or ratings.empty:
        return ""
    names = _document_names(documents)
    parts = [
        f"<figure><figcaption>Ratings: {_e(str(table_id))} in {_e(names.get(doc_id, str(doc_id)))}</figcaption>"
        f"{_grid(group)}</figure>"
        for (doc_id, table_id), group in ratings.groupby(["doc_id", "table_id"], sort=True)
    ]
    legend = (
        '<p class="meta">Each cell: the rating as printed; its colour, the score from 0 '
        '<span class="legend"></span> 1; grey: a rating its scale does not score.</p>'
    )
    return f"<h2>Rating tables ({len(parts)})</h2>{legend}" + "".join(parts)
