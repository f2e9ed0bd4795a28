"""Find the text of an Inkscape SVG and describe it as layout input; put drawings back.

Inkscape writes text three ways, and og reads each as a designer meant it:

* SVG2 flowed text (text tool, drag a box): ``<text style="shape-inside:url(#rect)">``;
  the tspans inside carry x/y only as Inkscape's pre-wrapped fallback, which og ignores.
* SVG 1.2 ``<flowRoot>`` with ``<flowRegion>`` (older Inkscape): wrapped in the region,
  one paragraph per ``<flowPara>``; the region is never painted.
* Plain ``<text>`` (text tool, click): point text, one line per ``sodipodi:role="line"``
  tspan, anchored at its x/y by ``text-anchor``. ``inline-size`` makes it wrap.

Options Inkscape has no UI for are attributes in og's namespace (see :data:`OG_NS`).
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import RecordingPen
from fontTools.svgLib.path import parse_path
from lxml import etree

from ..text.layout import Box
from ..text.layout import Span
from ..text.layout import TextBlock
from ..text.layout import TextOptions
from ..text.layout import TextStyle
from ..text.model import Align
from ..text.model import Direction
from ..text.model import VAlign
from ..text.model import one_of
from .css import PAINT
from .css import Cascade
from .css import as_float
from .css import font_families
from .css import font_variations
from .css import length
from .names import OG_NS
from .names import SODIPODI_NS
from .names import SVG_NS
from .names import URL_ID
from .names import XML_NS
from .names import href

TEXT_TAGS = (f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}flowRoot")
_INLINE_TAGS = frozenset(f"{{{SVG_NS}}}{name}" for name in
                         ("tspan", "flowSpan", "flowPara", "flowDiv", "a", "textPath", "tref"))
_PARAGRAPH_TAGS = frozenset(f"{{{SVG_NS}}}{name}" for name in ("flowPara", "flowDiv"))
#: Attributes of a text element that only make sense for CairoSVG's own text drawing.
TEXT_ONLY_ATTRIBUTES = frozenset({"x", "y", "dx", "dy", "rotate", "textLength", "lengthAdjust",
                                   f"{{{XML_NS}}}space"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINE_FEEDS = re.compile("\r\n|[\r\n\u2028\u2029]")

DEFAULT_FAMILIES = ("Inter",)


def og_attr(node: etree._Element, name: str, strip: bool = True) -> str | None:
    value = node.get(f"{{{OG_NS}}}{name}")
    if value is None:
        return None
    return value.strip() if strip else str(value)


@dataclasses.dataclass
class TextSlot:
    """A text element of the document and the layout input made from it."""

    element: etree._Element
    block: TextBlock
    kind: str  # "flowed" | "flowroot" | "inline-size" | "point"
    paint: dict[str, str] = dataclasses.field(default_factory=dict)  # computed, of the element

    @property
    def id(self) -> str:
        return str(self.element.get("id", ""))


def _first_number(value: str | None) -> float | None:
    if not value:
        return None
    return length(value.replace(",", " ").split()[0]) if value.split() else None


def _rect_box(node: etree._Element, padding: float) -> Box | None:
    tag = etree.QName(node).localname
    if tag == "rect":
        x = length(node.get("x", "0")) or 0.0
        y = length(node.get("y", "0")) or 0.0
        width, height = length(node.get("width")), length(node.get("height"))
    elif tag in ("circle", "ellipse"):
        cx, cy = length(node.get("cx", "0")) or 0.0, length(node.get("cy", "0")) or 0.0
        rx = length(node.get("rx") or node.get("r")) or 0.0
        ry = length(node.get("ry") or node.get("r")) or 0.0
        x, y, width, height = cx - rx, cy - ry, 2 * rx, 2 * ry
    elif tag in ("path", "polygon", "polyline"):
        bounds = _outline_bounds(node)
        if bounds is None:
            return None
        x, y, width, height = bounds
    else:
        return None
    if not width or not height:
        return None
    return Box(x + padding, y + padding, max(1.0, width - 2 * padding), max(1.0, height - 2 * padding))


def _outline_bounds(node: etree._Element) -> tuple[float, float, float, float] | None:
    """Bounding box of a path or polygon frame: og flows text in the box around it."""
    tag = etree.QName(node).localname
    data = node.get("d", "") if tag == "path" else "M" + (node.get("points") or "")
    pen = BoundsPen(None)
    try:
        parse_path(data, pen)
    except (ValueError, IndexError, AssertionError):
        return None
    if pen.bounds is None:
        return None
    x0, y0, x1, y1 = pen.bounds
    return x0, y0, x1 - x0, y1 - y0


def path_start(node: etree._Element) -> tuple[float, float] | None:
    """The first point of a path: where og starts text that Inkscape put on that path."""
    recording = RecordingPen()
    try:
        parse_path(node.get("d", ""), recording)
    except (ValueError, IndexError, AssertionError):
        return None
    for operator, points in recording.value:
        if operator == "moveTo":
            return float(points[0][0]), float(points[0][1])
    return None


def by_id(root: etree._Element, ident: str) -> etree._Element | None:
    for node in root.iter(etree.Element):
        if node.get("id") == ident:
            return node
    return None


class _Reader:
    """Reads one document's text elements, sharing one computed-style cascade."""

    def __init__(self, root: etree._Element, canvas_width: float) -> None:
        self.root = root
        self.cascade = Cascade(root)
        self.canvas_width = canvas_width

    def style_of(self, top: etree._Element, node: etree._Element) -> TextStyle:
        computed = self.cascade.computed(node)
        size = as_float(computed, "font-size", 16.0)
        return TextStyle(
            families=font_families(computed.get("font-family")) or DEFAULT_FAMILIES,
            size=size,
            weight=int(as_float(computed, "font-weight", 400)),
            italic=computed.get("font-style", "normal").strip() in ("italic", "oblique"),
            letter_spacing=length(computed.get("letter-spacing"), size) or 0.0,
            word_spacing=length(computed.get("word-spacing"), size) or 0.0,
            baseline_shift=self.cascade.baseline_shift(top, node),
            variations=font_variations(computed.get("font-variation-settings")),
            paint=self.cascade.paint_between(top, node),
        )

    def chunks(self, node: etree._Element) -> t.Iterator[tuple[str, etree._Element]]:
        """Character data in document order, each with the element whose style it has."""
        if node.text:
            yield node.text, node
        for child in node:
            if child.tag in _INLINE_TAGS:
                yield from self.chunks(child)
            if child.tail:
                yield child.tail, node

    def paragraphs(self, top: etree._Element, kind: str) -> tuple[tuple[Span, ...], ...]:
        raw: list[list[tuple[str, etree._Element]]] = [[]]

        def new_paragraph() -> None:
            if raw[-1]:
                raw.append([])

        children = [c for c in top if c.tag in _INLINE_TAGS]
        if top.text:
            raw[-1].append((top.text, top))
        for child in children:
            if kind == "flowed" and not "".join(child.itertext()):
                # An empty fallback line (e.g. left by a placeholder joined back together).
                if child.tail:
                    raw[-1].append((child.tail, top))
                continue
            starts_paragraph = (
                child.tag in _PARAGRAPH_TAGS
                or child.get(f"{{{SODIPODI_NS}}}role") == "line"
            )
            # In SVG2 flowed text the tspans are only Inkscape's pre-wrapped fallback lines
            # of one flow (a paragraph's last line ends with "\n"), so they start nothing.
            if starts_paragraph and kind != "flowed":
                new_paragraph()
            raw[-1].extend(self.chunks(child))
            if child.tail:
                raw[-1].append((child.tail, top))
        if kind == "point":
            # Point text has one line per Inkscape line; a line feed in a value is a space.
            raw = [[(_LINE_FEEDS.sub(" ", text), node) for text, node in chunks] for chunks in raw]
        paragraphs = [self._normalise(top, chunks) for chunks in _split_newlines(raw)]
        return tuple(_without_blank_runs(paragraphs))

    def _normalise(self, top: etree._Element, chunks: list[tuple[str, etree._Element]]) -> tuple[Span, ...]:
        spans: list[Span] = []
        previous_space = True
        for text, node in chunks:
            text = _SPACES.sub(" ", _CONTROL.sub("", text.replace("\t", " ")))
            if previous_space:
                text = text.lstrip(" ")
            if not text:
                continue
            previous_space = text.endswith(" ")
            spans.append(Span(text, self.style_of(top, node)))
        while spans and spans[-1].text.endswith(" "):
            last = spans.pop()
            if last.text.rstrip(" "):
                spans.append(Span(last.text.rstrip(" "), last.style))
                break
        if not spans:
            spans.append(Span("", self.style_of(top, top)))
        return tuple(spans)

    def options(self, top: etree._Element, area: bool) -> TextOptions:
        computed = self.cascade.computed(top)
        size = as_float(computed, "font-size", 16.0)
        align = computed.get("text-anchor", "start").strip()
        if area and "text-align" in computed:
            align = {"center": "middle", "justify": "start"}.get(
                computed["text-align"].strip(), computed["text-align"].strip())
        line_height = 1.25
        raw = computed.get("line-height", "").strip()
        if raw and raw != "normal":
            try:
                line_height = float(raw)
            except ValueError:
                line_height = (length(raw, size) or size * 1.25) / size
        max_lines = og_attr(top, "max-lines")
        min_size = og_attr(top, "min-font-size")
        ellipsis = og_attr(top, "ellipsis", strip=False)
        return TextOptions(
            align=one_of(align, Align, "start"),
            valign=one_of(og_attr(top, "valign"), VAlign, "top"),
            line_height=line_height,
            max_lines=int(max_lines) if max_lines and max_lines.isdigit() and int(max_lines) > 0 else None,
            min_font_size=length(min_size) if min_size else None,
            ellipsis="" if (ellipsis or "").strip() == "none" else (ellipsis or "\u2026"),
            balance=(og_attr(top, "balance") or "").lower() in ("true", "yes", "1"),
            direction=one_of(og_attr(top, "direction"), Direction, "auto"),
            lang=og_attr(top, "lang") or _lang_of(top),
        )

    def slot(self, node: etree._Element) -> TextSlot | None:
        computed = self.cascade.computed(node)
        shape = computed.get("shape-inside")
        if node.tag == f"{{{SVG_NS}}}flowRoot":
            box = None
            region = node.find(f"{{{SVG_NS}}}flowRegion")
            if region is not None:
                for shape_node in region:
                    box = _rect_box(shape_node, 0.0)
                    if box:
                        break
            if box is None:
                return None
            return TextSlot(node, TextBlock(self.paragraphs(node, "flowroot"), box,
                                            self.options(node, True)), "flowroot")
        match = URL_ID.search(shape or "")
        target = by_id(self.root, match.group(1)) if match else None
        if target is not None:
            padding = length(computed.get("shape-padding"), as_float(computed, "font-size", 16)) or 0.0
            box = _rect_box(target, padding)
            if box is not None:
                return TextSlot(node, TextBlock(self.paragraphs(node, "flowed"), box,
                                                self.options(node, True)), "flowed")
        x, y = self.anchor(node)
        inline_size = length(computed.get("inline-size"), as_float(computed, "font-size", 16))
        options = self.options(node, False)
        if inline_size:
            offset = {"middle": inline_size / 2, "end": inline_size}.get(options.align, 0.0)
            box = Box(x - offset, y, inline_size, None)
            return TextSlot(node, TextBlock(self.paragraphs(node, "inline-size"), box,
                                            options, first_baseline=y), "inline-size")
        max_width = og_attr(node, "max-width")
        width = length(max_width) if max_width else self._room(x, options.align)
        return TextSlot(node, TextBlock(self.paragraphs(node, "point"), Box(x, y, width, None),
                                        options, wraps=False), "point")

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

    def _room(self, x: float, align: str) -> float | None:
        """Point text may run to the card's edge, keeping the margin it has on its side."""
        if self.canvas_width <= 0:
            return None
        if align == "middle":
            return max(1.0, 2 * min(x, self.canvas_width - x))
        if align in ("end", "right"):
            return max(1.0, 2 * x - self.canvas_width) if x > self.canvas_width / 2 else x
        return max(1.0, self.canvas_width - 2 * x) if x < self.canvas_width / 2 else self.canvas_width - x


def _lang_of(node: etree._Element) -> str:
    current: etree._Element | None = node
    while current is not None:
        lang = current.get(f"{{{XML_NS}}}lang") or current.get("lang")
        if lang:
            return str(lang)
        current = current.getparent()
    return ""


Chunks = list[tuple[str, etree._Element]]


def _without_blank_runs(paragraphs: list[tuple[Span, ...]]) -> list[tuple[Span, ...]]:
    """No blank paragraph at either end, and never two in a row: a value's empty lines
    must not push the text out of its box (Inkscape also ends flowed text with a "\n")."""
    def blank(paragraph: tuple[Span, ...]) -> bool:
        return not any(span.text for span in paragraph)

    kept = [p for i, p in enumerate(paragraphs) if not (blank(p) and i and blank(paragraphs[i - 1]))]
    while len(kept) > 1 and blank(kept[-1]):
        kept.pop()
    while len(kept) > 1 and blank(kept[0]):
        kept.pop(0)
    return kept


def _split_newlines(raw: list[Chunks]) -> t.Iterator[Chunks]:
    """A line feed in the text (a value may hold one) is a hard break, like CSS pre-line."""
    for chunks in raw:
        current: list[tuple[str, etree._Element]] = []
        for text, node in chunks:
            parts = _LINE_FEEDS.split(text)
            for number, part in enumerate(parts):
                if number:
                    yield current
                    current = []
                if part:
                    current.append((part, node))
        yield current


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
        if _in_defs(node) or reader.cascade.is_hidden(node):
            if not _in_defs(node):
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
    return any(etree.QName(a).localname in ("defs", "clipPath", "mask", "pattern", "marker", "symbol")
               for a in node.iterancestors() if isinstance(a.tag, str))
