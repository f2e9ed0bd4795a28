"""Gradients and patterns on text span the whole text, as in Inkscape.

A gradient in ``objectBoundingBox`` units is stretched over the bounding box of the
element it paints. og draws a text as several paths (one per run), so CairoSVG would
stretch the gradient over each run separately. og pins such paint servers to the text's
box instead: a copy in ``userSpaceOnUse`` units with the box folded into its transform.
"""

from __future__ import annotations

import copy
import re
import typing as t

from lxml import etree

from ..svg.css import fraction
from ..svg.names import URL_ID
from ..svg.names import XLINK_HREF
from ..svg.names import href
from ..svg.names import ids
from ..svg.names import local_name
from ..text.layout import TextLayout

Box = tuple[float, float, float, float]  # x, y, width, height


def text_box(layout: TextLayout) -> Box | None:
    """The box the text's glyph lines cover (line extents, not ink)."""
    if not layout.lines:
        return None
    left = min(line.x for line in layout.lines)
    right = max(line.x + line.width for line in layout.lines)
    top = min(line.top for line in layout.lines)
    bottom = max(line.bottom for line in layout.lines)
    if right <= left or bottom <= top:
        return None
    return left, top, right - left, bottom - top


def _inherited(node: etree._Element, name: str, by_id: t.Mapping[str, etree._Element]) -> str | None:
    seen = 0
    current: etree._Element | None = node
    while current is not None and seen < 8:
        if current.get(name) is not None:
            return str(current.get(name))
        current = by_id.get(href(current).lstrip("#"))
        seen += 1
    return None


def _pinned(server: etree._Element, box: Box, by_id: t.Mapping[str, etree._Element],
            tag: str) -> etree._Element | None:
    kind = local_name(server)
    x, y, width, height = box
    clone = copy.deepcopy(server)
    clone.set("id", f"{server.get('id')}-{tag}")
    if not len(clone) and server.get("id"):
        clone.set(XLINK_HREF, f"#{server.get('id')}")  # keep the stops
    if kind in ("linearGradient", "radialGradient"):
        if (_inherited(server, "gradientUnits", by_id) or "objectBoundingBox") != "objectBoundingBox":
            return None
        clone.set("gradientUnits", "userSpaceOnUse")
        # Unit-square coordinates, explicit: in user space "100%" would mean the viewport.
        defaults = ({"x1": 0.0, "y1": 0.0, "x2": 1.0, "y2": 0.0} if kind == "linearGradient"
                    else {"cx": 0.5, "cy": 0.5, "r": 0.5})
        for name, default in defaults.items():
            clone.set(name, f"{fraction(_inherited(server, name, by_id), default):g}")
        if kind == "radialGradient":
            for name, centre in (("fx", "cx"), ("fy", "cy")):
                value = fraction(_inherited(server, name, by_id), float(clone.get(centre, 0.5)))
                clone.set(name, f"{value:g}")
        own = _inherited(server, "gradientTransform", by_id) or ""
        clone.set("gradientTransform", f"matrix({width:g} 0 0 {height:g} {x:g} {y:g}) {own}".strip())
        return clone
    if kind == "pattern":
        if (_inherited(server, "patternUnits", by_id) or "objectBoundingBox") != "objectBoundingBox":
            return None
        clone.set("patternUnits", "userSpaceOnUse")
        clone.set("x", f"{x + fraction(_inherited(server, 'x', by_id), 0) * width:g}")
        clone.set("y", f"{y + fraction(_inherited(server, 'y', by_id), 0) * height:g}")
        clone.set("width", f"{fraction(_inherited(server, 'width', by_id), 0) * width:g}")
        clone.set("height", f"{fraction(_inherited(server, 'height', by_id), 0) * height:g}")
        return clone
    return None


def pin_paint_servers(root: etree._Element, group: etree._Element, layout: TextLayout,
                      tag: str) -> None:
    """Rewrite bounding-box paint of ``group`` (a drawn text) to span the whole text.

    :param tag: names the copies (``{id}-{tag}``); unique per text, the same every request.
    """
    box = text_box(layout)
    painted = [node for node in group.iter(etree.Element) if "url(" in node.get("style", "")]
    if box is None or not painted:
        return
    by_id = ids(root)
    done: dict[str, str] = {}  # server id → pinned copy's id, one copy per text

    def pin(match: re.Match[str]) -> str:
        ident = match.group(1)
        if ident not in done:
            server = by_id.get(ident)
            pinned = _pinned(server, box, by_id, tag) if server is not None else None
            if server is None or pinned is None:
                return match.group(0)
            server.addnext(pinned)
            done[ident] = str(pinned.get("id"))
        return f"url(#{done[ident]})"

    for node in painted:
        node.set("style", URL_ID.sub(pin, node.get("style", "")))
