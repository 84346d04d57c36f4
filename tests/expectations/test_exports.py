from __future__ import annotations

import sys

from govmap import expectations


def test_public_names_are_exported() -> None:
    for name in expectations.__all__:
        assert hasattr(expectations, name), name
    for name in ("suite_for", "validate_release", "write_quality_report", "summarize", "ValidationReport"):
        assert name in expectations.__all__


def test_importing_the_package_does_not_import_gx() -> None:
    # GX costs seconds to import; the CLI and flows must not pay it unless they validate.
    if "great_expectations" in sys.modules:  # another test already paid for it
        return
    import govmap.expectations.report  # noqa: F401

    assert "great_expectations" not in sys.modules
