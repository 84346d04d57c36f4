"""`govmap_model_ner`: an installed trained spaCy pipeline's NER as an extra candidate source.

Optional (`--spacy-model NAME`): the rule pipeline stays the default and needs no model.  The
trained pipeline is loaded once, when the component is built (once per worker process), and run
over the document in page-sized chunks so a report of thousands of pages never becomes one
model input.  Its entities are not mentions yet: they are written to ``doc._.govmap_model_ents``
and the institution ruler treats them like any other discovery candidate, so the same rules
filter them (event and instrument heads, countries, generic names, overlap with better matches)
and link them (KB names and aliases, variants of bodies the document names, stable discovered
keys).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from govmap.errors import ExtractionError

if TYPE_CHECKING:
    from govmap.extractors.discovery import Candidate

__all__ = [
    "ModelEntity",
    "ModelNer",
    "ModelNotAvailable",
    "check_model",
    "load_model",
    "model_candidates",
    "model_fingerprint",
    "model_entities",
]

ATTR = "govmap_model_ents"
DEFAULT_LABELS = ("ORG",)
# Components a trained pipeline needs for NER; the rest (parser, lemmatizer, ...) are skipped.
_NER_PIPES = ("tok2vec", "transformer", "ner", "entity_ruler")
# Model inputs stay below this many characters: pages are grouped up to it, a longer page is cut
# at a blank line or, failing that, at a newline.
CHUNK_CHARS = 20_000

if not Doc.has_extension(ATTR):
    Doc.set_extension(ATTR, default=())


class ModelNotAvailable(ExtractionError):
    """The trained spaCy pipeline named by --spacy-model cannot be loaded."""


@dataclass(frozen=True)
class ModelEntity:
    """An entity the trained model found: doc-text character range, text and label."""

    start: int
    end: int
    text: str
    label: str


def model_fingerprint(name: str) -> str:
    """What identifies the model's weights, for cache keys: for a saved pipeline folder, its
    files' names, sizes and modification times; for an installed package, its version."""
    path = Path(name)
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            st = f.stat()
            h.update(f"{f.relative_to(path)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        return h.hexdigest()[:16]
    return spacy.util.get_package_version(name) or "unknown"


def check_model(name: str) -> None:
    """Fail fast, without loading weights, when `name` is neither an installed spaCy pipeline
    package nor a saved pipeline folder (the CLI calls this before any work starts)."""
    path = Path(name)
    if path.is_dir() and (path / "config.cfg").is_file():
        return
    if not path.exists() and spacy.util.is_package(name):
        return
    raise ModelNotAvailable(
        f"--spacy-model {name}: no installed spaCy pipeline package or saved pipeline folder "
        "(with config.cfg) of that name; install it (pip install <package>) or give the folder's path"
    )


def load_model(name: str) -> Language:
    """The installed pipeline `name` (package name or path), or ModelNotAvailable."""
    try:
        model = spacy.load(name)
    except (OSError, IOError, ImportError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelNotAvailable(
            f"--spacy-model {name}: cannot load this spaCy pipeline ({first[:200]}); "
            "install it (pip install <package>) or give the path of a saved pipeline"
        ) from exc
    if "ner" not in model.pipe_names and "entity_ruler" not in model.pipe_names:
        raise ModelNotAvailable(
            f"--spacy-model {name}: the pipeline has no 'ner' component (it has {', '.join(model.pipe_names) or 'none'})"
        )
    return model


def _chunks(text: str, page_starts: tuple[int, ...] | list[int], limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, text) pieces of at most `limit` characters, cut at page breaks where possible."""
    bounds = sorted({0, *[s for s in page_starts if 0 < s < len(text)], len(text)})
    pieces: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        while b - a > limit:
            cut = text.rfind("\n\n", a, a + limit)
            if cut <= a:
                cut = text.rfind("\n", a, a + limit)
            if cut <= a:
                cut = a + limit
            pieces.append((a, cut))
            a = cut
        pieces.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and b - merged[-1][0] <= limit:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [(a, text[a:b]) for a, b in merged if text[a:b].strip()]


def model_entities(doc: Doc) -> tuple[ModelEntity, ...]:
    """The model's entities for `doc`, as set by the component (empty without a model)."""
    return doc._.get(ATTR) or ()


@Language.factory(
    "govmap_model_ner",
    default_config={"model": None, "labels": list(DEFAULT_LABELS), "batch_size": 8},
    assigns=[f"doc._.{ATTR}"],
)
def make_model_ner(nlp: Language, name: str, model: str | None, labels: list[str], batch_size: int) -> "ModelNer":
    if not model:
        raise ModelNotAvailable("govmap_model_ner needs a 'model' (the name or path of a trained spaCy pipeline)")
    return ModelNer(load_model(model), labels=tuple(labels), batch_size=batch_size)


class ModelNer:
    """Runs a trained pipeline's NER over the document and keeps the entities with `labels`."""

    def __init__(self, model: Language, *, labels: tuple[str, ...] = DEFAULT_LABELS, batch_size: int = 8) -> None:
        self.model = model
        self.labels = frozenset(labels)
        self.batch_size = batch_size
        self.enable = [p for p in model.pipe_names if p in _NER_PIPES]

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        chunks = _chunks(text, doc._.govmap_page_starts or (0,))
        found: list[ModelEntity] = []
        with self.model.select_pipes(enable=self.enable):
            for (offset, _), piece in zip(chunks, self.model.pipe((c for _, c in chunks), batch_size=self.batch_size)):
                for ent in piece.ents:
                    if ent.label_ in self.labels:
                        found.append(ModelEntity(offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_))
        doc._.set(ATTR, tuple(found))
        return doc


def model_candidates(doc: Doc) -> list["Candidate"]:
    """The model's entities as discovery candidates (empty when no model ran)."""
    from govmap.extractors.discovery import Candidate

    return [
        Candidate(e.text.strip(), e.start, e.start + len(e.text.rstrip()), "model_ner")
        for e in model_entities(doc)
        if e.text.strip()
    ]
