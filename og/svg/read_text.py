"""Find the text of an Inkscape SVG and describe it as layout input; put drawings back.

Inkscape writes text three ways, and og reads each as a designer meant it:

* SVG2 flowed text (text tool, drag a box): ``<text style="shape-inside:url(#rect)">``;
  the tspans inside carry x/y only as Inkscape's pre-wrapped fallback, which og ignores.
* SVG 1.2 ``<flowRoot>`` with ``<flowRegion>`` (older Inkscape): wrapped in the region,
  one paragraph per ``<flowPara>``; the region is never painted.
* Plain ``<text>`` (text tool, click): point text, one line per ``sodipodi:role="line"``
  tspan, anchored at its x/y by ``text-anchor``. ``inline-size`` makes it wrap.
* ``<text>`` with a ``<textPath>`` (Text ▸ Put on Path): one line set along the path
  (:mod:`.text_path` reads the path).

Any of them may be vertical (``writing-mode``, :func:`.text_style.vertical_mode`), and text in
a ``<clipPath>`` is read like any other.

Options Inkscape has no UI for are attributes in og's namespace (see :data:`OG_NS`).
What a text looks like is :mod:`.text_style`, what it says is :mod:`.text_content`.
"""

from __future__ import annotations

import dataclasses
import typing as t

from fontTools.pens.recordingPen import RecordingPen
from lxml import etree

from ..text.layout import Box
from ..text.layout import TextBlock
from ..text.layout import TextOptions
from ..text.model import Align
from ..text.model import one_of
from .bounds import local_box
from .css import PAINT
from .css import Cascade
from .css import as_float
from .css import length
from .geometry import view_box
from .names import SVG_NS
from .names import URL_ID
from .names import XML_NS
from .names import by_id
from .names import href
from .names import local_name
from .path_data import draw
from .text_content import paragraphs
from .text_path import TEXT_PATH
from .text_path import text_path
from .text_style import TextStyles
from .text_style import vertical_mode
from .vocabulary import MAX_WIDTH

TEXT_TAGS = (f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}flowRoot")
#: Attributes of a text element that only make sense for CairoSVG's own text drawing.
TEXT_ONLY_ATTRIBUTES = frozenset({"x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust",
                                   f"{{{XML_NS}}}space"})
Kind = t.Literal["flowed", "flowroot", "inline-size", "point", "path"]


@dataclasses.dataclass
class TextSlot:
    """A text element of the document and the layout input made from it."""

    element: etree._Element
    block: TextBlock
    kind: Kind
    paint: dict[str, str] = dataclasses.field(default_factory=dict)  # computed, of the element

    @property
    def id(self) -> str:
        return str(self.element.get("id", ""))


def _first_number(value: str | None) -> float | None:
    if not value:
        return None
    return length(value.replace(",", " ").split()[0]) if value.split() else None


def _rect_box(node: etree._Element, padding: float) -> Box | None:
    tag = local_name(node)
    if tag == "rect":
        x = length(node.get("x", "0")) or 0.0
        y = length(node.get("y", "0")) or 0.0
        width, height = length(node.get("width")), length(node.get("height"))
    elif tag in ("circle", "ellipse"):
        cx, cy = length(node.get("cx", "0")) or 0.0, length(node.get("cy", "0")) or 0.0
        rx = length(node.get("rx") or node.get("r")) or 0.0
        ry = length(node.get("ry") or node.get("r")) or 0.0
        x, y, width, height = cx - rx, cy - ry, 2 * rx, 2 * ry
    elif tag in ("path", "polygon", "polyline"):  # og flows text in the box around the frame
        bounds = local_box(node)
        if bounds is None:
            return None
        x, y, width, height = bounds[0], bounds[1], bounds[2] - bounds[0], bounds[3] - bounds[1]
    else:
        return None
    if not width or not height:
        return None
    return Box(x + padding, y + padding, max(1.0, width - 2 * padding), max(1.0, height - 2 * padding))


def path_start(node: etree._Element) -> tuple[float, float] | None:
    """The first point of a path: where og starts text that Inkscape put on that path."""
    recording = RecordingPen()
    try:
        draw(node.get("d", ""), recording)
    except (ValueError, IndexError, AssertionError):
        return None
    for operator, points in recording.value:
        if operator == "moveTo":
            return float(points[0][0]), float(points[0][1])
    return None


class _Reader:
    """Reads one document's text elements: each kind of text by its own method (see ``KINDS``)."""

    def __init__(self, root: etree._Element, canvas_width: float) -> None:
        self.root = root
        self.cascade = Cascade(root, settled=True)  # reading changes no style (it drops hidden text)
        self.styles = TextStyles(self.cascade)
        self.canvas_width = canvas_width

    def slot(self, node: etree._Element) -> TextSlot | None:
        """The first reading that applies: flowRoot, SVG2 flowed text, text on a path,
        inline-size, point."""
        for read in (self.flowroot, self.flowed, self.on_path, self.point):
            found = read(node)
            if found is not None:
                return found
        return None

    def _slot(self, node: etree._Element, kind: Kind, box: Box, options: TextOptions,
              **block: t.Any) -> TextSlot:
        spans = paragraphs(node, kind, self.styles.style_of)
        vertical = vertical_mode(self.cascade.computed(node))
        if vertical is not None and kind != "path":
            block["vertical"] = vertical
            box = self._vertical_box(node, kind, box, options, block)
        return TextSlot(node, TextBlock(spans, box, options, **block), kind)

    def _vertical_box(self, node: etree._Element, kind: Kind, box: Box, options: TextOptions,
                      block: dict[str, t.Any]) -> Box:
        """The box of vertical text, for :mod:`og.text.vertical`: a frame stays as it is; point
        text gets the room down its column as its width (og:max-width, or to the card's edge);
        ``inline-size`` is the columns' length, with the first column's line at x."""
        if kind == "point":
            room = MAX_WIDTH.read(node)
            return Box(box.x, box.y, self._column_room(box.y, options.align) if room is None else room, None)
        if kind == "inline-size":
            x, y = self.anchor(node)
            column = box.width or 0.0
            block["first_baseline"] = x
            return Box(x, y - {"middle": column / 2, "end": column}.get(options.align, 0.0), None, column)
        return box

    def flowroot(self, node: etree._Element) -> TextSlot | None:
        """SVG 1.2 ``<flowRoot>``: wrapped in the first shape of its ``<flowRegion>``."""
        region = node.find(f"{{{SVG_NS}}}flowRegion") if node.tag == f"{{{SVG_NS}}}flowRoot" else None
        box = next((b for b in (_rect_box(shape, 0.0) for shape in region) if b), None) \
            if region is not None else None
        return self._slot(node, "flowroot", box, self.styles.options(node, True)) if box else None

    def flowed(self, node: etree._Element) -> TextSlot | None:
        """SVG2 flowed text: ``shape-inside:url(#frame)`` (Inkscape's drag-a-box text)."""
        computed = self.cascade.computed(node)
        match = URL_ID.search(computed.get("shape-inside") or "")
        target = by_id(self.root, match.group(1)) if match else None
        if target is None:
            return None
        padding = length(computed.get("shape-padding"), as_float(computed, "font-size", 16)) or 0.0
        box = _rect_box(target, padding)
        return self._slot(node, "flowed", box, self.styles.options(node, True)) if box else None

    def on_path(self, node: etree._Element) -> TextSlot | None:
        """Text put on a path (``<textPath>``, Text ▸ Put on Path): one line set along it."""
        path = text_path(self.root, node)
        if path is None:
            return None
        options = self.styles.options(node, False)
        anchor = self.cascade.computed(node.find(TEXT_PATH)).get("text-anchor", options.align).strip()
        options = dataclasses.replace(options, align=one_of(anchor, Align, options.align))
        return self._slot(node, "path", Box(0.0, 0.0), options, wraps=False, path=path)

    def point(self, node: etree._Element) -> TextSlot:
        """Point text at its anchor (Inkscape's click text); with ``inline-size`` it wraps."""
        computed = self.cascade.computed(node)
        x, y = self.anchor(node)
        inline_size = length(computed.get("inline-size"), as_float(computed, "font-size", 16))
        options = self.styles.options(node, False)
        if inline_size:
            offset = {"middle": inline_size / 2, "end": inline_size}.get(options.align, 0.0)
            return self._slot(node, "inline-size", Box(x - offset, y, inline_size, None), options,
                              first_baseline=y)
        max_width = MAX_WIDTH.read(node)
        width = self._room(x, options.align, options.direction == "rtl") if max_width is None else max_width
        return self._slot(node, "point", Box(x, y, width, None), options, wraps=False)

    def anchor(self, node: etree._Element) -> tuple[float, float]:
        x, y = _first_number(node.get("x")), _first_number(node.get("y"))
        text_path = node.find(f"{{{SVG_NS}}}textPath")
        if x is None and y is None and text_path is not None:
            target = by_id(self.root, href(text_path).lstrip("#"))
            start = path_start(target) if target is not None else None
            if start is not None:
                return start
        for child in node.iter(f"{{{SVG_NS}}}tspan"):
            if x is None or child.get("x") is not None:
                x = x if x is not None and child.get("x") is None else _first_number(child.get("x"))
            if child.get("y") is not None:
                y = _first_number(child.get("y"))
            if child.get("x") is not None or child.get("y") is not None:
                break
        return x or 0.0, y or 0.0


    def _column_room(self, y: float, align: str) -> float | None:
        """Vertical point text may run to the card's top or bottom edge, as a line to its side."""
        view = view_box(self.root)
        height = view[3] if view is not None else length(self.root.get("height"))
        if not height or height <= 0:
            return None
        if align == "middle":
            return max(1.0, 2 * min(y, height - y))
        return max(1.0, y if align == "end" else height - y)

    def _room(self, x: float, align: str, rtl: bool) -> float | None:
        """Point text may run to the card's edge: what the designer sees in Inkscape, which
        draws a label whole as long as it stays on the page (``og check`` warns about
        labels with a placeholder and no og:max-width). In an RTL paragraph ``start`` is
        the text's right end, so start-anchored text runs leftwards from x (SVG 2 §11.8.1)."""
        if self.canvas_width <= 0:
            return None
        if align == "middle":
            return max(1.0, 2 * min(x, self.canvas_width - x))
        leftwards = (align in ("end", "right")) != (rtl and align in ("start", "end"))
        return max(1.0, x if leftwards else self.canvas_width - x)


def find_text_slots(root: etree._Element, canvas_width: float) -> list[TextSlot]:
    """Every visible text element of the document, as layout input, in paint order.

    Hidden text (a hidden Inkscape layer, ``display:none``) is removed, so that
    CairoSVG's own text drawing is never used.
    """
    reader = _Reader(root, canvas_width)
    slots: list[TextSlot] = []
    for node in list(root.iter(*TEXT_TAGS)):
        if any(ancestor.tag in TEXT_TAGS for ancestor in node.iterancestors()):
            continue
        in_defs = _in_defs(node)
        if in_defs or reader.cascade.is_hidden(node):
            if not in_defs:
                node.getparent().remove(node)
            continue
        slot = reader.slot(node)
        if slot is None:
            node.getparent().remove(node)
            continue
        computed = reader.cascade.computed(node)
        slot.paint = {name: computed[name] for name in PAINT if name in computed}
        slots.append(slot)
    return slots


def _in_defs(node: etree._Element) -> bool:
    """Text og leaves where it is: in a mask, pattern, marker or symbol (drawn by CairoSVG).
    Text in a ``<clipPath>`` (Object ▸ Clip ▸ Set Clip: a photo clipped by a word) is laid
    out by og like any text: CairoSVG clips with the outline paths og puts in its place."""
    for ancestor in node.iterancestors():
        name = local_name(ancestor)
        if name == "clipPath":
            return False
        if name in ("defs", "mask", "pattern", "marker", "symbol"):
            return True
    return False
