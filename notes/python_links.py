"""Links to the Python documentation in rendered HTML, with a hover card.

A pure function over sanitised HTML and an index of the documentation
(``notes.python_names.PythonIndex``): the names of Python code blocks (already
highlighted by Pygments into one ``<span>`` per token) and of inline code become
links to the documentation; "PEP 703" in prose becomes a link to peps.python.org.

A link carries its card in ``data-card`` ("function functools.lru_cache(user_function)
— Decorator to wrap…"), which the style sheet draws on hover and focus: no script, and
no second request. Text never already inside a link, a heading or code is touched for
PEPs, so topic links (which skip code) and these never nest.
"""

from __future__ import annotations

import html
import re

from .python_names import PythonEntry, PythonIndex, Span, code_spans, inline_entry, pep_spans
from .render_limits import Deadline

CARD_SUMMARY_LENGTH = 160
ROLE_WORDS = {
    "py:module": "module",
    "py:function": "function",
    "py:class": "class",
    "py:method": "method",
    "py:attribute": "attribute",
    "py:data": "data",
    "py:exception": "exception",
    "py:classmethod": "class method",
    "py:staticmethod": "static method",
}
_PRE_BLOCK = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL)
_CODE_INSIDE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.DOTALL)
# Pygments' output is flat: a token is a <span class="..."> holding text only.
_ATOM = re.compile(r'(<span class="[^"<>]*">)([^<]*)(</span>)|([^<]+)|(<[^>]*>)')
# A block marked as another language than Python is left alone; one marked as plain
# text or not marked at all is read as Python if it parses, else only for dotted names
# of standard modules and imported names.
_LANGUAGE = re.compile(r'class="[^"]*\blanguage-([\w+-]+)')
PYTHON_LANGUAGES = frozenset(
    {"python", "py", "python3", "py3", "pycon", "python-console", "ipython", "text", "plain"}
)
_MAYBE_PEP = re.compile("pep", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_TAG_OR_TEXT = re.compile(r"<[^>]*>|[^<]+")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Text inside these is left as it is (headings keep their anchors' text plain).
_SKIP = frozenset({"a", "code", "pre", "kbd", "samp", "script", "style", "h1", "h2", "h3",
                   "h4", "h5", "h6"})  # fmt: skip


def card_text(entry: PythonEntry) -> str:
    """What the hover card says: kind, name, signature and the first line of its
    description, cut to a readable length."""
    kind = ROLE_WORDS.get(entry.role, entry.role.partition(":")[2])
    card = f"{kind} {entry.name}{entry.signature}".strip()
    summary = " ".join(entry.summary.split())
    if len(summary) > CARD_SUMMARY_LENGTH:
        summary = summary[: CARD_SUMMARY_LENGTH - 1].rstrip() + "…"
    return f"{card} — {summary}" if summary else card


def anchor_start(entry: PythonEntry, index: PythonIndex) -> str:
    return (
        f'<a class="pydoc" href="{html.escape(index.url(entry))}" '
        f'data-card="{html.escape(card_text(entry))}">'
    )


def link_python_docs(
    rendered_html: str, index: PythonIndex | None, *, deadline: Deadline | None = None
) -> str:
    """``rendered_html`` with its Python names and PEPs linked; unchanged when the
    index is empty."""
    if not index:
        return rendered_html
    deadline = deadline or Deadline()
    pieces: list[str] = []
    position = 0
    for block in _PRE_BLOCK.finditer(rendered_html):
        deadline.check()
        pieces.append(_link_outside_code_blocks(rendered_html[position : block.start()], index))
        pieces.append(_link_code_block(block.group(), index))
        position = block.end()
    pieces.append(_link_outside_code_blocks(rendered_html[position:], index))
    return "".join(pieces)


def _link_code_block(block: str, index: PythonIndex) -> str:
    code = _CODE_INSIDE.search(block)
    if code is None:
        return block
    language = _LANGUAGE.search(code.group(1))
    if language and language.group(1).lower() not in PYTHON_LANGUAGES:
        return block
    inner = code.group(2)
    spans = code_spans(html.unescape(_TAG.sub("", inner)), index)
    if spans:
        inner = _CodeLinker(inner, index).link(spans)
    return block[: code.start(2)] + inner + block[code.end(2) :]


class _CodeLinker:
    """Links written into a highlighted block's HTML, copying the rest as it is.

    A link holds whole tokens where the name starts and ends on a token's edges ("os",
    ".", "path" in one link), else it is written inside its token (a block that
    Pygments left unhighlighted is one token of text).
    """

    def __init__(self, inner: str, index: PythonIndex):
        self.inner = inner
        self.index = index
        self.atoms = list(_ATOM.finditer(inner))
        self.ends: list[int] = []  # the text offset where each atom's text ends
        offset = 0
        for atom in self.atoms:
            text = self._escaped(atom)
            if text:
                offset += len(html.unescape(text)) if "&" in text else len(text)
            self.ends.append(offset)
        self.out: list[str] = []
        self.copied = 0  # how much of ``inner`` is written out
        self.rest: tuple[int, int] | None = None  # (atom, text offset) of a cut token

    @staticmethod
    def _escaped(atom: re.Match[str]) -> str | None:
        return atom.group(2) if atom.group(1) else atom.group(4)

    def _start(self, number: int) -> int:
        return self.ends[number - 1] if number else 0

    def _write_until(self, position: int) -> None:
        if self.rest is not None:
            number, text_from = self.rest
            atom = self.atoms[number]
            group = 2 if atom.group(1) else 4
            text = html.unescape(atom.group(group))
            self.out.append(html.escape(text[text_from - self._start(number) :], quote=False))
            self.copied = atom.end(group)
            self.rest = None
        self.out.append(self.inner[self.copied : position])
        self.copied = max(self.copied, position)

    def link(self, spans: list[Span]) -> str:
        atoms, ends = self.atoms, self.ends
        number = 0
        for span in spans:
            entry = self.index.get(span.name)
            while number < len(atoms) and ends[number] <= span.start:
                number += 1
            if entry is None or number == len(atoms) or self._escaped(atoms[number]) is None:
                continue
            atom, start = atoms[number], self._start(number)
            last = self._run_ending_at(number, span.end) if start == span.start else None
            if last is not None:
                self._write_until(atom.start())
                self.out.append(anchor_start(entry, self.index))
                self._write_until(atoms[last].end())
                self.out.append("</a>")
                number = last + 1
            elif span.end <= ends[number]:
                self._link_inside(number, span, entry)
        self._write_until(len(self.inner))
        return "".join(self.out)

    def _run_ending_at(self, first: int, end: int) -> int | None:
        """The last of a run of text atoms from ``first`` that ends exactly at ``end``."""
        for number in range(first, len(self.atoms)):
            if self._escaped(self.atoms[number]) is None or self.ends[number] > end:
                return None
            if self.ends[number] == end:
                return number
        return None

    def _link_inside(self, number: int, span: Span, entry: PythonEntry) -> None:
        atom, start = self.atoms[number], self._start(number)
        group = 2 if atom.group(1) else 4
        text = html.unescape(atom.group(group))
        if self.rest is not None and self.rest[0] == number:
            written = self.rest[1] - start  # an earlier name in this token is written
            self.rest = None
        else:
            self._write_until(atom.start(group))
            written = 0
        cut, end = span.start - start, span.end - start
        self.out.append(
            html.escape(text[written:cut], quote=False) + anchor_start(entry, self.index)
            + html.escape(text[cut:end], quote=False) + "</a>"
        )  # fmt: skip
        self.rest = (number, span.end)


def _link_outside_code_blocks(fragment: str, index: PythonIndex) -> str:
    """Inline code that names an entry, and PEPs in prose."""
    if "<code" not in fragment and not _MAYBE_PEP.search(fragment):
        return fragment  # most of a note: walking its tags would find nothing
    out: list[str] = []
    skipping: list[str] = []  # the open elements whose text is left alone
    code: list[str] | None = None  # the pieces of an inline <code> being read
    for match in _TAG_OR_TEXT.finditer(fragment):
        piece = match.group()
        if code is not None:
            if piece.startswith("</code"):
                out.append(_inline_code(code, piece, index))
                code = None
            else:
                code.append(piece)
            continue
        if not piece.startswith("<"):
            out.append(piece if skipping else _link_peps(piece))
            continue
        name_match = _TAG_NAME.match(piece)
        name = name_match.group(1).lower() if name_match else ""
        if name == "code" and not piece.startswith("</") and not skipping:
            code = [piece]
            continue
        out.append(piece)
        if name not in _SKIP or piece.endswith("/>"):
            continue
        if not piece.startswith("</"):
            skipping.append(name)
        elif name in skipping:
            del skipping[len(skipping) - 1 - skipping[::-1].index(name)]
    if code is not None:
        out.extend(code)
    return "".join(out)


def _inline_code(pieces: list[str], closing: str, index: PythonIndex) -> str:
    opening, inner = pieces[0], pieces[1:]
    if len(inner) == 1 and not inner[0].startswith("<"):
        entry = inline_entry(html.unescape(inner[0]), index)
        if entry is not None:
            return f"{opening}{anchor_start(entry, index)}{inner[0]}</a>{closing}"
    return opening + "".join(inner) + closing


def _link_peps(escaped_text: str) -> str:
    # The text is escaped HTML; a PEP's name is letters, digits, a space or a hyphen,
    # so it is found and kept as it is.
    pieces: list[str] = []
    position = 0
    for start, end, url in pep_spans(escaped_text):
        pieces.append(escaped_text[position:start])
        pieces.append(f'<a class="pep" href="{html.escape(url)}">{escaped_text[start:end]}</a>')
        position = end
    pieces.append(escaped_text[position:])
    return "".join(pieces)
