"""`build_nlp`: the one place govmap's spaCy pipeline is assembled (once per process)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.language import Language

from extractors import extensions  # noqa: F401  (registers the extension attributes)
from extractors.tokenize import TOKENIZER_CACHE_SIZE

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


MODEL_NER = "govmap_model_ner"


@dataclass(frozen=True)
class NlpConfig:
    """Which components to run and their settings (component name -> config overrides)."""

    components: tuple[tuple[str, str], ...] = DEFAULT_COMPONENTS
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    # An installed trained spaCy pipeline (package name or path) whose NER adds candidates.
    spacy_model: str | None = None

    def cache_key(self) -> str:
        model = None
        if self.spacy_model:
            from extractors.model_ner import model_fingerprint

            model = (self.spacy_model, model_fingerprint(self.spacy_model))
        return repr((self.components, sorted((k, sorted(v.items())) for k, v in self.overrides.items()), model))


def build_nlp(config: NlpConfig | None = None) -> Language:
    """A blank English pipeline with govmap's rule components, initialised and ready to run; with
    `config.spacy_model`, also that trained pipeline's NER as a candidate source (loaded here,
    once: raises ModelNotAvailable when it is not installed)."""
    config = config or NlpConfig()
    nlp = spacy.blank("en")
    components = list(config.components)
    if config.spacy_model:
        # before the institution ruler, which reads the model's entities as candidates
        at = next((i for i, (name, _) in enumerate(components) if name == "govmap_institution_ruler"), len(components))
        components.insert(at, (MODEL_NER, "extractors.model_ner"))
    for name, module in components:
        importlib.import_module(module)
        overrides = dict(config.overrides.get(name, {}))
        if name == MODEL_NER and config.spacy_model:
            overrides.setdefault("model", config.spacy_model)
        nlp.add_pipe(name, config=overrides)
    nlp.max_length = 50_000_000  # reports of thousands of pages; rules are linear, no parser memory
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_SIZE  # see extractors.tokenize
    return nlp
