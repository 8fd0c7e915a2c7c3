"""MkDocs hook: the picture of the layers, drawn from the code at every build.

It reads the layers contract (id "layers") of ``[tool.importlinter]`` in
pyproject.toml, builds the import graph of the project with grimp, and writes
``architecture.svg`` into the built site: the layers top to bottom as boxes listing
their modules, and an arrow from one layer to another for the imports between them,
labelled with their number (pairs of modules, one importing the other). The SVG is
built as plain text; nothing but the standard library and grimp is needed.

A page holding ``<!-- architecture -->`` gets the picture and, under it, the modules
that stand outside the layers. A module the contract names that the page does not
mention is a build warning, so the prose cannot silently fall behind the contract.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath

import grimp
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.architecture")

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
SVG_NAME = "architecture.svg"
MARKER = "<!-- architecture -->"

# Drawing sizes, in SVG units (pixels at 100%).
MARGIN = 16
BOX_X = MARGIN
BOX_WIDTH = 560
GAP = 34  # between two boxes: room for the arrow from one layer to the next
HEADER = 22  # the layer's number and kind, above its modules
CHIP_HEIGHT = 20
CHIP_GAP = 6
CHAR_WIDTH = 7.0  # of the 11.5 px monospace font of module names
PORT_STEP = 11  # between two arrows' ends on a box's right side
PORT_LABEL_ROOM = 34  # inside a box's right side, for the numbers of arrows ending there
COLUMN_STEP = 16  # between two arrows' vertical runs right of the boxes

# One colour per layer the arrows leave, so an arrow can be followed by its colour.
COLOURS = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173",
]  # fmt: skip


# --------------------------------------------------------------------------- the model


@dataclass
class Layer:
    index: int
    modules: list[str]
    independent: bool  # "a | b": none may import another; "a : b": siblings may
    y: float = 0
    height: float = 0
    chips: list[tuple[float, float, float, str]] = field(default_factory=list)


@dataclass
class Arrow:
    source: int
    target: int
    count: int
    column: int = -1
    y_out: float = 0
    y_in: float = 0


def importlinter_config() -> dict:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


def read_layers(config: dict) -> list[Layer]:
    contract = next(item for item in config["contracts"] if item["id"] == "layers")
    layers = []
    for index, line in enumerate(contract["layers"]):
        modules = [name.strip() for name in re.split(r"[|:]", line) if name.strip()]
        layers.append(Layer(index, modules, independent="|" in line))
    return layers


def build_graph(config: dict) -> grimp.ImportGraph:
    return grimp.build_graph(
        *config["root_packages"],
        exclude_type_checking_imports=config.get("exclude_type_checking_imports", False),
        cache_dir=None,
    )


def layer_of(module: str, layers: list[Layer]) -> int | None:
    """The layer whose module is the nearest ancestor of (or is) this module."""
    best, best_length = None, -1
    for layer in layers:
        for name in layer.modules:
            if (module == name or module.startswith(name + ".")) and len(name) > best_length:
                best, best_length = layer.index, len(name)
    return best


def count_imports(graph, layers: list[Layer]) -> tuple[list[Arrow], list[str]]:
    counts: dict[tuple[int, int], int] = {}
    outside = set()
    for module in graph.modules:
        source = layer_of(module, layers)
        if source is None:
            outside.add(module)
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = layer_of(imported, layers)
            if target is not None and target != source:
                counts[source, target] = counts.get((source, target), 0) + 1
    arrows = [Arrow(source, target, count) for (source, target), count in sorted(counts.items())]
    return arrows, sorted(outside)


# --------------------------------------------------------------------------- the layout


def chip_width(name: str) -> float:
    return len(name) * CHAR_WIDTH + 14


def place_chips(layer: Layer) -> float:
    """Lay the layer's modules out in rows inside its box; returns the rows' height."""
    inner_left = BOX_X + 10
    inner_right = BOX_X + BOX_WIDTH - PORT_LABEL_ROOM
    x, y = inner_left, HEADER
    for name in layer.modules:
        width = chip_width(name)
        if x > inner_left and x + width > inner_right:
            x, y = inner_left, y + CHIP_HEIGHT + CHIP_GAP
        layer.chips.append((x, y, width, name))
        x += width + CHIP_GAP
    return y + CHIP_HEIGHT + 10


def assign_columns(arrows: list[Arrow]) -> int:
    """Give each arrow that skips a layer a vertical run of its own right of the boxes.

    Shorter arrows get the runs nearest the boxes; two arrows share a run when the
    layers they span do not overlap. Returns the number of runs.
    """
    taken: list[list[tuple[int, int]]] = []
    long_arrows = [arrow for arrow in arrows if abs(arrow.target - arrow.source) > 1]
    for arrow in sorted(long_arrows, key=lambda a: (abs(a.target - a.source), a.source)):
        low, high = sorted((arrow.source, arrow.target))
        for number, spans in enumerate(taken):
            if all(max(low, other_low) >= min(high, other_high) for other_low, other_high in spans):
                spans.append((low, high))
                arrow.column = number
                break
        else:
            taken.append([(low, high)])
            arrow.column = len(taken) - 1
    return len(taken)


def layout(layers: list[Layer], arrows: list[Arrow]) -> tuple[float, float]:
    columns = assign_columns(arrows)
    routed = [arrow for arrow in arrows if arrow.column >= 0]
    y = MARGIN
    for layer in layers:
        incoming = sorted((a for a in routed if a.target == layer.index), key=lambda a: a.column)
        outgoing = sorted((a for a in routed if a.source == layer.index), key=lambda a: -a.column)
        chips_height = place_chips(layer)
        ports_height = (len(incoming) + len(outgoing) + 1) * PORT_STEP + 8
        layer.y = y
        layer.height = max(chips_height, ports_height, 44)
        # Arrows arrive on the upper part of the right side, the outermost run lowest,
        # and leave from the lower part, the outermost run highest: no arrow crosses
        # another at the box it arrives at or leaves.
        for number, arrow in enumerate(incoming):
            arrow.y_in = y + 10 + number * PORT_STEP
        for number, arrow in enumerate(reversed(outgoing)):
            arrow.y_out = y + layer.height - 8 - number * PORT_STEP
        y += layer.height + GAP
    width = BOX_X + BOX_WIDTH + 14 + columns * COLUMN_STEP + MARGIN
    height = y - GAP + MARGIN
    return width, height


# --------------------------------------------------------------------------- the drawing


def svg(layers: list[Layer], arrows: list[Arrow]) -> str:
    width, height = layout(layers, arrows)
    right = BOX_X + BOX_WIDTH
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        'aria-labelledby="layers-title layers-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        '<title id="layers-title">The layers of the code and the imports between them</title>',
        '<desc id="layers-desc">Each box is a layer of the import-linter contract, top to '
        "bottom; an arrow from a box to a lower one carries the number of imports between "
        "them.</desc>",
        "<defs>",
    ]
    for number, colour in enumerate(COLOURS):
        out.append(
            f'<marker id="head-{number}" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    out.append(
        '<marker id="head-wrong" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#d00"/></marker>'
    )
    out.append("</defs>")
    out.append(f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff" rx="6"/>')

    for layer in layers:
        fill = "#f3f5fb" if layer.index % 2 == 0 else "#e9edf8"
        out.append(
            f'<rect x="{BOX_X}" y="{layer.y:.1f}" width="{BOX_WIDTH}" height="{layer.height:.1f}" '
            f'rx="6" fill="{fill}" stroke="#5c6bc0" stroke-width="1.2"/>'
        )
        kind = ""
        if len(layer.modules) > 1:
            kind = (
                "independent: none imports another"
                if layer.independent
                else "siblings: may import one another"
            )
        label = f"layer {layer.index + 1}"
        out.append(
            f'<text x="{BOX_X + 10}" y="{layer.y + 15:.1f}" font-size="11" fill="#3949ab" '
            f'font-weight="600">{label}</text>'
        )
        if kind:
            kind_x = BOX_X + 10 + len(label) * 6.6 + 8
            out.append(
                f'<text x="{kind_x:.1f}" y="{layer.y + 15:.1f}" font-size="10.5" '
                f'fill="#5f6368" font-style="italic">{kind}</text>'
            )
        for x, y, chip, name in layer.chips:
            out.append(
                f'<rect x="{x:.1f}" y="{layer.y + y:.1f}" width="{chip:.1f}" '
                f'height="{CHIP_HEIGHT}" rx="4" fill="#ffffff" stroke="#9fa8da"/>'
            )
            out.append(
                f'<text x="{x + 7:.1f}" y="{layer.y + y + 14:.1f}" font-size="11.5" '
                f'font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" '
                f'fill="#1a1a1a">{escape(name)}</text>'
            )

    for arrow in arrows:
        downward = arrow.target > arrow.source
        colour = COLOURS[arrow.source % len(COLOURS)] if downward else "#d00"
        head = f"head-{arrow.source % len(COLOURS)}" if downward else "head-wrong"
        dash = "" if downward else ' stroke-dasharray="5 3"'
        source, target = layers[arrow.source], layers[arrow.target]
        if arrow.column < 0:
            # Between neighbouring boxes: straight across the gap.
            x = BOX_X + 40 + (arrow.source % 2) * 20
            y1, y2 = (
                (source.y + source.height, target.y)
                if downward
                else (source.y, target.y + target.height)
            )
            out.append(
                f'<line x1="{x}" y1="{y1:.1f}" x2="{x}" y2="{y2:.1f}" stroke="{colour}" '
                f'stroke-width="1.6"{dash} marker-end="url(#{head})"/>'
            )
            out.append(
                f'<text x="{x + 7}" y="{(y1 + y2) / 2 + 4:.1f}" font-size="11.5" '
                f'font-weight="600" fill="{colour}">{arrow.count}</text>'
            )
            continue
        x = right + 14 + arrow.column * COLUMN_STEP
        out.append(
            f'<path d="M{right},{arrow.y_out:.1f} H{x} V{arrow.y_in:.1f} H{right}" '
            f'fill="none" stroke="{colour}" stroke-width="1.4"{dash} '
            f'marker-end="url(#{head})"/>'
        )
        # The number sits inside the box the arrow arrives at, where it ends.
        out.append(
            f'<text x="{right - 6}" y="{arrow.y_in + 4:.1f}" font-size="10.5" '
            f'font-weight="600" text-anchor="end" fill="{colour}">{arrow.count}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the hooks

_state: dict = {}


def draw() -> tuple[str, list[Layer], list[Arrow], list[str]]:
    config = importlinter_config()
    layers = read_layers(config)
    arrows, outside = count_imports(build_graph(config), layers)
    return svg(layers, arrows), layers, arrows, outside


def on_files(files, config):
    picture, layers, arrows, outside = draw()
    _state.update(layers=layers, arrows=arrows, outside=outside)
    files.append(File.generated(config, SVG_NAME, content=picture))
    return files


def outside_text(outside: list[str]) -> str:
    """The modules outside the layers, a package's many migrations as one entry."""
    shown, migrations = [], 0
    for name in outside:
        if ".migrations." in name:
            migrations += 1
        else:
            shown.append(f"`{name}`")
    if migrations:
        shown.append(f"{migrations} migrations")
    return ", ".join(shown)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    layers, arrows = _state["layers"], _state["arrows"]
    for layer in layers:
        for name in layer.modules:
            if f"`{name}`" not in markdown:
                log.warning(
                    "%s does not mention %s, which the layers contract in pyproject.toml "
                    "names (layer %d)",
                    page.file.src_uri,
                    name,
                    layer.index + 1,
                )
    page_dir = PurePosixPath(page.file.src_uri).parent
    depth = len(page_dir.parts)
    src = "../" * depth + SVG_NAME
    total = sum(arrow.count for arrow in arrows)
    generated = (
        f"[![The layers of the code, top to bottom, with the imports between them]({src})]"
        f"({src})\n\n"
        f"*Drawn at build time from the contract in `pyproject.toml` and the imports grimp "
        f"finds: {len(layers)} layers, {total} imports between layers in "
        f"{len(arrows)} arrows. Each arrow's number is how many pairs of modules, one in "
        f"each layer, have the one importing the other. An arrow between neighbouring "
        f"boxes crosses the gap between them; an arrow that skips layers runs right of "
        f"the boxes, in the colour of the layer it leaves, and its number stands inside "
        f"the box it arrives at. A red dashed arrow would be an import upwards, which "
        f"the contract forbids.*\n\n"
        f"Outside the layers: {outside_text(_state['outside'])}.\n"
    )
    return markdown.replace(MARKER, generated)


def on_serve(server, config, builder):
    """`mkdocs serve` draws again when the contract or the code changes."""
    server.watch(str(PYPROJECT))
    server.watch(str(ROOT / "notes"))
    server.watch(str(ROOT / "config"))
    return server
