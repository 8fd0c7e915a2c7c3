"""The structure the documentation describes is the structure the imports have.

import-linter checks the layers written in pyproject.toml (scripts/test.sh runs it);
these tests check what its contracts cannot say.
"""

import ast
import tomllib
from pathlib import Path

import grimp
import networkx
import pytest

from scripts.pure_modules import pure_module_files

ROOT = Path(__file__).resolve().parent.parent


def import_graph() -> networkx.DiGraph:
    graph = grimp.build_graph("notes", "config", exclude_type_checking_imports=True)
    edges = networkx.DiGraph()
    for module in graph.modules:
        edges.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    return edges


def contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(item for item in config["contracts"] if item["id"] == contract_id)


def test_no_module_of_the_project_takes_part_in_an_import_cycle():
    cycles = [
        sorted(component)
        for component in networkx.strongly_connected_components(import_graph())
        if len(component) > 1
    ]
    assert cycles == []


def test_a_cycle_is_found_when_there_is_one():
    # The check above must be able to fail: the same search on a graph with a cycle.
    edges = import_graph()
    edges.add_edge("notes.models.notes", "notes.counts")
    assert any(
        {"notes.models.notes", "notes.counts"} <= component
        for component in networkx.strongly_connected_components(edges)
    )


def test_every_layer_of_the_contract_names_modules_that_exist():
    graph = import_graph()
    for layer in contract("layers")["layers"]:
        for name in layer.replace("|", ":").split(":"):
            assert name.strip() in graph, name


# What pure modules may use of Django: text, HTML, time-zone and translation utilities,
# and the ValidationError a name check raises. Never the database, requests or caches.
ALLOWED_DJANGO = (
    "django.utils.text",
    "django.utils.safestring",
    "django.utils.translation",
    "django.utils.html",
    "django.utils.timezone",
    "django.core.exceptions",
)


def allowed(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in ALLOWED_DJANGO)


def django_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] == "django")
    return found


@pytest.mark.parametrize("path", pure_module_files(), ids=lambda path: path.stem)
def test_pure_modules_use_only_django_text_utilities(path):
    assert {name for name in django_imports(ROOT / path) if not allowed(name)} == set()


def test_a_pure_module_reaching_for_the_database_would_be_caught(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from django.db.models import Q\n")
    assert django_imports(module) == {"django.db.models.Q"}
    assert not allowed("django.db.models.Q")
