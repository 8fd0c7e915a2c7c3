"""The project uses Django's and its libraries' public APIs only.

A name with a leading underscore is private to the library that defines it and may
change in any release. The few that the libraries' own documentation presents as
public are listed here, each with where it is documented.
"""

import ast
import functools
import inspect
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    path
    for folder in ("notes", "config")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
)

DOCUMENTED = {
    "_meta": "Django: the Model _meta API (ref/models/meta)",
    "_default_manager": "Django: default managers (topics/db/managers)",
    "_base_manager": "Django: base managers (topics/db/managers)",
    "_state": "Django: Model._state (ref/models/instances, 'Customizing model loading')",
    "_change_reason": "django-simple-history: change reasons (historical_model)",
}


def is_private(name: str) -> bool:
    # Not __dunder__ names, nor the _sunder_ names of enum's public API.
    return name.startswith("_") and not name.startswith("__") and not name.endswith("_")


@functools.cache
def private_names_defined_here() -> frozenset[str]:
    """Private names the project's own code defines: functions, classes, attributes."""
    names = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return frozenset(name for name in names if is_private(name))


def private_uses(source: str, defined_here: set[str]) -> set[str]:
    """Private attributes read in ``source`` that the project does not define."""
    return {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and is_private(node.attr)
        and node.attr not in defined_here
        and node.attr not in DOCUMENTED
    }


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_private_attribute_of_a_library_is_read(path):
    assert private_uses(path.read_text(), private_names_defined_here()) == set()


def test_reading_a_private_attribute_of_a_library_is_caught():
    assert private_uses("x = queryset._result_cache\n", {"_mine"}) == {"_result_cache"}
    assert private_uses("x = note._meta\ny = self._mine\n", {"_mine"}) == set()


def project_classes() -> list[type]:
    import notes.admin  # noqa: F401 (the admin is loaded only by autodiscovery)

    modules = [
        module
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in {"notes", "config"} and module is not None
    ]
    return [
        value
        for module in modules
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__
    ]


# Set by Python itself on every abstract class and Protocol, not written by the project.
MADE_BY_PYTHON = {"_abc_impl", "_is_protocol", "_is_runtime_protocol"}


def overridden_private_methods(cls: type) -> set[str]:
    """Private names ``cls`` defines that a library base class defines too."""
    foreign = [
        base for base in cls.__mro__[1:] if base.__module__.split(".")[0] not in {"notes", "config"}
    ]
    return {
        name
        for name in vars(cls)
        if is_private(name)
        and name not in DOCUMENTED
        and name not in MADE_BY_PYTHON
        and any(name in vars(b) for b in foreign)
    }


def test_no_class_overrides_a_private_method_of_a_library():
    found = {cls.__qualname__: overridden_private_methods(cls) for cls in project_classes()}
    assert {name: methods for name, methods in found.items() if methods} == {}


def test_overriding_a_private_method_of_a_library_is_caught():
    from django.db.models import QuerySet

    class Fetching(QuerySet):
        def _fetch_all(self):
            super()._fetch_all()

    Fetching.__module__ = "notes.example"
    assert overridden_private_methods(Fetching) == {"_fetch_all"}
