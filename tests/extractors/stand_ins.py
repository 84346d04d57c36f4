"""A stand-in institution ruler for component tests: tags the names a test lists, so a component
after it is tested on its own rules, not on the knowledge base's."""

from __future__ import annotations

import re
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from govmap.extractors.extensions import INSTITUTIONS


def register_name_ruler(component: str, names: dict[str, str], linker: Callable[[], object]) -> None:
    """Register `component`: tags every listed name (longest first, no overlaps) as an
    institution span with its key, and sets `linker()` as the doc's linker."""

    @Language.component(component)
    def ruler(doc: Doc) -> Doc:
        spans: list[Span] = []
        taken: set[int] = set()
        for name in sorted(names, key=len, reverse=True):
            for m in re.finditer(re.escape(name), doc.text):
                span = doc.char_span(m.start(), m.end(), label="institution", kb_id=names[name])
                if span is not None and not taken & set(range(span.start, span.end)):
                    spans.append(span)
                    taken |= set(range(span.start, span.end))
        doc.spans[INSTITUTIONS] = sorted(spans, key=lambda s: s.start)
        doc._.govmap_linker = linker()
        return doc
