"""What drawing a template costs in native code, estimated from its geometry when it loads.

cairo draws a dashed stroke one dash at a time, a pattern's tile as one surface of its full
size and a marker once per vertex, in native code that nothing in Python can interrupt
(``stroke-dasharray:0.5`` on a circle of radius 1e9: 11–13 s; a 30,000 px tile: 3.5 GB). So
the cost is estimated here from the numbers in the document — path lengths from their control
points (never shorter than the curve), tiles from their size — and a template over a limit is
a template error, never a slow render.
"""

from __future__ import annotations

import dataclasses
import math
import re
import typing as t

from lxml import etree

from ..errors import TemplateError
from ..svg.css import Cascade
from ..svg.css import length
from ..svg.geometry import parse_transform
from ..svg.names import SVG_NS
from ..svg.names import URL_ID
from ..svg.names import href
from ..svg.names import local_name
from ..svg.path_data import NUMBER
from ..svg.path_data import Arc
from ..svg.path_data import segments
from ..svg.vocabulary import MAX_LENGTH

if t.TYPE_CHECKING:
    from .limits import Limits

#: Steps of ``?dpr=`` (as og.render rounds it).
DPR_STEP = 0.25
SHAPES = frozenset({"path", "circle", "ellipse", "rect", "line", "polyline", "polygon"})
USE_TAGS = frozenset({"use", f"{{{SVG_NS}}}use"})
MARKER_PROPERTIES = ("marker-start", "marker-mid", "marker-end")
#: Outline of one glyph, in ems, at most (a bold "W" is about 5), and a placeholder's characters
#: when its text sets no og:max-length (og's default).
GLYPH_OUTLINE_EM = 8.0
PLACEHOLDER_CHARS = 500
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def max_dpr(width: float, height: float, limits: Limits) -> float:
    """The largest ``?dpr=`` (in og's quarter steps, at least 1) whose pixels, canvas × dpr²,
    stay within ``limits.drawn_pixels``.

    >>> from og.template.limits import Limits
    >>> max_dpr(1200, 630, Limits()), max_dpr(4096, 4096, Limits()), max_dpr(3000, 2000, Limits())
    (4.5, 1.0, 1.5)
    """
    scale = math.sqrt(limits.drawn_pixels / max(1.0, width * height))
    return max(1.0, math.floor(scale / DPR_STEP) * DPR_STEP)


def path_length(d: str) -> float:
    """An upper bound of a path's length: its segments' control polygons, the reflected control
    point of ``S``/``T`` included (an arc: π × its largest radius or chord).

    >>> path_length("M0 0 H10 V10 z"), round(path_length("m0,0 c 0,10 10,10 10,0"), 3)
    (34.14213562373095, 30.0)
    >>> round(path_length("M0,0 Q5,-5 10,0 T20,0"), 3)  # T's control point is (15, 5)
    28.284
    """
    total = 0.0
    for kind, (x, y), points, arc in segments(d, lenient=True):
        if kind == "A":
            end = points[0]
            total += math.pi * max(abs(t.cast(Arc, arc)[0]), abs(t.cast(Arc, arc)[1]),
                                   math.hypot(end[0] - x, end[1] - y))
        elif kind != "M":
            for px, py in points:
                total += math.hypot(px - x, py - y)
                x, y = px, py
    return total


def _number(node: etree._Element, name: str) -> float:
    value = length(node.get(name))
    return abs(value) if value is not None and math.isfinite(value) else 0.0


def _points(node: etree._Element) -> list[tuple[float, float]]:
    numbers = [float(n) for n in NUMBER.findall(node.get("points") or "")]
    return list(zip(numbers[::2], numbers[1::2], strict=False))


def shape_length(node: etree._Element) -> float:
    """An upper bound of the outline's length of a basic shape or path, in its user units."""
    name = local_name(node)
    if name == "path":
        return path_length(node.get("d") or "")
    if name == "circle":
        return 2 * math.pi * _number(node, "r")
    if name == "ellipse":
        return 2 * math.pi * max(_number(node, "rx"), _number(node, "ry"))
    if name == "rect":
        return 2 * (_number(node, "width") + _number(node, "height"))
    if name == "line":
        x1, y1, x2, y2 = (_number(node, name) for name in ("x1", "y1", "x2", "y2"))
        return math.hypot(x2 - x1, y2 - y1)
    points = _points(node)
    if name == "polygon" and points:
        points.append(points[0])
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:], strict=False))


def vertices(node: etree._Element) -> int:
    """How many vertices a shape has for markers (at most: every coordinate pair)."""
    name = local_name(node)
    if name == "line":
        return 2
    if name in ("polyline", "polygon"):
        return len(_points(node))
    if name == "path":
        return sum(1 for _ in segments(node.get("d") or "", lenient=True)) + 1
    return 0


def text_length(node: etree._Element, cascade: Cascade) -> float:
    """An upper bound of the outline length of a ``<text>``'s glyphs once filled: each placeholder
    as long as its ``og:max-length`` (or :data:`PLACEHOLDER_CHARS`), each glyph
    :data:`GLYPH_OUTLINE_EM` ems of outline at the largest font size inside."""
    text = "".join(node.itertext())
    placeholders = len(_PLACEHOLDER.findall(text))
    each = MAX_LENGTH.read(node) or PLACEHOLDER_CHARS
    chars = len(_PLACEHOLDER.sub("", text)) + placeholders * each
    sizes = [length(cascade.inherited(element, "font-size"))
             for element in node.iter(etree.Element)]
    size = max([abs(s) for s in sizes if s is not None and math.isfinite(s)] or [16.0])
    return chars * size * GLYPH_OUTLINE_EM


def dash_segments(node: etree._Element, cascade: Cascade) -> float:
    """Dashes cairo draws for ``node``'s stroke: its length ÷ the dash period × dashes per period."""
    name = local_name(node)
    if name not in SHAPES and name != "text":
        return 0.0
    if (cascade.inherited(node, "stroke") or "none") == "none" and name != "text":
        return 0.0  # a text's tspans may set their own stroke
    dashes = cascade.inherited(node, "stroke-dasharray")
    if not dashes or dashes == "none":
        return 0.0
    values = [length(part) for part in re.split(r"[\s,]+", dashes) if part]
    if any(v is None or not math.isfinite(v) or v < 0 for v in values):
        return 0.0  # an invalid dash array draws a solid stroke
    numbers = [t.cast(float, v) for v in values]
    if len(numbers) % 2:
        numbers *= 2
    period = sum(numbers)
    if period <= 0:
        return 0.0
    outline = text_length(node, cascade) if name == "text" else shape_length(node)
    return outline / period * len(numbers)


@dataclasses.dataclass
class Cost:
    """What one element stands for once every ``<use>`` in it is followed."""

    elements: int = 0
    use_depth: int = 0
    dashes: float = 0.0
    markers: int = 0

    def add(self, other: Cost) -> None:
        self.elements += other.elements
        self.use_depth = max(self.use_depth, other.use_depth + 1)
        self.dashes += other.dashes
        self.markers += other.markers


def check_costs(elements: list[etree._Element], cascade: Cascade, limits: Limits) -> None:
    """``<use>`` expansion (elements, depth), dash segments and marker drawings of the whole
    document, each ``<use>`` counted as a copy of what it points at."""
    by_id: dict[str, etree._Element] = {}
    for node in elements:
        if node.get("id"):
            by_id.setdefault(str(node.get("id")), node)
    text = "".join(node.text or "" for node in elements if local_name(node) == "style")
    dashed = "dasharray" in text or any("dasharray" in (node.get("style") or "") or
                                        node.get("stroke-dasharray") for node in elements)
    marked = "marker" in text or any("marker" in (node.get("style") or "")
                                     or any(node.get(p) for p in ("marker", *MARKER_PROPERTIES))
                                     for node in elements)
    seen: dict[str, Cost] = {}
    visiting: set[str] = set()

    def own_markers(node: etree._Element) -> int:
        if not marked or local_name(node) not in SHAPES:
            return 0
        drawn = 0
        count = vertices(node)
        for prop, times in zip(MARKER_PROPERTIES, (1, max(0, count - 2), 1), strict=True):
            value = cascade.inherited(node, prop) or cascade.inherited(node, "marker")
            match = URL_ID.search(value or "")
            marker = by_id.get(match.group(1)) if match else None
            if marker is not None:
                drawn += times * sum(1 for child in marker.iter() if isinstance(child.tag, str))
        return drawn

    def expanded(node: etree._Element) -> Cost:
        total = Cost()
        for child in node.iter():
            if not isinstance(child.tag, str):
                continue
            total.elements += 1
            if dashed:
                total.dashes += dash_segments(child, cascade)
            total.markers += own_markers(child)
            if child.tag in USE_TAGS:
                ident = href(child).lstrip("#")
                target = by_id.get(ident)
                if target is not None:
                    if ident in visiting:
                        raise TemplateError("<use> points at itself through other <use> elements")
                    if ident not in seen:
                        visiting.add(ident)
                        seen[ident] = expanded(target)
                        visiting.discard(ident)
                    total.add(seen[ident])
            _check(total, limits)
        return total

    _check(expanded(elements[0]), limits)


def _check(cost: Cost, limits: Limits) -> None:
    if cost.use_depth > limits.use_depth:
        raise TemplateError(f"<use> points through more than {limits.use_depth} levels")
    if cost.elements > limits.expanded_elements:
        raise TemplateError(f"<use> elements expand to more than {limits.expanded_elements:,} elements")
    if not cost.dashes <= limits.dash_segments:  # NaN too (infinite coordinates)
        raise TemplateError(f"dashed strokes would draw {cost.dashes:,.0f} dashes (path length ÷ "
                            f"stroke-dasharray); the most is {limits.dash_segments:,}")
    if cost.markers > limits.marker_draws:
        raise TemplateError(f"markers would be drawn {cost.markers:,} times (vertices × the marker's "
                            f"elements); the most is {limits.marker_draws:,}")


def _pattern_attribute(pattern: etree._Element, name: str, by_id: dict[str, etree._Element]) -> str | None:
    """An attribute of a pattern or of the patterns its ``href`` chain leads to."""
    current: etree._Element | None = pattern
    for _ in range(16):  # references.check_references refuses longer chains first
        if current is None:
            return None
        value = current.get(name)
        if value is not None:
            return str(value)
        current = by_id.get(href(current).lstrip("#"))
    return None


def _extent(node: etree._Element) -> float:
    """The larger side of a shape's box (for tiles in objectBoundingBox units)."""
    name = local_name(node)
    if name == "circle":
        return 2 * _number(node, "r")
    if name == "ellipse":
        return 2 * max(_number(node, "rx"), _number(node, "ry"))
    if name in ("rect", "image", "use"):
        return max(_number(node, "width"), _number(node, "height"))
    numbers = [abs(float(n)) for n in NUMBER.findall(node.get("d") or node.get("points") or "")]
    return 2 * max(numbers, default=0.0)


def check_patterns(elements: list[etree._Element], limits: Limits) -> None:
    """Each pattern's tile, as CairoSVG allocates it (og folds ``patternTransform``'s scale into
    it: :func:`og.svg.cairosvg_fixes.sharpen_scaled_patterns`), within ``limits.pattern_tile_pixels``."""
    patterns = [node for node in elements if local_name(node) == "pattern"]
    if not patterns:
        return
    by_id = {str(node.get("id")): node for node in reversed(elements) if node.get("id")}
    users: dict[str, list[etree._Element]] = {}
    for node in elements:
        for value in (node.get("fill"), node.get("stroke"), node.get("style")):
            for ident in URL_ID.findall(value or ""):
                users.setdefault(ident, []).append(node)
    largest: list[float] = []  # the largest shape's extent, found once if needed
    for pattern in patterns:
        width = length(_pattern_attribute(pattern, "width", by_id) or "0") or 0.0
        height = length(_pattern_attribute(pattern, "height", by_id) or "0") or 0.0
        a, b, c, d, _, _ = parse_transform(pattern.get("patternTransform"))
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        if (_pattern_attribute(pattern, "patternUnits", by_id) or "objectBoundingBox") == "objectBoundingBox":
            # The box of each shape it fills; the largest shape's when a stylesheet rule applies it.
            found = [_extent(user) for user in users.get(str(pattern.get("id")), [])]
            if not found and not largest:
                largest.append(max((_extent(node) for node in elements if local_name(node) in SHAPES),
                                   default=0.0))
            box = max(found or largest)
            width, height = width * box, height * box
        tile = abs(width * height) * scale * scale
        if not math.isfinite(tile) or tile > limits.pattern_tile_pixels:
            raise TemplateError(f"<pattern id={pattern.get('id')!r}> (line {pattern.sourceline}) has a tile "
                                f"of {tile:,.0f} pixels; the most is {limits.pattern_tile_pixels:,}")
