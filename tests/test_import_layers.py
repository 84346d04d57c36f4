"""The packages import one way only: no cycles between sources, datasets, extractors, expectations
and flows.  Every import counts, at module level or inside a function (a lazy import is still a
dependency); `if TYPE_CHECKING:` imports too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("govmap", "sources", "datasets", "extractors", "expectations", "flows")
# A module may import its own package and any package of a lower layer.  govmap's shared base
# (errors, media types, storage, versions) is the lowest; its facade (`govmap.load`, the package's
# lazy exports) sits with flows at the top.
TOP = frozenset({"govmap.api", "govmap"})
LAYERS = {"sources": 1, "datasets": 2, "extractors": 3, "expectations": 3, "flows": 4}


def _unit(module: str) -> str:
    """The stage ("govmap.flows.cli" and the checkout's "flows/cli.py" are both flows), or govmap's
    base or facade."""
    parts = module.split(".")
    if parts[0] == "govmap" and len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    if parts[0] in LAYERS:
        return parts[0]
    return "govmap (facade)" if module in TOP else "govmap (base)"


def _layer(module: str) -> int:
    unit = _unit(module)
    return {"govmap (base)": 0, "govmap (facade)": 4}.get(unit) if unit.startswith("govmap") else LAYERS[unit]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each absolute import of one of `PACKAGES` in the file at `path`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # "from govmap import api" imports the module govmap.api
            out += [
                (node.lineno, f"{node.module}.{a.name}" if node.module == "govmap" else node.module) for a in node.names
            ]
    return [(n, m) for n, m in out if m.split(".")[0] in PACKAGES]


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def violations() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = _module_of(path)
            for line, target in imported_modules(path):
                if _unit(target) != _unit(module) and _layer(target) >= _layer(module):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {target}")
    return found


def test_packages_import_downwards_only():
    assert violations() == []


def test_the_check_sees_a_lazy_upward_import(tmp_path, monkeypatch):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.py").write_text("def f():\n    from govmap.flows.cli import app\n    return app\n")
    assert imported_modules(tmp_path / "sources" / "x.py") == [(2, "govmap.flows.cli")]
    assert _layer("govmap.flows.cli") > _layer("sources.x")
