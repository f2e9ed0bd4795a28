"""``og check``: a template linter for designers.

It says, per file, which placeholders and text boxes og found, which fonts they use and
whether og has them, and every construct og cannot render faithfully, with the element's
id and line, so a designer learns it before a crawler shows a broken card.
"""

from __future__ import annotations

import dataclasses
import typing as t
from pathlib import Path

from lxml import etree

from .effects.compositing import BLEND_MODES
from .effects.filters import NEEDS_OG
from .effects.filters import PRIMITIVES
from .errors import TemplateError
from .render import OWN_PARAMS
from .svg.cairosvg_fixes import is_inkscape_mesh_polyfill
from .svg.css import Cascade
from .svg.css import font_families
from .svg.css import parse_declarations
from .svg.follow import explain as explain_follow
from .svg.names import OG_LEGACY_NS
from .svg.names import OG_NS
from .svg.names import URL_ANY
from .svg.names import adopt_namespace
from .svg.names import by_id
from .svg.names import find_node
from .svg.names import href
from .svg.names import local_name
from .svg.read_text import TEXT_TAGS
from .svg.read_text import find_text_slots
from .svg.sanitise import DROPPED
from .svg.text_path import text_path
from .svg.text_style import vertical_mode
from .svg.vocabulary import MAX_WIDTH
from .svg.vocabulary import problems as vocabulary_problems
from .template.costs import max_dpr
from .template.load import DEFAULT_LIMITS
from .template.load import Template
from .template.load import create_jinja_environment
from .template.load import load_template
from .template.load import read_template
from .template.mirror import explain as explain_mirror
from .template.typed import unseen_colour
from .text.fonts import GENERIC_FAMILIES
from .text.fonts import FontSet


@dataclasses.dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning" | "info"
    message: str
    element_id: str = ""
    line: int = 0

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else ""
        if self.element_id:
            where += f"{', ' if where else ''}#{self.element_id}"
        return f"{self.level}: {self.message}" + (f" ({where})" if where else "")


def _finding(level: str, message: str, node: etree._Element | None = None) -> Finding:
    if node is None:
        return Finding(level, message)
    return Finding(level, message, str(node.get("id", "")), int(node.sourceline or 0))


def _unsafe(root: etree._Element) -> t.Iterator[Finding]:
    for node in root.iter(etree.Element):
        name = local_name(node)
        if is_inkscape_mesh_polyfill(node):
            yield _finding("info", "Inkscape's mesh gradient polyfill <script>: dropped (og draws mesh "
                                   "gradients itself; nothing is run)", node)
        elif name in DROPPED:
            # what the server does too: the template serves, the element never reaches a card
            yield _finding("warning", f"<{name}> is dropped: og runs no scripts and draws no foreign "
                                      "content, on cards or in served SVG", node)
        link = href(node)
        if link and not link.startswith(("#", "data:")):
            yield _finding("error", f"external reference {link[:60]!r}: og loads no files or URLs; "
                                    "embed images (Inkscape: Import ▸ Embed)", node)
        for value in node.attrib.values():
            for ref in URL_ANY.findall(value):
                if not ref.startswith(("#", "data:")):
                    yield _finding("error", f"external reference {ref[:60]!r}", node)


def _unsupported(root: etree._Element, cascade: Cascade) -> t.Iterator[Finding]:
    for node in root.iter(etree.Element):
        name = local_name(node)
        if name == "filter":
            kinds = sorted({local_name(child) for child in node if local_name(child)})
            missing = [k for k in kinds if k not in PRIMITIVES]
            if missing:
                yield _finding("warning", f"filter uses {', '.join(missing)}, which og cannot render "
                                          "(the element is drawn without that effect)", node)
            elif set(kinds) & NEEDS_OG:
                yield _finding("info", f"filter ({', '.join(kinds)}) is pre-rendered by og", node)
        if name == "mask" and node.get("maskContentUnits") == "objectBoundingBox":
            yield _finding("warning", "a mask in objectBoundingBox content units is drawn by CairoSVG "
                                      "by alpha, not luminance", node)
        style = cascade.computed(node) if isinstance(node.tag, str) else {}
        raw_style = node.get("style", "")
        blend = dict(parse_declarations(raw_style)).get("mix-blend-mode", "normal")
        if blend not in ("normal", *BLEND_MODES):  # og draws the rest: _drawing_findings
            yield _finding("warning", f"mix-blend-mode {blend} is not rendered (drawn as normal)", node)
        if name not in ("text", "flowRoot", "tspan", "flowPara", "flowSpan") and \
                style.get("paint-order", "normal").split()[:1] == ["stroke"] and "paint-order" in raw_style:
            yield _finding("warning", "paint-order is only honoured on text", node)
        yield from _text_feature_findings(root, node, name, style)
        if name in ("text",) and "shape-inside" in raw_style:
            match = URL_ANY.search(dict(parse_declarations(raw_style)).get("shape-inside", ""))
            frame = by_id(root, match.group(1).lstrip("#")) if match else None
            if frame is not None and local_name(frame) not in ("rect",):
                yield _finding("warning", f"text flowed into a <{local_name(frame)}>: og wraps it in the "
                                          "frame's bounding box", node)
        if name == "flowRegion" and len([c for c in node if local_name(c)]) > 1:
            yield _finding("warning", "only the first shape of a flowRegion is used", node)


def _text_feature_findings(root: etree._Element, node: etree._Element, name: str,
                           style: t.Mapping[str, str]) -> t.Iterator[Finding]:
    """Text on a path, vertical text and text used as a clipping path: og lays each out itself."""
    if name == "textPath":
        parent = node.getparent()
        if parent is not None and text_path(root, parent) is not None:
            yield _finding("info", "text on a path: og sets each glyph along the path (SVG 2), "
                                   "shaped and with fallback fonts like any text", node)
        else:
            yield _finding("warning", "text on a path whose path og cannot find or read: drawn as a "
                                      "straight line from the text's position", node)
    if name in ("text", "flowRoot") and vertical_mode(style):
        yield _finding("info", "vertical text: og sets it in columns (upright CJK with its vertical "
                               "forms, other scripts turned sideways)", node)
    if name in ("text", "flowRoot") and any(local_name(a) == "clipPath" for a in node.iterancestors()):
        yield _finding("info", "text used as a clipping path: og lays it out (kerning, fallback fonts) "
                               "and clips with its glyph outlines", node)


_MARKER_PROPERTIES = ("marker", "marker-start", "marker-mid", "marker-end")
_MARKABLE = ("path", "line", "polyline", "polygon")


def _drawing_findings(root: etree._Element, cascade: Cascade) -> t.Iterator[Finding]:
    """What og draws itself where CairoSVG would not (markers, clone opacity, blend modes, mesh
    gradients), and where that still differs from the SVG specification or from Inkscape."""
    for node in root.iter(etree.Element):
        name = local_name(node)
        style = cascade.computed(node)
        used = [f"{p} {style[p]}" for p in _MARKER_PROPERTIES if style.get(p, "none") not in ("none", "")]
        if used and name in _MARKABLE and "marker" in node.get("style", "") + "".join(node.attrib):
            yield _finding("info", f"markers ({', '.join(used)}): drawn by og as SVG 2 does (context-stroke, "
                                   "scaled by the stroke width)", node)
            closed = name == "polygon" or name == "path" and "z" in node.get("d", "").lower()
            if closed and style.get("marker-start", style.get("marker", "none")) not in ("none", ""):
                yield _finding("warning", "a start marker on a closed shape: og orients it as SVG does "
                                          "(between the closing and the first segment), Inkscape 1.2 along "
                                          "the first segment only", node)
        elif used and name in ("rect", "circle", "ellipse") and any(p in node.get("style", "") or node.get(p)
                                                                    for p in _MARKER_PROPERTIES):
            yield _finding("warning", f"markers on a <{name}> are not drawn (SVG 2 draws markers on paths, "
                                      "lines, polylines and polygons): convert it to a path", node)
        if name == "marker" and (style.get("overflow") or "hidden") not in ("visible", "auto"):
            yield _finding("warning", "a marker without overflow:visible is clipped to its viewport by og as "
                                      "SVG says; Inkscape 1.2 does not clip it", node)
        if name == "use" and "opacity" in node.get("style", "") + (node.get("opacity") or ""):
            yield _finding("info", "a clone with opacity: drawn by og as a group (CairoSVG alone draws it "
                                   "opaque)", node)
        blend = dict(parse_declarations(node.get("style", ""))).get("mix-blend-mode", "normal")
        if blend in BLEND_MODES:
            yield _finding("info", f"mix-blend-mode {blend}: drawn by og (Compositing spec formulas)", node)
        if name == "meshgradient":
            yield from _mesh_findings(node)
        parent = node.getparent()
        if parent is not None and local_name(parent) == "filter" and any(
                node.get(a) is not None for a in ("x", "y", "width", "height")):
            yield _finding("warning", f"{name} has its own subregion (x, y, width, height): og ignores it "
                                      "(the primitive covers the whole filter region)", node)
        if name == "feImage" and href(node):
            yield _finding("warning", "feImage of an element or a picture is drawn as nothing by og (an "
                                      "empty feImage, as in Inkscape's Fill Background, is exact)", node)
        if name == "feConvolveMatrix":
            yield _finding("warning", "feConvolveMatrix: og treats the filter region's edges as edgeMode "
                                      "says; "
                                      "Inkscape 1.2 ignores edgeMode (its outer pixels differ)", node)
        if name == "feTurbulence" and node.get("stitchTiles") == "stitch":
            yield _finding("warning", "feTurbulence stitchTiles: og stitches as browsers do; Inkscape 1.2 "
                                      "draws other noise", node)


def _mesh_findings(mesh: etree._Element) -> t.Iterator[Finding]:
    patches = sum(1 for row in mesh for patch in row if local_name(patch) == "meshpatch")
    smoothing = "bicubic, as Inkscape smooths it" if mesh.get("type") == "bicubic" else "Coons patches"
    yield _finding("info", f"mesh gradient ({patches} patch{'es' if patches != 1 else ''}): drawn by og "
                           f"({smoothing})", mesh)
    if mesh.get("gradientUnits") == "objectBoundingBox":
        yield _finding("warning", "a mesh gradient in objectBoundingBox units is drawn in user space", mesh)


def _family_findings(families: tuple[str, ...], fonts: FontSet,
                     element: etree._Element) -> t.Iterator[Finding]:
    """Which family of a ``font-family`` list og will use, as CSS picks it: the first available."""
    listed = ", ".join(families)
    for family in families:
        if fonts.is_bundled(family):
            face = GENERIC_FAMILIES.get(family.lower(), family)
            yield _finding("info", f"font-family {listed!r}: uses bundled {face!r}", element)
            return
        if fonts.has_family(family):
            yield _finding("warning", f"font-family {listed!r}: {family!r} comes from this machine's "
                                      "system fonts: put it in the fonts folder for the same pixels "
                                      "everywhere", element)
            return
    yield _finding("warning", f"font-family {listed!r}: none is available, og falls back to Inter",
                   element)


def _vocabulary_findings(root: etree._Element) -> t.Iterator[Finding]:
    """og attributes og does not know (with the nearest one it does), on an element that does not
    read them, or with a value og cannot read (the table: :mod:`og.svg.vocabulary`)."""
    for node in root.iter(etree.Element):
        for problem in vocabulary_problems(node):
            yield _finding("warning", problem, node)


def _text_findings(root: etree._Element, fonts: FontSet, width: float) -> t.Iterator[Finding]:
    cascade = Cascade(root)
    used: dict[tuple[str, ...], etree._Element] = {}
    for node in root.iter(*TEXT_TAGS):
        for element in node.iter(etree.Element):
            families = font_families(cascade.computed(element).get("font-family"))
            if families:
                used.setdefault(families, element)
    for families, element in used.items():
        yield from _family_findings(families, fonts, element)
    for slot in find_text_slots(root, width):
        options = slot.block.options
        box = slot.block.box
        size = "x".join(f"{v:g}" for v in (box.width, box.height) if v is not None) or "unbounded"
        if slot.block.path is not None:
            walk = slot.block.path.walk()
            yield _finding("info", f"text on a path {walk.length:.0f} px long, from {walk.start:.0f} px "
                                   f"along it, align {options.align}", slot.element)
            continue
        yield _finding("info", f"text box ({slot.kind}) at {box.x:g},{box.y:g} size {size}, "
                               f"align {options.align}, max lines {options.max_lines or '-'}, "
                               f"min font size {options.min_font_size or '-'}", slot.element)
        if slot.kind == "point" and "{{" in "".join(slot.element.itertext()) \
                and MAX_WIDTH.raw(slot.element) is None:
            yield _finding("warning", "point text with a placeholder and no og:max-width: long values "
                                      "run to the card's edge: draw a text box or set og:max-width",
                           slot.element)


def _typed_summary(template: Template, name: str) -> str:
    """One line on a typed parameter: its kind, default and values, and for an image its slots."""
    param = template.params[name]
    if param.kind == "image":
        slots = [f"{'x'.join(map(str, s.size))} px, {s.fit}, fallback {s.fallback}"
                 for s in template.typed.images if s.param == name]
        return (f"image parameter {name!r}: default the template's placeholder picture; "
                f"slot {'; '.join(slots)}")
    default = {"": "off", "1": "on"}.get(param.default, "") if param.kind == "flag" else repr(param.default)
    if param.kind == "color":
        shapes = [slot for slot in template.typed.colors if slot.param == name]
        values = ", ".join(f"{n} ({c})" for n, c in param.palette) if param.palette else "#rgb, #rrggbb"
        props = " and ".join(dict.fromkeys(slot.prop for slot in shapes))
        return (f"color parameter {name!r}: default {default}, one of: {values}; sets the {props} of "
                f"{len(shapes)} element{'s' if len(shapes) > 1 else ''}")
    return f"{param.kind} parameter {name!r}: default {default}, one of: {', '.join(param.allowed)}"


def _colour_findings(template: Template) -> t.Iterator[Finding]:
    """Each ``og:color`` that would show nowhere: the template loads, but the value changes nothing."""
    for slot in template.typed.colors:
        reason = unseen_colour(template.root, slot)
        if reason:
            node = find_node(template.root, slot.path)
            yield _finding("warning", f"og:color {slot.param!r} on <{local_name(node)}>: {reason}", node)


#: What a template in og's old placeholder namespace is told: it works, and how to update it.
LEGACY_NAMESPACE_NOTE = (f"og attributes in the old namespace {OG_LEGACY_NS} (still read): to update, change "
                         f'xmlns:og="{OG_LEGACY_NS}" to xmlns:og="{OG_NS}" on the <svg> element '
                         "(a text editor's find and replace, or Inkscape's Edit › XML Editor)")


def check_file(path: str | Path, fonts: FontSet, data: bytes | None = None) -> list[Finding]:
    """All findings for one template file (errors first); ``data``: its bytes, read already."""
    path = Path(path)
    findings: list[Finding] = []
    try:
        stat = path.stat()
        data = read_template(path) if data is None else data
        template = load_template(path.stem, path, create_jinja_environment(), 500, read=(data, stat))
    except TemplateError as error:
        return [Finding("error", error.message)]
    except OSError as error:
        return [Finding("error", f"cannot read {path}: {error.strerror}")]
    for param in template.params.values():
        if param.name in OWN_PARAMS:
            own = ", ".join(sorted(OWN_PARAMS))
            findings.append(Finding("warning", f"placeholder {{{{ {param.name} }}}} can never be given: "
                                               f"?{param.name}= is og's own (one of {own}): rename it"))
        if param.kind != "text":
            findings.append(Finding("info", _typed_summary(template, param.name)))
            continue
        default = f"default {param.default!r}" if param.default else "empty when left out"
        if param.required:
            default = "required (a card with values must give it)"
        example = f", example {param.example!r}" if param.example is not None else ""
        findings.append(Finding("info", f"placeholder {{{{ {param.name} }}}}: {default}{example}, "
                                        f"at most {param.max_length} characters"))
    findings.extend(_colour_findings(template))
    if template.pages:
        sizes = ", ".join(f"{p.name} {p.width:g}x{p.height:g}" for p in template.pages)
        findings.append(Finding("info", f"pages: {sizes}; /NAME.png is the first, ?page=NAME or a number "
                                        "another"))
    allowed = max_dpr(template.width, template.height, DEFAULT_LIMITS)
    if allowed < 2:
        findings.append(Finding("warning", f"canvas {template.width:g}x{template.height:g}: ?dpr= goes up to "
                                           f"{allowed:g} (pixels drawn, canvas × dpr², stay within "
                                           f"{DEFAULT_LIMITS.drawn_pixels:,})"))
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if adopt_namespace(root):
        findings.append(Finding("warning", LEGACY_NAMESPACE_NOTE))
    findings.extend(_unsafe(root))
    cascade = Cascade(root)
    findings.extend(_unsupported(root, cascade))
    findings.extend(_drawing_findings(root, cascade))
    findings.extend(_vocabulary_findings(root))
    findings.extend(_text_findings(root, fonts, template.width))
    for explained in (explain_mirror(root), explain_follow(root)):
        findings.extend(_finding("info", message, node) for node, message in explained)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order[f.level])


def has_errors(findings: t.Iterable[Finding]) -> bool:
    return any(f.level == "error" for f in findings)


__all__ = ["Finding", "check_file", "has_errors"]
