"""The Python documentation's index, read from its Sphinx inventory or, without one,
from the running interpreter.

No database: ``notes.python_docs`` stores what these functions return.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import inspect
import io
import pkgutil
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

import sphobjinv  # type: ignore[import-untyped]  # (ships no types)

from .python_names import TERM, TERM_PREFIX, PythonEntry

KEPT_ROLES = frozenset({
    "py:module", "py:function", "py:class", "py:method", "py:attribute", "py:data",
    "py:exception", "py:classmethod", "py:staticmethod", "std:term",
})  # fmt: skip
# When two entries share a name, the first of these wins.
ROLE_ORDER = (
    "py:module", "py:class", "py:exception", "py:function", "py:method", "py:classmethod",
    "py:staticmethod", "py:attribute", "py:data", "std:term",
)  # fmt: skip
NAME_LENGTH, PATH_LENGTH, TEXT_LENGTH = 300, 500, 300

# Modules never imported to read their names, because importing them does something:
# antigravity opens a web browser, this prints the Zen of Python, idlelib.idle starts
# IDLE, tkinter and turtle talk to a display, readline and rlcompleter take over the
# terminal, lib2to3 writes its grammar cache, distutils is replaced by setuptools' shim
# on import, pydoc_data is data only, and the test suites run setup code. Any
# ``__main__`` module runs its program; private ``_x`` modules are never read either.
DENIED_MODULES = frozenset({
    "antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "__main__",
    "pydoc_data", "lib2to3", "readline", "rlcompleter", "distutils", "ensurepip",
    "encodings", "xxsubtype", "xxlimited", "xxlimited_35", "msilib", "winreg", "winsound",
    "msvcrt", "nt", "sre_compile", "sre_constants", "sre_parse",
})  # fmt: skip
# Packages whose public submodules are read too (one and two levels down).
SUBMODULE_DEPTH = 2
# Not a package, but documented as a module of its own.
EXTRA_MODULES = ("os.path",)
# Built-in types documented on the page of built-in types rather than of functions.
STDTYPES = frozenset({"str", "list", "tuple", "range", "dict", "set", "frozenset", "bytes",
                      "bytearray", "memoryview"})  # fmt: skip
CONSTANTS = ("True", "False", "None", "NotImplemented", "Ellipsis", "__debug__")
# The data model's special methods and attributes, documented on object.
SPECIAL_NAMES = (  # fmt: skip
    "__new__",
    "__init__",
    "__del__",
    "__repr__",
    "__str__",
    "__bytes__",
    "__format__",
    "__lt__",
    "__le__",
    "__eq__",
    "__ne__",
    "__gt__",
    "__ge__",
    "__hash__",
    "__bool__",
    "__getattr__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__dir__",
    "__get__",
    "__set__",
    "__delete__",
    "__slots__",
    "__init_subclass__",
    "__set_name__",
    "__call__",
    "__len__",
    "__length_hint__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__missing__",
    "__iter__",
    "__reversed__",
    "__contains__",
    "__add__",
    "__sub__",
    "__mul__",
    "__matmul__",
    "__truediv__",
    "__floordiv__",
    "__mod__",
    "__divmod__",
    "__pow__",
    "__lshift__",
    "__rshift__",
    "__and__",
    "__xor__",
    "__or__",
    "__neg__",
    "__pos__",
    "__abs__",
    "__invert__",
    "__complex__",
    "__int__",
    "__float__",
    "__index__",
    "__round__",
    "__trunc__",
    "__floor__",
    "__ceil__",
    "__enter__",
    "__exit__",
    "__await__",
    "__aiter__",
    "__anext__",
    "__aenter__",
    "__aexit__",
    "__dict__",
    "__class__",
)


class InventoryError(Exception):
    """An inventory that cannot be read; the message is a sentence for the user."""


def read_inventory(path: str | Path) -> list[PythonEntry]:
    """The entries of a Sphinx ``objects.inv`` that this site links to."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InventoryError(f"Cannot read {path}: {error.strerror or error}.") from None
    try:
        # A compressed inventory (as Sphinx writes it), else its plain-text form.
        if data.startswith(b"# Sphinx inventory version") and b"zlib" not in data[:300]:
            inventory = sphobjinv.Inventory(plaintext=data)
        else:
            inventory = sphobjinv.Inventory(zlib=data)
    # sphobjinv reports a file that is not an inventory with many kinds of exception
    # (zlib's, its own, ValueError, TypeError...); each means the same to the user.
    except Exception:  # noqa: BLE001
        raise InventoryError(
            f"{path} is not a Sphinx inventory (objects.inv) that can be read."
        ) from None
    entries: dict[str, PythonEntry] = {}
    for item in inventory.objects:
        role = f"{item.domain}:{item.role}"
        if role not in KEPT_ROLES:
            continue
        name = TERM_PREFIX + item.name if role == TERM else item.name
        entry = PythonEntry(name[:NAME_LENGTH], role, item.uri_expanded[:PATH_LENGTH])
        if name not in entries or _rank(role) < _rank(entries[name].role):
            entries[name] = entry
    if not entries:
        raise InventoryError(f"{path} holds no entries of the Python documentation.")
    return list(entries.values())


def _rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def with_interpreter_details(entries: Iterable[PythonEntry]) -> list[PythonEntry]:
    """Inventory entries with the signature and first line of the docstring of the
    object each names, where the interpreter can import it safely."""
    modules: dict[str, ModuleType | None] = {}
    detailed = []
    for entry in entries:
        found = _object_for(entry.name, modules) if entry.role.startswith("py:") else None
        if found is None:
            detailed.append(entry)
        else:
            signature, summary = describe(found)
            detailed.append(PythonEntry(entry.name, entry.role, entry.path, signature, summary))
    return detailed


def _object_for(name: str, modules: dict[str, ModuleType | None]) -> object | None:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        if module_name not in modules:
            modules[module_name] = safe_import(module_name) if _may_exist(module_name) else None
        module = modules[module_name]
        if module is None:
            continue
        found: object = module
        for attribute in parts[cut:]:
            if attribute.startswith("_") and not attribute.startswith("__"):
                return None
            try:
                found = inspect.getattr_static(found, attribute)
            except AttributeError:
                return None
        return found
    if len(parts) <= 2 and hasattr(builtins, parts[0]):
        found = getattr(builtins, parts[0])
        return getattr(found, parts[1], None) if len(parts) == 2 else found
    return None


def _may_exist(module_name: str) -> bool:
    return module_name.partition(".")[0] in sys.stdlib_module_names or module_name in sys.modules


def safe_import(name: str) -> ModuleType | None:
    """The module, if it is a public standard module that imports without doing
    anything (see ``DENIED_MODULES``); ``None`` otherwise."""
    parts = name.split(".")
    if (
        any(part.startswith("_") or part in DENIED_MODULES or _is_test(part) for part in parts)
        or parts[0] not in sys.stdlib_module_names
    ):
        return None
    if name in sys.modules:
        return sys.modules[name]
    # A module that prints, warns or fails on import is read quietly, or not at all.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            return importlib.import_module(name)
        except Exception:  # noqa: BLE001 (ImportError, or what a platform's module raises)
            return None


def _is_test(part: str) -> bool:
    # The test suites (test, idlelib.idle_test, ctypes.test...), not unittest or doctest.
    return part in ("test", "tests") or part.startswith("test_") or part.endswith("_test")


def describe(found: object) -> tuple[str, str]:
    """An object's signature ("(maxsize=128, typed=False)") and the first line of its
    own docstring."""
    signature = ""
    if callable(found):
        # inspect evaluates the defaults C functions declare, which may fail any way.
        with contextlib.suppress(Exception):
            signature = str(inspect.signature(found))
    documented = vars(found).get("__doc__") if isinstance(found, type) else None
    if not isinstance(found, type):
        documented = getattr(found, "__doc__", None)
        if isinstance(found, (staticmethod, classmethod)):
            documented = getattr(found.__func__, "__doc__", None)
    summary = ""
    if isinstance(documented, str):
        for paragraph in inspect.cleandoc(documented).split("\n\n"):
            line = " ".join(paragraph.split())
            # C functions' docstrings may start with their signature: "sleep(seconds)".
            if line and not (
                line.endswith(")") and "(" in line and " " not in line[: line.index("(")]
            ):
                summary = line
                break
    if len(signature) > TEXT_LENGTH:
        signature = ""
    return signature, summary[:TEXT_LENGTH]


def interpreter_entries() -> list[PythonEntry]:
    """The built-ins, the special methods and the public names of the standard modules
    that are safe to import, each with its page in the documentation."""
    entries: dict[str, PythonEntry] = {}

    def add(name: str, role: str, path: str, found: object = None) -> None:
        if name in entries or len(name) > NAME_LENGTH:
            return
        signature, summary = describe(found) if found is not None else ("", "")
        entries[name] = PythonEntry(name, role, path[:PATH_LENGTH], signature, summary)

    for name, found in vars(builtins).items():
        if name.startswith("_"):
            continue
        if isinstance(found, type) and issubclass(found, BaseException):
            add(name, "py:exception", f"library/exceptions.html#{name}", found)
        elif isinstance(found, type):
            page = "stdtypes" if name in STDTYPES else "functions"
            add(name, "py:class", f"library/{page}.html#{name}", found)
            for method, member in _members(found):
                add(
                    f"{name}.{method}",
                    "py:method",
                    f"library/stdtypes.html#{name}.{method}",
                    member,
                )
        elif callable(found):
            add(name, "py:function", f"library/functions.html#{name}", found)
    for name in CONSTANTS:
        add(name, "py:data", f"library/constants.html#{name}")
    for name in SPECIAL_NAMES:
        role = "py:method" if callable(getattr(object, name, len)) else "py:attribute"
        add(f"object.{name}", role, f"reference/datamodel.html#object.{name}")
    for module_name, module in _standard_modules():
        page = f"library/{module_name.lower()}.html"
        add(module_name, "py:module", f"{page}#module-{module_name}", None)
        for name, found in _public_names(module):
            qualified = f"{module_name}.{name}"
            if isinstance(found, type):
                role = "py:exception" if issubclass(found, BaseException) else "py:class"
                add(qualified, role, f"{page}#{qualified}", found)
                for method, member in _members(found):
                    add(
                        f"{qualified}.{method}", "py:method", f"{page}#{qualified}.{method}", member
                    )
            elif callable(found):
                add(qualified, "py:function", f"{page}#{qualified}", found)
            else:
                add(qualified, "py:data", f"{page}#{qualified}")
    return list(entries.values())


def _standard_modules() -> Iterator[tuple[str, ModuleType]]:
    names = sorted(sys.stdlib_module_names) + list(EXTRA_MODULES)
    seen = set()
    while names:
        name = names.pop(0)
        module = safe_import(name) if name not in seen else None
        seen.add(name)
        if module is None:
            continue
        yield name, module
        if hasattr(module, "__path__") and name.count(".") < SUBMODULE_DEPTH:
            names.extend(f"{name}.{info.name}" for info in pkgutil.iter_modules(module.__path__))


def _public_names(module: ModuleType) -> Iterator[tuple[str, object]]:
    """The names a module documents: its ``__all__``, else its public names defined in
    it or in a private module it wraps (threading.Lock comes from _thread)."""
    declared = getattr(module, "__all__", None)
    real_name = module.__name__
    for name, found in sorted(vars(module).items()):
        if name.startswith("_") or isinstance(found, ModuleType):
            continue
        if declared is not None:
            if name in declared:
                yield name, found
            continue
        home = getattr(found, "__module__", None)
        if not callable(found) or home is None or home == real_name or home.startswith("_"):
            yield name, found


def _members(cls: type) -> Iterator[tuple[str, object]]:
    for name, member in sorted(vars(cls).items()):
        if not name.startswith("_") and callable(getattr(cls, name, None)):
            yield name, member
