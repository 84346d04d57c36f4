"""A tiny spaCy NER model trained by the tests themselves (the `--spacy-model` path).

The names are made up and have no organisation head word ("Institute", "Agency", ...), so the
rules alone cannot find them; only the model can.
"""

from __future__ import annotations

import random
from pathlib import Path

import spacy
from spacy.training import Example

ORGS = ["Quillfeather", "Brantmoor Dynamics", "Solvane", "Tidewright Labsworks", "Corvannic"]
FRAMES = [
    "{} signed a memorandum with the regulator last spring.",
    "Researchers at {} published a new evaluation of frontier models.",
    "The board of {} met with officials in the capital.",
    "According to {}, compute thresholds should be reviewed yearly.",
    "A spokesperson for {} declined to comment on the audit.",
    "{} and its partners announced a joint safety benchmark.",
]


def train_tiny_ner(path: Path, *, iterations: int = 30) -> Path:
    """Train an ORG-only NER on our own sentences and save the pipeline to `path`."""
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("ORG")
    examples = []
    for org in ORGS:
        for frame in FRAMES:
            text = frame.format(org)
            start = text.index(org)
            examples.append(Example.from_dict(nlp.make_doc(text), {"entities": [(start, start + len(org), "ORG")]}))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _ in range(iterations):
        rng.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    nlp.to_disk(path)
    return path
