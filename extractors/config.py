"""`NlpConfig`: which pipeline a run builds, without importing spaCy.

The flow's own process never runs the pipeline (workers do), so it names the pipeline with this
and leaves spaCy's seconds of import to the processes that build one (`govmap.extractors.nlp`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NlpConfig", "DEFAULT_COMPONENTS", "MODEL_NER"]

# Component name -> module that registers its factory, in pipeline order.  Institutions come
# first because table and prose components link names through the linker they set.
DEFAULT_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("govmap_sentences", "govmap.extractors.sentences"),
    ("govmap_institution_ruler", "govmap.extractors.institutions"),
    ("govmap_instrument_ruler", "govmap.extractors.instruments"),
    ("govmap_rating_tables", "govmap.extractors.tables"),
    ("govmap_collaboration_tables", "govmap.extractors.tables"),
    ("govmap_prose_ratings", "govmap.extractors.prose_ratings"),
    ("govmap_prose_collaborations", "govmap.extractors.prose"),
    ("govmap_metadata", "govmap.extractors.metadata"),
)


MODEL_NER = "govmap_model_ner"
# The components that load the knowledge base (and so take `NlpConfig.kb_overlay`).
KB_COMPONENTS = frozenset({"govmap_institution_ruler", "govmap_instrument_ruler"})


@dataclass(frozen=True)
class NlpConfig:
    """Which components to run and their settings (component name -> config overrides)."""

    components: tuple[tuple[str, str], ...] = DEFAULT_COMPONENTS
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    # An installed trained spaCy pipeline (package name or path) whose NER adds candidates.
    spacy_model: str | None = None
    # A knowledge-base overlay folder (absolute path) over the packaged KB (`govmap.extractors.kb.load_kb`).
    kb_overlay: str | None = None

    def component_overrides(self, name: str) -> dict[str, Any]:
        """The config of component `name`: its overrides, and the KB overlay for the two rulers."""
        overrides = dict(self.overrides.get(name, {}))
        if self.kb_overlay and name in KB_COMPONENTS:
            overrides.setdefault("kb_overlay", self.kb_overlay)
        return overrides

    def cache_key(self) -> str:
        model = None
        if self.spacy_model:
            from govmap.extractors.model_ner import model_fingerprint

            model = (self.spacy_model, model_fingerprint(self.spacy_model))
        parts = (self.components, sorted((k, sorted(v.items())) for k, v in self.overrides.items()), model)
        if self.kb_overlay:  # the overlay's bytes, not its path: editing it re-extracts
            from govmap.extractors.kb import overlay_digest

            parts += (("kb_overlay", overlay_digest(self.kb_overlay)),)
        return repr(parts)
