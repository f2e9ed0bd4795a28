"""Rewrite what Inkscape writes into equivalent SVG that CairoSVG draws right.

Each function fixes one measured CairoSVG gap (tests/data/inkscape has a template per
gap). They change how the document is written, never what it means.
"""

from __future__ import annotations

import copy
import logging
import re

from lxml import etree

from .css import Cascade
from .geometry import parse_transform
from .markers import MARKABLE
from .markers import expand_markers
from .names import XLINK_HREF
from .names import href
from .names import ids
from .names import local_name
from .names import svg
from .sanitise import DROPPED

log = logging.getLogger(__name__)

GRADIENTS = (svg("linearGradient"), svg("radialGradient"))
PATTERN = svg("pattern")
_GRADIENT_ATTRIBUTES = ("gradientUnits", "gradientTransform", "spreadMethod", "x1", "y1", "x2", "y2",
                        "cx", "cy", "r", "fx", "fy", "fr")
_PATTERN_ATTRIBUTES = ("patternUnits", "patternContentUnits", "patternTransform", "x", "y", "width",
                       "height", "viewBox", "preserveAspectRatio")
#: Attributes a gradient may take from a gradient of the other kind.
_SHARED = frozenset({"gradientUnits", "gradientTransform", "spreadMethod"})
_MAX_HREF_DEPTH = 8


def _inherit_links(root: etree._Element, tags: tuple[str, ...], names: tuple[str, ...]) -> None:
    """Copy into each paint server what it takes through ``xlink:href``, then drop the link."""
    if next(root.iter(*tags), None) is None:
        return  # none at all: the common case, without reading every element's id
    by_id = {key: n for key, n in ids(root).items() if n.tag in tags}
    for server in root.iter(*tags):
        target = by_id.get(href(server).lstrip("#"))
        depth = 0
        while target is not None and depth < _MAX_HREF_DEPTH:
            for name in names:
                if server.get(name) is None and target.get(name) is not None and (
                        target.tag == server.tag or name in _SHARED):
                    server.set(name, str(target.get(name)))
            if not any(isinstance(child.tag, str) for child in server):
                for child in target:
                    if isinstance(child.tag, str):
                        server.append(copy.deepcopy(child))
            target = by_id.get(href(target).lstrip("#"))
            depth += 1
        server.attrib.pop(XLINK_HREF, None)
        server.attrib.pop("href", None)


def flatten_gradient_links(root: etree._Element) -> None:
    """Inkscape keeps the stops in one gradient and points the used ones at it; CairoSVG
    then paints only every other element filled with such a gradient."""
    _inherit_links(root, GRADIENTS, _GRADIENT_ATTRIBUTES)


def sharpen_scaled_patterns(root: etree._Element) -> None:
    """Fold a pattern's scale into its tile: CairoSVG renders the tile at its own size in
    pixels (Inkscape's stripes are 2x1) and then scales the bitmap up, blurring it."""
    _inherit_links(root, (PATTERN,), _PATTERN_ATTRIBUTES)
    for pattern in root.iter(PATTERN):
        if (pattern.get("patternUnits", "objectBoundingBox") != "userSpaceOnUse"
                or pattern.get("viewBox") or pattern.get("patternContentUnits") == "objectBoundingBox"):
            continue
        a, b, c, d, e, f = parse_transform(pattern.get("patternTransform"))
        if abs(b) < 1e-9 and abs(c) < 1e-9:
            sx, sy = a, d  # axis-aligned scale
        elif abs(a - d) < 1e-6 and abs(b + c) < 1e-6:
            sx = sy = (a * a + b * b) ** 0.5  # rotation times a uniform scale
        else:
            continue
        if sx <= 1 and sy <= 1 or sx <= 0 or sy <= 0:
            continue
        try:
            x, y = float(pattern.get("x", 0)), float(pattern.get("y", 0))
            width, height = float(pattern.get("width", 0)), float(pattern.get("height", 0))
        except ValueError:
            continue
        group = etree.Element(svg("g"), {"transform": f"scale({sx:g} {sy:g})"})
        for child in list(pattern):
            group.append(child)
        pattern.append(group)
        pattern.set("x", f"{x * sx:g}")
        pattern.set("y", f"{y * sy:g}")
        pattern.set("width", f"{width * sx:g}")
        pattern.set("height", f"{height * sy:g}")
        rest = (a / sx, b / sy, c / sx, d / sy, e, f)
        pattern.set("patternTransform", "matrix(" + " ".join(f"{v:.6g}" for v in rest) + ")")


def drop_external_references(root: etree._Element) -> int:
    """Remove images and uses that point outside the document: og loads no files or URLs
    (``og check`` reports them as errors), and CairoSVG would fail on every render."""
    dropped = 0
    for node in list(root.iter(svg("image"), svg("use"), svg("feImage"))):
        link = href(node)
        if link.startswith(("#", "data:")) or (not link and node.tag == svg("feImage")):
            continue  # (an feImage linking nothing is Inkscape's Fill Background: transparent)
        parent = node.getparent()
        if parent is not None:
            log.warning("dropped <%s id=%r>: external reference %r", local_name(node),
                        node.get("id"), link[:80])
            parent.remove(node)
            dropped += 1
    return dropped


SHAPES = (*MARKABLE, svg("rect"), svg("circle"), svg("ellipse"))


def _opacity(node: etree._Element, cascade: Cascade) -> float:
    try:
        return float(cascade.declared(node, "opacity") or 1)
    except ValueError:
        return 1.0


_OPACITY = re.compile(r"(^|;)\s*opacity\s*:")


def group_opacity(root: etree._Element) -> int:
    """Move ``opacity`` from a clone or a stroked shape onto a group around it.

    CairoSVG draws ``opacity`` as a group only for elements with children; on a leaf it
    multiplies the fill's and the stroke's own opacity, which loses it on ``<use>`` (a clone
    comes out opaque) and shows the fill through a stroke that should hide it. (A shape with
    markers already stands in a group that carries its opacity: :mod:`.markers`.)
    """
    nodes = [node for node in root.iter(*SHAPES, svg("use"))
             if node.get("opacity") is not None or _OPACITY.search(node.get("style", ""))]
    if not nodes:
        return 0
    cascade = Cascade(root)
    moved = 0
    for node in nodes:
        opacity = _opacity(node, cascade)
        if opacity >= 1 or node.getparent() is None:
            continue
        if node.tag != svg("use") and cascade.inherited(node, "stroke") in (None, "none"):
            continue  # a fill alone: CairoSVG's multiplied opacity is already exact
        node.attrib.pop("opacity", None)
        node.set("style", re.sub(r"(^|;)\s*opacity\s*:[^;]*", r"\1", node.get("style", "")))
        group = etree.Element(svg("g"), {"opacity": f"{opacity:g}"})
        group.tail, node.tail = node.tail, None
        node.addprevious(group)
        group.append(node)
        moved += 1
    return moved


def is_inkscape_mesh_polyfill(node: etree._Element) -> bool:
    """Inkscape adds this ``<script>`` to every file with a mesh gradient, for browsers that
    lack them; og draws meshes itself, so the script is dropped, never run."""
    return (local_name(node) == "script" and node.get("id") == "mesh_polyfill"
            and "meshgradient" in "".join(node.itertext()))


#: :data:`~og.svg.sanitise.DROPPED` in any namespace (or none), as lxml finds them in one walk.
_DROPPED_TAGS = tuple(f"{{*}}{name}" for name in sorted(DROPPED))


def drop_foreign(root: etree._Element) -> int:
    """Remove what a served ``.svg`` never carries (:data:`og.svg.sanitise.DROPPED`: scripts,
    ``foreignObject``, animation…) from the card too: CairoSVG would draw a ``foreignObject``'s
    SVG content, and the PNG and the ``.svg`` of one card must show the same thing (and what
    ``og check`` says). Inkscape's mesh polyfill is one of them, said in the debug log."""
    dropped = 0
    for node in list(root.iter(*_DROPPED_TAGS)):
        parent = node.getparent()
        if parent is not None:
            if is_inkscape_mesh_polyfill(node):
                log.debug("dropped Inkscape's mesh polyfill <script id=%r>", node.get("id"))
            parent.remove(node)
            dropped += 1
    return dropped


def apply(root: etree._Element) -> None:
    drop_external_references(root)
    drop_foreign(root)
    expand_markers(root)
    group_opacity(root)
    flatten_gradient_links(root)
    sharpen_scaled_patterns(root)
