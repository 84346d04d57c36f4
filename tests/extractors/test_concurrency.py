"""Components keep no per-document state: threads sharing one pipeline give what a serial run gives."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from govmap.extractors.extract import extract_document, make_doc
from govmap.extractors.nlp import build_nlp
from govmap.sources.model import Document, Page

# Invented documents, each defining its own acronyms for its own bodies, naming its own
# organs and country, and holding a small rating table.
TEXTS = {
    "a": (
        "The Lakeside Policy Institute (LPI) and the Harbour Data Council (HDC) signed a memorandum of understanding "
        "with the Japanese Ministry of Economy, Trade and Industry. The LPI will host the secretariat. "
        "Later the HDC Steering Committee met in Osaka and the LPI reported to the OECD.\n\n"
        "| Country | Transparency | Accountability |\n|---|---|---|\n| Japan | High | Medium |\n| France | Low | High |\n"
    ),
    "b": (
        "The Northfield Safety Forum (NFSF) partnered with the UK AI Security Institute on model evaluations. "
        "The NFSF and the Alan Turing Institute published a joint report, and the NFSF Executive Board approved it. "
        "The Government of Canada welcomed the work of the NFSF.\n\n"
        "| Lab | Safety | Security |\n|---|---|---|\n| Alpha Labs | A | B |\n| Beta Systems | C | A |\n"
    ),
}


def _document(doc_id: str, text: str) -> Document:
    return Document(
        doc_id=doc_id,
        source_uri=f"test://{doc_id}",
        media_type="text/markdown",
        sha256=doc_id * 8,
        pages=(Page(number=1, text=text),),
    )


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_two_threads_sharing_a_pipeline_give_the_serial_output(nlp):
    documents = [_document(k, t) for k, t in TEXTS.items()]
    serial = [extract_document(nlp, d) for d in documents]
    assert all(e.mentions for e in serial)  # the comparison means something
    rounds = 8
    start = threading.Barrier(2)

    def run(document: Document):
        start.wait()
        return [extract_document(nlp, document) for _ in range(rounds)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, documents))
    for expected, got in zip(serial, results):
        assert all(g == expected for g in got)


def test_a_documents_acronyms_stay_with_it_when_another_is_found_between(nlp):
    ruler = nlp.get_pipe("govmap_institution_ruler")
    from govmap.extractors.institutions import set_annotations

    docs = {k: nlp.get_pipe("govmap_sentences")(make_doc(nlp, _document(k, t))) for k, t in TEXTS.items()}
    found_a = ruler.find(docs["a"])
    ruler.find(docs["b"])  # another document, found in between, leaves nothing behind
    set_annotations(docs["a"], ruler.kb, found_a)
    linker = docs["a"]._.govmap_linker
    assert linker.link("LPI") == "new:lakeside-policy-institute"
    assert "NFSF" not in linker.discovered_exact


def test_running_documents_sets_nothing_on_any_component(nlp):
    before = {name: dict(vars(pipe)) for name, pipe in nlp.pipeline}
    for k, t in TEXTS.items():
        extract_document(nlp, _document(k, t))
    after = {name: dict(vars(pipe)) for name, pipe in nlp.pipeline}
    assert before.keys() == after.keys()
    for name in before:
        assert before[name].keys() == after[name].keys(), name
        assert all(before[name][k] is after[name][k] for k in before[name]), name
