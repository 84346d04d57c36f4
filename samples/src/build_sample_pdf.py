"""Build samples/incident-registry-hosts.pdf from the text below (our own words).

Run with `make samples` (needs the dev extra: reportlab).  The PDF is committed so that `make run`
needs no PDF tooling; rebuild it whenever this script changes.  It exercises what real reports
do to a parser: a running header, page numbers, a ruled rating table with a caption above it,
and an appendix that gives the reasons for each rating.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

OUT = Path(__file__).resolve().parent.parent / "incident-registry-hosts.pdf"

TITLE = "Who Should Host an International AI Incident Registry?"
AUTHORS = "Priya Raman and Jonas Weber"
PUBLISHER = "Published by the Harbourview Institute for Technology Policy, September 2025"

INTRO = [
    "Serious failures of advanced AI systems are reported today through a patchwork of company "
    "disclosures and press coverage. An international incident registry would give regulators a "
    "common picture. This paper compares three candidate hosts for such a registry against three "
    "criteria: speed of set-up, legitimacy across regions, and technical expertise.",
    "The Organisation for Economic Co-operation and Development (OECD) already runs an AI incidents "
    "monitor, and the International Telecommunication Union (ITU) convenes governments from every "
    "region. A third option is a new registry body created by treaty. The UK AI Security Institute "
    "and the US Center for AI Standards and Innovation have both called for shared incident data, "
    "and the two institutes signed an agreement in 2024 to exchange incident reports.",
    "Table 1 summarises our assessment; the Appendix explains each rating.",
]

TABLE_TITLE = "Table 1. Candidate Hosts for an AI Incident Registry"
TABLE = [
    ["", "Speed", "Legitimacy", "Expertise"],
    ["OECD", "High", "Medium", "High"],
    ["International Telecommunication Union", "Medium", "High", "Low"],
    ["New treaty body", "Low", "High", "Unclear"],
]

AFTER_TABLE = [
    "No candidate is strong on every criterion. We recommend that the OECD host an interim registry "
    "while governments negotiate a longer-term arrangement, and that the ITU and the OECD should "
    "collaborate on a common incident taxonomy.",
]

APPENDIX = {
    "OECD": [
        (
            "Speed",
            "High",
            "An incident monitor and a reporting framework already exist and could be extended within months.",
        ),
        ("Legitimacy", "Medium", "Its membership is limited to a group of mostly high-income countries."),
        ("Expertise", "High", "Its staff have catalogued incidents and built classification schemes for years."),
    ],
    "International Telecommunication Union": [
        ("Speed", "Medium", "Its study groups move on multi-year cycles, although a focus group could start sooner."),
        ("Legitimacy", "High", "Nearly every government is a member and takes part in its work."),
        ("Expertise", "Low", "It has little in-house experience with incident analysis for AI systems."),
    ],
    "New treaty body": [
        ("Speed", "Low", "Negotiating and ratifying a treaty would take several years."),
        ("Legitimacy", "High", "A body created by treaty would carry the consent of its parties."),
        (
            "Expertise",
            "Unclear",
            "Its expertise would depend on who it could recruit and second from national institutes.",
        ),
    ],
}


def _header_footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(20 * mm, A4[1] - 12 * mm, "Harbourview Institute | AI Incident Registry Hosts")
    canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(doc.page))
    canvas.restoreState()


def build(out: Path = OUT) -> Path:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story = [
        Paragraph(TITLE, styles["Title"]),
        Paragraph(AUTHORS, styles["Heading3"]),
        Paragraph(PUBLISHER, body),
        Spacer(1, 6 * mm),
    ]
    story += [Paragraph("Introduction", styles["Heading2"])] + [Paragraph(p, body) for p in INTRO]
    story += [Spacer(1, 4 * mm), Paragraph(f"<b>{TABLE_TITLE}</b>", body), Spacer(1, 2 * mm)]
    table = Table(TABLE, colWidths=[70 * mm, 30 * mm, 30 * mm, 30 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)] + [Paragraph(p, body) for p in AFTER_TABLE]
    story += [PageBreak(), Paragraph("Appendix", styles["Heading2"])]
    for subject, rows in APPENDIX.items():
        story.append(Paragraph(subject, styles["Heading3"]))
        for i, (criterion, rating, reason) in enumerate(rows, start=1):
            story.append(Paragraph(f"Criterion {i}: {criterion} {rating}. {reason}", body))
    doc = SimpleDocTemplate(
        str(out), pagesize=A4, title=TITLE, author=AUTHORS, topMargin=20 * mm, bottomMargin=20 * mm, invariant=1
    )
    doc.build(story, onFirstPage=_header_footer, onLaterPages=_header_footer)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
