"""The checkout's root and the shared corpus beside it, for the tests and the tools under tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
