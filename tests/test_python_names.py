"""Finding Python names in code, inline code and prose (notes.python_names)."""

from __future__ import annotations

import pytest

from notes.python_names import (
    PythonEntry,
    PythonIndex,
    code_spans,
    inline_entry,
    pep_spans,
)

ENTRIES = [
    ("functools", "py:module"),
    ("functools.lru_cache", "py:function"),
    ("functools.partial", "py:class"),
    ("threading", "py:module"),
    ("threading.Lock", "py:class"),
    ("threading.Lock.acquire", "py:method"),
    ("os", "py:module"),
    ("os.fork", "py:function"),
    ("os.path", "py:module"),
    ("os.path.join", "py:function"),
    ("sys", "py:module"),
    ("sys.setswitchinterval", "py:function"),
    ("gc", "py:module"),
    ("gc.disable", "py:function"),
    ("len", "py:function"),
    ("print", "py:function"),
    ("dict", "py:class"),
    ("dict.get", "py:method"),
    ("KeyError", "py:exception"),
    ("object.__hash__", "py:method"),
    ("object.__init__", "py:method"),
    ("object.__dict__", "py:attribute"),
    ("types.ModuleType.__name__", "py:attribute"),
    ("definition.__name__", "py:attribute"),
    ("contextmanager.__enter__", "py:method"),
    ("object.__enter__", "py:method"),
    ("term:global interpreter lock", "std:term"),
]
INDEX = PythonIndex([PythonEntry(name, role, f"page.html#{name}") for name, role in ENTRIES])


def found(source: str) -> list[tuple[str, str]]:
    """Each span as (the text it covers, the entry it names)."""
    return [(source[span.start : span.end], span.name) for span in code_spans(source, INDEX)]


CODE_CASES = [
    pytest.param(
        "import threading as th\nlock = th.Lock()\n",
        [("threading", "threading"), ("th.Lock", "threading.Lock")],
        id="import-alias",
    ),
    pytest.param(
        "from functools import lru_cache\n\n@lru_cache\ndef f(x):\n    return x\n",
        [
            ("functools", "functools"),
            ("lru_cache", "functools.lru_cache"),
            ("lru_cache", "functools.lru_cache"),
        ],
        id="from-import-decorator",
    ),  # fmt: skip
    pytest.param(
        "from functools import lru_cache as cache\ncache(f)\n",
        [
            ("functools", "functools"),
            ("lru_cache", "functools.lru_cache"),
            ("cache", "functools.lru_cache"),
        ],
        id="from-import-alias",
    ),  # fmt: skip
    pytest.param(
        "import os\nos.path.join('a', 'b')\n",
        [("os", "os"), ("os.path.join", "os.path.join")],
        id="attribute-chain",
    ),
    pytest.param(
        "import os.path\nos.path.join('a')\n",
        [("os.path", "os.path"), ("os.path.join", "os.path.join")],
        id="dotted-import",
    ),
    pytest.param(
        "import threading\nlock = threading.Lock()\nlock.acquire()\n",
        [("threading", "threading"), ("threading.Lock", "threading.Lock")],
        id="method-on-instance-not-guessed",
    ),
    pytest.param(
        "import threading\nthreading.Lock.acquire\n",
        [("threading", "threading"), ("threading.Lock.acquire", "threading.Lock.acquire")],
        id="method-on-class",
    ),
    pytest.param(
        "import os\nos.path.nothing_documented()\n",
        [("os", "os"), ("os.path", "os.path")],
        id="longest-documented-prefix",
    ),
    pytest.param(
        "sys.setswitchinterval(0.005)\n",
        [("sys.setswitchinterval", "sys.setswitchinterval")],
        id="standard-module-without-import",
    ),
    pytest.param("sys\nmodule = sys\n", [], id="bare-module-without-import-not-linked"),
    pytest.param(
        "n = len(items)\nd = dict()\nraise KeyError(n)\n",
        [("len", "len"), ("dict", "dict"), ("KeyError", "KeyError")],
        id="builtins",
    ),
    pytest.param("d.get('x')\n", [], id="method-of-unknown-object"),
    pytest.param("dict.get(d, 'x')\n", [("dict.get", "dict.get")], id="builtin-class-method"),
    pytest.param(
        "class Point:\n    def __hash__(self):\n        return hash(self.__dict__)\n",
        [("__hash__", "object.__hash__"), ("__dict__", "object.__dict__")],
        id="special-methods",
    ),
    pytest.param(
        "def f():\n    pass\nprint(f.__name__)\n",
        [("print", "print"), ("__name__", "definition.__name__")],
        id="special-attribute-owner",
    ),
    pytest.param(
        "def __enter__(self): ...\n", [("__enter__", "object.__enter__")], id="data-model-wins"
    ),  # fmt: skip
    pytest.param("len = 3\nprint(len)\n", [("print", "print")], id="shadowed-by-assignment"),
    pytest.param("def f(dict):\n    return dict\n", [], id="shadowed-by-parameter"),
    pytest.param(
        "import threading\nthreading = None\nthreading.Lock()\n",
        [("threading", "threading")],
        id="import-shadowed",
    ),
    pytest.param("from . import lru_cache\nlru_cache()\n", [], id="relative-import"),
    pytest.param("s = 'os.fork()'  # os.fork\n", [], id="strings-and-comments"),
    pytest.param(
        ">>> import gc\n>>> gc.disable()\nNone\n",
        [("gc", "gc"), ("gc.disable", "gc.disable")],
        id="interactive-session",
    ),
    pytest.param(
        "é = 1; import gc; gc.disable()\n",
        [("gc", "gc"), ("gc.disable", "gc.disable")],
        id="non-ascii-columns",
    ),
    pytest.param(
        "import gc\ngc.disable(\nos.fork()  # os.path.join\n",
        [("gc.disable", "gc.disable"), ("os.fork", "os.fork")],
        id="does-not-parse-dotted-names",
    ),
    pytest.param(
        "import threading as th\nprint 'x'\nth.Lock()\nlen(x)\n",
        [("th.Lock", "threading.Lock")],
        id="does-not-parse-imports-no-bare-words",
    ),
    pytest.param(
        "from functools import partial\nprint 'x'\nfunctools.partial\nconsole.log(x)\n",
        [("functools.partial", "functools.partial")],
        id="does-not-parse-unknown-first-part",
    ),
    pytest.param("var x = len(1);\n", [], id="other-language"),
    pytest.param(
        "try:\n    pass\nexcept KeyError as len:\n    print(len)\n",
        [("KeyError", "KeyError"), ("print", "print")],
        id="shadowed-by-except",
    ),
    pytest.param(
        "def f():\n    global dict\n    nonlocal_ = dict\n",
        [],
        id="shadowed-by-global",
    ),
    pytest.param("from os import *\nfork()\n", [("os", "os")], id="star-import"),
    pytest.param("dict.nothing\n", [("dict", "dict")], id="builtin-with-unknown-attribute"),
    pytest.param(
        "import gc\ngc.disable(\nprint(os.fork",
        [("gc.disable", "gc.disable"), ("os.fork", "os.fork")],
        id="does-not-parse-ends-in-a-name",
    ),
    pytest.param("os.nothing(\n", [("os", "os")], id="does-not-parse-documented-prefix"),
]


@pytest.mark.parametrize(("source", "expected"), CODE_CASES)
def test_code_names_resolve_through_the_blocks_imports(source, expected):
    assert found(source) == expected


def test_nothing_is_found_with_an_empty_index():
    assert code_spans("import os\nos.fork()\n", PythonIndex([])) == []
    assert not PythonIndex([]) and len(INDEX) == len(ENTRIES)


INLINE_CASES = [
    ("functools.lru_cache", "functools.lru_cache"),
    ("gc.disable()", "gc.disable"),
    ("len()", "len"),
    ("os.path.join(a, b)", "os.path.join"),
    ("__hash__", "object.__hash__"),
    ("__name__", "definition.__name__"),
    ("object.__init__", "object.__init__"),
    ("KeyError", "KeyError"),
    ("threading", "threading"),
    ("self.lock", None),
    ("lock", None),
    ("x = len(y)", None),
    ("global interpreter lock", None),
    ("term:global interpreter lock", None),
    ("__nothing__", None),
]


@pytest.mark.parametrize(("text", "expected"), INLINE_CASES)
def test_inline_code_names_one_entry_as_a_whole(text, expected):
    entry = inline_entry(text, INDEX)
    assert (entry.name if entry else None) == expected


PEP_CASES = [
    ("The GIL goes with PEP 703.", [("PEP 703", 703)]),
    ("Style: PEP8, typing: pep-0484.", [("PEP8", 8), ("pep-0484", 484)]),
    ("PEP-20 and PEP 0", [("PEP-20", 20), ("PEP 0", 0)]),
    ("A PEPTALK, PEP 12345 and MYPEP 8 are not PEPs.", []),
    ("Take the lock, then release it.", []),
]


@pytest.mark.parametrize(("text", "expected"), PEP_CASES)
def test_only_pep_numbers_are_found_in_prose(text, expected):
    spans = [(text[start:end], url) for start, end, url in pep_spans(text)]
    assert spans == [
        (words, f"https://peps.python.org/pep-{number:04d}/") for words, number in expected
    ]


def test_special_names_prefer_the_data_model():
    assert INDEX.special("__enter__").name == "object.__enter__"
    assert INDEX.special("__nothing__") is None


def test_glossary_terms_are_never_names():
    assert INDEX.get("term:global interpreter lock") is None
    assert "term:global interpreter lock" in INDEX.entries
