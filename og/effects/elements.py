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
from ..svg.css import own_property
from ..svg.geometry import Matrix
from ..svg.geometry import format_matrix
from ..svg.geometry import invert
from ..svg.geometry import multiply
from ..svg.geometry import parse_transform
from ..svg.geometry import view_matrix
from ..svg.names import DYNAMIC
from ..svg.names import URL_ID
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
from .filters import filter_region
from .filters import run_filter

#: Alpha under which an effect's pixels count as empty when cropping its image.
CROP_INK_THRESHOLD = 1 / 512


class Backend(t.Protocol):
    """What effects need from the raster backend (:class:`og.raster.backend.CairoBackend`)."""

    def pixels(self, svg: bytes) -> np.ndarray: ...
    def png(self, rgba: np.ndarray) -> bytes: ...


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


def _premultiplied(backend: Backend, svg: bytes) -> np.ndarray:
    return premultiply(backend.pixels(svg).astype(np.float32) / 255)


def render_effect(job: EffectJob, backend: Backend) -> EffectImage:
    """Draw the element with its effects; return its crop box and a PNG data URI."""
    out = _premultiplied(backend, job.source)
    height, width = out.shape[:2]
    x0, y0, x1, y1 = 0, 0, width, height
    if job.filter_markup is not None:
        filter_node = etree.fromstring(job.filter_markup)
        x0, y0, x1, y1 = filter_region(filter_node, out[..., 3], job.scale)
        out = run_filter(filter_node, out, job.scale)
    if job.mask is not None:
        out = out * luminance(_premultiplied(backend, job.mask))[..., None]
    if job.opacity < 1:
        out = out * job.opacity
    if job.backdrop is not None and job.blend in BLEND_MODES:
        out = mix(out, _premultiplied(backend, job.backdrop), job.blend)
    out = out[y0:y1, x0:x1]
    ys, xs = np.nonzero(out[..., 3] > CROP_INK_THRESHOLD)
    if not len(xs):
        return None
    top, left, bottom, right = ys.min(), xs.min(), ys.max() + 1, xs.max() + 1
    out = out[top:bottom, left:right]
    rgba = (np.clip(unpremultiply(out), 0, 1) * 255 + 0.5).astype(np.uint8)
    uri = "data:image/png;base64," + base64.b64encode(backend.png(rgba)).decode("ascii")
    return int(x0 + left), int(y0 + top), int(right - left), int(bottom - top), uri


#: Properties og takes over from CairoSVG when it draws an element's effects itself.
_EFFECT_PROPERTIES = ("filter", "mask", "opacity", "mix-blend-mode")


def _document(root: etree._Element, content: t.Iterable[etree._Element], ctm: Matrix) -> bytes:
    """A document with the root's size, defs and styles, and ``content`` under ``ctm``."""
    doc = etree.Element(root.tag, {k: v for k, v in root.attrib.items()
                                   if k in ("width", "height", "viewBox", "preserveAspectRatio")},
                        nsmap=root.nsmap)
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


def _job_for(root: etree._Element, node: etree._Element, view: Matrix,
             by_id: t.Mapping[str, etree._Element]) -> tuple[EffectJob, Matrix] | None:
    """What og must draw for ``node``, or None when CairoSVG can draw it alone."""
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
    outer = view
    for ancestor in reversed(list(node.iterancestors())):
        outer = multiply(outer, parse_transform(ancestor.get("transform")))
    own = multiply(outer, parse_transform(node.get("transform")))
    a, b, c, d = own[:4]
    to_user = invert(view)
    try:
        opacity = float(own_property(node, "opacity") or 1)
    except ValueError:
        opacity = 1.0
    job = EffectJob(
        source=_document(root, [_without_effects(node)], multiply(to_user, outer)),
        filter_markup=etree.tostring(filter_node) if filter_node is not None else None,
        mask=_document(root, list(mask), multiply(to_user, own)) if mask is not None else None,
        backdrop=_backdrop(root, node) if blend != "normal" else None,
        blend=blend,
        opacity=opacity,
        # stdDeviation and offsets are in the element's user space: they scale with all of it.
        scale=round(math.sqrt(abs(a * d - b * c)) or 1.0, 6),
    )
    return job, outer


def apply_effects(root: etree._Element, width: int, height: int, backend: Backend,
                  cache: BoundedCache[EffectJob, EffectImage]) -> int:
    """Replace every element with a filter, mask or blend mode CairoSVG cannot draw by an
    image of the result.

    :param cache: results by job (the markup that made them): a static blurred shape is
        computed once per template, not once per request.
    :return: how many elements were replaced.
    """
    view = view_matrix(root, width, height)
    by_id = ids(root)
    replaced = 0
    for node in list(root.iter(etree.Element)):
        parent = node.getparent()
        if parent is None or node.getroottree().getroot() is not root:
            continue  # the root itself, or inside an element already drawn by og
        if any(local_name(a) in ("defs", "mask", "clipPath", "pattern", "marker", "symbol")
               for a in node.iterancestors()):
            continue
        check_deadline()
        found = _job_for(root, node, view, by_id)
        if found is None:
            continue
        job, outer = found
        result = cache.get_or_make(job, lambda job: render_effect(job, backend))
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
        for name in ("id", DYNAMIC):
            if node.get(name):
                image.set(name, node.get(name, ""))
        image.tail = node.tail
        parent.replace(node, image)
        replaced += 1
    return replaced
