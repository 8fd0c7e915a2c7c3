"""The Python documentation's index: read from objects.inv or from the interpreter, and
stored by load_python_docs."""

from __future__ import annotations

import sys

import pytest
import sphobjinv as soi
from django.core.management import CommandError, call_command

from notes.models import PythonObject
from notes.python_inventory import (
    InventoryError,
    describe,
    interpreter_entries,
    read_inventory,
    safe_import,
    with_interpreter_details,
)
from notes.python_names import PythonEntry
from tests.factories import make_note


def write_inventory(path, objects):
    inventory = soi.Inventory()
    inventory.project = "Python"
    inventory.version = "3.11"
    for name, domain, role, uri in objects:
        inventory.objects.append(
            soi.DataObjStr(name=name, domain=domain, role=role, priority="1", uri=uri,
                           dispname="-")
        )  # fmt: skip
    soi.writebytes(str(path), soi.compress(inventory.data_file(contract=True)))
    return path


@pytest.fixture
def inventory_file(tmp_path):
    return write_inventory(
        tmp_path / "objects.inv",
        [
            ("functools.lru_cache", "py", "function", "library/functools.html#$"),
            ("functools", "py", "module", "library/functools.html#module-$"),
            ("object.__hash__", "py", "method", "reference/datamodel.html#$"),
            ("global interpreter lock", "std", "term", "glossary.html#term-gil"),
            ("PyList_New", "c", "function", "c-api/list.html#$"),
            ("tut-intro", "std", "label", "tutorial/index.html#$"),
        ],
    )


def test_inventory_keeps_python_roles_and_terms_with_expanded_paths(inventory_file):
    entries = {entry.name: entry for entry in read_inventory(inventory_file)}
    assert set(entries) == {
        "functools.lru_cache", "functools", "object.__hash__", "term:global interpreter lock",
    }  # fmt: skip
    assert entries["functools.lru_cache"].path == ("library/functools.html#functools.lru_cache")
    assert entries["functools"].role == "py:module"
    assert entries["term:global interpreter lock"].path == "glossary.html#term-gil"


def test_inventory_entries_get_signature_and_summary_from_the_interpreter(inventory_file):
    entries = {
        entry.name: entry for entry in with_interpreter_details(read_inventory(inventory_file))
    }
    assert entries["functools.lru_cache"].signature == "(maxsize=128, typed=False)"
    assert entries["functools.lru_cache"].summary.startswith("Least-recently-used cache")
    assert entries["term:global interpreter lock"].signature == ""


def test_a_file_that_is_no_inventory_is_refused_with_a_sentence(tmp_path):
    junk = tmp_path / "objects.inv"
    junk.write_bytes(b"\x00\x01 not an inventory")
    with pytest.raises(InventoryError, match="is not a Sphinx inventory"):
        read_inventory(junk)
    with pytest.raises(InventoryError, match="Cannot read"):
        read_inventory(tmp_path / "missing.inv")


def test_an_inventory_of_other_projects_holds_no_entries(tmp_path):
    other = write_inventory(tmp_path / "c.inv", [("PyList_New", "c", "function", "x.html#$")])
    with pytest.raises(InventoryError, match="holds no entries"):
        read_inventory(other)


def test_interpreter_index_finds_the_standard_library_and_builtins():
    entries = {entry.name: entry for entry in interpreter_entries()}
    assert entries["functools.lru_cache"].path == "library/functools.html#functools.lru_cache"
    assert entries["functools.lru_cache"].signature == "(maxsize=128, typed=False)"
    assert entries["len"].path == "library/functions.html#len"
    assert entries["len"].summary == "Return the number of items in a container."
    assert entries["KeyError"].path == "library/exceptions.html#KeyError"
    assert entries["KeyError"].role == "py:exception"
    assert entries["dict"].path == "library/stdtypes.html#dict"
    assert entries["threading.Lock"].path == "library/threading.html#threading.Lock"
    assert entries["os.path.join"].path == "library/os.path.html#os.path.join"
    assert entries["object.__hash__"].path == "reference/datamodel.html#object.__hash__"
    assert entries["__debug__"].path == "library/constants.html#__debug__"
    other = [name for name in entries if name.startswith(("_", "test.", "antigravity", "this."))]
    assert other == ["__debug__"]


def test_interpreter_index_never_imports_modules_that_act_on_import():
    before = set(sys.modules)
    interpreter_entries()
    new = set(sys.modules) - before
    acting = ("antigravity", "this", "idlelib", "tkinter", "turtle", "lib2to3", "test")
    assert not [name for name in new if name.split(".")[0] in acting or "__main__" in name]
    assert "antigravity" not in sys.modules and "this" not in sys.modules


def test_safe_import_refuses_modules_with_side_effects():
    assert "antigravity" not in sys.modules
    for name in ("antigravity", "this", "idlelib.idle", "_thread", "test.support", "json.__main__"):
        assert safe_import(name) is None
    assert "antigravity" not in sys.modules and "this" not in sys.modules
    assert safe_import("functools") is sys.modules["functools"]


def test_describe_skips_a_signature_line_in_a_docstring():
    def sleep(seconds):
        """sleep(seconds)

        Delay execution."""

    assert describe(sleep) == ("(seconds)", "Delay execution.")


@pytest.mark.django_db
def test_command_loads_the_inventory_and_says_from_where(inventory_file, capsys):
    call_command("load_python_docs", str(inventory_file))
    out = capsys.readouterr().out
    assert "Loaded 4 entries" in out and str(inventory_file) in out
    stored = PythonObject.objects.get(name="functools.lru_cache")
    assert stored.source == PythonObject.Source.INVENTORY
    assert stored.summary.startswith("Least-recently-used")
    assert "recount_notes --rerender" not in out  # no note was stored before


@pytest.mark.django_db
def test_command_says_how_notes_stored_before_get_their_links(inventory_file, capsys):
    make_note(body="`gc.disable()`")
    call_command("load_python_docs", str(inventory_file))
    assert "`manage.py recount_notes --rerender` links the notes stored before" in (
        capsys.readouterr().out
    )


@pytest.mark.django_db
def test_command_refuses_a_bad_file_with_a_sentence_and_writes_nothing(tmp_path, inventory_file):
    call_command("load_python_docs", str(inventory_file))
    junk = tmp_path / "junk.inv"
    junk.write_text("hello")
    with pytest.raises(CommandError, match=r"is not a Sphinx inventory .*\.$"):
        call_command("load_python_docs", str(junk))
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.inv: .*\.$"):
        call_command("load_python_docs", str(tmp_path / "missing.inv"))
    assert PythonObject.objects.count() == 4  # as before


@pytest.mark.django_db
def test_command_reads_the_interpreter_without_the_default_inventory(settings, tmp_path, capsys):
    settings.PYTHON_DOCS_INVENTORY = str(tmp_path / "absent" / "objects.inv")
    call_command("load_python_docs")
    out = capsys.readouterr().out
    assert "reading the interpreter" in out and "from the running interpreter" in out
    assert PythonObject.objects.get(name="len").source == PythonObject.Source.INTERPRETER


@pytest.mark.django_db
def test_command_if_empty_leaves_a_loaded_index_alone(inventory_file, capsys):
    PythonObject.objects.replace_all(
        [PythonEntry("len", "py:function", "library/functions.html#len")], "inventory"
    )
    call_command("load_python_docs", str(inventory_file), "--if-empty")
    assert "already loaded" in capsys.readouterr().out
    assert list(PythonObject.objects.values_list("name", flat=True)) == ["len"]


@pytest.mark.django_db
def test_index_is_read_again_only_when_the_table_changes(django_assert_num_queries):
    PythonObject.objects.replace_all(
        [PythonEntry("len", "py:function", "library/functions.html#len")], "inventory"
    )
    first = PythonObject.objects.index()
    with django_assert_num_queries(1):  # the version, not the rows
        assert PythonObject.objects.index() is first
    PythonObject.objects.replace_all(
        [PythonEntry("dict", "py:class", "library/stdtypes.html#dict")], "inventory"
    )
    assert PythonObject.objects.index().get("dict") is not None
    assert PythonObject.objects.index().get("len") is None
