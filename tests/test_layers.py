"""The packages' layering (docs/design.md, "Layers"): imports point down only,

    bot → handlers → jobs → views → store → matching

locales/ (the catalogs) is read from views/ up, never by store/ or matching/; handlers/'s
floor (the callback codec, the message helpers and the Services) is what jobs/ and views/
build their messages with.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ("bot", "handlers", "jobs", "views", "store", "matching")
# handlers/ modules below jobs/ and views/: they import only store/, locales/ and each other
FLOOR = {"handlers.routes", "handlers.ui", "handlers.wording", "handlers.services"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module of ours `path` imports, also inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from handlers import typed` imports the module handlers.typed
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    ours = (*ORDER, "locales")
    return {name for name in found if name.split(".")[0] in ours and _exists(name)}


def _exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def allowed(importer: str, imported: str) -> bool:
    mine, theirs = importer.split(".")[0], imported.split(".")[0]
    if theirs == "locales":
        return mine not in ("store", "matching")  # store/ returns data, views/ translates
    if importer in FLOOR:
        return theirs in ("store", "matching") or imported in FLOOR or imported == "handlers"
    if mine == "locales":
        return theirs == "locales"
    if imported in FLOOR and mine in ("jobs", "views"):
        return True
    return ORDER.index(mine) <= ORDER.index(theirs)


MODULES = sorted(path for package in (*ORDER, "locales") for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_imports_point_down(path: Path) -> None:
    importer = module_name(path)
    wrong = {imported for imported in imports(path) if not allowed(importer, imported)}
    assert not wrong, f"{importer} imports {sorted(wrong)} against the layers"


def _imports_sqlmodel(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name == "sqlmodel" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "sqlmodel":
            return True
    return False


ABOVE_STORE = [path for path in MODULES if module_name(path).split(".")[0] in ORDER[:4]]


@pytest.mark.parametrize("path", ABOVE_STORE, ids=lambda path: module_name(path))
def test_the_store_work_is_in_the_store(path: Path) -> None:
    """Above store/ nothing takes a Session or writes a query: it runs store operations
    (`Services.run`, store/db.py's `transaction`), one per user action."""
    assert not _imports_sqlmodel(path), f"{module_name(path)} imports sqlmodel"
