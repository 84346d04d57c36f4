"""`build_nlp`: the one place govmap's spaCy pipeline is assembled (once per process)."""

from __future__ import annotations

import importlib
import spacy
from spacy.language import Language

from govmap.extractors import extensions  # noqa: F401  (registers the extension attributes)
from govmap.extractors.config import DEFAULT_COMPONENTS, MODEL_NER, NlpConfig
from govmap.extractors.tokenize import TOKENIZER_CACHE_SIZE

__all__ = ["NlpConfig", "DEFAULT_COMPONENTS", "build_nlp"]


def build_nlp(config: NlpConfig | None = None) -> Language:
    """A blank English pipeline with govmap's rule components, initialised and ready to run; with
    `config.spacy_model`, also that trained pipeline's NER as a candidate source (loaded here,
    once: raises ModelNotAvailable when it is not installed)."""
    config = config or NlpConfig()
    nlp = spacy.blank("en")
    # A Markdown link glues its text's last word to the target ("Generations](https://..."):
    # split there, or a name ending the link text loses its last word to the URL token.
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex([*nlp.Defaults.infixes, r"\]\("]).finditer
    components = list(config.components)
    if config.spacy_model:
        # before the institution ruler, which reads the model's entities as candidates
        at = next((i for i, (name, _) in enumerate(components) if name == "govmap_institution_ruler"), len(components))
        components.insert(at, (MODEL_NER, "govmap.extractors.model_ner"))
    for name, module in components:
        importlib.import_module(module)
        overrides = config.component_overrides(name)
        if name == MODEL_NER and config.spacy_model:
            overrides.setdefault("model", config.spacy_model)
        nlp.add_pipe(name, config=overrides)
    nlp.max_length = 50_000_000  # reports of thousands of pages; rules are linear, no parser memory
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_SIZE  # see govmap.extractors.tokenize
    return nlp
