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
import functools
import math
import re
import typing as t

import numpy as np
from lxml import etree

from . import encode
from . import raster
from .layers import painted_before
from .style import fraction
from .style import length
from .style import parse_declarations
from .xmlns import DYNAMIC
from .xmlns import URL_ID
from .xmlns import ids
from .xmlns import local_name
from .xmlns import svg

MAX_EFFECT_CACHE_ENTRIES = 128
_TRANSFORM = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")
#: Primitives og implements; a filter using anything else is left to CairoSVG (and ``og check``).
PRIMITIVES = frozenset({"feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge",
                        "feBlend", "feColorMatrix"})
NEEDS_OG = frozenset({"feGaussianBlur", "feComposite", "feMerge", "feColorMatrix"})

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as in SVG
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` applied inside it (SVG's ``transform="m n"``)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        return IDENTITY
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def parse_transform(text: str | None) -> Matrix:
    """An SVG ``transform`` attribute as one matrix.

    >>> parse_transform("translate(10,5) scale(2)")
    (2.0, 0.0, 0.0, 2.0, 10.0, 5.0)
    """
    matrix = IDENTITY
    for name, raw in _TRANSFORM.findall(text or ""):
        v = [float(x) for x in re.split(r"[\s,]+", raw.strip()) if x]
        if name == "matrix" and len(v) == 6:
            step = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate" and v:
            step = (1.0, 0.0, 0.0, 1.0, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            step = (v[0], 0.0, 0.0, v[1] if len(v) > 1 else v[0], 0.0, 0.0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0.0, 0.0)
            if len(v) == 3:
                step = multiply(multiply((1, 0, 0, 1, v[1], v[2]), step), (1, 0, 0, 1, -v[1], -v[2]))
        elif name == "skewX" and v:
            step = (1.0, 0.0, math.tan(math.radians(v[0])), 1.0, 0.0, 0.0)
        elif name == "skewY" and v:
            step = (1.0, math.tan(math.radians(v[0])), 0.0, 1.0, 0.0, 0.0)
        else:
            continue
        matrix = multiply(matrix, step)
    return matrix


def _format(m: Matrix) -> str:
    return "matrix(" + " ".join(f"{v:.6g}" for v in m) + ")"


def _view_matrix(root: etree._Element, width: int, height: int) -> Matrix:
    """User units of the root → output pixels (viewBox with the default xMidYMid meet)."""
    box = [float(v) for v in (root.get("viewBox") or "").replace(",", " ").split()][:4]
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        return IDENTITY
    scale = min(width / box[2], height / box[3])
    dx = (width - box[2] * scale) / 2 - box[0] * scale
    dy = (height - box[3] * scale) / 2 - box[1] * scale
    return (scale, 0.0, 0.0, scale, dx, dy)


def _own(node: etree._Element, name: str) -> str | None:
    """A property set on the element itself (style wins over the attribute)."""
    return dict(parse_declarations(node.get("style", ""))).get(name) or node.get(name)


def _filter_of(node: etree._Element) -> str | None:
    match = URL_ID.search(_own(node, "filter") or "")
    return match.group(1) if match else None


# --- pixel operations on premultiplied float RGBA (H, W, 4) in 0..1 --------------------------

def _box_blur(image: np.ndarray, size: int, axis: int, offset: int) -> np.ndarray:
    if size <= 1:
        return image
    pad = [(0, 0)] * image.ndim
    left = size // 2 + offset
    pad[axis] = (left + 1, size - left)
    padded = np.pad(image, pad)
    summed = np.cumsum(padded, axis=axis, dtype=np.float32)
    n = image.shape[axis]
    upper = np.take(summed, np.arange(size, size + n), axis=axis)
    lower = np.take(summed, np.arange(0, n), axis=axis)
    return (upper - lower) / size


def gaussian_blur(image: np.ndarray, sigma_x: float, sigma_y: float) -> np.ndarray:
    """Three box blurs per axis, as the SVG spec's feGaussianBlur suggests."""
    out = image
    for axis, sigma in ((1, sigma_x), (0, sigma_y)):
        if sigma <= 0:
            continue
        d = int(math.floor(sigma * 3 * math.sqrt(2 * math.pi) / 4 + 0.5))
        if d % 2 == 1:
            for _ in range(3):
                out = _box_blur(out, d, axis, 0)
        else:
            out = _box_blur(out, d, axis, 0)
            out = _box_blur(out, d, axis, -1)
            out = _box_blur(out, d + 1, axis, 0)
    return out


def _offset(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = image[ys, xs]
    return out


def _composite(a: np.ndarray, b: np.ndarray, operator: str, k: tuple[float, ...]) -> np.ndarray:
    alpha_a, alpha_b = a[..., 3:4], b[..., 3:4]
    if operator == "in":
        out = a * alpha_b
    elif operator == "out":
        out = a * (1 - alpha_b)
    elif operator == "atop":
        out = a * alpha_b + b * (1 - alpha_a)
    elif operator == "xor":
        out = a * (1 - alpha_b) + b * (1 - alpha_a)
    elif operator == "arithmetic":
        out = np.clip(k[0] * a * b + k[1] * a + k[2] * b + k[3], 0, 1)
    else:
        out = a + b * (1 - alpha_a)  # over
    return t.cast(np.ndarray, out)


def _blend(a: np.ndarray, b: np.ndarray, mode: str) -> np.ndarray:
    """``a`` is ``in`` (top), ``b`` is ``in2`` (bottom), both premultiplied."""
    alpha_a, alpha_b = a[..., 3:4], b[..., 3:4]
    if mode == "multiply":
        rgb = a[..., :3] * (1 - alpha_b) + b[..., :3] * (1 - alpha_a) + a[..., :3] * b[..., :3]
    elif mode == "screen":
        rgb = a[..., :3] + b[..., :3] - a[..., :3] * b[..., :3]
    elif mode == "darken":
        rgb = np.minimum((1 - alpha_a) * b[..., :3] + a[..., :3], (1 - alpha_b) * a[..., :3] + b[..., :3])
    elif mode == "lighten":
        rgb = np.maximum((1 - alpha_a) * b[..., :3] + a[..., :3], (1 - alpha_b) * a[..., :3] + b[..., :3])
    else:
        return _composite(a, b, "over", ())
    return np.concatenate([rgb, alpha_a + alpha_b - alpha_a * alpha_b], axis=-1)


def _color_matrix(image: np.ndarray, kind: str, values: list[float]) -> np.ndarray:
    alpha = image[..., 3:4]
    rgb = np.where(alpha > 0, image[..., :3] / np.maximum(alpha, 1e-6), 0)
    straight = np.concatenate([rgb, alpha], axis=-1)
    if kind == "saturate":
        s = values[0] if values else 1.0
        m = np.array([[0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s, 0, 0],
                      [0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s, 0, 0],
                      [0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s, 0, 0],
                      [0, 0, 0, 1, 0]])
    elif kind == "luminanceToAlpha":
        m = np.array([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0.2125, 0.7154, 0.0721, 0, 0]])
    elif kind == "matrix" and len(values) == 20:
        m = np.array(values).reshape(4, 5)
    else:
        return image
    out = np.clip(straight @ m[:, :4].T + m[:, 4], 0, 1).astype(np.float32)
    return np.concatenate([out[..., :3] * out[..., 3:4], out[..., 3:4]], axis=-1)


def _flood(shape: tuple[int, ...], color: str, opacity: float) -> np.ndarray:
    rgb = _parse_color(color)
    out = np.empty(shape, dtype=np.float32)
    out[..., :3] = np.array(rgb, dtype=np.float32) * opacity
    out[..., 3] = opacity
    return out


def _parse_color(color: str) -> tuple[float, float, float]:
    color = color.strip().lower()
    if color.startswith("#") and len(color) in (4, 7):
        digits = color[1:] if len(color) == 7 else "".join(ch * 2 for ch in color[1:])
        return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    match = re.match(r"rgb\(\s*([\d.]+)%?\s*,\s*([\d.]+)%?\s*,\s*([\d.]+)%?\s*\)", color)
    if match:
        scale = 100 if "%" in color else 255
        return tuple(float(v) / scale for v in match.groups())  # type: ignore[return-value]
    return {"white": (1.0, 1.0, 1.0)}.get(color, (0.0, 0.0, 0.0))


def run_filter(filter_node: etree._Element, source: np.ndarray, scale: float) -> np.ndarray:
    """Apply the filter's primitives to ``source`` (premultiplied RGBA floats)."""
    results: dict[str, np.ndarray] = {}
    previous = source

    def take(name: str | None) -> np.ndarray:
        if not name:
            return previous
        if name == "SourceGraphic":
            return source
        if name == "SourceAlpha":
            out = np.zeros_like(source)
            out[..., 3] = source[..., 3]
            return out
        return results.get(name, previous)

    for primitive in filter_node:
        if not isinstance(primitive.tag, str):
            continue
        kind = local_name(primitive)
        style = dict(parse_declarations(primitive.get("style", "")))
        if kind == "feGaussianBlur":
            deviation = (primitive.get("stdDeviation") or "0").replace(",", " ")
            sigmas = [float(v) * scale for v in deviation.split()]
            out = gaussian_blur(take(primitive.get("in")), sigmas[0], sigmas[-1])
        elif kind == "feOffset":
            out = _offset(take(primitive.get("in")), round(float(primitive.get("dx", 0)) * scale),
                          round(float(primitive.get("dy", 0)) * scale))
        elif kind == "feFlood":
            color = style.get("flood-color") or primitive.get("flood-color") or "black"
            opacity = float(style.get("flood-opacity") or primitive.get("flood-opacity") or 1)
            out = _flood(source.shape, color, opacity)
        elif kind == "feComposite":
            k = tuple(float(primitive.get(f"k{i}", 0)) for i in range(1, 5))
            out = _composite(take(primitive.get("in")), take(primitive.get("in2")),
                             primitive.get("operator", "over"), k)
        elif kind == "feMerge":
            out = np.zeros_like(source)
            for node in primitive:
                if isinstance(node.tag, str):
                    out = _composite(take(node.get("in")), out, "over", ())
        elif kind == "feBlend":
            mode = primitive.get("mode", "normal")
            out = _blend(take(primitive.get("in")), take(primitive.get("in2")), mode)
        elif kind == "feColorMatrix":
            values = [float(v) for v in (primitive.get("values") or "").replace(",", " ").split()]
            out = _color_matrix(take(primitive.get("in")), primitive.get("type", "matrix"), values)
        else:
            continue
        previous = out.astype(np.float32)
        if primitive.get("result"):
            results[primitive.get("result", "")] = previous
    return previous


def _region(filter_node: etree._Element, alpha: np.ndarray, scale: float) -> tuple[int, int, int, int]:
    """The filter region in pixels, from the source's bounding box (objectBoundingBox units)."""
    ys, xs = np.nonzero(alpha > 1e-3)
    h, w = alpha.shape
    if not len(xs):
        return 0, 0, 0, 0
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    bw, bh = x1 - x0, y1 - y0
    if filter_node.get("filterUnits") == "userSpaceOnUse":
        fx = (length(filter_node.get("x")) or 0) * scale
        fy = (length(filter_node.get("y")) or 0) * scale
        return (max(0, int(fx)), max(0, int(fy)),
                min(w, int(fx + (length(filter_node.get("width")) or w) * scale)),
                min(h, int(fy + (length(filter_node.get("height")) or h) * scale)))

    left = x0 + fraction(filter_node.get("x"), -0.1) * bw
    top = y0 + fraction(filter_node.get("y"), -0.1) * bh
    right = left + fraction(filter_node.get("width"), 1.2) * bw
    bottom = top + fraction(filter_node.get("height"), 1.2) * bh
    return (max(0, math.floor(left)), max(0, math.floor(top)),
            min(w, math.ceil(right)), min(h, math.ceil(bottom)))


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


def _premultiplied(svg: bytes) -> np.ndarray:
    straight = encode.pixels(raster.rasterize(svg)).astype(np.float32) / 255
    return np.concatenate([straight[..., :3] * straight[..., 3:4], straight[..., 3:4]], axis=-1)


def _luminance(mask: np.ndarray) -> np.ndarray:
    """Luminance mask values: the mask content's luminance times its alpha."""
    weights = np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)
    luminance: np.ndarray = mask[..., :3] @ weights
    return luminance


BLEND_MODES: dict[str, t.Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "multiply": lambda b, s: b * s,
    "screen": lambda b, s: b + s - b * s,
    "darken": np.minimum,
    "lighten": np.maximum,
    "difference": lambda b, s: np.abs(b - s),
    "overlay": lambda b, s: np.where(b <= 0.5, 2 * b * s, 1 - 2 * (1 - b) * (1 - s)),
    "hard-light": lambda b, s: np.where(s <= 0.5, 2 * b * s, 1 - 2 * (1 - b) * (1 - s)),
    "exclusion": lambda b, s: b + s - 2 * b * s,
}


def _mix(source: np.ndarray, backdrop: np.ndarray, mode: str) -> np.ndarray:
    """W3C compositing: the source's colour becomes (1 - αb)·Cs + αb·B(Cb, Cs)."""
    alpha_s, alpha_b = source[..., 3:4], backdrop[..., 3:4]
    cs = np.where(alpha_s > 0, source[..., :3] / np.maximum(alpha_s, 1e-6), 0)
    cb = np.where(alpha_b > 0, backdrop[..., :3] / np.maximum(alpha_b, 1e-6), 0)
    mixed = (1 - alpha_b) * cs + alpha_b * BLEND_MODES[mode](cb, cs)
    return np.concatenate([mixed * alpha_s, alpha_s], axis=-1).astype(np.float32)


@functools.lru_cache(maxsize=MAX_EFFECT_CACHE_ENTRIES)
def _render_effect(job: EffectJob) -> tuple[int, int, int, int, str] | None:
    """Draw the element with its effects; return its crop box and a PNG data URI."""
    out = _premultiplied(job.source)
    height, width = out.shape[:2]
    x0, y0, x1, y1 = 0, 0, width, height
    if job.filter_markup is not None:
        filter_node = etree.fromstring(job.filter_markup)
        x0, y0, x1, y1 = _region(filter_node, out[..., 3], job.scale)
        out = run_filter(filter_node, out, job.scale)
    if job.mask is not None:
        out = out * _luminance(_premultiplied(job.mask))[..., None]
    if job.opacity < 1:
        out = out * job.opacity
    if job.backdrop is not None and job.blend in BLEND_MODES:
        out = _mix(out, _premultiplied(job.backdrop), job.blend)
    out = out[y0:y1, x0:x1]
    ys, xs = np.nonzero(out[..., 3] > 1 / 512)
    if not len(xs):
        return None
    top, left, bottom, right = ys.min(), xs.min(), ys.max() + 1, xs.max() + 1
    out = out[top:bottom, left:right]
    alpha = out[..., 3:4]
    rgb = np.where(alpha > 0, out[..., :3] / np.maximum(alpha, 1e-6), 0)
    rgba = (np.clip(np.concatenate([rgb, alpha], axis=-1), 0, 1) * 255 + 0.5).astype(np.uint8)
    uri = "data:image/png;base64," + base64.b64encode(encode.encode_png(rgba)).decode("ascii")
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
    group = etree.SubElement(doc, svg("g"), {"transform": _format(ctm)})
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
    match = URL_ID.search(_own(node, name) or "")
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
    blend = (_own(node, "mix-blend-mode") or "normal").strip()
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
        opacity = float(_own(node, "opacity") or 1)
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


def apply_effects(root: etree._Element, width: int, height: int) -> int:
    """Replace every element with a filter, mask or blend mode CairoSVG cannot draw by an
    image of the result.

    :return: how many elements were replaced.
    """
    view = _view_matrix(root, width, height)
    by_id = ids(root)
    replaced = 0
    for node in list(root.iter(etree.Element)):
        parent = node.getparent()
        if parent is None or node.getroottree().getroot() is not root:
            continue  # the root itself, or inside an element already drawn by og
        if any(local_name(a) in ("defs", "mask", "clipPath", "pattern", "marker", "symbol")
               for a in node.iterancestors()):
            continue
        found = _job_for(root, node, view, by_id)
        if found is None:
            continue
        job, outer = found
        result = _render_effect(job)
        if result is None:
            parent.remove(node)
            continue
        x, y, w, h, uri = result
        image = etree.Element(svg("image"), {
            "x": str(x), "y": str(y), "width": str(w), "height": str(h),
            "preserveAspectRatio": "none",
            "transform": _format(invert(outer)),
            "{http://www.w3.org/1999/xlink}href": uri,
        })
        for name in ("id", DYNAMIC):
            if node.get(name):
                image.set(name, node.get(name, ""))
        image.tail = node.tail
        parent.replace(node, image)
        replaced += 1
    return replaced
