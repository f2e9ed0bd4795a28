"""Markers (arrowheads, dots) → plain groups of their content at each vertex, as SVG 2 draws them.

CairoSVG draws markers only on ``<path>``, paints ``context-stroke``/``context-fill`` black and
does not scale a marker without a ``viewBox`` by the stroke width (Inkscape's older stock
arrowheads come out about 4x too small). og writes each marker out instead: after the shape,
one group per vertex holding a copy of the marker's content, placed by the marker's
``refX``/``refY``, ``viewBox``, ``orient`` (``auto``, ``auto-start-reverse``, an angle) and
``markerUnits``, clipped to its viewport unless ``overflow`` is visible, and with the context
paints replaced by the shape's own fill and stroke. Only templates with markers pay for it.
"""

from __future__ import annotations

import copy
import math
import re

from lxml import etree

from .css import Cascade
from .css import length
from .css import parse_declarations
from .geometry import view_box
from .names import URL_ID
from .names import ids
from .names import local_name
from .names import svg
from .path_data import Vertex
from .path_data import path_vertices
from .path_data import shape_data

MARKABLE = tuple(svg(name) for name in ("path", "line", "polyline", "polygon"))
_POSITIONS = ("marker-start", "marker-mid", "marker-end")
#: Properties that apply to the shape drawn with its markers as a whole, moved to the group
#: that holds both (markers are part of the element's rendering: SVG 2, "painting markers").
_GROUP_PROPERTIES = ("opacity", "filter", "mask", "clip-path", "mix-blend-mode")
#: The initial values marker content starts from: it inherits from the marker, not the shape.
_INITIAL = ("fill:#000000;fill-opacity:1;fill-rule:nonzero;stroke:none;stroke-width:1;stroke-opacity:1;"
            "stroke-dasharray:none;stroke-dashoffset:0;stroke-linecap:butt;stroke-linejoin:miter;"
            "stroke-miterlimit:4;marker:none;marker-start:none;marker-mid:none;marker-end:none;"
            "paint-order:normal;visibility:visible")
_VIEWPORT_PROPERTIES = ("overflow", "clip")
#: A shape's markers are drawn at most at this many vertices (templates are bounded).
MAX_MARKED_VERTICES = 10_000


def _number(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _viewbox_transform(marker: etree._Element) -> tuple[float, float, float, float]:
    """sx, sy, tx, ty mapping the marker's viewBox onto its viewport (markerWidth x markerHeight)."""
    width = length(marker.get("markerWidth", "3")) or 0.0
    height = length(marker.get("markerHeight", "3")) or 0.0
    box = view_box(marker)
    if box is None:
        return 1.0, 1.0, 0.0, 0.0
    sx, sy = width / box[2], height / box[3]
    align, _, meet_or_slice = (marker.get("preserveAspectRatio") or "xMidYMid meet").strip().partition(" ")
    if align != "none":
        sx = sy = max(sx, sy) if meet_or_slice.strip() == "slice" else min(sx, sy)
    tx, ty = -box[0] * sx, -box[1] * sy
    if align != "none":
        extra_x, extra_y = width - box[2] * sx, height - box[3] * sy
        tx += {"xMid": extra_x / 2, "xMax": extra_x}.get(align[:4], 0.0)
        ty += {"YMid": extra_y / 2, "YMax": extra_y}.get(align[4:], 0.0)
    return sx, sy, tx, ty


def _orientation(marker: etree._Element, vertex: Vertex, position: str) -> float:
    orient = (marker.get("orient") or "0").strip()
    if orient == "auto":
        return vertex.angle()
    if orient == "auto-start-reverse":
        return vertex.angle() + (180.0 if position == "marker-start" else 0.0)
    match = re.fullmatch(r"([-+]?[\d.]+(?:e[-+]?\d+)?)(deg|rad|grad|turn)?", orient)
    if not match:
        return 0.0
    factor = {"rad": 180 / math.pi, "grad": 0.9, "turn": 360.0}.get(match.group(2) or "deg", 1.0)
    return float(match.group(1)) * factor


def _context_paint(content: etree._Element, fill: str, stroke: str) -> None:
    """Replace ``context-fill``/``context-stroke`` in the marker's content by the shape's paints."""
    paints = {"context-fill": fill, "context-stroke": stroke}
    for element in content.iter(etree.Element):
        element.attrib.pop("id", None)  # copies must not repeat the marker's ids
        for name in ("fill", "stroke"):
            if element.get(name) in paints:
                element.set(name, paints[element.get(name, "")])
        style = element.get("style")
        if style and "context-" in style:
            element.set("style", ";".join(
                f"{key}:{paints.get(value, value)}" for key, value in parse_declarations(style)))


def _marker_group(marker: etree._Element, vertex: Vertex, position: str, stroke_width: float, fill: str,
                  stroke: str, clip_id: str, defs: etree._Element, overflow: str) -> etree._Element:
    """One drawn marker: its content at the vertex, oriented and scaled."""
    sx, sy, tx, ty = _viewbox_transform(marker)
    ref_x = tx + _number(marker.get("refX"), 0.0) * sx
    ref_y = ty + _number(marker.get("refY"), 0.0) * sy
    scale = stroke_width if marker.get("markerUnits", "strokeWidth") == "strokeWidth" else 1.0
    angle = _orientation(marker, vertex, position)
    outer = etree.Element(svg("g"), {
        "transform": f"translate({vertex.x:.6g},{vertex.y:.6g}) rotate({angle:.6g}) scale({scale:.6g}) "
                     f"translate({-ref_x:.6g},{-ref_y:.6g})",
        "style": ";".join([_INITIAL, *(f"{k}:{v}" for k, v in parse_declarations(marker.get("style", ""))
                                       if k not in _VIEWPORT_PROPERTIES)]),
    })
    if overflow not in ("visible", "auto"):
        if not any(clip.get("id") == clip_id for clip in defs):
            clip = etree.SubElement(defs, svg("clipPath"), {"id": clip_id, "clipPathUnits": "userSpaceOnUse"})
            etree.SubElement(clip, svg("rect"), {
                "x": "0", "y": "0", "width": f"{length(marker.get('markerWidth', '3')) or 0:.6g}",
                "height": f"{length(marker.get('markerHeight', '3')) or 0:.6g}"})
        outer.set("clip-path", f"url(#{clip_id})")
    viewbox = f"matrix({sx:.6g} 0 0 {sy:.6g} {tx:.6g} {ty:.6g})"
    inner = etree.SubElement(outer, svg("g"), {"transform": viewbox})
    for child in marker:
        if isinstance(child.tag, str):
            inner.append(copy.deepcopy(child))
    _context_paint(inner, fill, stroke)
    return outer


def _markers_of(node: etree._Element, by_id: dict[str, etree._Element],
                cascade: Cascade) -> dict[str, etree._Element]:
    found = {}
    common = cascade.inherited(node, "marker") or "none"
    for position in _POSITIONS:
        value = cascade.inherited(node, position) or common
        match = URL_ID.search(value)
        target = by_id.get(match.group(1)) if match else None
        if target is not None and local_name(target) == "marker":
            found[position] = target
    return found


def _strip(node: etree._Element, names: tuple[str, ...]) -> dict[str, str]:
    """Remove the properties ``names`` from the element (style and attribute); return them."""
    removed = {}
    declarations = []
    for key, value in parse_declarations(node.get("style", "")):
        if key in names:
            removed[key] = value
        else:
            declarations.append(f"{key}:{value}")
    for name in names:
        if node.get(name) is not None:
            removed.setdefault(name, node.attrib.pop(name))
    if node.get("style") is not None:
        node.set("style", ";".join(declarations))
    return removed


def expand_markers(root: etree._Element) -> int:
    """Draw every marker of every markable shape as plain groups; return how many were drawn."""
    if next(root.iter(svg("marker")), None) is None:
        return 0  # no markers at all: the common case, one walk of the tree
    cascade = Cascade(root)  # a marker may come from a <style> rule as well as the element's own
    shapes = [node for node in root.iter(*MARKABLE) if any(
        cascade.inherited(node, name) not in (None, "", "none") for name in ("marker", *_POSITIONS))]
    if not shapes:
        return 0
    by_id = ids(root)
    defs = etree.SubElement(root, svg("defs"))
    drawn = 0
    for node in shapes:
        parent = node.getparent()
        if parent is None or any(local_name(a) in ("marker", "clipPath") for a in node.iterancestors()):
            continue  # a marker's own content has no markers; a clip path draws none
        markers = _markers_of(node, by_id, cascade)
        _strip(node, ("marker", *_POSITIONS))
        # Inherited from a group or set by a <style> rule: stopped here too (style="" wins over both).
        node.set("style", ";".join([*filter(None, [node.get("style")]),
                                    *(f"{name}:none" for name in ("marker", *_POSITIONS))]))
        if not markers:
            continue
        stroke_width = length(cascade.inherited(node, "stroke-width") or "1", percent_of=100) or 0.0
        fill = cascade.inherited(node, "fill") or "#000000"
        stroke = cascade.inherited(node, "stroke") or "none"
        group = etree.Element(svg("g"), _strip(node, _GROUP_PROPERTIES))
        for name in ("transform", "id"):  # a clone of the shape (<use>) shows its markers too
            if node.get(name):
                group.set(name, node.attrib.pop(name))
        group.tail, node.tail = node.tail, None
        node.addprevious(group)
        group.append(node)
        vertices = path_vertices(shape_data(node) or "")[:MAX_MARKED_VERTICES]
        for index, vertex in enumerate(vertices):
            position = ("marker-start" if index == 0 else "marker-end" if index == len(vertices) - 1
                        else "marker-mid")
            marker = markers.get(position)
            if marker is None:
                continue
            clip_id = f"og-marker-clip-{marker.get('id')}"
            overflow = cascade.declared(marker, "overflow") or "hidden"
            group.append(_marker_group(marker, vertex, position, stroke_width, fill, stroke, clip_id, defs,
                                       overflow))
            drawn += 1
    return drawn
