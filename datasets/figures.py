"""Figures for the quality report: the collaboration network.

Each figure is saved as SVG and PNG in the release's ``quality/`` folder; `render_figures`
returns them as `Figure` records whose SVG text the HTML report embeds inline.  matplotlib
and pandas are imported inside the functions (Agg backend), so importing this module costs
nothing: the process that draws (see `govmap.flows.release`) pays for them, not the one that runs the flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govmap.datasets.contract import COLLABORATION_TYPES, INSTITUTION_KINDS
from govmap.escape import escape_mathtext

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FIGURE_TABLES", "Figure", "render_figures", "render_figures_from_files", "warm_up"]

UNKNOWN = "#9a9a9a"  # colour of a kind or type the contract does not know


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    svg_path: Path
    png_path: Path

    @property
    def svg(self) -> str:
        return self.svg_path.read_text(encoding="utf-8")


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, folder: Path, name: str, title: str) -> Figure:  # type: ignore[no-untyped-def]
    plt = _pyplot()
    folder.mkdir(parents=True, exist_ok=True)
    svg, png = folder / f"{name}.svg", folder / f"{name}.png"
    # Text stays text in the SVG (not glyph outlines): the report page can be searched and read
    # by assistive tools, and the file is smaller.
    # The tight box, worked out once for both files: `bbox_inches="tight"` would draw the whole
    # figure an extra time per file to find it.
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(plt.rcParams["savefig.pad_inches"])
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(svg, format="svg", bbox_inches=box, metadata={"Date": None})
    fig.savefig(png, format="png", dpi=110, bbox_inches=box)
    plt.close(fig)
    return Figure(name, title, svg, png)


def _network(institutions: pd.DataFrame, collaborations: pd.DataFrame, folder: Path) -> Figure | None:
    import networkx as nx

    if collaborations.empty:
        return None
    plt = _pyplot()
    kind_of = dict(zip(institutions["institution_id"], institutions["kind"], strict=True))
    name_of = {
        i: (a if isinstance(a, str) and a else n)
        for i, n, a in zip(institutions["institution_id"], institutions["name"], institutions["acronym"], strict=True)
    }
    g = nx.Graph()
    for parties, types in zip(collaborations["parties"], collaborations["types"], strict=True):
        parties, types = list(parties), list(types)
        first = types[0] if types else "general_partnership"
        for i, a in enumerate(parties):
            for b in parties[i + 1 :]:
                g.add_edge(a, b, type=first)
    cmap = plt.get_cmap("tab20")
    kind_colour = {k: cmap(i % 20) for i, k in enumerate(INSTITUTION_KINDS)}
    type_colour = {t: plt.get_cmap("tab10")(i % 10) for i, t in enumerate(COLLABORATION_TYPES)}
    # A failing release is when the figure helps most: a kind or type outside the contract's
    # vocabulary is drawn grey, never a reason to drop the figure.
    fig, ax = plt.subplots(figsize=(10, 7))
    pos = nx.spring_layout(g, seed=7)
    nx.draw_networkx_edges(
        g, pos, ax=ax, width=1.8, edge_color=[type_colour.get(d["type"], UNKNOWN) for _, _, d in g.edges(data=True)]
    )
    nx.draw_networkx_nodes(
        g,
        pos,
        ax=ax,
        node_size=320,
        edgecolors="white",
        linewidths=1.0,
        node_color=[kind_colour.get(kind_of.get(n, "other"), UNKNOWN) for n in g.nodes],
    )
    # Names sit just below their node on a white box, unclipped: a label must never be cut at the
    # edge of the axes or hidden under an edge.
    below = {n: (x, y - 0.06) for n, (x, y) in pos.items()}
    nx.draw_networkx_labels(
        g,
        below,
        ax=ax,
        labels={n: escape_mathtext(name_of.get(n, n)) for n in g.nodes},
        font_size=8,
        verticalalignment="top",
        clip_on=False,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
    )
    ax.margins(0.12)
    from matplotlib.lines import Line2D

    kinds = sorted({kind_of.get(n, "other") for n in g.nodes})
    types = sorted({d["type"] for _, _, d in g.edges(data=True)})
    handles = [
        Line2D([], [], marker="o", linestyle="", color=kind_colour.get(k, UNKNOWN), label=escape_mathtext(k))
        for k in kinds
    ]
    handles += [Line2D([], [], color=type_colour.get(t, UNKNOWN), label=escape_mathtext(t)) for t in types]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_title("Collaborations: institutions by kind, links by first collaboration type")
    ax.axis("off")
    return _save(fig, folder, "collaboration_network", "Collaboration network")


def render_figures(frames: dict[str, pd.DataFrame], folder: Path) -> list[Figure]:
    """The collaboration network, saved under `folder` (none when there are no collaborations).
    The rating tables are HTML on the report page (`govmap.expectations.rating_grids`)."""
    network = _network(frames["institutions"], frames["collaborations"], folder)
    return [network] if network is not None else []


FIGURE_TABLES = ("institutions", "collaborations")


def warm_up() -> None:
    """Import what drawing needs (matplotlib, networkx, pandas, pyarrow) and draw a throwaway
    figure with text to both formats, which loads the fonts and both backends: seconds, best
    spent before the release's tables exist."""
    import io

    import networkx  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.set_title("warm-up")
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(io.BytesIO(), format="svg")
    fig.savefig(io.BytesIO(), format="png", dpi=20)
    plt.close(fig)


def render_figures_from_files(tables: dict[str, Path], folder: Path) -> list[Figure]:
    """`render_figures` on the release's Parquet files (`FIGURE_TABLES`): what a separate process
    runs, so the figures are drawn while the release is validated."""
    import pyarrow.parquet as pq

    return render_figures({name: pq.read_table(tables[name]).to_pandas() for name in FIGURE_TABLES}, folder)
