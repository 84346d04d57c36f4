"""One escaping function per output format, for every string that came from a document, a file
name, a URL or an error message.

A title, a name or a path is data: written into the dataset card, the HTML report, a figure or
the console it must show as the characters it holds, never act as Markdown, HTML, mathtext or
rich markup.

::

    escape_markdown("<img src=x onerror=alert(1)>")   # the card (CommonMark / GFM tables)
    escape_html("<script>")                            # the quality report
    escape_mathtext("$\\frac{a$ Body")                  # matplotlib text in figures
    escape_markup("reports/[/bold].md")                # rich console output and progress lines
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["escape_markdown", "escape_html", "escape_mathtext", "escape_markup"]

# CommonMark lets any ASCII punctuation be backslash-escaped, after which it stands for itself
# (https://spec.commonmark.org/0.31.2/#backslash-escapes).  These are the ones that can start
# something inside a line of text: emphasis, code spans, links and images, raw HTML and
# autolinks, entities, GFM strikethrough and table pipes.  Block markers (#, -, +, 1.) only count
# at the start of a line, and a value never starts one: line breaks become spaces.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>!&|~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def escape_markdown(value: Any) -> str:
    """`value` as literal Markdown text on one line (safe inside a table cell)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", _text(value)))


def escape_html(value: Any) -> str:
    """`value` as HTML text or attribute value (quotes escaped too)."""
    return html.escape(_text(value), quote=True)


def escape_mathtext(value: Any) -> str:
    """`value` as literal matplotlib text: a dollar sign never opens mathtext (an unbalanced
    ``$\\frac{`` in a label would otherwise fail the whole figure)."""
    return _text(value).replace("$", r"\$")


def escape_markup(value: Any) -> str:
    """`value` as literal rich console text: ``[bold]`` or ``[/x]`` in a path is printed, not
    parsed as a style (an unmatched closing tag raises MarkupError)."""
    from rich.markup import escape

    return escape(_text(value))
