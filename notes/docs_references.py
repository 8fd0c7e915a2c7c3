"""A topic's references into the Python documentation, and the links they make.

A reference is one line of ``Topic.docs``: a name the documentation indexes (``gc``,
``object.__hash__``, ``threading.Lock``), a glossary term (``term: global interpreter
lock``), a page of the documentation (``reference/executionmodel.html#naming-and-binding``)
or a full ``https://`` address. Pure functions: the index entries are handed in.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

TERM_PREFIX = "term:"
_PAGE = re.compile(r"^[a-z0-9_./-]+\.html(#[\w.-]+)?$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")


@dataclass(frozen=True)
class IndexEntry:
    """What the documentation's index says of a name (a PythonObject, as plain data)."""

    path: str
    role: str = ""
    signature: str = ""
    summary: str = ""


@dataclass(frozen=True)
class DocsLink:
    label: str
    url: str
    # "function functools.lru_cache(user_function) — Decorator to wrap…", or "".
    card: str = ""
    # The label is a name of code (shown as code), not a term, page or address.
    code: bool = False


def docs_lines(value: object) -> list[str]:
    """The references of ``Topic.docs`` (text, one per line) or of a map file's
    ``docs`` (a list of them), stripped, blank ones left out, each once."""
    if isinstance(value, str):
        lines: Iterable[object] = value.splitlines()
    elif isinstance(value, list):
        lines = value
    else:
        raise ValueError("docs are a list of references")
    found = [" ".join(str(line).split()) for line in lines]
    return list(dict.fromkeys(line for line in found if line))


def reference_problem(reference: str) -> str | None:
    """Why ``reference`` cannot be a reference, or None."""
    if reference.startswith(("https://", "http://")):
        return None if " " not in reference else "an address has no spaces"
    if reference.lower().startswith(TERM_PREFIX):
        return None if reference[len(TERM_PREFIX) :].strip() else "a term needs its words"
    if _PAGE.match(reference) or _NAME.match(reference):
        return None
    return "not a name, a term, a page of the documentation or an https:// address"


def lookup_names(references: Iterable[str]) -> set[str]:
    """The names to look up in the index for ``references``: a term under both the
    forms an index may hold it in ("term:gil" and "gil")."""
    names = set()
    for reference in references:
        if reference.lower().startswith(TERM_PREFIX):
            term = reference[len(TERM_PREFIX) :].strip()
            names |= {term, term.lower(), f"{TERM_PREFIX}{term.lower()}"}
        elif _NAME.match(reference):
            names.add(reference)
    return names


def docs_links(
    references: Iterable[str], index: Mapping[str, IndexEntry], base_url: str
) -> list[DocsLink]:
    """A link for each reference: through the index where it holds the name, else by
    the documentation's own layout (a standard module's page, the glossary's anchor),
    else to the documentation's search for it."""
    links = []
    for reference in references:
        if reference_problem(reference) is not None:
            continue
        if reference.startswith(("https://", "http://")):
            links.append(DocsLink(reference, reference))
            continue
        if _PAGE.match(reference):
            links.append(DocsLink(reference, base_url + reference))
            continue
        if reference.lower().startswith(TERM_PREFIX):
            term = reference[len(TERM_PREFIX) :].strip()
            entry = next(
                (index[name] for name in (f"{TERM_PREFIX}{term.lower()}", term, term.lower())
                 if name in index),
                None,
            )  # fmt: skip
            path = entry.path if entry else f"glossary.html#term-{_anchor(term)}"
            links.append(DocsLink(term, base_url + path, _card(entry, term)))
            continue
        entry = index.get(reference)
        if entry is not None:
            url, card = base_url + entry.path, _card(entry, reference)
        elif reference.split(".")[0] in sys.stdlib_module_names:
            module = reference.split(".")[0]
            anchor = "" if reference == module else f"#{reference}"
            url, card = f"{base_url}library/{module}.html{anchor}", ""
        else:
            url, card = f"{base_url}search.html?q={quote(reference)}", ""
        links.append(DocsLink(reference, url, card, code=True))
    return links


def _anchor(term: str) -> str:
    # Sphinx's anchors for glossary terms: "term-" and the words joined by hyphens.
    return re.sub(r"[^\w]+", "-", term.lower()).strip("-")


def _card(entry: IndexEntry | None, name: str) -> str:
    if entry is None:
        return ""
    kind = entry.role.split(":")[-1]
    head = f"{kind} {entry.signature or name}".strip()
    return f"{head} — {entry.summary}" if entry.summary else head
