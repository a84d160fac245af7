"""Dependencies point one way: the domain apps and core never import the API layer (``ouvert.api``),
which assembles them. Shared API infrastructure (token auth, cursors, rate limits) lives in core."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
LOWER_LAYERS = ["core", "catalog", "datastore", "geo", "consultations", "harvest", "openaccess", "procurement", "plans"]
TOP = "ouvert.api"


def _imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, absolute or relative, with its line."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _api_imports(app: str) -> list[str]:
    offenders = []
    for path in sorted((PACKAGE / app).rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue  # tests drive the assembled site, API included
        for line, module in _imports_of(path):
            if module == TOP or module.startswith(TOP + "."):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return sorted(set(offenders))


@pytest.mark.parametrize("app", LOWER_LAYERS)
def test_lower_layers_never_import_the_api_layer(app):
    assert _api_imports(app) == []


def test_the_check_sees_relative_and_absolute_imports():
    # The walker itself: an import of the top layer, however written, is found.
    assert any(module.startswith(TOP) for _line, module in _imports_of(PACKAGE / "urls.py"))
    assert any(module == "ouvert.core.services" for _line, module in _imports_of(PACKAGE / "core" / "api.py"))
