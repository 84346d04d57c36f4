"""Text forms every stage agrees on: an alias as listed, and the slug an id is made from.

They live in govmap's base so that the stages below extraction (the curation of a release in
`govmap.datasets`) use the same forms as resolution without importing `govmap.extractors`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["alias_form", "slugify"]

# Inline markup some text reports carry ("International Network</u> of <u>AI ..."): a mention's
# surface keeps it (offsets point into the page text), an alias does not.  A tag cut by the
# mention's end ("...Institutes</u") counts too.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\s*/?>|</?[A-Za-z]*$|^[A-Za-z]*/?>")


def alias_form(surface: str) -> str:
    """How a mention's surface is listed among its entity's aliases: no markup, single spaces."""
    return " ".join(_TAG.sub(" ", surface).split())


def slugify(text: str) -> str:
    """Lower-case ASCII slug: 'Conseil Européen (CERN)' -> 'conseil-europeen-cern'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
