"""`build_nlp`: the one place govmap's spaCy pipeline is assembled (once per process)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.language import Language

from extractors import extensions  # noqa: F401  (registers the extension attributes)

__all__ = ["NlpConfig", "DEFAULT_COMPONENTS", "build_nlp"]

# Component name -> module that registers its factory, in pipeline order.  Institutions come
# first because table and prose components link names through the linker they set.
DEFAULT_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("govmap_sentences", "extractors.sentences"),
    ("govmap_institution_ruler", "extractors.institutions"),
    ("govmap_instrument_ruler", "extractors.instruments"),
    ("govmap_rating_tables", "extractors.tables"),
    ("govmap_collaboration_tables", "extractors.tables"),
    ("govmap_prose_collaborations", "extractors.prose"),
    ("govmap_metadata", "extractors.metadata"),
)


@dataclass(frozen=True)
class NlpConfig:
    """Which components to run and their settings (component name -> config overrides)."""

    components: tuple[tuple[str, str], ...] = DEFAULT_COMPONENTS
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    # An installed trained spaCy pipeline (package name or path) whose NER adds candidates.
    spacy_model: str | None = None

    def cache_key(self) -> str:
        return repr((self.components, sorted((k, sorted(v.items())) for k, v in self.overrides.items()), self.spacy_model))


def build_nlp(config: NlpConfig | None = None) -> Language:
    """A blank English pipeline with govmap's rule components, initialised and ready to run."""
    config = config or NlpConfig()
    nlp = spacy.blank("en")
    for name, module in config.components:
        importlib.import_module(module)
        nlp.add_pipe(name, config=config.overrides.get(name, {}))
    nlp.max_length = 50_000_000  # reports of thousands of pages; rules are linear, no parser memory
    return nlp
