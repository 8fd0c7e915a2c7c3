"""Python names in a note, resolved to entries of the Python documentation's index.

Pure functions over plain data, as sphinx-codeautolink and intersphinx resolve names
for documentation sites:

- in a code block, names are resolved through the block's own imports with ``ast``
  (``import threading as th`` then ``th.Lock()`` is ``threading.Lock``), and built-in
  names and special methods are found by name; a method called on an instance is not
  guessed. A block that does not parse falls back to the dotted names ``tokenize``
  finds whose first part is a standard module or an imported name;
- in inline code (`functools.lru_cache`, `gc.disable()`, `__hash__`, `len()`), the
  whole text is one name looked up as it is;
- in prose, only PEP numbers ("PEP 703", "PEP8", "pep-0484") are found: a word such as
  "lock" in a sentence is never taken for ``threading.Lock``.
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MODULE = "py:module"
TERM = "std:term"
# Glossary terms are stored under this prefix ("term:global interpreter lock"), so that
# a term never stands in for a Python name of the same spelling.
TERM_PREFIX = "term:"
# Where a special method is documented, in order: the data model first.
SPECIAL_OWNERS = ("object", "definition", "function", "type", "class", "instance", "module")
PEP_URL = "https://peps.python.org/pep-{number:04d}/"

_PEP = re.compile(r"(?<![\w-])PEP(?:[ -]?)0*(\d{1,4})(?![\w-])", re.IGNORECASE)
_INLINE = re.compile(r"\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\([^()]*\))?\s*")
_SPECIAL = re.compile(r"__[a-z][a-z0-9_]*__")
_PROMPT = re.compile(r"(?:>>>|\.\.\.)(?: |$)")
_FROM_IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?([\w\s,]+)", re.MULTILINE)
_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")


@dataclass(frozen=True)
class PythonEntry:
    """One entry of the documentation's index, as the linker needs it."""

    name: str  # "functools.lru_cache"
    role: str  # "py:function"
    path: str  # relative to the documentation's root
    signature: str = ""  # "(user_function)"
    summary: str = ""  # the first line of its description


@dataclass(frozen=True)
class Span:
    """A name found in a text: ``text[start:end]`` stands for the entry ``name``."""

    start: int
    end: int
    name: str


class PythonIndex:
    """The documentation's entries by name, with the special methods by their short
    name ("__hash__" -> "object.__hash__") and the address of the documentation."""

    def __init__(self, entries: Iterable[PythonEntry], docs_url: str = ""):
        self.entries = {entry.name: entry for entry in entries}
        self.docs_url = docs_url
        owners = {owner: rank for rank, owner in enumerate(SPECIAL_OWNERS)}
        ranked: dict[str, tuple[int, str]] = {}
        for name, entry in self.entries.items():
            owner, _, short = name.rpartition(".")
            if not _SPECIAL.fullmatch(short) or entry.role == TERM:
                continue
            rank = owners.get(owner, len(owners)) if owner else len(owners) + 1
            if short not in ranked or (rank, name) < ranked[short]:
                ranked[short] = (rank, name)
        self.special_names = {short: name for short, (_, name) in ranked.items()}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, name: str) -> PythonEntry | None:
        entry = self.entries.get(name)
        return None if entry is None or entry.role == TERM else entry

    def url(self, entry: PythonEntry) -> str:
        return self.docs_url + entry.path

    def is_module(self, name: str) -> bool:
        entry = self.entries.get(name)
        return entry is not None and entry.role == MODULE

    def builtin(self, name: str) -> PythonEntry | None:
        """A built-in function, class, exception or constant: an entry without a dot
        that is not a module."""
        entry = self.get(name)
        if entry is None or "." in name or entry.role == MODULE or _SPECIAL.fullmatch(name):
            return None
        return entry

    def special(self, name: str) -> PythonEntry | None:
        """The entry of a special method or attribute by its short name."""
        found = self.special_names.get(name)
        return self.entries[found] if found else None


def pep_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, url)`` of every PEP named in prose."""
    for match in _PEP.finditer(text):
        yield match.start(), match.end(), PEP_URL.format(number=int(match.group(1)))


def inline_entry(text: str, index: PythonIndex) -> PythonEntry | None:
    """The entry inline code names as a whole: `functools.lru_cache`, `gc.disable()`,
    `len()`, `__hash__`, `os`; ``None`` for anything else (`self.lock`, `x = 1`)."""
    match = _INLINE.fullmatch(text)
    if match is None:
        return None
    name = match.group(1)
    if _SPECIAL.fullmatch(name):
        return index.special(name)
    return index.get(name)


def code_spans(source: str, index: PythonIndex) -> list[Span]:
    """The names of a Python code block (or an interactive session) to link, in order."""
    if not index:
        return []
    parsed, line_offsets = _parseable(source)
    try:
        tree = ast.parse(parsed)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return _token_spans(source, index)
    finder = _TreeNames(tree, parsed, line_offsets, index)
    return _without_overlaps(finder.spans())


def _parseable(source: str) -> tuple[str, list[int]]:
    """The code to parse, with an interactive session's prompts taken out and its
    output left blank, and where each of its lines starts in ``source``."""
    lines = source.splitlines(keepends=True)
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line)
    if not any(line.startswith(">>>") for line in lines):
        return source, starts
    kept, offsets = [], []
    for line, start in zip(lines, starts, strict=True):
        prompt = _PROMPT.match(line)
        if prompt:
            kept.append(line[prompt.end() :])
            offsets.append(start + prompt.end())
        else:  # output
            kept.append("\n")
            offsets.append(start)
    return "".join(kept), offsets


# The nodes that bind names (or import them), besides assigned names.
_BINDERS = frozenset({
    ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.arg,
    ast.ExceptHandler, ast.Global, ast.Nonlocal,
})  # fmt: skip


class _TreeNames:
    """The names of a parsed block: imports first, then every use."""

    def __init__(self, tree: ast.AST, parsed: str, offsets: list[int], index: PythonIndex):
        self.tree = tree
        self.lines = parsed.splitlines()
        self.offsets = offsets
        self.index = index
        self.found: list[Span] = []
        self.imported: dict[str, str] = {}  # local name -> qualified name
        self.bound: set[str] = set()  # names assigned, defined or taken as parameters

    def spans(self) -> list[Span]:
        # One walk sorts the nodes by what they are (by exact type: the walk is most
        # of the time a block takes, and isinstance chains doubled it).
        names: list[ast.Name] = []
        attributes: list[ast.Attribute] = []
        definitions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        bound = self.bound
        for node in ast.walk(self.tree):
            kind = type(node)
            if kind is ast.Name:
                assert isinstance(node, ast.Name)
                if type(node.ctx) is ast.Load:
                    names.append(node)
                else:
                    bound.add(node.id)
            elif kind is ast.Attribute:
                assert isinstance(node, ast.Attribute)
                attributes.append(node)
            elif kind in _BINDERS:
                self._binding(node)
                if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    definitions.append(node)
        inner = {id(node.value) for node in attributes}
        for node in attributes:
            if id(node) not in inner:
                self._chain(node)
        for node in names:
            if id(node) not in inner:
                self._name(node)
        for node in definitions:
            self._definition(node)
        return self.found

    # --- positions ---

    def _offset(self, line: int, column: int) -> int:
        """The offset in the source of ``ast``'s (1-based line, UTF-8 byte column)."""
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        if not text.isascii():
            column = len(text.encode()[:column].decode(errors="ignore"))
        return self.offsets[line - 1] + column

    def _add(self, line: int, column: int, length: int, name: str) -> None:
        start = self._offset(line, column)
        self.found.append(Span(start, start + length, name))

    # --- what the block binds ---

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            top = alias.name.partition(".")[0]
            local = alias.asname or top
            self.imported[local] = alias.name if alias.asname else top
            if self.index.get(alias.name):
                self._add(alias.lineno, alias.col_offset, len(alias.name), alias.name)

    def _import_from(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # relative imports name the note's own modules
        line = self.lines[node.lineno - 1] if node.lineno - 1 < len(self.lines) else ""
        found = re.compile(rf"from\s+({re.escape(node.module)})\b").search(line)
        if found and self.index.get(node.module):
            column = len(line[: found.start(1)].encode())
            self._add(node.lineno, column, len(node.module), node.module)
        for alias in node.names:
            if alias.name == "*":
                continue
            qualified = f"{node.module}.{alias.name}"
            self.imported[alias.asname or alias.name] = qualified
            if self.index.get(qualified):
                self._add(alias.lineno, alias.col_offset, len(alias.name), qualified)

    def _binding(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            self._import(node)
        elif isinstance(node, ast.ImportFrom):
            self._import_from(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bound.add(node.name)
        elif isinstance(node, ast.arg):
            self.bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.bound.update(node.names)

    # --- uses ---

    def _qualified(self, name: str, dotted: bool) -> str | None:
        """What a bare name in the block stands for, if anything documented."""
        if name in self.bound:
            return None
        if name in self.imported:
            return self.imported[name]
        if self.index.builtin(name):
            return name
        # A standard module used without its import (snippets leave it out): only
        # followed by an attribute, never alone.
        if dotted and self.index.is_module(name):
            return name
        return None

    def _name(self, node: ast.Name) -> None:
        qualified = self._qualified(node.id, dotted=False)
        if qualified and self.index.get(qualified):
            self._add(node.lineno, node.col_offset, len(node.id), qualified)

    def _chain(self, top: ast.Attribute) -> None:
        chain: list[ast.Attribute] = []
        node: ast.expr = top
        while isinstance(node, ast.Attribute):
            chain.append(node)
            node = node.value
        chain.reverse()  # innermost first: os.path, then os.path.join
        if isinstance(node, ast.Name):
            qualified = self._qualified(node.id, dotted=True)
            if qualified is not None:
                # The longest documented prefix: os.path.join, else os.path, else os.
                name = qualified
                names = [name := f"{name}.{part.attr}" for part in chain]
                for part, candidate in zip(reversed(chain), reversed(names), strict=True):
                    if self.index.get(candidate) and part.end_lineno == node.lineno:
                        start = self._offset(node.lineno, node.col_offset)
                        end = self._offset(node.lineno, part.end_col_offset or 0)
                        self.found.append(Span(start, end, candidate))
                        return
                if self.index.get(qualified):
                    self._add(node.lineno, node.col_offset, len(node.id), qualified)
                    return
        # A special attribute of anything: obj.__dict__, f.__closure__.
        if _SPECIAL.fullmatch(top.attr) and top.end_lineno is not None:
            entry = self.index.special(top.attr)
            if entry is not None:
                column = (top.end_col_offset or 0) - len(top.attr)
                self._add(top.end_lineno, column, len(top.attr), entry.name)

    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``def __hash__(self)``: the special method being defined."""
        if not _SPECIAL.fullmatch(node.name):
            return
        entry = self.index.special(node.name)
        line = self.lines[node.lineno - 1]
        found = re.compile(rf"def\s+({re.escape(node.name)})\b").search(line)
        if entry is not None and found:
            self._add(node.lineno, len(line[: found.start(1)].encode()), len(node.name), entry.name)


def _token_spans(source: str, index: PythonIndex) -> list[Span]:
    """Dotted names in code that does not parse, found by ``tokenize`` (so never in a
    string or a comment), whose first part is a standard module or an imported name."""
    imported = _imports_by_text(source)
    lines = source.splitlines(keepends=True)
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line)
    found: list[Span] = []
    for names in _dotted_runs(source):
        first = names[0]
        qualified = imported.get(first.string) or (
            first.string if index.is_module(first.string) else None
        )
        if qualified is None or len(names) < 2:
            continue
        candidates = [qualified + "".join("." + name.string for name in names[1:k]) for k in
                      range(1, len(names) + 1)]  # fmt: skip
        for last, candidate in zip(reversed(names), reversed(candidates), strict=True):
            if index.get(candidate) and last.end[0] == first.start[0]:
                start = starts[first.start[0] - 1] + first.start[1]
                end = starts[last.end[0] - 1] + last.end[1]
                found.append(Span(start, end, candidate))
                break
    return _without_overlaps(found)


def _dotted_runs(source: str) -> Iterator[list[tokenize.TokenInfo]]:
    """Runs of NAME tokens joined by dots (``os.path.join``), as far as the source
    tokenizes."""
    run: list[tokenize.TokenInfo] = []
    after_dot = False
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    try:
        for token in tokens:
            if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
                if run and not after_dot:
                    yield run
                    run = []
                if run or not after_dot:
                    run.append(token)
                after_dot = False
            elif token.type == tokenize.OP and token.string == "." and run and not after_dot:
                after_dot = True
            else:
                if run:
                    yield run
                run, after_dot = [], token.type == tokenize.OP and token.string == "."
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    if run:
        yield run


def _imports_by_text(source: str) -> dict[str, str]:
    """The imports of code that does not parse, read line by line."""
    imported: dict[str, str] = {}
    for line in source.splitlines():
        line = _PROMPT.sub("", line, count=1) if line.startswith((">>>", "...")) else line
        plain = _IMPORT.match(line)
        if plain:
            for part in plain.group(1).split(","):
                name, _, alias = (word.strip() for word in part.partition(" as "))
                local = alias or name.partition(".")[0]
                imported[local] = name if alias else local
        for module, names in _FROM_IMPORT.findall(line):
            for part in names.split(","):
                name, _, alias = (word.strip() for word in part.partition(" as "))
                if name and not module.startswith("."):
                    imported[alias or name] = f"{module}.{name}"
    return imported


def _without_overlaps(spans: Iterable[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(set(spans), key=lambda span: (span.start, -span.end)):
        if span.end > span.start and (not kept or span.start >= kept[-1].end):
            kept.append(span)
    return kept
