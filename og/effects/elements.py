"""Effects CairoSVG gets wrong (blur, drop shadow, luminance masks, blend modes),
pre-rendered as images.

CairoSVG draws only feOffset/feBlend/feFlood: Inkscape's blur slider and its Drop Shadow
come out sharp or shifted (FINDINGS); it masks by alpha, not luminance, and ignores
``mix-blend-mode``. og renders each such element on its own with CairoSVG, applies the
filter primitives, the mask and the blend mode to the pixels with numpy, and puts an
``<image>`` of the result where the element was. Results are cached by the markup that
made them, so a static blurred shape is computed once per template, not once per request.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import math
import re
import typing as t

import numpy as np
from lxml import etree

from ..caches import BoundedCache
from ..deadline import check_deadline
from ..svg.bounds import parent_matrix
from ..svg.css import own_property
from ..svg.css import parse_declarations
from ..svg.dynamic import Dynamic
from ..svg.geometry import Matrix
from ..svg.geometry import format_matrix
from ..svg.geometry import invert
from ..svg.geometry import multiply
from ..svg.geometry import parse_transform
from ..svg.geometry import view_matrix
from ..svg.names import URL_ID
from ..svg.names import href
from ..svg.names import ids
from ..svg.names import local_name
from ..svg.names import svg
from ..svg.paint_order import painted_before
from .compositing import BLEND_MODES
from .compositing import luminance
from .compositing import mix
from .compositing import premultiply
from .compositing import unpremultiply
from .filters import NEEDS_OG
from .filters import PRIMITIVES
from .filters import FilterSpace
from .filters import filter_reach
from .filters import filter_region
from .filters import region_box
from .filters import run_filter
from .mesh import MeshData
from .mesh import mesh_matrix
from .mesh import mesh_patches

#: Alpha under which an effect's pixels count as empty when cropping its image.
CROP_INK_THRESHOLD = 1 / 512
#: An element reaching past the canvas is first drawn this many times smaller, on the canvas
#: grown by :data:`COARSE_MARGINS` of its size on each side, to find its whole bounding box.
COARSE_SHRINK = 4
COARSE_MARGINS = 1
#: The grown surface reaches past the card by at most this many pixels (enough for a blur of
#: stdDeviation 100), which bounds its memory: ≈ 35 MB of float pixels at most for a 1200x630
#: card, against 12 MB for the card itself.
MAX_REACH_PX = 300


class Backend(t.Protocol):
    """What effects need from the raster backend (:class:`og.raster.backend.CairoBackend`)."""

    def pixels(self, svg: bytes) -> np.ndarray: ...
    def png(self, rgba: np.ndarray) -> bytes: ...
    def mesh(self, patches: MeshData, width: int, height: int) -> np.ndarray: ...


#: An effect's result: its crop box in pixels and a PNG data URI (None: nothing visible).
EffectImage = tuple[int, int, int, int, str] | None


@dataclasses.dataclass(frozen=True)
class EffectJob:
    """Everything needed to draw one element's effects; hashable, so results are cached."""

    source: bytes  # a document with only the element, its effects removed
    filter_markup: bytes | None = None
    mask: bytes | None = None  # a document with only the mask's content, same pixel space
    backdrop: bytes | None = None  # the document as painted before the element
    blend: str = "normal"
    opacity: float = 1.0
    scale: float = 1.0  # device pixels per user unit of the element
    to_user: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)  # card pixels → the element's user space
    #: The element with every shape filled and nothing stroked: its ink is the geometric
    #: bounding box a filter region in objectBoundingBox units is measured on (strokes excluded).
    geometry: bytes | None = None
    #: A mesh gradient's Coons patches in card pixels (points, corner colours): the source is
    #: then the element's fill area, and the mesh is painted through it.
    mesh: MeshData | None = None


def _premultiplied(backend: Backend, svg: bytes) -> np.ndarray:
    return premultiply(backend.pixels(svg).astype(np.float32) / 255)


def render_effect(job: EffectJob, backend: Backend) -> EffectImage:
    """Draw the element with its effects; return its crop box and a PNG data URI.

    Filters run on their filter region only (the spec clips their input and output to it),
    which is also faster than the whole card. A filtered element that reaches past the
    canvas (a glow blob half off the card) is filtered whole, as Inkscape and the spec do:
    on a surface grown to its filter region (as far as that can still show on the card),
    then cut to the canvas.
    """
    out = _premultiplied(backend, job.source)
    height, width = out.shape[:2]
    if job.mesh is not None:
        out = premultiply(backend.mesh(job.mesh, width, height).astype(np.float32) / 255) * out[..., 3:4]
    window = (0, 0, width, height)  # the surface's pixels, in the card's: left, top, width, height
    x0, y0, x1, y1 = 0, 0, width, height
    if job.filter_markup is not None:
        filter_node = etree.fromstring(job.filter_markup)
        grown = _grown_window(job, backend, filter_node, out[..., 3])
        if grown is None:
            x0, y0, x1, y1 = filter_region(filter_node, _bounding_alpha(job, backend, out[..., 3]), job.scale)
        else:
            window, coarse = grown
            out = _premultiplied(backend, _windowed(job.source, window))
            x0, y0, x1, y1 = _region_in_window(filter_node, job.scale, window, coarse, out[..., 3],
                                               (width, height))
        if x1 <= x0 or y1 <= y0:
            return None
        corner = (1.0, 0.0, 0.0, 1.0, float(window[0] + x0), float(window[1] + y0))
        space = FilterSpace(job.scale, multiply(job.to_user, corner))
        out = run_filter(filter_node, out[y0:y1, x0:x1], space)
    else:
        # Unfiltered, nothing shows past the element's own pixels: mask and blend only those.
        ys, xs = np.nonzero(out[..., 3] > 0)
        if not len(xs):
            return None
        x0, y0, x1, y1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        out = out[y0:y1, x0:x1]
    if job.mask is not None:
        mask = job.mask if window == (0, 0, width, height) else _windowed(job.mask, window)
        out = out * luminance(_premultiplied(backend, mask)[y0:y1, x0:x1])[..., None]
    if job.opacity < 1:
        out = out * job.opacity
    if job.backdrop is not None and job.blend in BLEND_MODES:
        backdrop = _in_window(_premultiplied(backend, job.backdrop), window)
        out = mix(out, backdrop[y0:y1, x0:x1], job.blend)
    # What lies past the card is never seen: keep the region's part on the canvas.
    left, top = window[0] + x0, window[1] + y0  # the region's corner, in card pixels
    out = out[max(0, -top):max(0, height - top), max(0, -left):max(0, width - left)]
    left, top = max(0, left), max(0, top)
    ys, xs = np.nonzero(out[..., 3] > CROP_INK_THRESHOLD)
    if not len(xs):
        return None
    y_min, x_min, y_max, x_max = ys.min(), xs.min(), ys.max() + 1, xs.max() + 1
    out = out[y_min:y_max, x_min:x_max]
    rgba = (np.clip(unpremultiply(out), 0, 1) * 255 + 0.5).astype(np.uint8)
    uri = "data:image/png;base64," + base64.b64encode(backend.png(rgba)).decode("ascii")
    return int(left + x_min), int(top + y_min), int(x_max - x_min), int(y_max - y_min), uri


Window = tuple[int, int, int, int]  # left, top, width, height in the card's pixels


def _grown_window(job: EffectJob, backend: Backend, filter_node: etree._Element,
                  alpha: np.ndarray) -> tuple[Window, tuple[float, float, float, float]] | None:
    """The surface to filter on when the element's ink touches the canvas's edge (or lies
    wholly past it): its filter region, within the filter's reach of the canvas; and the
    element's bounding box found on a coarse drawing. None: the canvas is enough."""
    ink = alpha > CROP_INK_THRESHOLD
    if ink.any() and not (ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any()):
        return None
    height, width = alpha.shape
    margin = COARSE_MARGINS * max(width, height)
    coarse_window = (-margin, -margin, width + 2 * margin, height + 2 * margin)
    coarse = backend.pixels(_windowed(job.source, coarse_window, 1 / COARSE_SHRINK))[..., 3]
    ys, xs = np.nonzero(coarse)
    if not len(xs):
        return None
    bounds = (float(xs.min() * COARSE_SHRINK - margin), float(ys.min() * COARSE_SHRINK - margin),
              float((xs.max() + 1) * COARSE_SHRINK - margin), float((ys.max() + 1) * COARSE_SHRINK - margin))
    reach = min(filter_reach(filter_node, job.scale), MAX_REACH_PX)
    left, top, right, bottom = region_box(filter_node, bounds, job.scale, (width, height))
    x0, y0 = max(math.floor(left), -reach), max(math.floor(top), -reach)
    x1, y1 = min(math.ceil(right), width + reach), min(math.ceil(bottom), height + reach)
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1 - x0, y1 - y0), bounds


def _region_in_window(filter_node: etree._Element, scale: float, window: Window,
                      coarse: tuple[float, float, float, float], alpha: np.ndarray,
                      canvas: tuple[int, int]) -> tuple[int, int, int, int]:
    """The filter region in the window's pixels: from the element's exact ink where it ends
    inside the window, from the coarse bounds where it runs past it."""
    left, top, w, h = window
    ink = alpha > CROP_INK_THRESHOLD
    ys, xs = np.nonzero(ink)
    bounds = list(coarse)
    if len(xs):
        exact = (xs.min() + left, ys.min() + top, xs.max() + 1 + left, ys.max() + 1 + top)
        inside = (xs.min() > 0, ys.min() > 0, xs.max() < w - 1, ys.max() < h - 1)
        bounds = [float(e) if i else c for e, i, c in zip(exact, inside, coarse, strict=True)]
    x0, y0, x1, y1 = region_box(filter_node, (bounds[0], bounds[1], bounds[2], bounds[3]), scale, canvas)
    return (max(0, math.floor(x0) - left), max(0, math.floor(y0) - top),
            min(w, math.ceil(x1) - left), min(h, math.ceil(y1) - top))


def _windowed(document: bytes, window: Window, zoom: float = 1.0) -> bytes:
    """The same drawing (a document in the card's pixel space) seen through ``window``, which
    may reach past the card, ``zoom`` device pixels per card pixel."""
    left, top, width, height = window
    root = etree.fromstring(document)
    root.set("width", str(math.ceil(width * zoom)))
    root.set("height", str(math.ceil(height * zoom)))
    root.set("viewBox", f"{left} {top} {width} {height}")
    root.set("preserveAspectRatio", "none")
    return t.cast(bytes, etree.tostring(root))


def _in_window(pixels: np.ndarray, window: Window) -> np.ndarray:
    """Card pixels placed in ``window``: what lies past the card is transparent."""
    left, top, width, height = window
    out = np.zeros((height, width, pixels.shape[2]), dtype=pixels.dtype)
    x0, y0 = max(0, -left), max(0, -top)
    x1, y1 = min(width, pixels.shape[1] - left), min(height, pixels.shape[0] - top)
    if x1 > x0 and y1 > y0:
        out[y0:y1, x0:x1] = pixels[y0 + top:y1 + top, x0 + left:x1 + left]
    return out


#: Properties og takes over from CairoSVG when it draws an element's effects itself.
_EFFECT_PROPERTIES = ("filter", "mask", "opacity", "mix-blend-mode")
#: Elements whose content is drawn where they are used, if at all (no effect of their own).
_ELSEWHERE = frozenset({"defs", "mask", "clipPath", "pattern", "marker", "symbol"})
#: What makes an element an effect og draws (:func:`_job_for`).
_JOB_PROPERTIES = ("filter", "mask", "mix-blend-mode")


def _document(root: etree._Element, content: t.Iterable[etree._Element], ctm: Matrix,
              canvas: tuple[int, int]) -> bytes:
    """A document in the card's pixel space (``canvas``: width, height) with the root's defs
    and styles, and ``content`` under ``ctm`` (user units to card pixels), so that
    :func:`_windowed` can look past the card's edge."""
    width, height = canvas
    doc = etree.Element(root.tag, {"width": str(width), "height": str(height),
                                   "viewBox": f"0 0 {width} {height}"}, nsmap=root.nsmap)
    for defs in root.iter(svg("defs")):
        doc.append(copy.deepcopy(defs))
    for style in root.iter(svg("style")):
        doc.append(copy.deepcopy(style))
    group = etree.SubElement(doc, svg("g"), {"transform": format_matrix(ctm)})
    for node in content:
        clone = copy.deepcopy(node)
        clone.tail = None
        group.append(clone)
    return t.cast(bytes, etree.tostring(doc))


def _bounding_alpha(job: EffectJob, backend: Backend, ink: np.ndarray) -> np.ndarray:
    """Where the element's geometry is (its fill area), for its bounding box; its ink when it
    has no area (a straight line)."""
    if job.geometry is None:
        return ink
    geometry = backend.pixels(job.geometry)[..., 3]
    return geometry if geometry.any() else ink


#: Properties dropped from every element of a filtered element's geometry.
_PAINT_PROPERTIES = ("fill", "fill-opacity", "stroke", "stroke-opacity", "opacity", "filter", "mask",
                     "marker", "marker-start", "marker-mid", "marker-end", "visibility")


def _geometry(node: etree._Element) -> etree._Element:
    """The element as plain geometry: every shape filled opaque black, no strokes or effects
    (the SVG bounding box leaves strokes, markers and clipping out of account)."""
    clone = _without_effects(node)
    for element in clone.iter(etree.Element):
        for name in _PAINT_PROPERTIES:
            element.attrib.pop(name, None)
        style = ";".join(f"{k}:{v}" for k, v in parse_declarations(element.get("style", ""))
                         if k not in _PAINT_PROPERTIES)
        element.set("style", style + ";fill:#000000;stroke:none")
    return clone


def _without_effects(node: etree._Element) -> etree._Element:
    clone = copy.deepcopy(node)
    for name in _EFFECT_PROPERTIES:
        clone.attrib.pop(name, None)
        clone.set("style", re.sub(rf"(^|;)\s*{name}\s*:[^;]*", r"\1", clone.get("style", "")))
    return clone


def _backdrop(root: etree._Element, node: etree._Element) -> bytes:
    """The document as painted before ``node``."""
    return t.cast(bytes, etree.tostring(painted_before(root, node)))


def _url(node: etree._Element, name: str, by_id: t.Mapping[str, etree._Element],
         kind: str) -> etree._Element | None:
    match = URL_ID.search(own_property(node, name) or "")
    target = by_id.get(match.group(1)) if match else None
    return target if target is not None and local_name(target) == kind else None


def _matrices(root: etree._Element, node: etree._Element, view: Matrix) -> tuple[Matrix, Matrix]:
    """The element's parent's user space and its own → card pixels: the root's viewBox
    (``view``), the root's own transform (CairoSVG draws it), then the ancestors' and its own."""
    outer = parent_matrix(node, multiply(view, parse_transform(root.get("transform"))))
    return outer, multiply(outer, parse_transform(node.get("transform")))


def _may_need_og(node: etree._Element) -> bool:
    """Whether the element names a property of :data:`_JOB_PROPERTIES` at all: False is the common
    case, told without reading the style (dozens of elements a card)."""
    style = node.get("style", "")
    return any(name in style or node.get(name) is not None for name in _JOB_PROPERTIES)


def _drawn_elements(root: etree._Element) -> list[etree._Element]:
    """The root and every element CairoSVG draws where it stands, in document order: not what is
    inside a :data:`_ELSEWHERE` element (drawn where it is used, if at all). One walk that skips
    those subtrees, rather than asking each element of the document for its ancestors."""
    found: list[etree._Element] = []
    stack = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        if local_name(node) not in _ELSEWHERE:
            stack.extend(node.iterchildren(etree.Element, reversed=True))
    return found


def _job_for(root: etree._Element, node: etree._Element, view: Matrix,
             by_id: t.Mapping[str, etree._Element],
             canvas: tuple[int, int]) -> tuple[EffectJob, Matrix] | None:
    """What og must draw for ``node``, or None when CairoSVG can draw it alone."""
    if not _may_need_og(node):
        return None
    filter_node = _url(node, "filter", by_id, "filter")
    if filter_node is not None:
        kinds = {local_name(p) for p in filter_node} - {""}
        if not kinds & NEEDS_OG or not kinds <= PRIMITIVES:
            filter_node = None
    mask = _url(node, "mask", by_id, "mask")
    if mask is not None and mask.get("maskContentUnits") == "objectBoundingBox":
        mask = None
    blend = (own_property(node, "mix-blend-mode") or "normal").strip()
    if blend not in BLEND_MODES:
        blend = "normal"
    if filter_node is None and mask is None and blend == "normal":
        return None
    outer, own = _matrices(root, node, view)
    a, b, c, d = own[:4]
    try:
        opacity = float(own_property(node, "opacity") or 1)
    except ValueError:
        opacity = 1.0
    job = EffectJob(
        source=_document(root, [_without_effects(node)], outer, canvas),
        filter_markup=etree.tostring(filter_node) if filter_node is not None else None,
        geometry=_document(root, [_geometry(node)], outer, canvas) if filter_node is not None else None,
        mask=_document(root, list(mask), own, canvas) if mask is not None else None,
        backdrop=_backdrop(root, node) if blend != "normal" else None,
        blend=blend,
        opacity=opacity,
        # stdDeviation and offsets are in the element's user space: they scale with all of it.
        scale=round(math.sqrt(abs(a * d - b * c)) or 1.0, 6),
        to_user=invert(own),
    )
    return job, outer


def _painted_with_mesh(node: etree._Element, paint: str,
                       by_id: t.Mapping[str, etree._Element]) -> etree._Element | None:
    """The mesh gradient ``node``'s ``paint`` (fill or stroke) is, its ``xlink:href`` followed
    for the rows; None when it is not a mesh."""
    match = URL_ID.search(own_property(node, paint) or "")
    mesh = by_id.get(match.group(1)) if match else None
    if mesh is None or local_name(mesh) != "meshgradient":
        return None
    rows = mesh
    for _ in range(_MAX_MESH_LINKS):
        if any(local_name(child) == "meshrow" for child in rows):
            break
        target = by_id.get(href(rows).lstrip("#"))
        if target is None or local_name(target) != "meshgradient":
            return None
        rows = target
    resolved = copy.deepcopy(rows)
    for name in ("x", "y", "gradientUnits", "gradientTransform", "type"):
        if mesh.get(name) is not None:
            resolved.set(name, mesh.get(name, ""))
    return resolved


_MAX_MESH_LINKS = 8
_PAINTS = ("fill", "stroke")


def _mesh_image(root: etree._Element, node: etree._Element, paint: str, mesh: etree._Element, own: Matrix,
                canvas: tuple[int, int], backend: Backend,
                cache: BoundedCache[EffectJob, EffectImage]) -> etree._Element | None:
    """An ``<image>`` (in the element's user space) of the mesh seen through the area the
    element's ``paint`` covers."""
    to_card = multiply(own, mesh_matrix(mesh, None))
    patches = tuple((p.points, p.colors, p.controls)
                    for p in (q.transformed(to_card) for q in mesh_patches(mesh)))
    area = _without_effects(node)
    area.attrib.pop("transform", None)
    other = "stroke" if paint == "fill" else "fill"
    area.set("style", re.sub(r"(^|;)\s*(fill|stroke)\s*:[^;]*", r"\1", area.get("style", ""))
             + f";{paint}:#000000;{other}:none")
    job = EffectJob(source=_document(root, [area], own, canvas), mesh=patches)
    result = cache.get_or_make(job, lambda job: render_effect(job, backend))
    if result is None:
        return None
    x, y, w, h, uri = result
    return etree.Element(svg("image"), {
        "x": str(x), "y": str(y), "width": str(w), "height": str(h), "preserveAspectRatio": "none",
        "transform": format_matrix(invert(own)), "{http://www.w3.org/1999/xlink}href": uri})


def _draw_meshes(root: etree._Element, width: int, height: int, backend: Backend,
                 cache: BoundedCache[EffectJob, EffectImage], dynamic: Dynamic) -> int:
    """Paint every mesh-gradient fill and stroke as an image of the mesh seen through the area
    the paint covers; the element stays for whatever else it paints. They stand in a group with
    the element's transform and effects, which the effects pass then draws as for any group."""
    if next(root.iter(svg("meshgradient")), None) is None:
        return 0  # the common case, at the cost of one walk of the tree
    view = view_matrix(root, width, height)
    by_id = ids(root)
    drawn = 0
    for node in _drawn_elements(root):
        parent = node.getparent()
        paints = node.get("style", "") + node.get("fill", "") + node.get("stroke", "")
        if parent is None or "url(" not in paints:
            continue
        meshes = {paint: _painted_with_mesh(node, paint, by_id) for paint in _PAINTS}
        if all(mesh is None for mesh in meshes.values()):
            continue
        check_deadline()
        _, own = _matrices(root, node, view)
        images = {paint: _mesh_image(root, node, paint, mesh, own, (width, height), backend, cache)
                  for paint, mesh in meshes.items() if mesh is not None}
        group = etree.Element(svg("g"))
        for name in (*_EFFECT_PROPERTIES, "clip-path", "transform"):
            value = own_property(node, name)
            if value is not None:
                group.set(name, value)
        parent.replace(node, group)
        dynamic.replaced(node, group)  # a value in it (a filled text) is in the group's copy now
        plain = _without_effects(node)
        plain.attrib.pop("transform", None)
        plain.attrib.pop("clip-path", None)
        style = re.sub(r"(^|;)\s*clip-path\s*:[^;]*", r"\1", plain.get("style", ""))
        plain.set("style", style + "".join(f";{paint}:none" for paint in meshes if meshes[paint] is not None))
        group.tail, plain.tail = node.tail, None
        # paint order: the fill, then the stroke (whichever of them is a mesh is an image)
        for part in (images.get("fill"), plain, images.get("stroke")):
            if part is not None:
                group.append(part)
        drawn += 1
    return drawn


def apply_effects(root: etree._Element, width: int, height: int, backend: Backend,
                  cache: BoundedCache[EffectJob, EffectImage], dynamic: Dynamic | None = None) -> int:
    """Replace every element with a filter, mask or blend mode CairoSVG cannot draw by an
    image of the result.

    :param cache: results by job (the markup that made them): a static blurred shape is
        computed once per template, not once per request.
    :param dynamic: the document's elements that hold a value: an image that replaces one of
        them, or an element holding one, takes its place there.
    :return: how many elements were replaced.
    """
    dynamic = Dynamic() if dynamic is None else dynamic
    replaced = _draw_meshes(root, width, height, backend, cache, dynamic)
    view = view_matrix(root, width, height)
    by_id: dict[str, etree._Element] | None = None  # read when an element first may need og
    changed = False
    for node in _drawn_elements(root):
        parent = node.getparent()
        if parent is None or (changed and node.getroottree().getroot() is not root):
            continue  # the root itself, or inside an element already drawn by og
        check_deadline()
        if not _may_need_og(node):
            continue
        by_id = ids(root) if by_id is None else by_id
        found = _job_for(root, node, view, by_id, (width, height))
        if found is None:
            continue
        job, outer = found
        result = cache.get_or_make(job, lambda job: render_effect(job, backend))
        changed = True
        if result is None:
            parent.remove(node)
            continue
        x, y, w, h, uri = result
        image = etree.Element(svg("image"), {
            "x": str(x), "y": str(y), "width": str(w), "height": str(h),
            "preserveAspectRatio": "none",
            "transform": format_matrix(invert(outer)),
            "{http://www.w3.org/1999/xlink}href": uri,
        })
        if node.get("id"):
            image.set("id", node.get("id", ""))
        dynamic.replaced(node, image)
        image.tail = node.tail
        parent.replace(node, image)
        replaced += 1
    return replaced
