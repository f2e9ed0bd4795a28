"""A card's foreground (the document from its first value on, :func:`og.raster.static.foreground_tree`)
→ its glyph runs and their plain colours, or None when it holds anything else.

Most cards change only text: the per-request part is then a list of glyph runs, each filled with
one colour. Such a foreground needs no CairoSVG at all: the backend appends each glyph's cached
outline and fills the run straight onto a copy of the background's rows
(:meth:`og.raster.backend.CairoBackend.draw_runs`), which saves serialising the document, parsing it
again in CairoSVG and walking it node by node.

The pixels must be CairoSVG's, so this module reads the document as CairoSVG does (its ``Node``:
every property inherited but the few it lists, then the element's attributes, then its ``style``)
and accepts only what it can read exactly: ``<g>`` and og's glyph-run ``<path>`` elements with a plain
colour fill, no stroke, no transform, opacity, clipping, filter, mask, hidden visibility or feature
test (what is not displayed at all, as another Inkscape page's layer, may hold anything); no
``<style>`` sheet in the document; a root whose viewBox is its size. Anything else → None, and the
card goes the general way.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from ..draw.elements import Glyphs
from ..svg.css import parse_declarations
from ..svg.geometry import view_box
from ..svg.names import SVG_NS

#: Properties CairoSVG does not pass from a parent to its children (``parser.NOT_INHERITED_ATTRIBUTES``,
#: the ones that can reach a ``<g>`` or ``<path>``).
NOT_INHERITED = frozenset({"clip", "clip-path", "display", "filter", "height", "id", "mask", "opacity",
                           "overflow", "style", "transform", "transform-origin", "width", "x", "y"})
#: An element's own properties that change how it (and its children) paint: not for this path.
OWN_EFFECTS = ("clip", "clip-path", "filter", "mask", "transform", "transform-origin", "width", "height",
               "requiredFeatures", "requiredExtensions", "systemLanguage")
#: What a root may have of :data:`OWN_EFFECTS`: its size (checked against its viewBox).
ROOT_SIZE = frozenset({"width", "height"})
#: Inherited properties this path does not draw.
INHERITED_EFFECTS = ("shape-rendering", "marker", "marker-start", "marker-mid", "marker-end")
#: Elements that paint nothing and whose children CairoSVG does not draw.
SILENT = frozenset({"defs"})
#: Elements that paint nothing themselves; CairoSVG still draws SVG elements inside them.
UNPAINTED = frozenset({"title", "desc", "metadata"})


@dataclasses.dataclass(frozen=True)
class Run:
    """One glyph run (og's path data, see :class:`~og.draw.elements.Glyphs`) and its paint."""

    data: str
    #: The computed ``fill``, as CairoSVG reads it (a colour: never a ``url(…)``).
    fill: str
    #: ``fill-opacity``, times the path's own ``opacity``.
    opacity: float
    even_odd: bool


def plain_runs(root: etree._Element, glyphs: Glyphs, width: float, height: float) -> list[Run] | None:
    """The glyph runs ``root`` paints, in order, when that is all it paints; else None.

    :param width: the template's width and height, which the root's viewBox must equal.
    """
    if not _plain_root(root, width, height):
        return None
    if any(True for _ in root.iter(f"{{{SVG_NS}}}style", "style")):
        return None  # a style sheet: leave the cascade to CairoSVG
    runs: list[Run] = []
    properties = _cascade(root, {})
    if properties is None or not _paints_plainly(properties, ROOT_SIZE) or _translucent(properties):
        return None
    for child in root.iterchildren(etree.Element):
        if not _collect(child, properties, glyphs, runs):
            return None
    return runs


def _plain_root(root: etree._Element, width: float, height: float) -> bool:
    size = (_px(root.get("width")), _px(root.get("height")))
    if size != (width, height) or root.get("preserveAspectRatio") not in (None, "xMidYMid", "xMidYMid meet"):
        return False
    return root.get("viewBox") is None or view_box(root) == (0.0, 0.0, width, height)


def _px(value: str | None) -> float | None:
    if value is None:
        return None
    text = value.strip()
    text = text[:-2] if text.endswith("px") else text
    try:
        return float(text)
    except ValueError:
        return None


def _collect(node: etree._Element, inherited: dict[str, str], glyphs: Glyphs, runs: list[Run]) -> bool:
    """Add ``node``'s runs to ``runs``; False when it paints anything but plain glyph runs."""
    namespace, _, tag = node.tag.rpartition("}") if "}" in node.tag else ("", "", node.tag)
    if namespace not in ("", "{" + SVG_NS) or tag in UNPAINTED:
        # CairoSVG draws no foreign element (nor a title), but it does draw SVG elements inside one.
        return not any(_is_svg(d) for d in node.iterdescendants(etree.Element))
    if tag in SILENT:
        return True
    if tag not in ("g", "path"):
        return False
    properties = _cascade(node, inherited)
    if properties is None:
        return False
    if properties.get("display") == "none" and "filter" not in properties:
        return True  # neither it nor anything in it is drawn (another Inkscape page, say)
    if not _paints_plainly(properties):
        return False
    if tag == "g":
        if _translucent(properties):
            return False  # CairoSVG paints a translucent group's children as a group
        return all(_collect(child, properties, glyphs, runs) for child in node.iterchildren(etree.Element))
    data = node.get("d", "")
    if data not in glyphs.runs or len(node):
        return False
    run = _run(data, properties)
    if run is None:
        return False
    runs.append(run)
    return True


def _is_svg(node: etree._Element) -> bool:
    return not node.tag.startswith("{") or node.tag.startswith("{" + SVG_NS)


def _cascade(node: etree._Element, inherited: dict[str, str]) -> dict[str, str] | None:
    """``node``'s properties as CairoSVG's ``Node`` computes them (no style sheet)."""
    properties = {name: value for name, value in inherited.items() if name not in NOT_INHERITED}
    properties.update(node.attrib)
    style = node.get("style")
    if style:
        if "!" in style:
            return None  # !important: CairoSVG orders those itself
        properties.update((name, value.strip()) for name, value in parse_declarations(style))
    for name in ("fill", "stroke"):
        if properties.get(name) == "currentColor":
            properties[name] = properties.get("color", "black")
    for name in [name for name, value in properties.items() if value == "inherit"]:
        if name in inherited:
            properties[name] = inherited[name]
        else:
            del properties[name]
    return properties


def _paints_plainly(properties: dict[str, str], allowed: frozenset[str] = frozenset()) -> bool:
    """Whether nothing in ``properties`` asks for more than a plain fill (``allowed``: own
    properties this element may have anyway)."""
    if any(name in properties and name not in allowed for name in OWN_EFFECTS + INHERITED_EFFECTS):
        return False
    if properties.get("display", "inline") == "none" or properties.get("visibility", "visible") == "hidden":
        return False
    return properties.get("stroke", "none").strip() == "none"


def _translucent(properties: dict[str, str]) -> bool:
    return _opacity(properties.get("opacity", "1")) != 1.0


def _opacity(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _run(data: str, properties: dict[str, str]) -> Run | None:
    fill = properties.get("fill", "black").strip()
    fill_opacity = _opacity(properties.get("fill-opacity", "1"))
    opacity = _opacity(properties.get("opacity", "1"))
    if not fill or "url(" in fill or fill_opacity is None or opacity is None:
        return None
    if opacity < 1:
        fill_opacity *= opacity  # a path has no children: CairoSVG folds its opacity into the fill's
    return Run(data, fill, fill_opacity, properties.get("fill-rule") == "evenodd")
